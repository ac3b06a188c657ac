import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRules } from './engine.ts';
import { conditionHolds, conditionOperatorRegistry, holdsWhenNotGiven, leastIntegerHolding } from './operators.ts';
import { ZConditionTree } from './schemas.ts';

type Value = number | string | boolean | null | (number | string | boolean)[];

/** What json-rules-engine itself says, through the one module that talks to it: true, false or "throws". */
async function engineSays(operator: string, fact: unknown, value: Value): Promise<boolean | 'throws'> {
  const rules = compileRules([{ id: 'r', conditions: { fact: 'x', operator: operator as never, value } }]);
  try {
    return (await rules.evaluate({ x: fact })).get('r')!;
  } catch {
    return 'throws';
  }
}

function registrySays(operator: string, fact: unknown, value: Value): boolean | 'throws' {
  try {
    return conditionHolds(operator, fact ?? undefined, value);
  } catch {
    return 'throws';
  }
}

const facts: unknown[] = [
  undefined,
  0,
  -0,
  1,
  9_999_999,
  10_000_000,
  10_000_000.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  2 ** 53,
  'A',
  'B',
  '12',
  '12h',
  '',
  true,
  [1, 2],
  ['A'],
];
const values: Value[] = [0, 10_000_000, 12, 2.5, 'A', 'AB', '10', true, null, [10_000_000, 'A'], ['B', 'C'], []];

describe('condition operators, held against json-rules-engine', () => {
  it('covers every operator the rules schema accepts, and no other', () => {
    for (const operator of conditionOperatorRegistry.keys) {
      expect(ZConditionTree.safeParse({ fact: 'x', operator, value: 1 }).success, operator).toBe(true);
    }
    expect(ZConditionTree.safeParse({ fact: 'x', operator: 'startsWith', value: 'a' }).success).toBe(false);
  });

  it.each(conditionOperatorRegistry.keys)('%s: holds exactly where the engine says it does', async (operator) => {
    for (const fact of facts) {
      for (const value of values) {
        expect(registrySays(operator, fact, value), `${JSON.stringify(fact)} ${operator} ${JSON.stringify(value)}`).toBe(
          await engineSays(operator, fact, value),
        );
      }
    }
  });

  it('agrees with the engine on random facts and values', async () => {
    const scalar = fc.oneof(fc.double(), fc.integer(), fc.string({ maxLength: 3 }), fc.boolean());
    const value: fc.Arbitrary<Value> = fc.oneof(scalar, fc.constant(null), fc.array(scalar, { maxLength: 4 }));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...conditionOperatorRegistry.keys),
        fc.oneof(scalar, fc.constant(undefined)),
        value,
        async (op, f, v) => {
          expect(registrySays(op, f, v)).toBe(await engineSays(op, f, v));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('knows which conditions a missing input meets: notEqual and notIn only', () => {
    const held = conditionOperatorRegistry.keys.filter((operator) => holdsWhenNotGiven({ operator, value: ['A'] }));
    expect(held).toEqual(['notEqual', 'notIn']);
    // The engine throws on a membership test against a number; such a band holds for no one.
    expect(holdsWhenNotGiven({ operator: 'notIn', value: 5 })).toBe(false);
  });

  it('gives the least whole amount a lower bound lets in', () => {
    expect(leastIntegerHolding({ operator: 'greaterThanInclusive', value: 10_000_000 })).toBe(10_000_000);
    expect(leastIntegerHolding({ operator: 'greaterThan', value: 10_000_000 })).toBe(10_000_001);
    expect(leastIntegerHolding({ operator: 'greaterThan', value: 9.5 })).toBe(10);
    expect(leastIntegerHolding({ operator: 'greaterThanInclusive', value: 9.5 })).toBe(10);
    expect(leastIntegerHolding({ operator: 'lessThan', value: 10 })).toBeNull();
    expect(leastIntegerHolding({ operator: 'greaterThan', value: '10' })).toBeNull();
    for (const operator of ['greaterThan', 'greaterThanInclusive']) {
      for (const value of [0, 9.5, 10_000_000, -3.2]) {
        const least = leastIntegerHolding({ operator, value })!;
        expect(conditionHolds(operator, least, value)).toBe(true);
        expect(conditionHolds(operator, least - 1, value)).toBe(false);
      }
    }
  });
});

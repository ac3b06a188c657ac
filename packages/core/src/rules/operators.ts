/**
 * The operators a rule condition may use, each defined once, with the meaning json-rules-engine 7
 * gives it (engine-default-operators.js). Three readers used to restate it each in their own way: the
 * decision-table compiler (where an operator cuts a factor's input domain), the tier table as SQL
 * (api domain/oversight-bands.ts) and the UI's "what would change the tier". They now read `kind`,
 * `sql` and `conditionHolds` from here, and operators.test.ts holds `conditionHolds` against the engine
 * itself for every operator over numbers, strings, lists, NaN and a missing input — so an engine
 * upgrade that changes an operator fails a test instead of silently parting the three.
 *
 * - `order`: the engine first requires the fact to parse as a number (`parseFloat`), then compares with
 *   JavaScript's `<`, `<=`, `>`, `>=` (so a string value would be coerced: the compiler and SQL refuse it).
 * - `equality`: `===` / `!==`; a value of another type never equals.
 * - `membership`: the fact is looked up in the value with `indexOf` — an element of a list, or (a
 *   value nobody means to write) a substring of a string; any other value makes the engine throw.
 * - `collection`: the fact must itself be a list, which an oversight input never is.
 */
// A list without zod: the UI's "what would change it" runs `conditionHolds` on the overview, which
// loads no schemas (schemas.ts adds the enum).
import { defineList, type KeyOf } from '../registry/define-list.ts';

export type TOperatorKind = 'order' | 'equality' | 'membership' | 'collection';

export const conditionOperatorRegistry = defineList('condition operator', [
  { key: 'equal', kind: 'equality', isNegated: false, sql: '=', ja: '等しい', en: 'equal to' },
  { key: 'notEqual', kind: 'equality', isNegated: true, sql: '<>', ja: '等しくない', en: 'not equal to' },
  { key: 'lessThan', kind: 'order', isNegated: false, sql: '<', ja: '未満', en: 'less than' },
  { key: 'lessThanInclusive', kind: 'order', isNegated: false, sql: '<=', ja: '以下', en: 'at most' },
  { key: 'greaterThan', kind: 'order', isNegated: false, sql: '>', ja: '超', en: 'more than' },
  { key: 'greaterThanInclusive', kind: 'order', isNegated: false, sql: '>=', ja: '以上', en: 'at least' },
  { key: 'in', kind: 'membership', isNegated: false, sql: 'in', ja: 'いずれか', en: 'one of' },
  { key: 'notIn', kind: 'membership', isNegated: true, sql: 'not in', ja: 'いずれでもない', en: 'none of' },
  { key: 'contains', kind: 'collection', isNegated: false, sql: null, ja: '含む', en: 'contains' },
  { key: 'doesNotContain', kind: 'collection', isNegated: true, sql: null, ja: '含まない', en: 'does not contain' },
] as const satisfies readonly [OperatorEntry, ...OperatorEntry[]]);
type OperatorEntry = { key: string; kind: TOperatorKind; isNegated: boolean; sql: string | null; ja: string; en: string };
export type TConditionOperator = KeyOf<typeof conditionOperatorRegistry>;

/** The engine's test before an order comparison: the fact parses as a number (so `'12h'` does, `null` does not). */
const parsesAsNumber = (fact: unknown) => Number.parseFloat(fact as string).toString() !== 'NaN';

/** `a < b` and friends with JavaScript's coercions, which the engine applies to whatever it is given. */
function compare(sql: string, fact: unknown, value: unknown): boolean {
  const [a, b] = [fact as number, value as number];
  if (sql === '<') return a < b;
  if (sql === '<=') return a <= b;
  if (sql === '>') return a > b;
  return a >= b;
}

/**
 * Whether `fact operator value` holds, exactly as json-rules-engine decides it; `fact` undefined is an
 * input not given (the engine runs with allowUndefinedFacts). Throws a TypeError where the engine does
 * (a membership test against a value that is neither a list nor a string), false for an operator
 * this registry does not know.
 */
export function conditionHolds(operator: string, fact: unknown, value: unknown): boolean {
  if (!conditionOperatorRegistry.has(operator)) return false;
  const { kind, isNegated, sql } = conditionOperatorRegistry.get(operator);
  switch (kind) {
    case 'equality':
      return (fact === value) !== isNegated;
    case 'order':
      return parsesAsNumber(fact) && compare(sql, fact, value);
    case 'membership':
      return (value as { indexOf(x: unknown): number }).indexOf(fact) > -1 !== isNegated;
    case 'collection':
      return Array.isArray(fact) && fact.indexOf(value) > -1 !== isNegated;
  }
}

/**
 * Whether a condition holds for an input that is not given: `notEqual` and `notIn` do (undefined equals
 * nothing and is in no list), everything else fails. A condition the engine would throw on holds for no one.
 */
export function holdsWhenNotGiven(condition: { operator: string; value: unknown }): boolean {
  try {
    return conditionHolds(condition.operator, undefined, condition.value);
  } catch {
    return false;
  }
}

/**
 * The least integer for which an order condition holds (`greaterThan 9.5` → 10, `greaterThanInclusive
 * 10` → 10); null for a condition that sets no lower bound. For amounts in whole yen.
 */
export function leastIntegerHolding(condition: { operator: string; value: unknown }): number | null {
  if (!conditionOperatorRegistry.has(condition.operator) || typeof condition.value !== 'number') return null;
  if (!Number.isFinite(condition.value)) return null;
  const { sql } = conditionOperatorRegistry.get(condition.operator);
  if (sql === '>') return Math.floor(condition.value) + 1;
  if (sql === '>=') return Math.ceil(condition.value);
  return null;
}

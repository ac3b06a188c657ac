import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPolicy } from '../policy.ts';
import { defaultRulesets } from '../rules/default-rulesets.ts';
import { type LoadedRuleset, parseRuleset } from '../rules/engine.ts';
import type { TOversightRuleset } from '../rules/schemas.ts';
import {
  bandNotGiven,
  compileOversightRuleset,
  decisionRowJsonPieces,
  oversightValueAffixes,
  type ValueAffixes,
} from './decision-table.ts';
import { createOversightEvaluator, type TOversightInput } from './evaluate-oversight.ts';
import { addBandsOfEveryOperator, reviseOversightThresholds } from './ruleset-variants.ts';

const base = defaultRulesets['oversight-tier'];

function variant(name: string, edit: (ruleset: TOversightRuleset) => void): [string, LoadedRuleset<'oversight-tier'>] {
  const content = structuredClone(base.content);
  edit(content);
  return [name, parseRuleset('oversight-tier', `${name}.json`, content)];
}
const factorOf = (ruleset: TOversightRuleset, name: string) => ruleset.factors.find((f) => f.factor === name)!;

/** The rule variants the API tests re-tier with (domain/oversight.test.ts, routes/rules.test.ts), and a few harder ones. */
const compilable = [
  ['default', base] as [string, LoadedRuleset<'oversight-tier'>],
  variant('revised', reviseOversightThresholds),
  variant('every-operator', addBandsOfEveryOperator),
  variant('digits-in-labels', (r) => {
    // A label holding digits the value also has: the template must cut at the value, not at the label.
    factorOf(r, 'budget').label = { ja: '予算規模（2020年度基準）', en: 'Budget size (2020 basis)' };
    factorOf(r, 'downtime').bands[0]!.label = { ja: '2時間以内（2 h）', en: '2 h or less (2 h)' };
  }),
  variant('fractions-and-overlaps', (r) => {
    // Thresholds that are not integers, next to each other, and overlapping bands (the higher tier wins).
    factorOf(r, 'downtime').bands = [
      { tier: 3, label: { ja: 'a', en: 'a' }, conditions: [{ operator: 'lessThan', value: 0.1 + 0.2 }] },
      { tier: 2, label: { ja: 'b', en: 'b' }, conditions: [{ operator: 'lessThanInclusive', value: 12.5 }] },
      { tier: 1, label: { ja: 'c', en: 'c' }, conditions: [{ operator: 'greaterThan', value: 0.3 }] },
    ];
    factorOf(r, 'budget').bands[1]!.conditions.push({ operator: 'notEqual', value: 20_000_000 });
    factorOf(r, 'budget').bands.push({ tier: 2, label: { ja: 'd', en: 'd' }, conditions: [{ operator: 'in', value: [-5, 1e300] }] });
  }),
  variant('top-tier-2', (r) => {
    // Nothing reaches tier 3: a tier is set only when all three factors are known.
    r.maxTier = 2;
    factorOf(r, 'budget').bands = factorOf(r, 'budget').bands.filter((b) => b.tier < 3);
    factorOf(r, 'downtime').bands = factorOf(r, 'downtime').bands.filter((b) => b.tier < 3);
  }),
];

/** Rulesets whose conditions have no exact cut: the engine answers every evaluation. */
const notCompilable = [
  variant('substring-in', (r) => {
    factorOf(r, 'confidentiality').bands[1]!.conditions = [{ operator: 'in', value: 'BC' }];
    factorOf(r, 'budget').bands[2]!.conditions = [{ operator: 'in', value: '123' }];
  }),
  variant('string-threshold', (r) => {
    factorOf(r, 'budget').bands[2]!.conditions = [{ operator: 'lessThan', value: '10000000' }];
  }),
  variant('too-many-bands', (r) => {
    // 100 budget bands × 100 downtime bands: 41,616 combinations, more than a table is worth.
    for (const name of ['budget', 'downtime'])
      factorOf(r, name).bands = Array.from({ length: 100 }, (_, i) => ({
        tier: 1 as const,
        label: { ja: `${i}`, en: `${i}` },
        conditions: [{ operator: 'lessThan' as const, value: (i + 1) * 1000 }],
      }));
  }),
];

/** Every number a ruleset's conditions name, and the doubles around it. */
function boundaryNumbers(ruleset: LoadedRuleset<'oversight-tier'>): number[] {
  const out = new Set<number>([0, -0, 1, -1, 0.5, 2 ** 53, Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, Number.POSITIVE_INFINITY]);
  out.add(Number.NEGATIVE_INFINITY).add(Number.NaN).add(1e-7).add(1e21);
  const next = (x: number, up: boolean) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    const bits = view.getBigInt64(0);
    view.setBigInt64(0, x === 0 ? (up ? 1n : -9223372036854775807n) : bits + (x > 0 === up ? 1n : -1n));
    return view.getFloat64(0);
  };
  for (const factor of ruleset.content.factors)
    for (const band of factor.bands)
      for (const { value } of band.conditions)
        for (const v of Array.isArray(value) ? value : [value]) {
          if (typeof v !== 'number') continue;
          for (const x of [v, v - 1, v + 1, next(v, true), next(v, false), v / 2, v * 2, -v]) out.add(x);
        }
  return [...out];
}

const caseInputs = (
  JSON.parse(readFileSync(fileURLToPath(new URL('../../../../rules/tests/oversight-tier.cases.json', import.meta.url)), 'utf8')) as {
    cases: { input: TOversightInput }[];
  }
).cases.map((c) => c.input);

function inputs(ruleset: LoadedRuleset<'oversight-tier'>) {
  const edges = boundaryNumbers(ruleset);
  const missing = fc.constantFrom(null, undefined);
  const number = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...edges) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 200_000_000 }) },
    { weight: 1, arbitrary: fc.maxSafeInteger() },
    { weight: 2, arbitrary: fc.double() },
    { weight: 1, arbitrary: missing },
  );
  return fc.record(
    {
      budgetJpy: number,
      maxDowntimeHours: number,
      confidentiality: fc.oneof(fc.constantFrom('A', 'B', 'C'), missing),
    },
    { requiredKeys: [] },
  ) as fc.Arbitrary<TOversightInput>;
}

/** Thousands of engine runs per test: generous, so a busy shared machine does not fail them by the clock. */
const propertyTimeout = 120_000;

describe('the oversight decision table', () => {
  it('has a few dozen rows for the default rules: budget and downtime in 3 bands, confidentiality in 2, each also not given or unrated', async () => {
    const table = await compileOversightRuleset(base);
    expect(table.fallback).toBeNull();
    expect(table.factors.map((f) => f.cells)).toEqual([
      { type: 'number', cuts: [10_000_000, 50_000_000], cells: [2, 1, 1, 0, 0], nan: -1 },
      { type: 'number', cuts: [2, 12], cells: [0, 0, 1, 1, 2], nan: -1 },
      { type: 'code', codes: { A: 0, B: 1, C: 1 } },
    ]);
    expect(table.rows).toHaveLength(5 * 5 * 3);
    const row = table.rowOf([1, 2, bandNotGiven])!;
    expect(row).toMatchObject({ tier: null, lowerBound: 2, reviewerRole: null, missing: ['confidentiality'] });
    expect(row.factors[0]!.reasonJa).toEqual(['予算規模：', 'は「5,000万円未満（1,000万円以上）」→ 区分2（この観点が区分を決定）']);
  });

  it('puts exactly ¥10,000,000 in tier 2 and 12 h in tier 2, as the engine does', async () => {
    const table = await compileOversightRuleset(base);
    expect(table.evaluateFromTable({ budgetJpy: 10_000_000, maxDowntimeHours: 12.5, confidentiality: 'B' })?.tier).toBe(2);
    expect(table.evaluateFromTable({ budgetJpy: 9_999_999, maxDowntimeHours: 12, confidentiality: 'B' })?.tier).toBe(2);
    expect(table.evaluateFromTable({ budgetJpy: 9_999_999, maxDowntimeHours: 12.000001, confidentiality: 'C' })?.tier).toBe(1);
  });

  for (const [name, ruleset] of compilable) {
    it(
      `equals the engine for random and boundary inputs: ${name} rules`,
      async () => {
        const table = await compileOversightRuleset(ruleset);
        const engine = createOversightEvaluator(ruleset);
        expect(table.fallback).toBeNull();
        expect(table.rows.length).toBeLessThanOrEqual(200);
        for (const input of caseInputs) expect(table.evaluateFromTable(input)).toEqual(await engine(input));
        await fc.assert(
          fc.asyncProperty(inputs(ruleset), async (input) => {
            // From the table alone: every input the schema allows is covered, none falls back to the engine.
            const fromTable = table.evaluateFromTable(input);
            expect(fromTable).not.toBeNull();
            // toEqual tells -0 from 0 and NaN from null, so the value shown is the input's own.
            const expected = await engine(input);
            expect(fromTable).toEqual(expected);
            // The answer the API writes from the row's JSON pieces is the engine's evaluation as JSON.
            expect(table.evaluateJsonFromTable(input)).toBe(JSON.stringify(expected));
          }),
          { numRuns: 3000 },
        );
      },
      propertyTimeout,
    );
  }

  for (const [name, ruleset] of notCompilable) {
    it(
      `leaves a ruleset it cannot band to the engine, and says why: ${name}`,
      async () => {
        const table = await compileOversightRuleset(ruleset);
        const engine = createOversightEvaluator(ruleset);
        expect(table.fallback).toMatch(/budget|confidentiality|combinations/);
        expect(table.rows).toEqual([]);
        await fc.assert(
          fc.asyncProperty(inputs(ruleset), async (input) => {
            expect(table.evaluateFromTable(input)).toBeNull();
            expect(table.evaluateJsonFromTable(input)).toBeNull();
            expect(await table.evaluate(input)).toEqual(await engine(input));
            expect(await table.evaluateJson(input)).toBe(JSON.stringify(await engine(input)));
          }),
          { numRuns: 300 },
        );
      },
      propertyTimeout,
    );
  }

  it(
    'cuts each row into JSON pieces that, filled with the values, are the evaluation as JSON text',
    async () => {
      const written = new Intl.NumberFormat('ja-JP');
      const affixes: Record<string, ValueAffixes> = {
        budgetJpy: oversightValueAffixes('budgetJpy', 1_234_567, '1,234,567'),
        maxDowntimeHours: oversightValueAffixes('maxDowntimeHours', 1.5, '1.5'),
        confidentiality: oversightValueAffixes('confidentiality', 'B', 'B'),
      };
      expect(affixes.budgetJpy).toEqual({ en: ['¥', ''], ja: ['', '円'] });
      for (const [, ruleset] of compilable) {
        const table = await compileOversightRuleset(ruleset);
        await fc.assert(
          fc.asyncProperty(inputs(ruleset), async (input) => {
            const bands = table.bandsOf(input)!;
            const pieces = decisionRowJsonPieces(table, table.rowOf(bands)!, (name) => affixes[name]!);
            expect(pieces).toHaveLength(3 * 3 + 1);
            const holes = table.factors.flatMap(({ input: name }) => {
              const value = input[name];
              if (value === null || value === undefined) return ['', '', ''];
              const text = name === 'budgetJpy' ? written.format(value as number) : String(value);
              return [JSON.stringify(value), text, text];
            });
            const filled = pieces.map((piece, i) => piece + (holes[i] ?? '')).join('');
            expect(filled).toBe(JSON.stringify(table.evaluateFromTable(input)));
          }),
          { numRuns: 300 },
        );
      }
    },
    propertyTimeout,
  );

  it('answers an input outside the schema (a code it does not know) from the engine', async () => {
    const table = await compileOversightRuleset(base);
    const odd = { budgetJpy: 1, maxDowntimeHours: 1, confidentiality: 'D' } as unknown as TOversightInput;
    expect(table.evaluateFromTable(odd)).toBeNull();
    expect(await table.evaluate(odd)).toEqual(await createOversightEvaluator(base)(odd));
    expect(await table.evaluateJson(odd)).toBe(JSON.stringify(await createOversightEvaluator(base)(odd)));
  });

  it('is what a policy evaluates with', async () => {
    const policy = createPolicy(defaultRulesets);
    expect((await policy.oversightTable).version).toBe(base.version);
    const input = { budgetJpy: 50_000_000, maxDowntimeHours: null, confidentiality: null };
    expect(await policy.evaluateOversight(input)).toEqual((await policy.oversightTable).evaluateFromTable(input));
    expect(await policy.evaluateOversightJson(input)).toBe(JSON.stringify(await policy.evaluateOversight(input)));
  });
});

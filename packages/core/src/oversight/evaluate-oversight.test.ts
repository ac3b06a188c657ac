import { describe, expect, it } from 'vitest';
import { defaultRulesets } from '../rules/default-rulesets.ts';
import { computeRulesetVersion, parseRuleset, RulesetError } from '../rules/engine.ts';
import { createOversightEvaluator } from './evaluate-oversight.ts';

const evaluate = createOversightEvaluator(defaultRulesets['oversight-tier']);

describe('evaluateOversight', () => {
  it.each([
    [9_999_999, 1],
    [10_000_000, 2],
    [49_999_999, 2],
    [50_000_000, 3],
  ])('puts a budget of ¥%i in tier %i', async (budgetJpy, tier) => {
    const r = await evaluate({ budgetJpy, maxDowntimeHours: 100, confidentiality: 'C' });
    expect(r.tier).toBe(tier);
  });

  it.each([
    [12.5, 1],
    [12, 2],
    [2.0001, 2],
    [2, 3],
  ])('puts %f hours of allowed downtime in tier %i', async (maxDowntimeHours, tier) => {
    const r = await evaluate({ budgetJpy: 0, maxDowntimeHours, confidentiality: 'B' });
    expect(r.tier).toBe(tier);
  });

  it('explains all three factors every time, not just the first that decides', async () => {
    const r = await evaluate({ budgetJpy: 10_000_000, maxDowntimeHours: 24, confidentiality: 'B' });
    expect(r.factors.map((f) => [f.factor, f.value, f.tier, f.drives])).toEqual([
      ['budget', 10_000_000, 2, true],
      ['downtime', 24, 1, false],
      ['confidentiality', 'B', 1, false],
    ]);
    expect(r.factors[0]!.thresholds).toEqual([
      { operator: 'greaterThanInclusive', value: 10_000_000 },
      { operator: 'lessThan', value: 50_000_000 },
    ]);
    expect(r.factors[0]!.reasonJa).toContain('区分2');
    expect(r.reviewerRole).toBe('cio_advisor');
    expect(r.rulesetVersion).toBe(defaultRulesets['oversight-tier'].version);
  });

  it('leaves the tier not set and names what is missing when a lower factor is unknown', async () => {
    const r = await evaluate({ budgetJpy: 20_000_000, maxDowntimeHours: null });
    expect(r).toMatchObject({ tier: null, lowerBound: 2, reviewerRole: null, missing: ['maxDowntimeHours', 'confidentiality'] });
    expect(r.factors[1]!.reason).toContain('not given');
  });

  it('sets tier 3 from one factor when nothing could raise it', async () => {
    const r = await evaluate({ maxDowntimeHours: 1 });
    expect(r).toMatchObject({ tier: 3, reviewerRole: 'chief_cio_advisor' });
  });
});

describe('rulesets', () => {
  it('names the file and the JSON path of a malformed ruleset', () => {
    const broken = structuredClone(defaultRulesets['oversight-tier'].content) as any;
    broken.factors[1].bands[0].tier = 7;
    expect(() => parseRuleset('oversight-tier', 'rules/oversight-tier.json', broken)).toThrowError(RulesetError);
    try {
      parseRuleset('oversight-tier', 'rules/oversight-tier.json', broken);
    } catch (error) {
      expect((error as Error).message).toContain('rules/oversight-tier.json');
      expect((error as RulesetError).problems[0]!.path).toBe('$.factors[1].bands[0].tier');
    }
  });

  it('refuses a hostile, deeply nested condition tree with its JSON path instead of overflowing the stack', () => {
    let conditions: unknown = { fact: 'isNew', operator: 'equal', value: true };
    for (let i = 0; i < 20_000; i++) conditions = { not: conditions };
    const candidate = { ...defaultRulesets['tech-review-extraction'].content, conditions };
    expect(() => parseRuleset('tech-review-extraction', 'rules/tech-review-extraction.json', candidate)).toThrow(
      /rules\/tech-review-extraction\.json: \$\.conditions(\.not)+: nested deeper than 64 levels/,
    );
  });

  it('rejects text that is not JSON', () => {
    expect(() => parseRuleset('lifecycle-gates', 'x.json', '{ nope')).toThrow(/x\.json: \$: not valid JSON/);
  });

  it('versions by content: key order does not matter, a threshold change does', () => {
    expect(computeRulesetVersion({ a: 1, b: [1, 2] })).toBe(computeRulesetVersion({ b: [1, 2], a: 1 }));
    expect(computeRulesetVersion({ a: 1 })).not.toBe(computeRulesetVersion({ a: 2 }));
  });
});

import { describe, expect, it } from 'vitest';
import { defaultRulesets } from '../rules/default-rulesets.ts';
import { parseRuleset } from '../rules/engine.ts';
import { isOverBudgetBy, needsTierReview, procurementLimits, tierReviewThresholdOf } from './procurement-limits.ts';

/** The default rulesets with the budget bands' lower bounds written another way. */
function withBudgetBounds(rewrite: (c: { operator: string; value: unknown }) => void) {
  const content = structuredClone(defaultRulesets['oversight-tier'].content);
  for (const band of content.factors.find((f) => f.factor === 'budget')!.bands) for (const c of band.conditions) rewrite(c);
  return { rulesets: { ...defaultRulesets, 'oversight-tier': parseRuleset('oversight-tier', 'candidate', content) } };
}

describe('what a contract is compared with', () => {
  it('reads the tier-review thresholds and the margin from the published rules', () => {
    const limits = procurementLimits({ rulesets: defaultRulesets });
    expect(limits).toEqual({ tierReviewJpy: { 1: 10_000_000, 2: 50_000_000, 3: null }, overBudgetMarginRatio: 0.1 });
    expect(tierReviewThresholdOf(limits, null)).toBe(10_000_000);
    expect(tierReviewThresholdOf(limits, 2)).toBe(50_000_000);
    expect(tierReviewThresholdOf(limits, 3)).toBeNull();
  });

  it('puts exactly ¥10,000,000 over the tier-1 threshold, and a yen less under it', () => {
    const limits = procurementLimits({ rulesets: defaultRulesets });
    expect(needsTierReview(limits, 1, 10_000_000)).toBe(true);
    expect(needsTierReview(limits, 1, 9_999_999)).toBe(false);
    expect(needsTierReview(limits, 3, 9_000_000_000)).toBe(false);
    expect(needsTierReview(limits, 1, null)).toBe(false);
  });

  it('takes the least whole amount a strict bound lets in (greaterThan 9,999,999 → 10,000,000)', () => {
    const strict = withBudgetBounds((c) => {
      if (c.operator === 'greaterThanInclusive' && typeof c.value === 'number') {
        c.operator = 'greaterThan';
        c.value = c.value - 1;
      }
    });
    expect(procurementLimits(strict).tierReviewJpy).toEqual({ 1: 10_000_000, 2: 50_000_000, 3: null });
  });

  it('compares over budget in integers beyond the margin', () => {
    expect(isOverBudgetBy(11_000_000, 10_000_000, 0.1)).toBe(false);
    expect(isOverBudgetBy(11_000_001, 10_000_000, 0.1)).toBe(true);
    expect(isOverBudgetBy(9_000_000_000_000_001, 9_000_000_000_000_000, 0)).toBe(true);
  });
});

/**
 * What a contract is compared with (DESIGN §2.7): the budget bands of the oversight ruleset (a contract
 * that alone reaches a band above the project's tier calls for a tier review) and the supervision
 * ruleset's over-budget margin. Read from the rules, never hard-coded, so a policy change moves them.
 */
import type { Rulesets } from '../rules/default-rulesets.ts';
import { leastIntegerHolding } from '../rules/operators.ts';

export type ProcurementLimits = {
  /** The lowest budget of any band above each tier (tier 3 has none); 未設定 compares like tier 1. */
  tierReviewJpy: { 1: number | null; 2: number | null; 3: null };
  /** A contract is over budget when it exceeds the budget by more than this share (0.1 = 10 %). */
  overBudgetMarginRatio: number;
};

/**
 * The budget at which a contract alone would put its project in a higher tier, per tier: the least
 * whole amount a lower bound of the budget bands above it lets in (¥10,000,000 above tier 1,
 * ¥50,000,000 above tier 2 in the published table). What each operator lets in is the operator
 * registry's (rules/operators.ts).
 */
export function procurementLimits(policy: { rulesets: Pick<Rulesets, 'oversight-tier' | 'supervision'> }): ProcurementLimits {
  const oversight = policy.rulesets['oversight-tier'].content;
  const supervision = policy.rulesets.supervision.content;
  const budget = oversight.factors.find((f) => f.factor === 'budget');
  const lowestAbove = (tier: number) => {
    const bounds = (budget?.bands ?? [])
      .filter((band) => band.tier > tier)
      .flatMap((band) => band.conditions)
      .map(leastIntegerHolding)
      .filter((bound): bound is number => bound !== null);
    return bounds.length ? Math.min(...bounds) : null;
  };
  return {
    tierReviewJpy: { 1: lowestAbove(1), 2: lowestAbove(2), 3: null },
    overBudgetMarginRatio: supervision.procurementOverBudgetMarginRatio ?? 0,
  };
}

/** The contract amount that calls for a tier review of a project of this tier (null: none can). */
export const tierReviewThresholdOf = (limits: ProcurementLimits, tier: number | null): number | null =>
  tier === 2 ? limits.tierReviewJpy[2] : tier === 3 ? null : limits.tierReviewJpy[1];

/** Whether a contract amount calls for a tier review of a project of this tier. */
export function needsTierReview(limits: ProcurementLimits, tier: number | null, contractAmountJpy: number | null): boolean {
  const threshold = tierReviewThresholdOf(limits, tier);
  return contractAmountJpy !== null && threshold !== null && contractAmountJpy >= threshold;
}

/** Over budget by more than the margin, compared in integers (amounts reach 9 × 10^15 yen). */
export function isOverBudgetBy(amount: number, budget: number, marginRatio: number): boolean {
  const basisPoints = BigInt(Math.round((1 + marginRatio) * 10_000));
  return BigInt(amount) * 10_000n > BigInt(budget) * basisPoints;
}

import { createLifecycle, type Lifecycle } from './lifecycle/check-transition.ts';
import { compileOversightRuleset, type OversightDecisionTable } from './oversight/decision-table.ts';
import type { OversightEvaluator } from './oversight/evaluate-oversight.ts';
import { createReleaseChecklist, createTechReviewExtraction } from './reviews/release-checklist.ts';
import type { Rulesets } from './rules/default-rulesets.ts';
import { createSupervision, type Supervision } from './supervision/supervision.ts';

/** Every rule-driven decision of PS Book, compiled from one set of rulesets. */
export type Policy = {
  rulesets: Rulesets;
  /** The oversight ruleset compiled into its decision table (compiling starts with the policy). */
  oversightTable: Promise<OversightDecisionTable>;
  /** The evaluation json-rules-engine gives, read from the decision table. */
  evaluateOversight: OversightEvaluator;
  lifecycle: Lifecycle;
  releaseChecklist: ReturnType<typeof createReleaseChecklist>;
  isExtractedForTechReview: ReturnType<typeof createTechReviewExtraction>;
  supervision: Supervision;
};

/**
 * Compile a set of rulesets into the policy PS Book runs on. Whatever loads or activates a ruleset
 * (start-up, the CLI, a ruleset version becoming active) goes through here, so the oversight tier is
 * always read from the ruleset's decision table.
 */
export function createPolicy(rulesets: Rulesets): Policy {
  const oversightTable = compileOversightRuleset(rulesets['oversight-tier']);
  // Callers see a failure through evaluateOversight; this only keeps an unawaited table from being reported twice.
  oversightTable.catch(() => {});
  return {
    rulesets,
    oversightTable,
    evaluateOversight: async (input) => (await oversightTable).evaluate(input),
    lifecycle: createLifecycle(rulesets['lifecycle-gates']),
    releaseChecklist: createReleaseChecklist(rulesets['release-checklist']),
    isExtractedForTechReview: createTechReviewExtraction(rulesets['tech-review-extraction']),
    supervision: createSupervision(rulesets.supervision),
  };
}

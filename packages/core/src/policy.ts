import { createServiceCanvas, type ServiceCanvas } from './canvas/schemas.ts';
import { createLifecycle, type Lifecycle } from './lifecycle/check-transition.ts';
import { compileOversightRuleset, type OversightDecisionTable } from './oversight/decision-table.ts';
import type { OversightEvaluator, TOversightInput } from './oversight/evaluate-oversight.ts';
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
  /** The same evaluation as JSON text (`JSON.stringify` of it), written from the decision table's pieces. */
  evaluateOversightJson: (input: TOversightInput) => Promise<string>;
  lifecycle: Lifecycle;
  releaseChecklist: ReturnType<typeof createReleaseChecklist>;
  isExtractedForTechReview: ReturnType<typeof createTechReviewExtraction>;
  supervision: Supervision;
  /** Key items (重要項目) and guidance of the service canvas. */
  canvas: ServiceCanvas;
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
    evaluateOversightJson: async (input) => (await oversightTable).evaluateJson(input),
    lifecycle: createLifecycle(rulesets['lifecycle-gates']),
    releaseChecklist: createReleaseChecklist(rulesets['release-checklist']),
    isExtractedForTechReview: createTechReviewExtraction(rulesets['tech-review-extraction']),
    supervision: createSupervision(rulesets.supervision),
    canvas: createServiceCanvas(rulesets['service-canvas'].content),
  };
}

import { createServiceCanvas, type ServiceCanvas } from './canvas/schemas.ts';
import { createLifecycle, type Lifecycle } from './lifecycle/check-transition.ts';
import { createOversightEvaluator, type OversightEvaluator } from './oversight/evaluate-oversight.ts';
import { createReleaseChecklist, createTechReviewExtraction } from './reviews/release-checklist.ts';
import type { Rulesets } from './rules/default-rulesets.ts';
import { createSupervision, type Supervision } from './supervision/supervision.ts';

/** Every rule-driven decision of PS Book, compiled from one set of rulesets. */
export type Policy = {
  rulesets: Rulesets;
  evaluateOversight: OversightEvaluator;
  lifecycle: Lifecycle;
  releaseChecklist: ReturnType<typeof createReleaseChecklist>;
  isExtractedForTechReview: ReturnType<typeof createTechReviewExtraction>;
  supervision: Supervision;
  /** Key items (重要項目) and guidance of the service canvas. */
  canvas: ServiceCanvas;
};

export function createPolicy(rulesets: Rulesets): Policy {
  return {
    rulesets,
    evaluateOversight: createOversightEvaluator(rulesets['oversight-tier']),
    lifecycle: createLifecycle(rulesets['lifecycle-gates']),
    releaseChecklist: createReleaseChecklist(rulesets['release-checklist']),
    isExtractedForTechReview: createTechReviewExtraction(rulesets['tech-review-extraction']),
    supervision: createSupervision(rulesets.supervision),
    canvas: createServiceCanvas(rulesets['service-canvas'].content),
  };
}

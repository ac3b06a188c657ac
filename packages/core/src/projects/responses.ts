import { z } from 'zod';
import { ZOversightFactorName, ZOversightInputName } from '../registry/domain-lists.ts';
import { ZReviewerRole, ZReviewerRoleOrNull, ZTier, ZTierOrNull } from '../rules/schemas.ts';
import { ZConfidentiality, ZRegistrationTrigger, ZStage } from './schemas.ts';

/** Response shapes, shared by the API (OpenAPI) and the UI (types). */
export const ZOversightEvaluation = z.object({
  tier: ZTierOrNull,
  lowerBound: ZTier,
  reviewerRole: ZReviewerRoleOrNull,
  missing: z.array(ZOversightInputName),
  factors: z.array(
    z.object({
      factor: ZOversightFactorName,
      input: ZOversightInputName,
      value: z.union([z.number(), z.string()]).nullable(),
      tier: ZTierOrNull,
      drives: z.boolean(),
      band: z.object({ ja: z.string(), en: z.string() }).nullable(),
      thresholds: z.array(z.object({ operator: z.string(), value: z.unknown() })),
      reason: z.string(),
      reasonJa: z.string(),
    }),
  ),
  rulesetVersion: z.string(),
});

export const ZProjectResponse = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  bureauCode: z.string(),
  fiscalYear: z.number().int(),
  summary: z.string().nullable(),
  isNew: z.boolean(),
  registrationTrigger: ZRegistrationTrigger.nullable(),
  stage: ZStage,
  budgetJpy: z.number().int().nullable(),
  maxDowntimeHours: z.number().nullable(),
  confidentiality: ZConfidentiality.nullable(),
  tier: ZTierOrNull,
  reviewerRole: ZReviewerRoleOrNull,
  oversight: ZOversightEvaluation,
  canvasWritten: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TProjectResponse = z.infer<typeof ZProjectResponse>;

export const ZProjectListResponse = z.object({ items: z.array(ZProjectResponse), nextCursor: z.string().nullable() });
export type TProjectListResponse = z.infer<typeof ZProjectListResponse>;

/**
 * Why a tier history row was written. The decrease_* rows follow a tier decrease (issue 10 §1): the
 * bureau's edit asked for it (the tier in force did not change), its reviewer agreed (it changed), or
 * refused (it did not). `created` is a project's first row and only that, however the project was
 * registered (an expense import included); `import` is a later change an import made.
 */
export const ZTierHistoryCause = z.enum([
  'created',
  'inputs_changed',
  'ruleset_changed',
  'import',
  'decrease_requested',
  'decrease_approved',
  'decrease_refused',
]);
export type TTierHistoryCause = z.infer<typeof ZTierHistoryCause>;

export const ZTierHistoryEntry = z.object({
  fromTier: ZTierOrNull,
  toTier: ZTierOrNull,
  fromReviewerRole: z.string().nullable(),
  toReviewerRole: z.string().nullable(),
  rulesetVersion: z.string(),
  cause: ZTierHistoryCause,
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  tierDecreaseId: z.string().nullable(),
  at: z.string(),
});

/**
 * pending: the tier in force stays until the reviewer of that tier agrees; approved / refused: they
 * decided; superseded: a later edit, import or ruleset change replaced it before a decision.
 */
export const ZTierDecreaseStatus = z.enum(['pending', 'approved', 'refused', 'superseded']);
export type TTierDecreaseStatus = z.infer<typeof ZTierDecreaseStatus>;

export const ZTierDecreaseCause = z.enum(['inputs_changed', 'import']);
export const ZTierDecreaseSupersededBy = z.enum(['inputs_changed', 'import', 'ruleset_changed']);
export type TTierDecreaseCause = z.infer<typeof ZTierDecreaseCause>;

export const ZTierDecrease = z.object({
  id: z.string(),
  projectId: z.string(),
  projectCode: z.string(),
  projectName: z.string(),
  bureauCode: z.string(),
  status: ZTierDecreaseStatus,
  cause: ZTierDecreaseCause,
  fromTier: ZTier,
  fromReviewerRole: ZReviewerRole,
  toTier: ZTierOrNull,
  toReviewerRole: ZReviewerRoleOrNull,
  /** The evaluation of the project's current inputs: what applies once the reviewer agrees. */
  toEvaluation: ZOversightEvaluation,
  requestedBy: z.string().nullable(),
  requestedByName: z.string(),
  requestedAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: z.string().nullable(),
  comment: z.string().nullable(),
  supersededBy: ZTierDecreaseSupersededBy.nullable(),
  /** Whether the signed-in user may agree or refuse (the reviewer of the tier in force, not the editor). */
  canDecide: z.boolean(),
  version: z.number().int(),
});
export type TTierDecrease = z.infer<typeof ZTierDecrease>;

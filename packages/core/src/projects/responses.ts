import { z } from 'zod';
import { ZReviewerRole, ZTier } from '../rules/schemas.ts';
import { ZConfidentiality, ZRegistrationTrigger, ZStage } from './schemas.ts';

/** Response shapes, shared by the API (OpenAPI) and the UI (types). */
export const ZOversightEvaluation = z.object({
  tier: ZTier.nullable(),
  lowerBound: ZTier,
  reviewerRole: ZReviewerRole.nullable(),
  missing: z.array(z.enum(['budgetJpy', 'maxDowntimeHours', 'confidentiality'])),
  factors: z.array(
    z.object({
      factor: z.enum(['budget', 'downtime', 'confidentiality']),
      input: z.enum(['budgetJpy', 'maxDowntimeHours', 'confidentiality']),
      value: z.union([z.number(), z.string()]).nullable(),
      tier: ZTier.nullable(),
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
  tier: ZTier.nullable(),
  reviewerRole: ZReviewerRole.nullable(),
  oversight: ZOversightEvaluation,
  canvasWritten: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TProjectResponse = z.infer<typeof ZProjectResponse>;

export const ZProjectListResponse = z.object({ items: z.array(ZProjectResponse), nextCursor: z.string().nullable() });
export type TProjectListResponse = z.infer<typeof ZProjectListResponse>;

export const ZTierHistoryEntry = z.object({
  fromTier: ZTier.nullable(),
  toTier: ZTier.nullable(),
  fromReviewerRole: z.string().nullable(),
  toReviewerRole: z.string().nullable(),
  rulesetVersion: z.string(),
  cause: z.enum(['created', 'inputs_changed', 'ruleset_changed', 'import']),
  actorId: z.string().nullable(),
  at: z.string(),
});

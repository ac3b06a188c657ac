import { z } from 'zod';
import { requiredText, text, ZFiscalYear, ZHttpUrl } from '../projects/schemas.ts';
import { expenseCategoryRegistry, type TExpenseCategory } from '../registry/domain-lists.ts';
import { ZReviewerRoleOrNull, ZTier, ZTierOrNull } from '../rules/schemas.ts';

const ZItemId = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/)
  .max(64);
const ZIsoDate = z.iso.date({ message: 'must be a date (YYYY-MM-DD)' });

export { ZIsoDate };

export const ZCreateReleaseRequest = z.strictObject({
  plannedReleaseDate: ZIsoDate,
  notes: text(4000).optional(),
  evidence: z
    .array(z.strictObject({ itemId: ZItemId, url: ZHttpUrl.optional(), note: text(2000).optional() }))
    .max(100)
    .optional(),
});
export type TCreateReleaseRequest = z.infer<typeof ZCreateReleaseRequest>;

/**
 * The applicant corrects a pending request (planned date, notes, evidence) before it is judged; the
 * version it was read at refuses a correction that crossed a judgement or another correction.
 */
export const ZUpdateReleaseRequest = ZCreateReleaseRequest.partial().extend({ version: z.number().int().min(1) });
export type TUpdateReleaseRequest = z.infer<typeof ZUpdateReleaseRequest>;

/** The applicant takes back a pending request (a reason is optional), at the version they read. */
export const ZWithdrawReleaseRequest = z.strictObject({ version: z.number().int().min(1), reason: text(2000).optional() });
export type TWithdrawReleaseRequest = z.infer<typeof ZWithdrawReleaseRequest>;

export const ZReleaseItemResult = z.enum(['ok', 'ng', 'na']);
export const ZReleaseDecisionRequest = z.strictObject({
  decision: z.enum(['approved', 'returned']),
  comment: text(4000).optional(),
  items: z.array(z.strictObject({ itemId: ZItemId, result: ZReleaseItemResult, note: text(2000).optional() })).max(100),
});
export type TReleaseDecisionRequest = z.infer<typeof ZReleaseDecisionRequest>;

/** The reviewer of the tier in force agrees to a tier decrease, or refuses it with a reason. */
export const ZTierDecreaseDecisionRequest = z
  .strictObject({
    decision: z.enum(['approved', 'refused']),
    comment: text(4000).optional(),
    version: z.number().int().min(1),
  })
  .refine((body) => body.decision !== 'refused' || (body.comment ?? '').trim().length > 0, {
    path: ['comment'],
    message: 'a refusal needs a comment',
  });
export type TTierDecreaseDecisionRequest = z.infer<typeof ZTierDecreaseDecisionRequest>;

/** One move of a release request or a consultation to another tier's reviewer (its routing history). */
export const ZRoutingStep = z.object({
  fromTier: ZTier,
  toTier: ZTier,
  fromReviewerRole: z.string().nullable(),
  toReviewerRole: z.string().nullable(),
  at: z.string(),
});
/** A person who may judge or answer now, as a detail view names them. */
export const ZReviewerRef = z.object({ id: z.string(), displayName: z.string(), email: z.string() });

export const ZReleaseStatus = z.enum(['pending', 'approved', 'returned', 'withdrawn']);
export type TReleaseStatus = z.infer<typeof ZReleaseStatus>;

export const ZBudgetCycleRequest = z.strictObject({
  fiscalYear: ZFiscalYear,
  requestDate: ZIsoDate,
  requestDeadline: ZIsoDate,
  evaluationDeadline: ZIsoDate,
  submissionDate: ZIsoDate,
  /** 予算案発表 (late January of the fiscal year's start); when left out, 25 January of the fiscal year. */
  budgetAnnouncementDate: ZIsoDate.optional(),
});
export type TBudgetCycleRequest = z.infer<typeof ZBudgetCycleRequest>;

export const ZTechReviewStatus = z.enum(['extracted', 'in_review', 'submitted']);
export type TTechReviewStatus = z.infer<typeof ZTechReviewStatus>;
export const ZViewpointId = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'a viewpoint id of the cycle’s ruleset')
  .max(40);
const ZViewpoint = z.strictObject({ rating: z.number().int().min(1).max(10).nullable(), comment: text(4000) });
/**
 * A tech review's evaluation, by viewpoint id of the cycle's ruleset (technical, usability, security
 * by default); the API refuses ids and ratings the cycle's ruleset does not have.
 */
export const ZUpdateTechReviewRequest = z.strictObject({
  version: z.number().int().min(1),
  viewpoints: z.record(ZViewpointId, ZViewpoint).optional(),
  overallOpinion: text(4000).optional(),
  status: z.enum(['extracted', 'in_review']).optional(),
});
export type TUpdateTechReviewRequest = z.infer<typeof ZUpdateTechReviewRequest>;

export const ZYearlyDecision = z.enum(['continue', 'improve', 'retire']);
export type TYearlyDecision = z.infer<typeof ZYearlyDecision>;
export const ZYearlyReviewRequest = z.strictObject({
  fiscalYear: ZFiscalYear,
  decision: ZYearlyDecision,
  rationale: requiredText(4000),
});
export type TYearlyReviewRequest = z.infer<typeof ZYearlyReviewRequest>;

/** A `retire` decision opens a pending retirement; the bureau confirms it (the project is retired) or withdraws it, with a reason. */
export const ZRetirementStatus = z.enum(['pending', 'confirmed', 'withdrawn']);
export type TRetirementStatus = z.infer<typeof ZRetirementStatus>;
export const ZRetirementDecisionRequest = z.strictObject({
  decision: z.enum(['confirm', 'withdraw']),
  reason: requiredText(2000),
});
export type TRetirementDecisionRequest = z.infer<typeof ZRetirementDecisionRequest>;

/** Projects in operation whose yearly review (KPI measurements, the keep-or-retire decision) is incomplete. */
export const ZOutstandingResponse = z.object({
  fiscalYear: z.number().int(),
  items: z.array(
    z.object({
      projectId: z.string(),
      projectCode: z.string(),
      projectName: z.string(),
      bureauCode: z.string(),
      tier: ZTierOrNull,
      reviewerRole: ZReviewerRoleOrNull,
      kpiCount: z.number().int(),
      unmeasuredKpis: z.array(z.object({ id: z.string(), name: z.string() })),
      hasDecision: z.boolean(),
    }),
  ),
  nextCursor: z.string().nullable(),
});
export type TOutstandingResponse = z.infer<typeof ZOutstandingResponse>;

export const ZProcurementMethod = z.enum(['general_competitive', 'best_value', 'proposal', 'negotiated', 'policy_negotiated', 'other']);
export const ZProcurementStatus = z.enum(['planned', 'spec_published', 'awarded', 'contracted', 'completed', 'cancelled']);
export type TProcurementMethod = z.infer<typeof ZProcurementMethod>;
export type TProcurementStatus = z.infer<typeof ZProcurementStatus>;

/**
 * 法人番号: 13 digits, the first a check digit = 9 − (Σ Pn×Qn mod 9) over the 12 base digits,
 * Pn the n-th digit from the right, Qn = 1 for odd n and 2 for even n.
 */
export function isValidCorporateNumber(value: string): boolean {
  if (!/^\d{13}$/.test(value)) return false;
  const base = value.slice(1);
  let sum = 0;
  for (let n = 1; n <= 12; n++) sum += Number(base[12 - n]) * (n % 2 === 1 ? 1 : 2);
  return Number(value[0]) === 9 - (sum % 9);
}
export const ZCorporateNumber = z.string().refine(isValidCorporateNumber, '法人番号 must be 13 digits with a valid check digit');

const procurementShape = {
  title: requiredText(200),
  method: ZProcurementMethod,
  status: ZProcurementStatus,
  specDocumentId: z.uuid().nullable().optional(),
  vendorName: text(200).nullable().optional(),
  corporateNumber: ZCorporateNumber.nullable().optional(),
  isStartup: z.boolean().optional(),
  contractAmountJpy: z.number().int().min(0).max(9_000_000_000_000_000).nullable().optional(),
  contractStart: ZIsoDate.nullable().optional(),
  contractEnd: ZIsoDate.nullable().optional(),
};
export const ZCreateProcurementRequest = z.strictObject(procurementShape);
export type TCreateProcurementRequest = z.infer<typeof ZCreateProcurementRequest>;
export const ZUpdateProcurementRequest = z
  .strictObject(procurementShape)
  .partial()
  .extend({ version: z.number().int().min(1) });
export type TUpdateProcurementRequest = z.infer<typeof ZUpdateProcurementRequest>;

export const procurementMethodLabels: Record<z.infer<typeof ZProcurementMethod>, { ja: string; en: string }> = {
  general_competitive: { ja: '一般競争入札', en: 'General competitive tender' },
  best_value: { ja: '総合評価', en: 'Best-value tender' },
  proposal: { ja: '企画提案', en: 'Proposal-based' },
  negotiated: { ja: '随意契約', en: 'Negotiated contract' },
  policy_negotiated: { ja: '政策目的随意契約', en: 'Policy-purpose negotiated contract' },
  other: { ja: 'その他', en: 'Other' },
};
export const procurementStatusLabels: Record<z.infer<typeof ZProcurementStatus>, { ja: string; en: string }> = {
  planned: { ja: '予定', en: 'Planned' },
  spec_published: { ja: '仕様書公表', en: 'Specification published' },
  awarded: { ja: '落札・選定', en: 'Awarded' },
  contracted: { ja: '契約済', en: 'Contracted' },
  completed: { ja: '完了', en: 'Completed' },
  cancelled: { ja: '中止', en: 'Cancelled' },
};

export const ZExpenseCategory = expenseCategoryRegistry.schema;
export type { TExpenseCategory };
export const expenseCategoryLabels: Record<TExpenseCategory, { ja: string; en: string }> = expenseCategoryRegistry.labels;

export const ZTokenScope = z.enum(['tech_reviews:read', 'projects:read', 'stats:read']);
export const ZCreateTokenRequest = z.strictObject({
  name: requiredText(100),
  scopes: z.array(ZTokenScope).min(1),
  expiresInDays: z.number().int().min(1).max(730).optional(),
});
export type TCreateTokenRequest = z.infer<typeof ZCreateTokenRequest>;

import { z } from 'zod';
import { requiredText, text, ZUuid, ZYen } from '../projects/schemas.ts';
import { ZIsoDate } from '../reviews/schemas.ts';

/**
 * Supervision (監理, DESIGN §2.8): consultations with the tier's consultee, status reports with the
 * consultee's independent assessment, follow-up actions that can hold a gate, and exemptions.
 * Every list below is defined once here with its labels; SQL checks, the UI and the CSV derive from it.
 */

type Labels<K extends string> = Record<K, { ja: string; en: string }>;

export const consultationTopics = ['requirements', 'procurement_spec', 'design', 'security', 'ux', 'other'] as const;
export const ZConsultationTopic = z.enum(consultationTopics);
export type TConsultationTopic = z.infer<typeof ZConsultationTopic>;
export const consultationTopicLabels: Labels<TConsultationTopic> = {
  requirements: { ja: '要件定義', en: 'Requirements' },
  procurement_spec: { ja: '調達仕様', en: 'Procurement specification' },
  design: { ja: '設計', en: 'Design' },
  security: { ja: 'セキュリティ', en: 'Security' },
  ux: { ja: 'UX・使いやすさ', en: 'UX' },
  other: { ja: 'その他', en: 'Other' },
};

/** open → answered (the consultee replied) → closed. A bureau's follow-up moves it back to open. */
/** Who wrote a consultation message: the project's bureau or its consultee. */
/** Who wrote a message: the bureau, the consultee, or GovTech Tokyo giving technical guidance (slide 83). */
export const ZConsultationSide = z.enum(['bureau', 'consultee', 'technical']);
export type TConsultationSide = z.infer<typeof ZConsultationSide>;

export const consultationStatuses = ['open', 'answered', 'closed'] as const;
export const ZConsultationStatus = z.enum(consultationStatuses);
export type TConsultationStatus = z.infer<typeof ZConsultationStatus>;
export const consultationStatusLabels: Labels<TConsultationStatus> = {
  open: { ja: '回答待ち', en: 'Open' },
  answered: { ja: '回答済み', en: 'Answered' },
  closed: { ja: '終了', en: 'Closed' },
};

/** Three-point scale, as the UK IPA reports since 2023 and the US IT Dashboard shows its colours. */
export const ratings = ['green', 'amber', 'red'] as const;
export const ZRating = z.enum(ratings);
export type TRating = z.infer<typeof ZRating>;
export const ratingLabels: Labels<TRating> = {
  green: { ja: '緑', en: 'Green' },
  amber: { ja: '黄', en: 'Amber' },
  red: { ja: '赤', en: 'Red' },
};
/** Plain-language definitions shown where a rating is chosen (oversight-anchors: UK delivery confidence). */
export const ratingDefinitions: Labels<TRating> = {
  green: { ja: '計画どおりの達成が見込まれる。重大な課題はない', en: 'Delivery as planned is likely; no major issues' },
  amber: {
    ja: '達成は可能だが、管理が必要な重要な課題がある',
    en: 'Delivery is feasible, but significant issues need management attention',
  },
  red: { ja: '早急な対応なしには達成が見込めない', en: 'Delivery appears unachievable without urgent action' },
};

/** What a rating is given for: the overall view and each dimension. */
export const ratingDimensions = ['overall', 'schedule', 'cost', 'scope', 'qualityUsability', 'security'] as const;
export type TRatingDimension = (typeof ratingDimensions)[number];
export const ratingDimensionLabels: Labels<TRatingDimension> = {
  overall: { ja: '総合', en: 'Overall' },
  schedule: { ja: 'スケジュール', en: 'Schedule' },
  cost: { ja: 'コスト', en: 'Cost' },
  scope: { ja: 'スコープ', en: 'Scope' },
  qualityUsability: { ja: '品質・使いやすさ', en: 'Quality and usability' },
  security: { ja: 'セキュリティ', en: 'Security' },
};
export const ZRatings = z.strictObject(
  Object.fromEntries(ratingDimensions.map((d) => [d, ZRating])) as Record<TRatingDimension, typeof ZRating>,
);
export type TRatings = z.infer<typeof ZRatings>;

export const milestoneKinds = ['requirements_done', 'procurement_awarded', 'release', 'operation_start'] as const;
export const ZMilestoneKind = z.enum(milestoneKinds);
export type TMilestoneKind = z.infer<typeof ZMilestoneKind>;
export const milestoneLabels: Labels<TMilestoneKind> = {
  requirements_done: { ja: '要件定義完了', en: 'Requirements done' },
  procurement_awarded: { ja: '調達（契約）決定', en: 'Procurement awarded' },
  release: { ja: 'リリース', en: 'Release' },
  operation_start: { ja: '運用開始', en: 'Operation start' },
};

export const riskLevels = ['low', 'medium', 'high'] as const;
export const ZRiskLevel = z.enum(riskLevels);
export type TRiskLevel = z.infer<typeof ZRiskLevel>;
export const riskLevelLabels: Labels<TRiskLevel> = {
  low: { ja: '低', en: 'Low' },
  medium: { ja: '中', en: 'Medium' },
  high: { ja: '高', en: 'High' },
};

/** A report covers one month, named `YYYY-MM`; the cadence decides which months must have one. */
export const ZPeriod = z.string().regex(/^(19|20|21)\d{2}-(0[1-9]|1[0-2])$/, 'must be a month (YYYY-MM)');

const ZMilestone = z.strictObject({
  milestone: ZMilestoneKind,
  plannedDate: ZIsoDate.nullable(),
  forecastDate: ZIsoDate.nullable(),
  actualDate: ZIsoDate.nullable(),
});
export type TMilestone = z.infer<typeof ZMilestone>;

const ZRisk = z.strictObject({
  title: requiredText(200),
  likelihood: ZRiskLevel,
  impact: ZRiskLevel,
  owner: requiredText(100),
  mitigation: requiredText(2000),
});
export type TRisk = z.infer<typeof ZRisk>;

export const ZReportCost = z.strictObject({
  budgetJpy: ZYen.nullable(),
  contractJpy: ZYen.nullable(),
  spentJpy: ZYen.nullable(),
  forecastJpy: ZYen.nullable(),
});
export type TReportCost = z.infer<typeof ZReportCost>;

export const ZCreateStatusReportRequest = z
  .strictObject({
    period: ZPeriod,
    milestones: z.array(ZMilestone).max(milestoneKinds.length),
    cost: ZReportCost,
    selfRating: ZRatings,
    risks: z.array(ZRisk).max(50),
    narrative: requiredText(4000),
  })
  .superRefine((value, ctx) => {
    // Every milestone kind once: the dates may be unknown (null), the row may not be missing.
    const seen = new Set<string>();
    value.milestones.forEach((m, i) => {
      if (seen.has(m.milestone)) ctx.addIssue({ code: 'custom', path: ['milestones', i, 'milestone'], message: 'listed twice' });
      seen.add(m.milestone);
    });
    for (const kind of milestoneKinds) {
      if (!seen.has(kind)) ctx.addIssue({ code: 'custom', path: ['milestones'], message: `the milestone ${kind} is missing` });
    }
  });
export type TCreateStatusReportRequest = z.infer<typeof ZCreateStatusReportRequest>;

/** The consultee's independent assessment; `version` is the report's, so two assessors cannot overwrite each other. */
export const ZAssessmentRequest = z.strictObject({
  version: z.number().int().min(1),
  ratings: ZRatings,
  comment: requiredText(4000),
});
export type TAssessmentRequest = z.infer<typeof ZAssessmentRequest>;

/** A guidance (指導) recorded with a consultee's message becomes a follow-up action for the bureau. */
export const ZGuidance = z.strictObject({
  title: requiredText(200),
  ownerId: ZUuid.optional(),
  dueDate: ZIsoDate,
  blocking: z.boolean(),
});

export const ZCreateConsultationRequest = z.strictObject({
  topic: ZConsultationTopic,
  subject: requiredText(200),
  body: requiredText(8000),
  documentIds: z.array(ZUuid).max(20).optional(),
});
export type TCreateConsultationRequest = z.infer<typeof ZCreateConsultationRequest>;

export const ZConsultationMessageRequest = z.strictObject({
  body: requiredText(8000),
  guidance: ZGuidance.optional(),
});
export type TConsultationMessageRequest = z.infer<typeof ZConsultationMessageRequest>;

export const ZCloseConsultationRequest = z.strictObject({ version: z.number().int().min(1) });
export type TCloseConsultationRequest = z.infer<typeof ZCloseConsultationRequest>;

export const actionSourceKinds = ['checklist_item', 'guidance', 'tech_review', 'status_report_risk'] as const;
export const ZActionSourceKind = z.enum(actionSourceKinds);
export type TActionSourceKind = z.infer<typeof ZActionSourceKind>;
export const actionSourceLabels: Labels<TActionSourceKind> = {
  checklist_item: { ja: 'リリース判定の指摘', en: 'Release checklist item' },
  guidance: { ja: '協議での指導', en: 'Guidance' },
  tech_review: { ja: '技術的評価の意見', en: 'Tech-review opinion' },
  status_report_risk: { ja: '状況報告のリスク', en: 'Status-report risk' },
};

/** open → done (the owner) → verified (the raiser); the raiser may send a done action back to open. */
export const actionStatuses = ['open', 'done', 'verified'] as const;
export const ZActionStatus = z.enum(actionStatuses);
export type TActionStatus = z.infer<typeof ZActionStatus>;
export const actionStatusLabels: Labels<TActionStatus> = {
  open: { ja: '未対応', en: 'Open' },
  done: { ja: '対応済み（確認待ち）', en: 'Done, awaiting verification' },
  verified: { ja: '確認済み', en: 'Verified' },
};

export const ZCreateActionRequest = z.strictObject({
  title: requiredText(200),
  ownerId: ZUuid,
  dueDate: ZIsoDate,
  blocking: z.boolean(),
  source: z.strictObject({
    kind: ZActionSourceKind,
    /** The release request, consultation message, tech review or status report it came from. */
    refId: text(100).optional(),
    /** The checklist item or the risk's title, when the source has several. */
    detail: text(200).optional(),
  }),
});
export type TCreateActionRequest = z.infer<typeof ZCreateActionRequest>;

export const ZUpdateActionRequest = z.strictObject({
  version: z.number().int().min(1),
  status: ZActionStatus.optional(),
  title: requiredText(200).optional(),
  dueDate: ZIsoDate.optional(),
  blocking: z.boolean().optional(),
  note: text(2000).optional(),
});
export type TUpdateActionRequest = z.infer<typeof ZUpdateActionRequest>;

export const exemptionTargetKinds = ['gate', 'checklist_item'] as const;
export const ZExemptionTargetKind = z.enum(exemptionTargetKinds);
export type TExemptionTargetKind = z.infer<typeof ZExemptionTargetKind>;
export const exemptionStatuses = ['requested', 'approved', 'refused'] as const;
export const ZExemptionStatus = z.enum(exemptionStatuses);
export type TExemptionStatus = z.infer<typeof ZExemptionStatus>;
export const exemptionStatusLabels: Labels<TExemptionStatus | 'expired'> = {
  requested: { ja: '承認待ち', en: 'Requested' },
  approved: { ja: '免除', en: 'Exempted' },
  refused: { ja: '不承認', en: 'Refused' },
  expired: { ja: '期限切れ', en: 'Expired' },
};

export const ZCreateExemptionRequest = z.strictObject({
  targetKind: ZExemptionTargetKind,
  target: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, 'a gate or checklist item id')
    .max(64),
  reason: requiredText(2000),
  expiresOn: ZIsoDate,
});
export type TCreateExemptionRequest = z.infer<typeof ZCreateExemptionRequest>;

export const ZExemptionDecisionRequest = z.strictObject({
  version: z.number().int().min(1),
  decision: z.enum(['approved', 'refused']),
  comment: text(2000).optional(),
});
export type TExemptionDecisionRequest = z.infer<typeof ZExemptionDecisionRequest>;

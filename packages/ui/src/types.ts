/**
 * Response shapes the UI reads. Most are the API's named schemas, generated from its OpenAPI document
 * (`Schemas[...]` below); projects, oversight and notifications come from core's zod schemas. The types
 * still written out here are those not yet reconciled with the API's schema (docs/api.md, "What is not yet true").
 */

import type { Api } from '@core/index.ts';
import type { TNotificationPreference } from '@core/notifications/schemas.ts';
import type { TProjectResponse, TTierHistoryCause } from '@core/projects/responses.ts';
import type { TRole, TStage } from '@core/projects/schemas.ts';

export type { TOversightEvaluation, TOversightFactor, TTier } from '@core/oversight/evaluate-oversight.ts';
export type { TRole, TStage };

export type TProject = TProjectResponse;

/** The API's named schemas, generated from its OpenAPI document (npm run openapi -w @psbook/api). */
type Schemas = Api.components['schemas'];

export type TUser = Schemas['User'];
export type TAdminUser = TUser & { isActive: boolean; version: number; createdAt: string; updatedAt: string };

export type TBureau = Schemas['Bureau'];

export type TTierHistoryEntry = Schemas['TierHistoryEntry'];

export type { TNotification, TNotificationKind, TNotificationPreference, TOutboxMail } from '@core/notifications/schemas.ts';
export type { TTierDecrease } from '@core/projects/responses.ts';
/** A kind's channel and cadence, and whether it is the default (not chosen by the user). */
export type TNotificationSetting = TNotificationPreference & { isDefault: boolean };

export type TGateStatus = Schemas['GateStatus'];
export type TGates = Schemas['Gates'];

export type TTransition = Schemas['StageTransition'];

export type THistoryEvent = {
  id: number;
  at: string;
  actorId: string | null;
  actorLabel: string;
  actorName: string | null;
  action: string;
  entityType: string;
  entityId: string;
  projectId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
};

export type TCanvas = {
  projectId: string;
  revision: number;
  fields: Record<string, string>;
  isWritten: boolean;
  missingKeyItems: string[];
  /** The key items (重要項目) and the guidance of the active service-canvas ruleset (decision 0019). */
  keyItems?: string[];
  guidance?: CanvasGuidance;
  createdAt: string | null;
  createdBy: string | null;
  createdByName: string | null;
  projectVersion?: number;
};
export type CanvasGuidance = {
  areas: Record<string, { ja: string; en: string }>;
  fields: Record<string, { ja: string; en: string }>;
};
export type TCanvasRevisionSummary = {
  revision: number;
  isWritten: boolean;
  createdAt: string;
  createdBy: string | null;
  createdByName: string | null;
};

export type TMeasurement = Schemas['KpiMeasurement'];
export type TKpi = Schemas['Kpi'];

export type TDocument = Schemas['Document'];

export type TChecklistItem = {
  itemId: string;
  principle: string;
  label: string;
  labelEn?: string;
  description: string;
  descriptionEn?: string;
  naAllowed: boolean;
};
export type TReleaseStatus = 'pending' | 'approved' | 'returned' | 'withdrawn';
export type TReleaseItemResult = 'ok' | 'ng' | 'na';
export type TReleaseRequest = {
  id: string;
  projectId: string;
  projectCode: string;
  projectName: string;
  bureauCode: string;
  status: TReleaseStatus;
  tier: number | null;
  reviewerRole: string | null;
  checklist: TChecklistItem[];
  evidence: { itemId: string; url?: string; note?: string }[];
  plannedReleaseDate: string;
  notes: string | null;
  rulesetVersion: string;
  requestedBy: string;
  requestedByName: string;
  requestedAt: string;
  dueAt: string;
  isOverdue: boolean;
  decision: {
    decision: 'approved' | 'returned';
    decidedBy: string | null;
    decidedByName: string | null;
    decidedAt: string | null;
    comment: string | null;
    items: { itemId: string; result: TReleaseItemResult; note?: string }[];
  } | null;
  version: number;
  routing?: {
    fromTier: number | null;
    toTier: number | null;
    fromReviewerRole: string | null;
    toReviewerRole: string | null;
    at: string;
  }[];
  reviewers?: { id: string; displayName: string; email: string }[];
  /** Checklist items the project is exempted from today (免除): they count as met. */
  exemptions?: { itemId: string; reason: string; expiresOn: string }[];
};

export type TInboxItem = Schemas['InboxItem'];

export type TOutstandingYearly = {
  fiscalYear: number;
  items: {
    projectId: string;
    projectCode: string;
    projectName: string;
    bureauCode: string;
    tier: number | null;
    reviewerRole: string | null;
    kpiCount: number;
    unmeasuredKpis: { id: string; name: string }[];
    hasDecision: boolean;
  }[];
  nextCursor: string | null;
};

export type TYearlyReview = {
  projectId: string;
  fiscalYear: number;
  decision: 'continue' | 'improve' | 'retire';
  rationale: string;
  decidedBy?: string | null;
  decidedByName?: string | null;
  decidedAt: string;
  /** The retirement a `retire` decision opened (decision 0019). */
  retirement?: {
    status: 'pending' | 'confirmed' | 'withdrawn';
    reason: string | null;
    decidedBy: string | null;
    decidedByName: string | null;
    decidedAt: string | null;
  } | null;
};

export type TLocalizedText = { ja: string; en: string };
export type TBudgetMilestone = {
  key: 'request' | 'requestDeadline' | 'evaluationDeadline' | 'submission' | 'budgetAnnouncement';
  label: TLocalizedText;
  date: string;
  status: 'upcoming' | 'done' | 'late';
  warning: TLocalizedText | null;
};
export type TCycleViewpoint = { id: string; label: TLocalizedText; guidance: TLocalizedText };
export type TRatingStep = { value: number; label: TLocalizedText };
export type TBudgetCycle = Schemas['BudgetCycle'];
export type TComparison = {
  previousFiscalYear: number | null;
  previousTotal: number;
  added: string[];
  continued: string[];
  dropped: string[];
};
export type TExtraction = Schemas['Extraction'];

export type TReflectionOutcome = 'reflected' | 'partly_reflected' | 'not_reflected';
export type TReflection = {
  outcome: TReflectionOutcome;
  amountChangeJpy: number;
  comment: string;
  recordedByName: string | null;
  recordedAt: string;
  version: number;
};
export type TReflectionOutcomeYear = {
  fiscalYear: number;
  submitted: number;
  reflected: number;
  partlyReflected: number;
  notReflected: number;
  unrecorded: number;
  amountChangeJpy: number;
};
export type TReviewViewpoint = { id: string; label: TLocalizedText; rating: number | null; comment: string };
export type TTechReview = Schemas['TechReview'];

export type TToken = Schemas['Token'];

export type TProcurement = {
  id: string;
  projectId: string;
  project: { id: string; code: string; name: string; bureauCode: string; tier: number | null };
  title: string;
  method: 'general_competitive' | 'best_value' | 'proposal' | 'negotiated' | 'policy_negotiated' | 'other';
  status: 'planned' | 'spec_published' | 'awarded' | 'contracted' | 'completed' | 'cancelled';
  specDocumentId: string | null;
  vendorName: string | null;
  corporateNumber: string | null;
  isStartup: boolean;
  contractAmountJpy: number | null;
  contractStart: string | null;
  contractEnd: string | null;
  budgetComparison: {
    budgetJpy: number | null;
    contractAmountJpy: number | null;
    differenceJpy: number | null;
    ratio: number | null;
    isOverBudget: boolean | null;
    overBudgetMarginRatio: number;
  };
  tierReviewThresholdJpy: number | null;
  needsTierReview: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
};
export type TProcurementStats = {
  fiscalYear: number | null;
  byMethod: {
    method: TProcurement['method'];
    label?: { ja: string; en: string };
    count: number;
    awardedCount: number;
    contractTotalJpy: number;
    startupAwardedCount: number;
    startupContractTotalJpy: number;
  }[];
  total: { count: number; awardedCount: number; contractTotalJpy: number };
  startups: { awardedCount: number; contractTotalJpy: number; countShare: number | null; amountShare: number | null };
  tierReviewThresholdJpy: number | null;
  needsTierReview: number;
};

export type TImportRowError = Schemas['RowError'];
export type TImportResult = Schemas['ImportResult'];

export type TStageStats = unknown;

export type TTierTableRow = unknown;
export type TRulesResponse = {
  rulesets?: unknown;
  tierTable?: unknown;
  [key: string]: unknown;
};
export type TSimulationResult = Record<string, unknown>;

// Supervision (監理): consultations, status reports, follow-up actions, exemptions, the portfolio.
type TRatingValue = 'green' | 'amber' | 'red';
export type TRatings = Record<'overall' | 'schedule' | 'cost' | 'scope' | 'qualityUsability' | 'security', TRatingValue>;

export type TConsultation = Schemas['ConsultationDetail'];
export type TConsultationDetail = TConsultation & {
  messages: {
    id: string;
    authorId: string;
    authorName: string;
    side: 'bureau' | 'consultee' | 'technical';
    body: string;
    actionId: string | null;
    createdAt: string;
  }[];
  routing: { fromTier: number | null; toTier: number | null; fromReviewerRole: string | null; toReviewerRole: string | null; at: string }[];
  consultees: { id: string; displayName: string; email: string }[];
};

export type TMilestoneRow = {
  milestone: 'requirements_done' | 'procurement_awarded' | 'release' | 'operation_start';
  plannedDate: string | null;
  forecastDate: string | null;
  actualDate: string | null;
};
export type TRiskRow = {
  title: string;
  likelihood: 'low' | 'medium' | 'high';
  impact: 'low' | 'medium' | 'high';
  owner: string;
  mitigation: string;
};
export type TStatusReport = Schemas['StatusReport'];
export type TDivergenceReason = { rule: 'two_steps' | 'two_periods'; periods: string[]; dimensions: (keyof TRatings)[] };
export type TStatusReportList = Schemas['StatusReportList'];

export type TFollowUpAction = Schemas['FollowUpAction'];

export type TExemption = Schemas['Exemption'];

export type TPortfolioRow = {
  projectId: string;
  projectCode: string;
  projectName: string;
  bureauCode: string;
  tier: number;
  stage: TStage;
  latestPeriod: string | null;
  selfRating: TRatingValue | null;
  assessment: TRatingValue | null;
  assessedPeriod: string | null;
  divergent: boolean;
  divergence: TDivergenceReason[];
  reportOverdue: boolean;
  duePeriod: string | null;
  nextPeriod: string | null;
  nextDeadline: string | null;
  awaitingAssessment: boolean;
  openActions: number;
  openBlockingActions: number;
  openConsultations: number;
  overdueConsultations: number;
  kpiStatus: 'achieved' | 'on_track' | 'behind' | 'no_data' | null;
};

/** GET /stats/expenses/years: digital-related expenses over several fiscal years (slide 82). */
export type TExpenseYears = {
  unit: 'JPY';
  years: {
    fiscalYear: number;
    lineCount: number;
    totalJpy: number;
    sumOfCategoriesJpy: number;
    overlapJpy: number;
    growthFromPrevious: number | null;
    growthFromFirst: number | null;
    byCategory: {
      category: string;
      label: { ja: string; en: string };
      amountJpy: number;
      growthFromPrevious: number | null;
      growthFromFirst: number | null;
    }[];
  }[];
};

/**
 * Response shapes the UI reads. Projects and oversight come from core (shared with the API's
 * OpenAPI); the rest mirror the API routes. Fields a route may leave out are optional, so a
 * screen shows "—" instead of breaking.
 */

import type { TNotificationPreference } from '@core/notifications/schemas.ts';
import type { TProjectResponse, TTierHistoryCause } from '@core/projects/responses.ts';
import type { TRole, TStage } from '@core/projects/schemas.ts';

export type { TOversightEvaluation, TOversightFactor, TTier } from '@core/oversight/evaluate-oversight.ts';
export type { TRole, TStage };

export type TProject = TProjectResponse;

export type TUser = {
  id: string;
  email: string;
  displayName: string;
  role: TRole;
  bureauCodes: string[];
};
export type TAdminUser = TUser & { isActive: boolean; version: number; createdAt: string; updatedAt: string };

export type TBureau = { code: string; nameJa: string; nameEn: string };

export type TTierHistoryEntry = {
  fromTier: number | null;
  toTier: number | null;
  fromReviewerRole: string | null;
  toReviewerRole: string | null;
  rulesetVersion: string;
  cause: TTierHistoryCause;
  actorId: string | null;
  actorName: string | null;
  tierDecreaseId: string | null;
  at: string;
};

export type { TNotification, TNotificationKind, TNotificationPreference, TOutboxMail } from '@core/notifications/schemas.ts';
export type { TTierDecrease } from '@core/projects/responses.ts';
/** A kind's channel and cadence, and whether it is the default (not chosen by the user). */
export type TNotificationSetting = TNotificationPreference & { isDefault: boolean };

export type TGateStatus = {
  gate: string;
  stage: TStage;
  label: string;
  labelEn: string;
  met: boolean;
  message: string;
  messageEn: string;
  /** Set when the gate counts as met only because an approved exemption waives it (免除). */
  exemption?: { reason: string; expiresOn: string } | null;
};
export type TGates = {
  projectId: string;
  stage: TStage;
  nextStage: TStage | null;
  fiscalYear: number;
  gates: TGateStatus[];
  canAdvance: boolean;
  facts?: Record<string, number | boolean>;
};

export type TTransition = {
  id: number;
  fromStage: TStage;
  toStage: TStage;
  direction: 'forward' | 'backward' | 'retire';
  reason: string | null;
  actorId: string | null;
  actorName: string | null;
  at: string;
};

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
  createdAt: string | null;
  createdBy: string | null;
  createdByName: string | null;
  projectVersion?: number;
};
export type TCanvasRevisionSummary = {
  revision: number;
  isWritten: boolean;
  createdAt: string;
  createdBy: string | null;
  createdByName: string | null;
};

export type TMeasurement = {
  id: string;
  fiscalYear: number;
  value: number | null;
  achieved: boolean | null;
  comment: string | null;
  expectedValue?: number | null;
  isOnPlan?: boolean;
  recordedAt?: string;
  recordedBy?: string | null;
};
export type TKpi = {
  id: string;
  projectId: string;
  name: string;
  unit: string | null;
  direction: 'increase' | 'decrease';
  baselineValue: number | null;
  baselineYear: number | null;
  targetValue: number | null;
  targetText: string | null;
  targetFiscalYear: number;
  version: number;
  status: 'achieved' | 'on_track' | 'behind' | 'no_data';
  measurements: TMeasurement[];
  createdAt: string;
  updatedAt: string;
};

export type TDocument = {
  id: string;
  projectId: string;
  kind: 'requirements_definition' | 'procurement_spec' | 'user_test_report' | 'other';
  title: string;
  url: string;
  createdAt: string;
  createdBy: string | null;
  createdByName: string | null;
};

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

export type TInboxItem = {
  kind: 'release_request' | 'tech_review' | 'tier_decrease' | 'consultation' | 'status_report' | 'exemption' | 'follow_up_action';
  action: 'judge' | 'resubmit' | 'evaluate' | 'consent' | 'answer' | 'assess' | 'decide' | 'act' | 'verify';
  /** A status report's period (YYYY-MM); otherwise the item's id. */
  id: string;
  projectId: string;
  projectCode: string;
  projectName: string;
  bureauCode: string;
  tier: number | null;
  status: string;
  since: string;
  dueAt: string | null;
  isOverdue: boolean;
};

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
export type TBudgetCycle = {
  fiscalYear: number;
  requestDate: string;
  requestDeadline: string;
  evaluationDeadline: string;
  submissionDate: string;
  budgetAnnouncementDate: string;
  submittedAt: string | null;
  submittedBy: string | null;
  isSubmitted: boolean;
  techReviews: { extracted: number; inReview: number; submitted: number; total: number; reflected: number };
  viewpoints: TCycleViewpoint[];
  ratingScale: TRatingStep[];
  viewpointRulesetVersion: string;
  milestones: TBudgetMilestone[];
  version: number;
  createdAt: string;
};
export type TComparison = {
  previousFiscalYear: number | null;
  previousTotal: number;
  added: string[];
  continued: string[];
  dropped: string[];
};
export type TExtraction = {
  fiscalYear: number;
  extracted: number;
  alreadyExtracted: number;
  total: number;
  rulesetVersion: string;
  comparison: TComparison;
};

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
export type TTechReview = {
  id: string;
  fiscalYear: number;
  projectId: string;
  projectCode: string;
  projectName: string;
  bureauCode: string;
  bureauName: string;
  status: 'extracted' | 'in_review' | 'submitted';
  tierAtExtraction: number | null;
  budgetJpyAtExtraction: number | null;
  extractionRulesetVersion: string;
  isTierNotSet: boolean;
  isCanvasMissing: boolean;
  viewpoints: TReviewViewpoint[];
  overallOpinion: string;
  evaluationDeadline: string;
  reviewerId: string | null;
  reviewerName: string | null;
  reflection: TReflection | null;
  extractedAt: string;
  updatedAt: string;
  version: number;
};

export type TToken = {
  id: string;
  name: string;
  tokenPrefix: string;
  scopes: string[];
  userId: string;
  ownerEmail: string | null;
  status: 'active' | 'revoked' | 'expired';
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
};

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

export type TImportRowError = { line: number; column: string | null; message: string; sheet?: string };
export type TImportResult = {
  type?: 'result';
  dryRun: boolean;
  importId: string | null;
  fileSha256: string;
  encoding: 'utf-8' | 'shift_jis';
  bytes: number;
  lineCount: number;
  lines: { created: number; updated: number; unchanged: number };
  projects: { created: number; updated: number; tierChanged: number };
  changes: number;
  errorCount: number;
  errors: TImportRowError[];
  ignoredColumns: string[];
  previousImportId: string | null;
  durationMs: number;
};

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

export type TConsultation = {
  id: string;
  projectId: string;
  projectCode: string;
  projectName: string;
  bureauCode: string;
  topic: 'requirements' | 'procurement_spec' | 'design' | 'security' | 'ux' | 'other';
  subject: string;
  status: 'open' | 'answered' | 'closed';
  tier: number | null;
  reviewerRole: string | null;
  documentIds: string[];
  openedBy: string;
  openedByName: string;
  openedAt: string;
  dueOn: string;
  isOverdue: boolean;
  answeredAt: string | null;
  closedAt: string | null;
  version: number;
};
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
export type TStatusReport = {
  id: string;
  projectId: string;
  period: string;
  stage: TStage;
  tier: number | null;
  milestones: TMilestoneRow[];
  cost: { budgetJpy: number | null; contractJpy: number | null; spentJpy: number | null; forecastJpy: number | null };
  selfRating: TRatings;
  risks: TRiskRow[];
  narrative: string;
  filedBy: string;
  filedByName: string;
  filedAt: string;
  assessment: {
    ratings: TRatings;
    comment: string;
    assessedBy: string | null;
    assessedByName: string | null;
    assessedAt: string | null;
  } | null;
  version: number;
};
export type TDivergenceReason = { rule: 'two_steps' | 'two_periods'; periods: string[]; dimensions: (keyof TRatings)[] };
export type TStatusReportList = {
  items: TStatusReport[];
  supervised: boolean;
  cadenceMonths: number | null;
  divergent: boolean;
  divergence: TDivergenceReason[];
  reportOverdue: boolean;
  duePeriod: string | null;
  nextPeriod: string | null;
  nextDeadline: string | null;
};

export type TFollowUpAction = {
  id: string;
  projectId: string;
  title: string;
  ownerId: string;
  ownerName: string;
  dueDate: string;
  isOverdue: boolean;
  source: { kind: 'checklist_item' | 'guidance' | 'tech_review' | 'status_report_risk'; refId: string | null; detail: string | null };
  blocking: boolean;
  status: 'open' | 'done' | 'verified';
  note: string | null;
  raisedBy: string;
  raisedByName: string;
  raisedAt: string;
  doneAt: string | null;
  verifiedAt: string | null;
  version: number;
};

export type TExemption = {
  id: string;
  projectId: string;
  targetKind: 'gate' | 'checklist_item';
  target: string;
  reason: string;
  expiresOn: string;
  status: 'requested' | 'approved' | 'refused';
  isActive: boolean;
  isExpired: boolean;
  requestedBy: string;
  requestedByName: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
  version: number;
};

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

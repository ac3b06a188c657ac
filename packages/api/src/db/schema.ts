import type {
  TActionSourceKind,
  TActionStatus,
  TConfidentiality,
  TConsultationStatus,
  TConsultationTopic,
  TDocumentKind,
  TExemptionStatus,
  TExemptionTargetKind,
  TExpenseCategory,
  TKpiDirection,
  TNotificationCadence,
  TNotificationChannel,
  TNotificationKind,
  TOutboxStatus,
  TOversightEvaluation,
  TOversightInput,
  TProcurementMethod,
  TProcurementStatus,
  TReflectionOutcome,
  TRegistrationTrigger,
  TReleaseStatus,
  TRetirementStatus,
  TReviewerRole,
  TRole,
  TRulesetActivationStatus,
  TRulesetActivationStep,
  TRulesetName,
  TStage,
  TTechReviewStatus,
  TTier,
  TTierDecreaseCause,
  TTierDecreaseStatus,
  TTierHistoryCause,
  TTransitionDirection,
  TYearlyDecision,
} from '@psbook/core';
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Set by the database on insert; readable afterwards. */
type Default<T> = ColumnType<T, T | undefined, T>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** jsonb: written as JSON text (same on PGlite and postgres.js), read back parsed. */
type Json<T> = ColumnType<T, string, string>;
/** date columns are read as 'YYYY-MM-DD' strings on both drivers (see database.ts). */
type DateString = ColumnType<string, string, string>;

export interface BureauTable {
  code: string;
  nameJa: string;
  nameEn: string;
  createdAt: Timestamp;
}

export interface AppUserTable {
  id: Generated<string>;
  email: string;
  displayName: string;
  role: TRole;
  /** Null for accounts created by single sign-on: they cannot sign in with a password. */
  passwordHash: string | null;
  oidcIssuer: string | null;
  oidcSubject: string | null;
  isActive: Default<boolean>;
  version: Default<number>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface UserBureauTable {
  userId: string;
  bureauCode: string;
}

export interface SessionTable {
  id: Generated<string>;
  tokenHash: string;
  userId: string;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  revokedAt: Timestamp | null;
}

export interface ApiTokenTable {
  id: Generated<string>;
  name: string;
  tokenHash: string;
  tokenPrefix: string;
  userId: string;
  scopes: string[];
  createdAt: Timestamp;
  expiresAt: Timestamp | null;
  revokedAt: Timestamp | null;
  lastUsedAt: Timestamp | null;
}

export interface OidcSignInTable {
  stateHash: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  createdAt: Default<Date>;
  expiresAt: Timestamp;
}

export interface InstanceSettingTable {
  key: string;
  value: Json<unknown>;
  version: Default<number>;
  updatedAt: Default<Date>;
  updatedBy: string | null;
}

/** One throttle key's attempts in its current window (docs/decisions/0009-sign-in-throttling.md). */
export interface LoginThrottleTable {
  key: string;
  attempts: number;
  windowStartedAt: Timestamp;
  /** No attempt is taken before this (the progressive delay). */
  notBefore: Timestamp;
  /** When the row means nothing any more and may be deleted. */
  expiresAt: Timestamp;
}

export interface ProjectTable {
  id: Generated<string>;
  code: Generated<string>;
  name: string;
  bureauCode: string;
  fiscalYear: number;
  summary: string | null;
  isNew: Default<boolean>;
  registrationTrigger: TRegistrationTrigger | null;
  stage: Default<TStage>;
  budgetJpy: number | null;
  maxDowntimeHours: number | null;
  confidentiality: TConfidentiality | null;
  tier: TTier | null;
  tierLowerBound: TTier;
  reviewerRole: TReviewerRole | null;
  /**
   * The evaluation that gave the tier, as the evaluator returned it (written by oversightColumns); null
   * when the decision table of `rulesetVersion` renders it from the inputs (decision 0028): the query
   * functions of db/queries/projects.ts fill it in, so a ProjectRow always has it.
   */
  oversight: Json<TOversightEvaluation> | null;
  rulesetVersion: string;
  canvasWritten: Default<boolean>;
  searchText: Default<string>;
  searchGrams: Default<string[]>;
  version: Default<number>;
  createdBy: string | null;
  updatedBy: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface TierHistoryTable {
  id: Generated<number>;
  projectId: string;
  fromTier: TTier | null;
  toTier: TTier | null;
  fromReviewerRole: TReviewerRole | null;
  toReviewerRole: TReviewerRole | null;
  rulesetVersion: string;
  cause: TTierHistoryCause;
  actorId: string | null;
  tierDecreaseId: string | null;
  at: Timestamp;
}

export interface TierDecreaseTable {
  id: Generated<string>;
  projectId: string;
  status: Default<TTierDecreaseStatus>;
  cause: TTierDecreaseCause;
  fromTier: TTier;
  fromReviewerRole: TReviewerRole;
  fromInputs: Json<TOversightInput>;
  toTier: TTier | null;
  toReviewerRole: TReviewerRole | null;
  toEvaluation: Json<TOversightEvaluation>;
  rulesetVersion: string;
  /** Null when the system made the edit (an import from the command line). */
  requestedBy: string | null;
  requestedAt: Timestamp;
  decidedBy: string | null;
  decidedAt: Timestamp | null;
  decisionComment: string | null;
  supersededBy: 'inputs_changed' | 'import' | 'ruleset_changed' | null;
  version: Default<number>;
}

export interface CanvasRevisionTable {
  projectId: string;
  revision: number;
  fields: Json<Record<string, string>>;
  isWritten: boolean;
  createdBy: string | null;
  createdAt: Timestamp;
}

export interface KpiTable {
  id: Generated<string>;
  projectId: string;
  name: string;
  unit: string | null;
  direction: TKpiDirection;
  baselineValue: number | null;
  baselineYear: number | null;
  targetValue: number | null;
  targetText: string | null;
  targetFiscalYear: number;
  version: Default<number>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface KpiMeasurementTable {
  id: Generated<string>;
  kpiId: string;
  fiscalYear: number;
  value: number | null;
  achieved: boolean | null;
  comment: string | null;
  recordedBy: string | null;
  recordedAt: Timestamp;
}

export interface DocumentTable {
  id: Generated<string>;
  projectId: string;
  kind: TDocumentKind;
  title: string;
  url: string;
  createdBy: string | null;
  createdAt: Timestamp;
}

export interface StageTransitionTable {
  id: Generated<number>;
  projectId: string;
  fromStage: TStage;
  toStage: TStage;
  direction: TTransitionDirection;
  reason: string | null;
  actorId: string | null;
  at: Timestamp;
}

export interface ReleaseRequestTable {
  id: Generated<string>;
  projectId: string;
  status: Default<TReleaseStatus>;
  plannedReleaseDate: DateString;
  notes: string | null;
  evidence: Json<{ itemId: string; url?: string; note?: string }[]>;
  tier: TTier | null;
  reviewerRole: TReviewerRole | null;
  checklist: Json<unknown[]>;
  rulesetVersion: string;
  requestedBy: string;
  requestedAt: Timestamp;
  dueAt: Timestamp;
  decidedBy: string | null;
  decidedAt: Timestamp | null;
  decisionComment: string | null;
  decisionItems: Json<unknown[]> | null;
  version: Default<number>;
}

export interface ReleaseRequestRoutingTable {
  id: Generated<number>;
  releaseRequestId: string;
  fromTier: TTier | null;
  toTier: TTier | null;
  fromReviewerRole: TReviewerRole | null;
  toReviewerRole: TReviewerRole | null;
  at: Timestamp;
}

export interface ConsultationTable {
  id: Generated<string>;
  projectId: string;
  topic: TConsultationTopic;
  subject: string;
  status: Default<TConsultationStatus>;
  tier: TTier | null;
  reviewerRole: TReviewerRole | null;
  documentIds: Json<string[]>;
  openedBy: string;
  openedAt: Timestamp;
  dueOn: DateString;
  answeredAt: Timestamp | null;
  closedBy: string | null;
  closedAt: Timestamp | null;
  version: Default<number>;
}

export interface ConsultationRoutingTable {
  id: Generated<number>;
  consultationId: string;
  fromTier: TTier | null;
  toTier: TTier | null;
  fromReviewerRole: TReviewerRole | null;
  toReviewerRole: TReviewerRole | null;
  at: Timestamp;
}

export interface ConsultationMessageTable {
  id: Generated<string>;
  consultationId: string;
  authorId: string;
  side: 'bureau' | 'consultee' | 'technical';
  body: string;
  actionId: string | null;
  createdAt: Timestamp;
}

export interface StatusReportTable {
  id: Generated<string>;
  projectId: string;
  period: string;
  stage: TStage;
  tier: TTier | null;
  milestones: Json<unknown[]>;
  budgetJpy: number | null;
  contractJpy: number | null;
  spentJpy: number | null;
  forecastJpy: number | null;
  selfRating: Json<Record<string, string>>;
  risks: Json<unknown[]>;
  narrative: string;
  filedBy: string;
  filedAt: Timestamp;
  assessment: Json<Record<string, string>> | null;
  assessmentComment: string | null;
  assessedBy: string | null;
  assessedAt: Timestamp | null;
  version: Default<number>;
}

export interface FollowUpActionTable {
  id: Generated<string>;
  projectId: string;
  title: string;
  ownerId: string;
  dueDate: DateString;
  sourceKind: TActionSourceKind;
  sourceRef: string | null;
  sourceDetail: string | null;
  blocking: boolean;
  status: Default<TActionStatus>;
  note: string | null;
  raisedBy: string;
  raisedAt: Timestamp;
  doneBy: string | null;
  doneAt: Timestamp | null;
  verifiedBy: string | null;
  verifiedAt: Timestamp | null;
  version: Default<number>;
}

export interface ExemptionTable {
  id: Generated<string>;
  projectId: string;
  targetKind: TExemptionTargetKind;
  target: string;
  reason: string;
  expiresOn: DateString;
  status: Default<TExemptionStatus>;
  requestedBy: string;
  requestedAt: Timestamp;
  decidedBy: string | null;
  decidedAt: Timestamp | null;
  decisionComment: string | null;
  version: Default<number>;
}

export interface BudgetCycleTable {
  fiscalYear: number;
  requestDate: DateString;
  requestDeadline: DateString;
  evaluationDeadline: DateString;
  submissionDate: DateString;
  budgetAnnouncementDate: DateString;
  /** The viewpoints and rating scale of the extraction ruleset when the cycle opened (its reviews rate these). */
  viewpoints: Json<TCycleViewpoints>;
  submittedAt: Timestamp | null;
  submittedBy: string | null;
  version: Default<number>;
  createdAt: Timestamp;
}

export type TCycleViewpoints = {
  rulesetVersion: string;
  viewpoints: { id: string; label: { ja: string; en: string }; guidance: { ja: string; en: string } }[];
  ratingScale: { value: number; label: { ja: string; en: string } }[];
};
export type TViewpointRatings = Record<string, { rating: number | null; comment: string }>;

export interface TechReviewTable {
  id: Generated<string>;
  fiscalYear: number;
  projectId: string;
  status: Default<TTechReviewStatus>;
  tierAtExtraction: TTier | null;
  budgetJpyAtExtraction: number | null;
  extractionRulesetVersion: string;
  /** Rating and comment by viewpoint id of the cycle's viewpoints. */
  viewpoints: ColumnType<TViewpointRatings, string | undefined, string>;
  /** Extracted with its tier 未設定 because the known factors already give tier ≥ 2. */
  isTierNotSet: Default<boolean>;
  /** No written service canvas when it was extracted. */
  isCanvasMissing: Default<boolean>;
  overallOpinion: Default<string>;
  reviewerId: string | null;
  extractedAt: Timestamp;
  updatedAt: Timestamp;
  version: Default<number>;
}

export interface TechReviewReflectionTable {
  techReviewId: string;
  outcome: TReflectionOutcome;
  amountChangeJpy: number;
  comment: Default<string>;
  recordedBy: string;
  recordedAt: Timestamp;
  version: Default<number>;
}

export interface ProcurementTable {
  id: Generated<string>;
  projectId: string;
  title: string;
  method: TProcurementMethod;
  status: TProcurementStatus;
  specDocumentId: string | null;
  vendorName: string | null;
  corporateNumber: string | null;
  isStartup: Default<boolean>;
  contractAmountJpy: number | null;
  contractStart: DateString | null;
  contractEnd: DateString | null;
  version: Default<number>;
  createdBy: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface YearlyReviewTable {
  projectId: string;
  fiscalYear: number;
  decision: TYearlyDecision;
  rationale: string;
  decidedBy: string | null;
  decidedAt: Timestamp;
  /** Only on `retire` decisions: the retirement it opened (pending until the bureau confirms or withdraws it). */
  retirementStatus: TRetirementStatus | null;
  retirementReason: string | null;
  retirementDecidedBy: string | null;
  retirementDecidedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface ExpenseImportTable {
  id: Generated<string>;
  fileSha256: string;
  lineCount: number;
  summary: Json<unknown>;
  createdBy: string | null;
  createdAt: Timestamp;
}

export interface ExpenseLineTable {
  id: Generated<string>;
  externalId: string;
  importId: string | null;
  bureauCode: string;
  projectId: string | null;
  projectName: string;
  fiscalYear: number;
  categories: TExpenseCategory[];
  amountKyen: number;
  updatedAt: Timestamp;
}

export interface RulesetStateTable {
  name: string;
  version: string;
  content: Json<unknown>;
  activatedAt: Timestamp;
}

export type TRulesetVersionStatus = 'proposed' | 'rejected' | 'approved' | 'cancelled' | 'active' | 'superseded' | 'failed';
export interface RulesetVersionTable {
  id: Generated<string>;
  ruleset: TRulesetName;
  version: string;
  content: Json<unknown>;
  cases: Json<unknown>;
  caseCount: number;
  status: TRulesetVersionStatus;
  note: Default<string>;
  impact: Json<unknown> | null;
  baseVersionId: string | null;
  /** Null for a first version read from rules/. */
  proposedBy: string | null;
  proposedAt: Timestamp;
  decidedBy: string | null;
  decidedAt: Timestamp | null;
  decisionComment: string | null;
  activateAt: Timestamp | null;
  activatedAt: Timestamp | null;
  supersededAt: Timestamp | null;
  revision: Default<number>;
}

export interface RulesetActivationTable {
  id: Generated<string>;
  rulesetVersionId: string;
  status: Default<TRulesetActivationStatus>;
  runAt: Timestamp;
  step: Default<TRulesetActivationStep>;
  stepsDone: Default<number>;
  stepsTotal: number;
  projectsChanged: number | null;
  error: string | null;
  createdAt: Timestamp;
  startedAt: Timestamp | null;
  finishedAt: Timestamp | null;
}

/** The compiled oversight ruleset, one row per band combination (migration 20261207T0200). */
export interface OversightDecisionTable {
  rulesetVersion: string;
  budgetBand: number;
  downtimeBand: number;
  confidentialityBand: number;
  tier: number | null;
  lowerBound: number;
  reviewerRole: string | null;
  explanation: string[];
}

/** The ruleset each version's decision rows were compiled from, to render explanations (migration 20261209T0200). */
export interface OversightDecisionSourceTable {
  rulesetVersion: string;
  /** The ruleset's JSON text. */
  content: string;
}

export interface AuditEventTable {
  id: Generated<number>;
  at: Timestamp;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string;
  projectId: string | null;
  before: Json<unknown> | null;
  after: Json<unknown> | null;
  requestId: string | null;
}

export interface NotificationTable {
  id: Generated<string>;
  userId: string;
  kind: TNotificationKind;
  entityType: string;
  entityId: string;
  projectId: string | null;
  path: string;
  titleJa: string;
  titleEn: string;
  createdAt: Timestamp;
  readAt: Timestamp | null;
}

export interface EmailOutboxTable {
  id: Generated<string>;
  notificationId: string | null;
  userId: string;
  messageId: string;
  toEmail: string;
  subject: string;
  body: string;
  path: string;
  status: Default<TOutboxStatus>;
  attempts: Default<number>;
  nextAttemptAt: Timestamp;
  lastError: string | null;
  createdAt: Timestamp;
  sentAt: Timestamp | null;
}

export interface NotificationDefaultTable {
  kind: TNotificationKind;
  channel: TNotificationChannel;
  cadence: TNotificationCadence;
  updatedBy: string | null;
  updatedAt: Timestamp;
}

export interface NotificationPreferenceTable {
  userId: string;
  kind: TNotificationKind;
  channel: TNotificationChannel;
  cadence: TNotificationCadence;
  updatedAt: Timestamp;
}

export interface ReminderSentTable {
  key: string;
  sentAt: Timestamp;
}

export interface Database {
  bureau: BureauTable;
  appUser: AppUserTable;
  userBureau: UserBureauTable;
  session: SessionTable;
  apiToken: ApiTokenTable;
  loginThrottle: LoginThrottleTable;
  oidcSignIn: OidcSignInTable;
  instanceSetting: InstanceSettingTable;
  project: ProjectTable;
  tierHistory: TierHistoryTable;
  tierDecrease: TierDecreaseTable;
  canvasRevision: CanvasRevisionTable;
  kpi: KpiTable;
  kpiMeasurement: KpiMeasurementTable;
  document: DocumentTable;
  stageTransition: StageTransitionTable;
  releaseRequest: ReleaseRequestTable;
  releaseRequestRouting: ReleaseRequestRoutingTable;
  consultation: ConsultationTable;
  consultationRouting: ConsultationRoutingTable;
  consultationMessage: ConsultationMessageTable;
  statusReport: StatusReportTable;
  followUpAction: FollowUpActionTable;
  exemption: ExemptionTable;
  budgetCycle: BudgetCycleTable;
  techReview: TechReviewTable;
  techReviewReflection: TechReviewReflectionTable;
  procurement: ProcurementTable;
  yearlyReview: YearlyReviewTable;
  expenseImport: ExpenseImportTable;
  expenseLine: ExpenseLineTable;
  rulesetState: RulesetStateTable;
  rulesetVersion: RulesetVersionTable;
  rulesetActivation: RulesetActivationTable;
  auditEvent: AuditEventTable;
  notification: NotificationTable;
  emailOutbox: EmailOutboxTable;
  notificationDefault: NotificationDefaultTable;
  notificationPreference: NotificationPreferenceTable;
  reminderSent: ReminderSentTable;
  oversightDecision: OversightDecisionTable;
  oversightDecisionSource: OversightDecisionSourceTable;
}

/** A project as read: its explanation stored or rendered (db/queries/projects.ts), never null. */
export type ProjectRow = Omit<Selectable<ProjectTable>, 'oversight'> & { oversight: TOversightEvaluation };
/** A project row as the table holds it: `oversight` null where it is rendered. */
export type StoredProjectRow = Selectable<ProjectTable>;
export type NewProject = Insertable<ProjectTable>;

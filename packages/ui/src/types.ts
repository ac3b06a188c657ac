/**
 * Response shapes the UI reads: every one is a named schema of the API's OpenAPI document, or the answer of
 * one of its operations, generated into `@core/generated/api.ts` (npm run openapi -w @psbook/api). None is
 * written out by hand, so a field the API drops or renames fails to compile here (docs/api.md).
 */

import type { Api } from '@core/index.ts';

/** The API's named schemas. */
type Schemas = Api.components['schemas'];
/** The JSON answer (200) of an operation, by its operationId. */
type Answer<K extends keyof Api.operations> = Api.operations[K]['responses'] extends { 200: { content: { 'application/json': infer T } } }
  ? T
  : never;

export type TRole = Schemas['Role'];
export type TStage = Schemas['Stage'];
export type TTier = Schemas['Tier'];
export type TProject = Schemas['Project'];
export type TOversightEvaluation = Schemas['OversightEvaluation'];
export type TOversightFactor = TOversightEvaluation['factors'][number];

export type TUser = Schemas['User'];
export type TAdminUser = Schemas['AdminUser'];

export type TBureau = Schemas['Bureau'];

export type TTierHistoryEntry = Schemas['TierHistoryEntry'];
export type TTierDecrease = Schemas['TierDecrease'];

export type TNotification = Schemas['Notification'];
export type TNotificationKind = Schemas['NotificationKind'];
export type TNotificationPreference = Schemas['NotificationPreference'];
export type TOutboxMail = Schemas['OutboxMail'];
/** A kind's channel and cadence, and whether it is the default (not chosen by the user). */
export type TNotificationSetting = Schemas['Preferences']['items'][number];

export type TGateStatus = Schemas['GateStatus'];
export type TGates = Schemas['Gates'];

export type TTransition = Schemas['StageTransition'];

export type THistoryEvent = Schemas['AuditEvent'];

export type TCanvas = Schemas['Canvas'];
export type TSavedCanvas = Schemas['SavedCanvas'];
export type CanvasGuidance = NonNullable<TCanvas['guidance']>;
export type TCanvasRevisionSummary = Schemas['CanvasRevisionSummary'];

export type TKpi = Schemas['Kpi'];

export type TDocument = Schemas['Document'];

export type TChecklistItem = Schemas['ChecklistItem'];
/** A release request as listed; the detail adds its routing, reviewers and exemptions. */
export type TReleaseRequest = Schemas['ReleaseRequest'];
export type TReleaseRequestDetail = Schemas['ReleaseRequestDetail'];

export type TInboxItem = Schemas['InboxItem'];

export type TOutstandingYearly = Schemas['Outstanding'];

export type TYearlyReview = Schemas['YearlyReview'];

export type TBudgetCycle = Schemas['BudgetCycle'];
export type TComparison = Answer<'getBudgetCycleComparison'>;
export type TExtraction = Schemas['Extraction'];

export type TReflectionOutcomeYear = Schemas['ReflectionOutcomeYear'];
export type TTechReview = Schemas['TechReview'];

export type TToken = Schemas['Token'];

export type TProcurement = Schemas['Procurement'];
export type TProcurementStats = Schemas['ProcurementStats'];

export type TImportRowError = Schemas['RowError'];
export type TImportResult = Schemas['ImportResult'];

export type TStageStats = Answer<'getStageStats'>;

export type TRulesResponse = Answer<'listRulesets'>;
export type TSimulationResult = Answer<'simulateRuleset'>;
export type TRulesetVersionSummary = Schemas['RulesetVersionSummary'];
export type TRulesetVersion = Schemas['RulesetVersion'];

// Supervision (監理): consultations, status reports, follow-up actions, exemptions, the portfolio.
export type TRatings = Schemas['Ratings'];

export type TConsultation = Schemas['Consultation'];
export type TConsultationDetail = Schemas['ConsultationDetail'];

export type TStatusReport = Schemas['StatusReport'];
export type TStatusReportList = Schemas['StatusReportList'];

export type TFollowUpAction = Schemas['FollowUpAction'];
export type TActionOwner = Schemas['ActionOwner'];

export type TExemption = Schemas['Exemption'];

export type TPortfolioRow = Schemas['PortfolioRow'];

/** GET /stats/expenses/years: digital-related expenses over several fiscal years (slide 82). */
export type TExpenseYears = Answer<'getExpenseStatsByYear'>;

export type TSignInMethods = Schemas['SignInMethods'];
export type TSignInSettings = Schemas['SignInSettings'];

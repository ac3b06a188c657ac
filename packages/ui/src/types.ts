/**
 * Response shapes the UI reads. Projects and oversight come from core (shared with the API's
 * OpenAPI); the rest mirror the API routes. Fields a route may leave out are optional, so a
 * screen shows "—" instead of breaking.
 */
import type { TProjectResponse } from '@core/projects/responses.ts';
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
  isActive?: boolean;
  version?: number;
  createdAt?: string;
};

export type TBureau = { code: string; nameJa: string; nameEn: string };

export type TTierHistoryEntry = {
  fromTier: number | null;
  toTier: number | null;
  fromReviewerRole: string | null;
  toReviewerRole: string | null;
  rulesetVersion: string;
  cause: 'created' | 'inputs_changed' | 'ruleset_changed' | 'import';
  actorId: string | null;
  actorName?: string | null;
  at: string;
};

export type TGateStatus = {
  gate: string;
  stage?: TStage;
  label: string;
  labelEn?: string;
  met: boolean;
  message: string;
  messageEn?: string;
};
export type TGates = { stage?: TStage; gates?: TGateStatus[]; items?: TGateStatus[] };

export type TTransition = {
  id?: number | string;
  fromStage: TStage;
  toStage: TStage;
  direction: string;
  reason: string | null;
  actorId?: string | null;
  actorName?: string | null;
  at: string;
};

export type THistoryEvent = {
  id: number | string;
  at: string;
  actorId?: string | null;
  actorLabel?: string | null;
  actorName?: string | null;
  action: string;
  entityType: string;
  entityId: string;
  projectId?: string | null;
  before?: unknown;
  after?: unknown;
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
  status?: 'achieved' | 'on_track' | 'behind' | 'no_data';
  measurements?: TMeasurement[];
};

export type TDocument = {
  id: string;
  projectId: string;
  kind: 'requirements_definition' | 'procurement_spec' | 'user_test_report' | 'other';
  title: string;
  url: string;
  createdAt: string;
  createdBy?: string | null;
  createdByName?: string | null;
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
export type TReleaseRequest = {
  id: string;
  projectId: string;
  projectName?: string;
  projectCode?: string;
  bureauCode?: string;
  status: TReleaseStatus;
  plannedReleaseDate: string;
  notes: string | null;
  evidence: { itemId: string; url?: string; note?: string }[];
  tier: number | null;
  reviewerRole: string | null;
  checklist: TChecklistItem[];
  requestedBy: string;
  requestedByName?: string | null;
  requestedAt: string;
  dueAt: string;
  decidedBy: string | null;
  decidedByName?: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
  decisionItems: { itemId: string; result: 'ok' | 'ng' | 'na'; note?: string }[] | null;
  isOverdue?: boolean;
  version?: number;
};

export type TInboxItem = Partial<TReleaseRequest> & {
  id: string;
  kind?: string;
  projectId: string;
  projectName?: string;
  isOverdue?: boolean;
  overdue?: boolean;
  dueAt?: string;
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

export type TBudgetCycle = {
  fiscalYear: number;
  requestDate: string;
  requestDeadline: string;
  evaluationDeadline: string;
  submissionDate: string;
  submittedAt: string | null;
  submittedBy?: string | null;
  extractedAt?: string | null;
  reviewCount?: number;
  version?: number;
};

export type TViewpoint = { rating: number | null; comment: string };
export type TTechReview = {
  id: string;
  fiscalYear: number;
  projectId: string;
  projectName?: string;
  projectCode?: string;
  bureauCode?: string;
  status: 'extracted' | 'in_review' | 'submitted';
  tierAtExtraction: number | null;
  budgetJpyAtExtraction: number | null;
  technical?: TViewpoint;
  usability?: TViewpoint;
  security?: TViewpoint;
  technicalRating?: number | null;
  technicalComment?: string;
  usabilityRating?: number | null;
  usabilityComment?: string;
  securityRating?: number | null;
  securityComment?: string;
  overallOpinion: string;
  updatedAt?: string;
  version: number;
};

export type TToken = {
  id: string;
  name: string;
  tokenPrefix?: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  userId?: string;
  userName?: string | null;
};

export type TProcurement = {
  id: string;
  projectId: string;
  projectName?: string;
  projectCode?: string;
  bureauCode?: string;
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
  budgetJpy?: number | null;
  needsTierReview?: boolean;
  version: number;
};
export type TProcurementStats = {
  byMethod?: { method: string; count: number; contractAmountJpy?: number | null; startupCount?: number }[];
  items?: { method: string; count: number; contractAmountJpy?: number | null; startupCount?: number }[];
  total?: { count: number; contractAmountJpy?: number | null; startupCount?: number };
};

export type TImportRowError = { line: number; column?: string | null; message: string };
export type TImportResult = {
  type: 'result';
  dryRun?: boolean;
  processed?: number;
  total?: number;
  created?: number;
  updated?: number;
  unchanged?: number;
  projectsCreated?: number;
  errors?: TImportRowError[];
  [key: string]: unknown;
};

export type TStageStats = unknown;

export type TTierTableRow = unknown;
export type TRulesResponse = {
  rulesets?: unknown;
  tierTable?: unknown;
  [key: string]: unknown;
};
export type TSimulationResult = Record<string, unknown>;

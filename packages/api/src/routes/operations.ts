/**
 * Every operation of the API by its operationId: its tag, and the API-token scopes it accepts.
 * The document's `security` and the server's check (apiRoute's middleware) both read this table,
 * so what the reference says a token may call is what the server lets it call.
 * API tokens are for machines pulling data: only read operations list scopes.
 */
import type { ZTokenScope } from '@psbook/core';
import type { z } from 'zod';

type Scope = z.infer<typeof ZTokenScope>;

/** The reference's sections, in the order it shows them. */
export const tags = {
  auth: 'Signing in and out (password or the organisation’s single sign-on), and who is signed in',
  projects: 'The register: projects (事業), their oversight inputs and tier (区分), and tier decreases (区分の引下げ)',
  canvas: 'The service canvas (サービスキャンバス) of a project, saved as revisions',
  kpis: 'KPIs of a project and their yearly measurements',
  documents: 'Links to a project’s documents (要件定義書, 調達仕様書 …)',
  lifecycle: 'Stage moves (企画 → 要件定義 → 開発 → 運用 → 廃止) and the gates that guard them',
  procurements: 'Procurements (調達) of projects, and the procurement register',
  'release requests': 'Release judgements (リリース判定): filing, routing to the reviewer, approving or returning',
  'yearly reviews': 'The yearly keep-or-retire decision (存廃判断) of projects in operation',
  supervision: 'Supervision of tier-1/2 projects: consultations (協議), status reports (状況報告), follow-up actions, exemptions (免除)',
  reviews: 'What waits for the signed-in user (the inbox)',
  'tech reviews': 'Budget compilation tech reviews (技術的関与) and their reports',
  'budget cycles': 'Budget compilation cycles (予算編成): extraction of projects for tech review, submission',
  imports: 'Imports of digital-related expense lines (デジタル関連経費情報) from CSV or Excel',
  exports: 'The book as CSV, JSON or Excel, for staff and as open data',
  stats: 'Statistics: registrations, stages × tiers, expenses',
  oversight: 'The oversight tier (区分) evaluation, without storing anything',
  rules: 'The active rulesets and simulations of candidate rulesets',
  notifications: 'Notifications of the signed-in user and their channel and cadence',
  history: 'Audit events: of a project, and of the whole book',
  reference: 'Reference lists (bureaus 局)',
  admin: 'Administration: users, bureaus, notification defaults, the e-mail outbox, sign-in settings',
  'API tokens': 'Read-only API tokens for machines (budget office, open data), and their scopes',
  health: 'Liveness and readiness probes for the load balancer',
} as const;
export type Tag = keyof typeof tags;

type Operation = { tag: Tag; scopes: readonly Scope[]; public?: true; description?: string };

const op = (tag: Tag, scopes: readonly Scope[] = [], extra: Partial<Operation> = {}): Operation => ({ tag, scopes, ...extra });
const projectsRead = ['projects:read'] as const;
const statsRead = ['stats:read'] as const;
const techReviewsRead = ['tech_reviews:read'] as const;

export const operations = {
  // auth
  signIn: op('auth', [], { public: true }),
  signOut: op('auth'),
  getCurrentUser: op('auth'),
  listSignInMethods: op('auth', [], { public: true }),
  startOidcSignIn: op('auth', [], { public: true }),
  completeOidcSignIn: op('auth', [], { public: true }),
  getSignInSettings: op('admin'),
  updateSignInSettings: op('admin'),
  // projects
  createProject: op('projects'),
  listProjects: op('projects', projectsRead),
  getProject: op('projects', projectsRead),
  updateProject: op('projects'),
  listTierHistory: op('projects', projectsRead),
  listTierDecreases: op('projects', projectsRead),
  getTierDecrease: op('projects'),
  decideTierDecrease: op('projects'),
  // canvas
  getCanvas: op('canvas', projectsRead),
  saveCanvas: op('canvas'),
  listCanvasRevisions: op('canvas', projectsRead),
  getCanvasRevision: op('canvas', projectsRead),
  // documents
  listDocuments: op('documents', projectsRead),
  createDocument: op('documents'),
  deleteDocument: op('documents'),
  // kpis
  listKpis: op('kpis', projectsRead),
  createKpi: op('kpis'),
  updateKpi: op('kpis'),
  deleteKpi: op('kpis'),
  recordMeasurement: op('kpis'),
  deleteMeasurement: op('kpis'),
  // lifecycle
  createTransition: op('lifecycle'),
  listTransitions: op('lifecycle', projectsRead),
  getGates: op('lifecycle', projectsRead),
  // procurements
  createProcurement: op('procurements'),
  updateProcurement: op('procurements'),
  listProjectProcurements: op('procurements', projectsRead),
  listProcurements: op('procurements', projectsRead),
  getProcurementStats: op('procurements', projectsRead),
  exportProcurementsCsv: op('procurements', projectsRead),
  exportProcurementsXlsx: op('procurements', projectsRead),
  // release requests
  createReleaseRequest: op('release requests'),
  listReleaseRequests: op('release requests', projectsRead),
  getReleaseRequest: op('release requests'),
  decideReleaseRequest: op('release requests'),
  updateReleaseRequest: op('release requests'),
  withdrawReleaseRequest: op('release requests'),
  // yearly reviews
  createYearlyReview: op('yearly reviews'),
  listYearlyReviews: op('yearly reviews', projectsRead),
  listOutstandingYearlyReviews: op('yearly reviews'),
  // supervision
  createConsultation: op('supervision'),
  listConsultations: op('supervision', projectsRead),
  getConsultation: op('supervision'),
  addConsultationMessage: op('supervision'),
  closeConsultation: op('supervision'),
  createStatusReport: op('supervision'),
  listStatusReports: op('supervision', projectsRead),
  assessStatusReport: op('supervision'),
  getSupervisionPortfolio: op('supervision'),
  exportSupervisionPortfolioCsv: op('supervision'),
  listFollowUpActions: op('supervision', projectsRead),
  listActionOwners: op('supervision', projectsRead),
  createFollowUpAction: op('supervision'),
  updateFollowUpAction: op('supervision'),
  listExemptions: op('supervision', projectsRead),
  createExemption: op('supervision'),
  decideExemption: op('supervision'),
  // reviews
  listInbox: op('reviews'),
  // tech reviews
  listTechReviews: op('tech reviews', techReviewsRead),
  exportTechReviewsCsv: op('tech reviews', techReviewsRead),
  exportTechReviewsXlsx: op('tech reviews', techReviewsRead),
  getTechReview: op('tech reviews', techReviewsRead),
  updateTechReview: op('tech reviews'),
  recordTechReviewReflection: op('tech reviews'),
  listReflectionOutcomes: op('tech reviews', techReviewsRead),
  // budget cycles
  createBudgetCycle: op('budget cycles'),
  listBudgetCycles: op('budget cycles'),
  getBudgetCycle: op('budget cycles'),
  extractBudgetCycle: op('budget cycles'),
  submitBudgetCycle: op('budget cycles'),
  getBudgetCycleComparison: op('budget cycles'),
  // imports, exports, stats
  importExpenses: op('imports'),
  exportProjectsCsv: op('exports', projectsRead),
  exportProjectsJson: op('exports', projectsRead),
  exportOpenDataJson: op('exports', projectsRead),
  exportOpenDataCsv: op('exports', projectsRead),
  exportProjectsXlsx: op('exports', projectsRead),
  exportOpenDataXlsx: op('exports', projectsRead),
  getRegistrationStats: op('stats', statsRead),
  getStageStats: op('stats', statsRead),
  getExpenseStats: op('stats', statsRead),
  exportExpenseStatsCsv: op('stats', statsRead),
  exportExpenseStatsXlsx: op('stats', statsRead),
  // oversight, rules
  evaluateOversight: op('oversight'),
  listRulesets: op('rules'),
  simulateRuleset: op('rules'),
  // notifications
  listNotifications: op('notifications'),
  countUnreadNotifications: op('notifications'),
  markNotificationsRead: op('notifications'),
  getNotificationPreferences: op('notifications'),
  updateNotificationPreferences: op('notifications'),
  getNotificationDefaults: op('admin'),
  updateNotificationDefaults: op('admin'),
  listOutbox: op('admin'),
  // history
  listProjectHistory: op('history', projectsRead),
  listAuditEvents: op('history'),
  // reference, admin
  listBureaus: op('reference'),
  createBureau: op('admin'),
  listUsers: op('admin'),
  getUser: op('admin'),
  createUser: op('admin'),
  updateUser: op('admin'),
  // tokens
  createToken: op('API tokens'),
  listTokens: op('API tokens'),
  revokeToken: op('API tokens'),
  // probes
  getLiveness: op('health', [], { public: true }),
  getReadiness: op('health', [], { public: true }),
} as const satisfies Record<string, Operation>;
export type OperationId = keyof typeof operations;

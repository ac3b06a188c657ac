import {
  ratingDimensions,
  ratingLabels,
  stageLabels,
  ZActionSourceKind,
  ZActionStatus,
  ZAssessmentRequest,
  ZBureauCode,
  ZCloseConsultationRequest,
  ZConsultationMessageRequest,
  ZConsultationStatus,
  ZConsultationTopic,
  ZCreateActionRequest,
  ZCreateConsultationRequest,
  ZCreateExemptionRequest,
  ZCreateStatusReportRequest,
  ZExemptionDecisionRequest,
  ZExemptionStatus,
  ZExemptionTargetKind,
  ZMilestoneKind,
  ZPeriod,
  ZRating,
  ZReviewerRef,
  ZReviewerRole,
  ZRiskLevel,
  ZRoutingStep,
  ZStage,
  ZTier,
  ZUpdateActionRequest,
} from '@psbook/core';
import { z } from 'zod';
import { requireActor } from '../auth/actor.ts';
import { csvResponseHeaders, toExcelCsv } from '../csv.ts';
import {
  decideExemption,
  getExemption,
  getFollowUpAction,
  listActionOwners,
  listProjectActions,
  listProjectExemptions,
  raiseFollowUpAction,
  requestExemption,
  updateFollowUpAction,
} from '../domain/follow-up-actions.ts';
import {
  assessStatusReport,
  closeConsultation,
  fileStatusReport,
  getConsultationDetail,
  getStatusReport,
  listPortfolio,
  listProjectConsultations,
  listProjectStatusReports,
  localToday,
  openConsultation,
  postConsultationMessage,
} from '../domain/supervision.ts';
import { domainContext } from './context.ts';
import {
  allProblems,
  apiRoute,
  conflictProblems,
  createRouter,
  csvContent,
  jsonBody,
  jsonContent,
  problems,
  projectPageRoute,
  queryBoolean,
  ruleProblems,
  ZIdParam,
} from './openapi.ts';
import { pageOf, pageSchema, ZPageQuery } from './pagination.ts';

export const ZRatingsResponse = z.object(
  Object.fromEntries(ratingDimensions.map((d) => [d, ZRating])) as Record<(typeof ratingDimensions)[number], typeof ZRating>,
);

export const ZConsultationResponse = z
  .object({
    id: z.string(),
    projectId: z.string(),
    projectCode: z.string(),
    projectName: z.string(),
    bureauCode: z.string(),
    topic: ZConsultationTopic,
    subject: z.string(),
    status: ZConsultationStatus,
    tier: ZTier,
    reviewerRole: ZReviewerRole,
    documentIds: z.array(z.string()),
    openedBy: z.string(),
    openedByName: z.string(),
    openedAt: z.string(),
    dueOn: z.string(),
    isOverdue: z.boolean(),
    answeredAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    version: z.number().int(),
  })
  .openapi('Consultation');
export const ZConsultationDetail = ZConsultationResponse.extend({
  messages: z.array(
    z.object({
      id: z.string(),
      authorId: z.string(),
      authorName: z.string(),
      side: z.enum(['bureau', 'consultee', 'technical']),
      body: z.string(),
      actionId: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
  routing: z.array(ZRoutingStep),
  consultees: z.array(ZReviewerRef),
}).openapi('ConsultationDetail');

export const ZDate = z.string().nullable();
export const ZStatusReportResponse = z
  .object({
    id: z.string(),
    projectId: z.string(),
    period: z.string(),
    stage: ZStage,
    tier: ZTier,
    milestones: z.array(z.object({ milestone: ZMilestoneKind, plannedDate: ZDate, forecastDate: ZDate, actualDate: ZDate })),
    cost: z.object({
      budgetJpy: z.number().int().nullable(),
      contractJpy: z.number().int().nullable(),
      spentJpy: z.number().int().nullable(),
      forecastJpy: z.number().int().nullable(),
    }),
    selfRating: ZRatingsResponse,
    risks: z.array(z.object({ title: z.string(), likelihood: ZRiskLevel, impact: ZRiskLevel, owner: z.string(), mitigation: z.string() })),
    narrative: z.string(),
    filedBy: z.string(),
    filedByName: z.string(),
    filedAt: z.string(),
    assessment: z
      .object({
        ratings: ZRatingsResponse,
        comment: z.string(),
        assessedBy: z.string().nullable(),
        assessedByName: z.string().nullable(),
        assessedAt: z.string().nullable(),
      })
      .nullable(),
    version: z.number().int(),
  })
  .openapi('StatusReport');

export const ZDivergenceReason = z.object({
  rule: z.enum(['two_steps', 'two_periods']),
  periods: z.array(z.string()),
  dimensions: z.array(z.enum(ratingDimensions)),
});
/** A page of status reports; the reporting state is of all of them. */
export const ZStatusReportList = pageSchema(ZStatusReportResponse).extend({
  supervised: z.boolean(),
  cadenceMonths: z.number().int().nullable(),
  divergent: z.boolean(),
  divergence: z.array(ZDivergenceReason),
  reportOverdue: z.boolean(),
  duePeriod: z.string().nullable(),
  nextPeriod: z.string().nullable(),
  nextDeadline: z.string().nullable(),
});

export const ZActionResponse = z
  .object({
    id: z.string(),
    projectId: z.string(),
    projectCode: z.string(),
    projectName: z.string(),
    bureauCode: z.string(),
    title: z.string(),
    ownerId: z.string(),
    ownerName: z.string(),
    dueDate: z.string(),
    isOverdue: z.boolean(),
    source: z.object({ kind: ZActionSourceKind, refId: z.string().nullable(), detail: z.string().nullable() }),
    blocking: z.boolean(),
    status: ZActionStatus,
    note: z.string().nullable(),
    raisedBy: z.string(),
    raisedByName: z.string(),
    raisedAt: z.string(),
    doneAt: z.string().nullable(),
    verifiedAt: z.string().nullable(),
    version: z.number().int(),
  })
  .openapi('FollowUpAction');

export const ZExemptionResponse = z
  .object({
    id: z.string(),
    projectId: z.string(),
    projectCode: z.string(),
    projectName: z.string(),
    bureauCode: z.string(),
    targetKind: ZExemptionTargetKind,
    target: z.string(),
    reason: z.string(),
    expiresOn: z.string(),
    status: ZExemptionStatus,
    isActive: z.boolean(),
    isExpired: z.boolean(),
    requestedBy: z.string(),
    requestedByName: z.string(),
    requestedAt: z.string(),
    decidedBy: z.string().nullable(),
    decidedByName: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionComment: z.string().nullable(),
    version: z.number().int(),
  })
  .openapi('Exemption');

export const ZPortfolioRow = z
  .object({
    projectId: z.string(),
    projectCode: z.string(),
    projectName: z.string(),
    bureauCode: z.string(),
    tier: ZTier,
    stage: ZStage,
    latestPeriod: z.string().nullable(),
    selfRating: ZRating.nullable(),
    assessment: ZRating.nullable(),
    assessedPeriod: z.string().nullable(),
    divergent: z.boolean(),
    divergence: z.array(ZDivergenceReason),
    reportOverdue: z.boolean(),
    duePeriod: z.string().nullable(),
    nextPeriod: z.string().nullable(),
    nextDeadline: z.string().nullable(),
    awaitingAssessment: z.boolean(),
    openActions: z.number().int(),
    openBlockingActions: z.number().int(),
    openConsultations: z.number().int(),
    overdueConsultations: z.number().int(),
    kpiStatus: z.enum(['achieved', 'on_track', 'behind', 'no_data']).nullable(),
  })
  .openapi('PortfolioRow');
type TPortfolioRow = z.infer<typeof ZPortfolioRow>;

export const ZPeriodParam = z.object({ id: z.uuid({ message: 'must be a UUID' }), period: ZPeriod });
export const ZPortfolioQuery = z.object({
  bureau: ZBureauCode.optional(),
  tier: z.coerce.number().pipe(ZTier).optional(),
  rating: ZRating.optional().openapi({ description: 'The latest overall rating: the assessment where there is one, else the self-rating' }),
  divergent: queryBoolean().optional(),
  overdue: queryBoolean().optional(),
});

export const ZConsultationListResponse = pageSchema(ZConsultationResponse);
export const ZPortfolioPage = pageSchema(ZPortfolioRow);
export const ZActionListResponse = pageSchema(ZActionResponse);
export const ZActionOwner = z.object({ id: z.string(), displayName: z.string(), role: z.string() });
export const ZActionOwnerListResponse = pageSchema(ZActionOwner);
export const ZExemptionListResponse = pageSchema(ZExemptionResponse);

const tags = ['supervision'];

const createConsultation = apiRoute({
  operationId: 'createConsultation',
  method: 'post',
  path: '/projects/{id}/consultations',
  tags,
  summary:
    'Open a consultation (協議) with the project’s consultee (tier 1 bureau lead, 2 the bureau’s CIO advisor, 3 the chief CIO advisor)',
  description:
    'The bureau (staff, bureau lead) or an admin; due the rules’ working days later (rules/supervision.json). Attached documents must be the project’s.',
  request: { params: ZIdParam, ...jsonBody(ZCreateConsultationRequest) },
  responses: { 201: jsonContent(ZConsultationDetail, 'The open consultation with its first message'), ...ruleProblems },
});
const listConsultations = projectPageRoute({
  operationId: 'listConsultations',
  path: '/projects/{id}/consultations',
  summary: 'The consultations of a project, newest first',
  page: ZConsultationListResponse,
  pageDescription: 'A page of consultations',
});
const getConsultation = apiRoute({
  operationId: 'getConsultation',
  method: 'get',
  path: '/consultations/{id}',
  tags,
  summary: 'One consultation with its messages, routing history and who answers it',
  request: { params: ZIdParam },
  responses: { 200: jsonContent(ZConsultationDetail, 'The consultation'), ...problems },
});
const postMessage = apiRoute({
  operationId: 'addConsultationMessage',
  method: 'post',
  path: '/consultations/{id}/messages',
  tags,
  summary:
    'Add a message: the consultee’s answers it (and may record guidance, 指導, which becomes a follow-up action); the bureau’s reopens it',
  request: { params: ZIdParam, ...jsonBody(ZConsultationMessageRequest) },
  responses: { 201: jsonContent(ZConsultationDetail, 'The consultation with the new message'), ...allProblems },
});
const close = apiRoute({
  operationId: 'closeConsultation',
  method: 'post',
  path: '/consultations/{id}/close',
  tags,
  summary: 'Close a consultation (the bureau or the consultee), at the version last seen',
  request: { params: ZIdParam, ...jsonBody(ZCloseConsultationRequest) },
  responses: { 200: jsonContent(ZConsultationDetail, 'The closed consultation'), ...conflictProblems },
});
const fileReport = apiRoute({
  operationId: 'createStatusReport',
  method: 'post',
  path: '/projects/{id}/status-reports',
  tags,
  summary: 'File the status report (状況報告) of a period (YYYY-MM) for a supervised project; a second report for the same period is 409',
  request: { params: ZIdParam, ...jsonBody(ZCreateStatusReportRequest) },
  responses: { 201: jsonContent(ZStatusReportResponse, 'The report'), ...allProblems },
});
const listReports = projectPageRoute({
  operationId: 'listStatusReports',
  path: '/projects/{id}/status-reports',
  summary: 'The status reports of a project, newest period first, with its divergence flag and the report owed next',
  page: ZStatusReportList,
  pageDescription: 'A page of status reports, with the project’s reporting state',
});
const assess = apiRoute({
  operationId: 'assessStatusReport',
  method: 'put',
  path: '/projects/{id}/status-reports/{period}/assessment',
  tags,
  summary:
    'Record the consultee’s independent assessment (独立評価) of a report: only the project’s consultee, never the filer; at the report’s version',
  request: { params: ZPeriodParam, ...jsonBody(ZAssessmentRequest) },
  responses: { 200: jsonContent(ZStatusReportResponse, 'The assessed report'), ...conflictProblems },
});
const portfolio = apiRoute({
  operationId: 'getSupervisionPortfolio',
  method: 'get',
  path: '/supervision/portfolio',
  tags,
  summary: 'The signed-in reviewer’s supervised projects (every one for the chief CIO advisor and admins), divergent and overdue first',
  request: { query: ZPortfolioQuery.extend(ZPageQuery.shape) },
  responses: { 200: jsonContent(ZPortfolioPage, 'A page of the portfolio'), ...problems },
});
const portfolioCsv = apiRoute({
  operationId: 'exportSupervisionPortfolioCsv',
  method: 'get',
  path: '/supervision/portfolio.csv',
  tags,
  summary: 'The portfolio as CSV for Excel (UTF-8 with BOM, Japanese headers), in the same order and with the same filters',
  request: { query: ZPortfolioQuery },
  responses: { 200: csvContent('CSV'), ...problems },
});
const listActions = projectPageRoute({
  operationId: 'listFollowUpActions',
  path: '/projects/{id}/actions',
  summary: 'The follow-up actions (フォローアップ措置) of a project, newest first',
  page: ZActionListResponse,
  pageDescription: 'A page of follow-up actions',
});
const listOwners = projectPageRoute({
  operationId: 'listActionOwners',
  path: '/projects/{id}/action-owners',
  summary: 'Who may own a follow-up action of this project: the active staff and bureau leads of its bureau',
  page: ZActionOwnerListResponse,
  pageDescription: 'A page of possible owners',
});
const createAction = apiRoute({
  operationId: 'createFollowUpAction',
  method: 'post',
  path: '/projects/{id}/actions',
  tags,
  summary: 'Raise a follow-up action (the bureau or the project’s consultee); a blocking one holds the next stage until verified',
  request: { params: ZIdParam, ...jsonBody(ZCreateActionRequest) },
  responses: { 201: jsonContent(ZActionResponse, 'The action'), ...problems },
});
const patchAction = apiRoute({
  operationId: 'updateFollowUpAction',
  method: 'patch',
  path: '/actions/{id}',
  tags,
  summary:
    'Move a follow-up action on: the owner marks it done, the one who raised it verifies it (or sends it back); at the version last seen',
  request: { params: ZIdParam, ...jsonBody(ZUpdateActionRequest) },
  responses: { 200: jsonContent(ZActionResponse, 'The action'), ...allProblems },
});
const listExemptions = projectPageRoute({
  operationId: 'listExemptions',
  path: '/projects/{id}/exemptions',
  summary: 'The exemptions (免除) of a project, newest first; `isActive` when approved and unexpired',
  page: ZExemptionListResponse,
  pageDescription: 'A page of exemptions',
});
const createExemption = apiRoute({
  operationId: 'createExemption',
  method: 'post',
  path: '/projects/{id}/exemptions',
  tags,
  summary: 'Ask to waive one lifecycle gate or one release-checklist item until a date (the bureau); the consultee decides',
  request: { params: ZIdParam, ...jsonBody(ZCreateExemptionRequest) },
  responses: { 201: jsonContent(ZExemptionResponse, 'The requested exemption'), ...allProblems },
});
const decideExemptionRoute = apiRoute({
  operationId: 'decideExemption',
  method: 'post',
  path: '/exemptions/{id}/decision',
  tags,
  summary: 'Approve or refuse an exemption: only the project’s consultee, never the requester; refusing needs a comment',
  request: { params: ZIdParam, ...jsonBody(ZExemptionDecisionRequest) },
  responses: { 200: jsonContent(ZExemptionResponse, 'The decided exemption'), ...allProblems },
});

const csvHeader = [
  '事業番号',
  '事業名',
  '局',
  '区分',
  '段階',
  '最新の報告月',
  '自己評価',
  '独立評価',
  '乖離',
  '報告遅延',
  '未完了の措置',
  '進行中の協議',
  'KPI',
];
const kpiLabels = { achieved: '達成', on_track: '順調', behind: '遅れ', no_data: '実績なし' } as const;
const portfolioCsvRow = (r: TPortfolioRow) => [
  r.projectCode,
  r.projectName,
  r.bureauCode,
  r.tier,
  stageLabels[r.stage].ja,
  r.latestPeriod ?? '',
  r.selfRating ? ratingLabels[r.selfRating].ja : '',
  r.assessment ? ratingLabels[r.assessment].ja : '',
  r.divergent ? '乖離あり' : '',
  r.reportOverdue ? `遅延（${r.duePeriod}）` : '',
  r.openActions,
  r.openConsultations,
  r.kpiStatus ? kpiLabels[r.kpiStatus] : '',
];

export const supervisionRoutes = createRouter()
  .openapi(createConsultation, async (c) => {
    const ctx = domainContext(c);
    const id = await openConsultation(ctx, c.req.valid('param').id, c.req.valid('json'));
    return c.json(await getConsultationDetail(ctx, id), 201);
  })
  .openapi(listConsultations, async (c) =>
    c.json(
      pageOf(await listProjectConsultations(domainContext(c), c.req.valid('param').id), c.req.valid('query'), (r) => r.id),
      200,
    ),
  )
  .openapi(getConsultation, async (c) => {
    requireActor(c.get('actor'));
    return c.json(await getConsultationDetail(domainContext(c), c.req.valid('param').id), 200);
  })
  .openapi(postMessage, async (c) => {
    const ctx = domainContext(c);
    const { id } = c.req.valid('param');
    await postConsultationMessage(ctx, id, c.req.valid('json'));
    return c.json(await getConsultationDetail(ctx, id), 201);
  })
  .openapi(close, async (c) => {
    const ctx = domainContext(c);
    const { id } = c.req.valid('param');
    await closeConsultation(ctx, id, c.req.valid('json').version);
    return c.json(await getConsultationDetail(ctx, id), 200);
  })
  .openapi(fileReport, async (c) => {
    const ctx = domainContext(c);
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    await fileStatusReport(ctx, id, input);
    return c.json(await getStatusReport(ctx, id, input.period), 201);
  })
  .openapi(listReports, async (c) => {
    const { items, summary } = await listProjectStatusReports(domainContext(c), c.req.valid('param').id);
    return c.json({ ...pageOf(items, c.req.valid('query'), (r) => r.period), ...summary }, 200);
  })
  .openapi(assess, async (c) => {
    const ctx = domainContext(c);
    const { id, period } = c.req.valid('param');
    await assessStatusReport(ctx, id, period, c.req.valid('json'));
    return c.json(await getStatusReport(ctx, id, period), 200);
  })
  .openapi(portfolio, async (c) => {
    const query = c.req.valid('query');
    const { items } = await listPortfolio(domainContext(c), query);
    return c.json(
      pageOf(items, query, (row) => row.projectId),
      200,
    );
  })
  .openapi(portfolioCsv, async (c) => {
    const { items } = await listPortfolio(domainContext(c), c.req.valid('query'));
    return c.body(toExcelCsv(csvHeader, items.map(portfolioCsvRow)), 200, csvResponseHeaders(`監理ポートフォリオ_${localToday()}.csv`));
  })
  .openapi(listActions, async (c) =>
    c.json(
      pageOf(await listProjectActions(domainContext(c), c.req.valid('param').id), c.req.valid('query'), (a) => a.id),
      200,
    ),
  )
  .openapi(listOwners, async (c) =>
    c.json(
      pageOf(await listActionOwners(domainContext(c), c.req.valid('param').id), c.req.valid('query'), (u) => u.id),
      200,
    ),
  )
  .openapi(createAction, async (c) => {
    const ctx = domainContext(c);
    const id = await raiseFollowUpAction(ctx, c.req.valid('param').id, c.req.valid('json'));
    return c.json(await getFollowUpAction(ctx, id), 201);
  })
  .openapi(patchAction, async (c) => {
    const ctx = domainContext(c);
    const { id } = c.req.valid('param');
    await updateFollowUpAction(ctx, id, c.req.valid('json'));
    return c.json(await getFollowUpAction(ctx, id), 200);
  })
  .openapi(listExemptions, async (c) =>
    c.json(
      pageOf(await listProjectExemptions(domainContext(c), c.req.valid('param').id), c.req.valid('query'), (e) => e.id),
      200,
    ),
  )
  .openapi(createExemption, async (c) => {
    const ctx = domainContext(c);
    const id = await requestExemption(ctx, c.req.valid('param').id, c.req.valid('json'));
    return c.json(await getExemption(ctx, id), 201);
  })
  .openapi(decideExemptionRoute, async (c) => {
    const ctx = domainContext(c);
    const { id } = c.req.valid('param');
    await decideExemption(ctx, id, c.req.valid('json'));
    return c.json(await getExemption(ctx, id), 200);
  });

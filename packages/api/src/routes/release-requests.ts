import {
  ZCreateReleaseRequest,
  ZReleaseDecisionRequest,
  ZReleaseItemResult,
  ZReleaseStatus,
  ZReviewerRef,
  ZReviewerRole,
  ZRoutingStep,
  ZTier,
  ZUpdateReleaseRequest,
  ZWithdrawReleaseRequest,
} from '@psbook/core';
import { z } from 'zod';
import {
  createReleaseRequest,
  decideReleaseRequest,
  getReleaseRequestDetail,
  listProjectReleaseRequests,
  updateReleaseRequest,
  withdrawReleaseRequest,
} from '../domain/releases.ts';
import { validationError } from '../errors.ts';
import { domainContext } from './context.ts';
import { allProblems, apiRoute, createRouter, jsonBody, jsonContent, problems, projectPageRoute, ZIdParam } from './openapi.ts';
import { pageOf, pageSchema } from './pagination.ts';

export const ZChecklistItem = z.object({
  itemId: z.string(),
  principle: z.string(),
  label: z.string(),
  labelEn: z.string(),
  description: z.string(),
  /** Absent on requests filed before the checklist carried English descriptions. */
  descriptionEn: z.string().optional(),
  naAllowed: z.boolean(),
});

export const ZReleaseRequestResponse = z.object({
  id: z.string(),
  projectId: z.string(),
  projectCode: z.string(),
  projectName: z.string(),
  bureauCode: z.string(),
  status: ZReleaseStatus,
  tier: ZTier,
  reviewerRole: ZReviewerRole,
  checklist: z.array(ZChecklistItem),
  evidence: z.array(z.object({ itemId: z.string(), url: z.string().optional(), note: z.string().optional() })),
  plannedReleaseDate: z.string(),
  notes: z.string().nullable(),
  rulesetVersion: z.string(),
  requestedBy: z.string(),
  requestedByName: z.string(),
  requestedAt: z.string(),
  dueAt: z.string(),
  isOverdue: z.boolean(),
  decision: z
    .object({
      decision: z.enum(['approved', 'returned']),
      decidedBy: z.string().nullable(),
      decidedByName: z.string().nullable(),
      decidedAt: z.string().nullable(),
      comment: z.string().nullable(),
      items: z.array(z.object({ itemId: z.string(), result: ZReleaseItemResult, note: z.string().optional() })),
    })
    .nullable(),
  version: z.number().int(),
});
export const ZReleaseRequestDetail = ZReleaseRequestResponse.extend({
  routing: z.array(ZRoutingStep),
  reviewers: z.array(ZReviewerRef),
  exemptions: z.array(z.object({ itemId: z.string(), reason: z.string(), expiresOn: z.string() })),
});

export const ZIfMatch = z.object({ 'if-match': z.string().optional() });

const create = apiRoute({
  operationId: 'createReleaseRequest',
  method: 'post',
  path: '/projects/{id}/release-requests',
  tags: ['release requests'],
  summary: 'File a release request (リリース判定) for a project in development; routed to the reviewer its tier designates, due in 14 days',
  request: { params: ZIdParam, ...jsonBody(ZCreateReleaseRequest) },
  responses: { 201: jsonContent(ZReleaseRequestDetail, 'The pending release request with its checklist'), ...allProblems },
});
export const ZReleaseRequestListResponse = pageSchema(ZReleaseRequestResponse);
const listOfProject = projectPageRoute({
  operationId: 'listReleaseRequests',
  path: '/projects/{id}/release-requests',
  summary: 'Every release request of a project, newest first',
  page: ZReleaseRequestListResponse,
  pageDescription: 'A page of release requests',
});
const get = apiRoute({
  operationId: 'getReleaseRequest',
  method: 'get',
  path: '/release-requests/{id}',
  tags: ['release requests'],
  summary: 'One release request with its routing history, its judgement and who may judge it',
  request: { params: ZIdParam },
  responses: { 200: jsonContent(ZReleaseRequestDetail, 'The release request'), ...problems },
});
const decide = apiRoute({
  operationId: 'decideReleaseRequest',
  method: 'post',
  path: '/release-requests/{id}/decision',
  tags: ['release requests'],
  summary:
    'Approve or return a pending release request: only the reviewer the tier designates (1 bureau lead, 2 the bureau’s CIO advisor, 3 the chief CIO advisor), never the applicant',
  description:
    'Approval needs every checklist item `ok` (or `na` where the item allows it); returning needs a comment. An optional If-Match with the request version refuses a stale judgement with 409.',
  request: { params: ZIdParam, headers: ZIfMatch, ...jsonBody(ZReleaseDecisionRequest) },
  responses: { 200: jsonContent(ZReleaseRequestDetail, 'The judged release request'), ...allProblems },
});

const update = apiRoute({
  operationId: 'updateReleaseRequest',
  method: 'patch',
  path: '/release-requests/{id}',
  tags: ['release requests'],
  summary: 'Correct a pending release request (planned date, notes, evidence): the applicant’s bureau, at the version it read',
  description: 'Fields left out are kept. A request already judged or withdrawn is 409, as is a stale version.',
  request: { params: ZIdParam, ...jsonBody(ZUpdateReleaseRequest) },
  responses: { 200: jsonContent(ZReleaseRequestDetail, 'The corrected release request'), ...allProblems },
});
const withdraw = apiRoute({
  operationId: 'withdrawReleaseRequest',
  method: 'post',
  path: '/release-requests/{id}/withdraw',
  tags: ['release requests'],
  summary: 'Withdraw a pending release request: the applicant’s bureau, at the version it read; it leaves the reviewer’s inbox',
  request: { params: ZIdParam, ...jsonBody(ZWithdrawReleaseRequest) },
  responses: { 200: jsonContent(ZReleaseRequestDetail, 'The withdrawn release request'), ...allProblems },
});

function ifMatchVersion(header: string | undefined): number | undefined {
  const raw = header?.replace(/^W\//, '').replace(/"/g, '').trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw validationError([{ path: 'header.if-match', message: 'must be the release request version' }]);
  return n;
}

export const releaseRequestRoutes = createRouter()
  .openapi(create, async (c) => {
    const ctx = domainContext(c);
    const id = await createReleaseRequest(ctx, c.req.valid('param').id, c.req.valid('json'));
    const detail = await getReleaseRequestDetail(ctx, id);
    return c.json(detail, 201);
  })
  .openapi(listOfProject, async (c) =>
    c.json(
      pageOf(await listProjectReleaseRequests(domainContext(c), c.req.valid('param').id), c.req.valid('query'), (r) => r.id),
      200,
    ),
  )
  .openapi(get, async (c) => c.json(await getReleaseRequestDetail(domainContext(c), c.req.valid('param').id), 200))
  .openapi(decide, async (c) => {
    const ctx = domainContext(c);
    const { id } = c.req.valid('param');
    await decideReleaseRequest(ctx, id, c.req.valid('json'), ifMatchVersion(c.req.valid('header')['if-match']));
    return c.json(await getReleaseRequestDetail(ctx, id), 200);
  })
  .openapi(update, async (c) => {
    const ctx = domainContext(c);
    const { id } = c.req.valid('param');
    await updateReleaseRequest(ctx, id, c.req.valid('json'));
    return c.json(await getReleaseRequestDetail(ctx, id), 200);
  })
  .openapi(withdraw, async (c) => {
    const ctx = domainContext(c);
    const { id } = c.req.valid('param');
    await withdrawReleaseRequest(ctx, id, c.req.valid('json'));
    return c.json(await getReleaseRequestDetail(ctx, id), 200);
  });

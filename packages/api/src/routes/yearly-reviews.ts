import {
  ZFiscalYear,
  ZOutstandingResponse,
  ZRetirementDecisionRequest,
  ZRetirementStatus,
  ZYearlyDecision,
  ZYearlyReviewRequest,
} from '@psbook/core';
import { z } from 'zod';
import { createYearlyReview, decideRetirement, listOutstandingYearlyReviews, listYearlyReviews } from '../domain/yearly-reviews.ts';
import { domainContext } from './context.ts';
import { allProblems, apiRoute, createRouter, jsonBody, jsonContent, problems, projectPageRoute, ZIdParam } from './openapi.ts';
import { cursorOf, encodeCursor, pageOf, pageSchema, ZPageQuery } from './pagination.ts';

export const ZYearlyReviewResponse = z.object({
  projectId: z.string(),
  fiscalYear: z.number().int(),
  decision: ZYearlyDecision,
  rationale: z.string(),
  decidedBy: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: z.string(),
  /** The retirement a `retire` decision opened; null for continue and improve. */
  retirement: z
    .object({
      status: ZRetirementStatus,
      reason: z.string().nullable(),
      decidedBy: z.string().nullable(),
      decidedByName: z.string().nullable(),
      decidedAt: z.string().nullable(),
    })
    .nullable(),
});

export const ZOutstandingQuery = ZPageQuery.extend({ fiscalYear: z.coerce.number().pipe(ZFiscalYear).optional() });
/** The outstanding list pages in SQL by project code. */
const isProjectCode = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9_-]{1,40}$/.test(v);
const create = apiRoute({
  operationId: 'createYearlyReview',
  method: 'post',
  path: '/projects/{id}/yearly-reviews',
  tags: ['yearly reviews'],
  summary: 'Record the yearly keep-or-retire decision (存廃判断) of a project in operation; one per fiscal year (409 on a second)',
  request: { params: ZIdParam, ...jsonBody(ZYearlyReviewRequest) },
  responses: { 201: jsonContent(ZYearlyReviewResponse, 'The recorded decision'), ...allProblems },
});
export const ZYearlyReviewListResponse = pageSchema(ZYearlyReviewResponse);
const list = projectPageRoute({
  operationId: 'listYearlyReviews',
  path: '/projects/{id}/yearly-reviews',
  summary: 'The yearly decisions of a project, latest fiscal year first',
  page: ZYearlyReviewListResponse,
  pageDescription: 'A page of yearly decisions',
});
const outstanding = apiRoute({
  operationId: 'listOutstandingYearlyReviews',
  method: 'get',
  path: '/yearly-reviews/outstanding',
  tags: ['yearly reviews'],
  summary:
    'Projects in operation missing a KPI measurement or the yearly decision for a fiscal year (default: the current one). Reviewers see the projects they review (bureau lead: own bureaus’ tier 1; CIO advisor: assigned bureaus’ tier 2; chief: tier 3), staff their own bureaus’, admin all; budget office 403',
  request: { query: ZOutstandingQuery },
  responses: { 200: jsonContent(ZOutstandingResponse, 'Incomplete yearly reviews, by project code'), ...problems },
});

const retirement = apiRoute({
  operationId: 'decideRetirement',
  method: 'post',
  path: '/projects/{id}/yearly-reviews/{fiscalYear}/retirement',
  tags: ['yearly reviews'],
  summary:
    'Confirm (the project moves to 廃止) or withdraw, with a reason, the retirement a yearly `retire` decision opened; the owning bureau or admin; 409 when it is not pending',
  request: {
    params: ZIdParam.extend({ fiscalYear: z.coerce.number().pipe(ZFiscalYear) }),
    ...jsonBody(ZRetirementDecisionRequest),
  },
  responses: { 200: jsonContent(ZYearlyReviewResponse, 'The decision with its retirement decided'), ...allProblems },
});

export const yearlyReviewRoutes = createRouter()
  .openapi(create, async (c) => {
    const review = await createYearlyReview(domainContext(c), c.req.valid('param').id, c.req.valid('json'));
    return c.json(review, 201);
  })
  .openapi(retirement, async (c) => {
    const { id, fiscalYear } = c.req.valid('param');
    return c.json(await decideRetirement(domainContext(c), id, fiscalYear, c.req.valid('json')), 200);
  })
  .openapi(list, async (c) => {
    return c.json(
      pageOf(await listYearlyReviews(domainContext(c), c.req.valid('param').id), c.req.valid('query'), (r) => r.fiscalYear),
      200,
    );
  })
  .openapi(outstanding, async (c) => {
    const ctx = domainContext(c);
    const query = c.req.valid('query');
    const after = cursorOf(query, isProjectCode) ?? undefined;
    const result = await listOutstandingYearlyReviews(ctx, { ...query, cursor: after });
    return c.json({ ...result, nextCursor: result.nextCursor === null ? null : encodeCursor(result.nextCursor) }, 200);
  });

import {
  stageRegistry,
  ZCreateProjectRequest,
  ZFiscalYear,
  ZProjectListResponse,
  ZProjectResponse,
  ZReviewerRole,
  ZTier,
  ZTierHistoryEntry,
  ZUpdateProjectRequest,
} from '@psbook/core';
import { z } from 'zod';
import { createProject, getProjectOrThrow, listProjectPage, tierHistoryOf, toProjectResponse, updateProject } from '../domain/projects.ts';
import { AppError, validationError } from '../errors.ts';
import { domainContext } from './context.ts';
import {
  apiRoute,
  commaSeparated,
  commaSeparatedEnum,
  conflictProblems,
  createRouter,
  jsonBody,
  jsonContent,
  problems,
  projectPageRoute,
  queryBoolean,
  queryList,
  ZIdParam,
} from './openapi.ts';
import { innerCursor, outerCursor, pageOf, pageSchema, ZPageQuery } from './pagination.ts';

export const ZProjectListQuery = ZPageQuery.extend({
  bureau: commaSeparated(/^[A-Z][A-Z0-9]{1,7}$/, 'bureau codes, comma-separated').optional(),
  stage: commaSeparatedEnum(stageRegistry.schema, 'stages, comma-separated').optional(),
  tier: queryList(
    {
      anyOf: [
        { type: 'integer', enum: [1, 2, 3] },
        { type: 'string', enum: ['unset'] },
      ],
    },
    (item): item is '1' | '2' | '3' | 'unset' => ['1', '2', '3', 'unset'].includes(item),
    'tiers, comma-separated: 1, 2, 3, or unset (not yet set)',
  ).optional(),
  reviewerRole: commaSeparatedEnum(ZReviewerRole, 'reviewer roles, comma-separated').optional(),
  fiscalYear: queryList(
    { type: 'integer', minimum: 1990, maximum: 2100 },
    (item): item is string => /^\d{4}$/.test(item) && ZFiscalYear.safeParse(Number(item)).success,
    'fiscal years, comma-separated (1990–2100)',
  ).optional(),
  isNew: queryBoolean().optional(),
  q: z.string().max(200).optional(),
  order: z.enum(['newest', 'oldest']).optional(),
});
export type TProjectListQuery = z.infer<typeof ZProjectListQuery>;

export function toProjectFilter(query: Omit<TProjectListQuery, 'limit' | 'cursor' | 'order'>) {
  return {
    bureau: query.bureau,
    stage: query.stage,
    tier: query.tier?.map((t) => (t === 'unset' ? ('unset' as const) : ZTier.parse(Number(t)))),
    reviewerRole: query.reviewerRole,
    fiscalYear: query.fiscalYear?.map(Number),
    isNew: query.isNew,
    q: query.q,
  };
}

export const ZIfMatch = z.object({ 'if-match': z.string().optional() });

/** `If-Match: "3"` or `If-Match: 3`, or `version` in the body: the version the editor saw. */
function expectedVersion(header: string | undefined, bodyVersion: number | undefined): number {
  const fromHeader = header?.replace(/^W\//, '').replace(/"/g, '').trim();
  if (fromHeader) {
    const n = Number(fromHeader);
    if (!Number.isInteger(n) || n < 1) throw validationError([{ path: 'header.if-match', message: 'must be the project version' }]);
    if (bodyVersion !== undefined && bodyVersion !== n) throw validationError([{ path: 'version', message: 'differs from If-Match' }]);
    return n;
  }
  if (bodyVersion === undefined)
    throw new AppError('precondition_failed', 'Send the version you edited, as `version` in the body or an If-Match header');
  return bodyVersion;
}

const create = apiRoute({
  operationId: 'createProject',
  successHeaders: ['ETag'],
  method: 'post',
  path: '/',
  tags: ['projects'],
  summary: 'Register a project (its oversight tier is evaluated at once)',
  request: jsonBody(ZCreateProjectRequest),
  responses: { 201: jsonContent(ZProjectResponse, 'The registered project'), ...problems },
});
const list = apiRoute({
  operationId: 'listProjects',
  method: 'get',
  path: '/',
  tags: ['projects'],
  summary: 'List projects with filters and keyset pagination',
  request: { query: ZProjectListQuery },
  responses: { 200: jsonContent(ZProjectListResponse, 'A page of projects, newest first by default'), ...problems },
});
const get = apiRoute({
  operationId: 'getProject',
  successHeaders: ['ETag'],
  method: 'get',
  path: '/{id}',
  tags: ['projects'],
  summary: 'One project',
  request: { params: ZIdParam },
  responses: { 200: jsonContent(ZProjectResponse, 'The project'), ...problems },
});
const patch = apiRoute({
  operationId: 'updateProject',
  successHeaders: ['ETag'],
  method: 'patch',
  path: '/{id}',
  tags: ['projects'],
  summary: 'Change a project at the version you saw (optimistic concurrency)',
  request: { params: ZIdParam, headers: ZIfMatch, ...jsonBody(ZUpdateProjectRequest) },
  responses: { 200: jsonContent(ZProjectResponse, 'The changed project'), ...conflictProblems },
});
export const ZTierHistoryListResponse = pageSchema(ZTierHistoryEntry);
const tierHistory = projectPageRoute({
  operationId: 'listTierHistory',
  path: '/{id}/tier-history',
  summary: 'Every change of the project’s tier or reviewer, and every tier decrease requested, agreed or refused, oldest first',
  page: ZTierHistoryListResponse,
  pageDescription: 'A page of the tier history',
});

export const projectRoutes = createRouter()
  .openapi(create, async (c) => {
    const row = await createProject(domainContext(c), c.req.valid('json'));
    c.header('ETag', `"${row.version}"`);
    return c.json(toProjectResponse(row), 201);
  })
  .openapi(list, async (c) => {
    const query = c.req.valid('query');
    const { items, nextCursor } = await listProjectPage(domainContext(c), toProjectFilter(query), {
      limit: query.limit,
      cursor: innerCursor(query),
      order: query.order ?? 'newest',
    });
    return c.json({ items, nextCursor: outerCursor(nextCursor) }, 200);
  })
  .openapi(get, async (c) => {
    const row = await getProjectOrThrow(domainContext(c), c.req.valid('param').id);
    c.header('ETag', `"${row.version}"`);
    return c.json(toProjectResponse(row), 200);
  })
  .openapi(patch, async (c) => {
    const { version, ...changes } = c.req.valid('json');
    const expected = expectedVersion(c.req.valid('header')['if-match'], version);
    const row = await updateProject(domainContext(c), c.req.valid('param').id, changes, expected);
    c.header('ETag', `"${row.version}"`);
    return c.json(toProjectResponse(row), 200);
  })
  .openapi(tierHistory, async (c) => {
    const items = await tierHistoryOf(domainContext(c), c.req.valid('param').id);
    // Entries are only ever appended, oldest first: the position is a stable key.
    return c.json(
      pageOf(items, c.req.valid('query'), (_, index) => index),
      200,
    );
  });

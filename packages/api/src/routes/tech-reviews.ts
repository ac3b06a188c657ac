import {
  ZFiscalYear,
  ZReflectionOutcome,
  ZTechReviewReflectionRequest,
  ZTechReviewStatus,
  ZTierOrNull,
  ZUpdateTechReviewRequest,
} from '@psbook/core';
import { z } from 'zod';
import { csvResponseHeaders, toExcelCsv } from '../csv.ts';
import {
  getVisibleTechReview,
  listAllVisibleTechReviews,
  listReflectionOutcomes,
  listVisibleTechReviews,
  recordReflection,
  techReviewCsvRows,
  updateTechReview,
} from '../domain/tech-reviews.ts';
import { type CellKind, workbookStream, xlsxResponseHeaders } from '../xlsx.ts';
import { domainContext } from './context.ts';
import { exportConditions, xlsxContent } from './exports.ts';
import {
  apiRoute,
  commaSeparatedEnum,
  conflictProblems,
  createRouter,
  csvContent,
  jsonBody,
  jsonContent,
  problems,
  ZIdParam,
} from './openapi.ts';
import { innerCursor, outerCursor, pageOf, pageSchema, ZPageQuery } from './pagination.ts';

const ZLocalizedText = z.object({ ja: z.string(), en: z.string() });
export const ZViewpointResponse = z.object({
  id: z.string(),
  label: ZLocalizedText,
  rating: z.number().int().nullable(),
  comment: z.string(),
});
const ZReflectionResponse = z.object({
  outcome: ZReflectionOutcome,
  amountChangeJpy: z.number().int(),
  comment: z.string(),
  recordedByName: z.string().nullable(),
  recordedAt: z.string(),
  version: z.number().int(),
});
export const ZTechReviewResponse = z.object({
  id: z.string(),
  fiscalYear: z.number().int(),
  projectId: z.string(),
  projectCode: z.string(),
  projectName: z.string(),
  bureauCode: z.string(),
  bureauName: z.string(),
  status: ZTechReviewStatus,
  tierAtExtraction: ZTierOrNull,
  budgetJpyAtExtraction: z.number().int().nullable(),
  extractionRulesetVersion: z.string(),
  isTierNotSet: z.boolean(),
  isCanvasMissing: z.boolean(),
  viewpoints: z.array(ZViewpointResponse),
  overallOpinion: z.string(),
  evaluationDeadline: z.string(),
  reviewerId: z.string().nullable(),
  reviewerName: z.string().nullable(),
  reflection: ZReflectionResponse.nullable(),
  extractedAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export const ZReflectionOutcomeYear = z.object({
  fiscalYear: z.number().int(),
  submitted: z.number().int(),
  reflected: z.number().int(),
  partlyReflected: z.number().int(),
  notReflected: z.number().int(),
  unrecorded: z.number().int(),
  amountChangeJpy: z.number().int(),
});
export const ZReflectionOutcomeYearListResponse = pageSchema(ZReflectionOutcomeYear);

export const ZStatusList = commaSeparatedEnum(ZTechReviewStatus, 'tech review statuses, comma-separated');
export const ZListQuery = ZPageQuery.extend({
  fiscalYear: z.coerce.number().pipe(ZFiscalYear).optional(),
  status: ZStatusList.optional(),
});
export const ZCsvQuery = z.object({ fiscalYear: z.coerce.number().pipe(ZFiscalYear), status: ZStatusList.optional() });

export const ZTechReviewListResponse = pageSchema(ZTechReviewResponse);

const readers =
  'Readable by admin, GovTech Tokyo and CIO advisors; by the budget office (also by an API token with tech_reviews:read) only once the cycle’s evaluation report is submitted (評価書提出), then all of it; staff and bureau leads see their own bureaus’ reviews.';

const list = apiRoute({
  operationId: 'listTechReviews',
  method: 'get',
  path: '/tech-reviews',
  tags: ['tech reviews'],
  summary: 'Budget compilation tech reviews (技術的関与), latest fiscal year first, by project code',
  description: readers,
  request: { query: ZListQuery },
  responses: {
    200: jsonContent(ZTechReviewListResponse, 'A page of tech reviews'),
    ...problems,
  },
});
const csv = apiRoute({
  operationId: 'exportTechReviewsCsv',
  method: 'get',
  path: '/tech-reviews.csv',
  tags: ['tech reviews'],
  summary: 'The tech review report of a fiscal year as Excel CSV (UTF-8 with BOM, Japanese headers)',
  description: readers,
  request: { query: ZCsvQuery },
  responses: { 200: csvContent('CSV'), ...problems },
});
const xlsx = apiRoute({
  operationId: 'exportTechReviewsXlsx',
  method: 'get',
  path: '/tech-reviews.xlsx',
  tags: ['tech reviews'],
  summary: 'The tech review report of a fiscal year as an Excel workbook (.xlsx): the CSV’s rows, with 年度, 区分 and 予算額 as numbers',
  description: readers,
  request: { query: ZCsvQuery },
  responses: { 200: xlsxContent('Sheets 条件 and 技術的関与'), ...problems },
});
const get = apiRoute({
  operationId: 'getTechReview',
  method: 'get',
  path: '/tech-reviews/{id}',
  tags: ['tech reviews'],
  summary: 'One tech review',
  description: readers,
  request: { params: ZIdParam },
  responses: { 200: jsonContent(ZTechReviewResponse, 'The tech review'), ...problems },
});
const patch = apiRoute({
  operationId: 'updateTechReview',
  method: 'patch',
  path: '/tech-reviews/{id}',
  tags: ['tech reviews'],
  summary:
    'Record the evaluation on the viewpoints of the cycle (GovTech Tokyo, role govtech) at the version you saw; refused once submitted',
  request: { params: ZIdParam, ...jsonBody(ZUpdateTechReviewRequest) },
  responses: { 200: jsonContent(ZTechReviewResponse, 'The tech review'), ...conflictProblems },
});
const reflect = apiRoute({
  operationId: 'recordTechReviewReflection',
  method: 'put',
  path: '/tech-reviews/{id}/reflection',
  tags: ['tech reviews'],
  summary:
    'Record how a submitted review’s opinion was reflected in the budget (budget office, signed in): 反映 / 一部反映 / 未反映, amount change in yen, comment; version 0 for the first record',
  request: { params: ZIdParam, ...jsonBody(ZTechReviewReflectionRequest) },
  responses: { 200: jsonContent(ZTechReviewResponse, 'The tech review with its reflection'), ...conflictProblems },
});
const reflectionOutcomes = apiRoute({
  operationId: 'listReflectionOutcomes',
  method: 'get',
  path: '/tech-reviews/reflection-outcomes',
  tags: ['tech reviews'],
  summary: 'Reflection outcomes year on year: per submitted cycle, how many opinions were reflected, partly, not, or unrecorded',
  description: readers,
  request: { query: ZPageQuery },
  responses: { 200: jsonContent(ZReflectionOutcomeYearListResponse, 'A page of fiscal years, latest first'), ...problems },
});

export const techReviewRoutes = createRouter()
  .openapi(list, async (c) => {
    const ctx = domainContext(c);
    const query = c.req.valid('query');
    const page = await listVisibleTechReviews(
      ctx,
      { fiscalYear: query.fiscalYear, status: query.status },
      { limit: query.limit, cursor: innerCursor(query) },
    );
    return c.json({ ...page, nextCursor: outerCursor(page.nextCursor) }, 200);
  })
  .openapi(csv, async (c) => {
    const ctx = domainContext(c);
    const { fiscalYear, status } = c.req.valid('query');
    const reviews = await listAllVisibleTechReviews(ctx, { fiscalYear, status });
    const { header, rows } = techReviewCsvRows(reviews);
    return c.body(toExcelCsv(header, rows), 200, csvResponseHeaders(`技術的関与_${fiscalYear}.csv`));
  })
  .openapi(xlsx, async (c) => {
    const ctx = domainContext(c);
    const query = c.req.valid('query');
    const reviews = await listAllVisibleTechReviews(ctx, query);
    const { header, rows } = techReviewCsvRows(reviews);
    const kinds = header.map(
      (h): CellKind =>
        h === '年度' || h === '区分' || h.endsWith(' 評価') ? 'integer' : h === '予算額（円）' || h === '増減額（円）' ? 'yen' : 'text',
    );
    const conditions = exportConditions(c, `技術的関与 ${query.fiscalYear}年度`, query, { fiscalYear: '年度', status: '状況' });
    const body = workbookStream(conditions, [{ name: '技術的関与', header, kinds, rows: [rows] }], (e) => console.error('[export]', e));
    return c.body(body, 200, xlsxResponseHeaders(`技術的関与_${query.fiscalYear}.xlsx`)) as never;
  })
  .openapi(reflectionOutcomes, async (c) => {
    const ctx = domainContext(c);
    return c.json(
      pageOf(await listReflectionOutcomes(ctx), c.req.valid('query'), (year) => year.fiscalYear),
      200,
    );
  })
  .openapi(get, async (c) => {
    const ctx = domainContext(c);
    return c.json(await getVisibleTechReview(ctx, c.req.valid('param').id), 200);
  })
  .openapi(patch, async (c) => {
    const ctx = domainContext(c);
    const { id } = c.req.valid('param');
    await updateTechReview(ctx, id, c.req.valid('json'));
    return c.json(await getVisibleTechReview(ctx, id), 200);
  })
  .openapi(reflect, async (c) => {
    const ctx = domainContext(c);
    const { id } = c.req.valid('param');
    await recordReflection(ctx, id, c.req.valid('json'));
    return c.json(await getVisibleTechReview(ctx, id), 200);
  });

import {
  ZCreateProcurementRequest,
  ZLabel,
  ZProcurementMethod,
  ZProcurementStatus,
  ZTierOrNull,
  ZUpdateProcurementRequest,
} from '@psbook/core';
import { z } from 'zod';
import { csvResponseHeaders, toExcelCsv } from '../csv.ts';
import {
  allProcurements,
  createProcurement,
  listProcurementPage,
  listProcurementsOfProject,
  procurementLimits,
  procurementStats,
  procurementTableColumns,
  toProcurementResponse,
  updateProcurement,
} from '../domain/procurements.ts';
import { todayInJapan } from '../domain/stats.ts';
import { tableHeader, tableRow, tableSheet, workbookStream, xlsxResponseHeaders } from '../xlsx.ts';
import { domainContext } from './context.ts';
import { exportConditions, xlsxContent } from './exports.ts';
import {
  allProblems,
  apiRoute,
  commaSeparated,
  commaSeparatedEnum,
  createRouter,
  csvContent,
  jsonBody,
  jsonContent,
  problems,
  projectPageRoute,
  queryBoolean,
  ZIdParam,
} from './openapi.ts';
import { innerCursor, outerCursor, pageOf, pageSchema, ZPageQuery } from './pagination.ts';

export const ZProcurementResponse = z.object({
  id: z.string(),
  projectId: z.string(),
  project: z.object({ id: z.string(), code: z.string(), name: z.string(), bureauCode: z.string(), tier: ZTierOrNull }),
  title: z.string(),
  method: ZProcurementMethod,
  status: ZProcurementStatus,
  specDocumentId: z.string().nullable(),
  vendorName: z.string().nullable(),
  corporateNumber: z.string().nullable(),
  isStartup: z.boolean(),
  contractAmountJpy: z.number().int().nullable(),
  contractStart: z.string().nullable(),
  contractEnd: z.string().nullable(),
  budgetComparison: z.object({
    budgetJpy: z.number().int().nullable(),
    contractAmountJpy: z.number().int().nullable(),
    differenceJpy: z.number().int().nullable(),
    ratio: z.number().nullable().describe('contract amount ÷ budget, 4 decimals; null when either is unknown or the budget is 0'),
    isOverBudget: z
      .boolean()
      .nullable()
      .describe('the contract exceeds the budget by more than overBudgetMarginRatio (supervision ruleset); null when either is unknown'),
    overBudgetMarginRatio: z.number(),
  }),
  tierReviewThresholdJpy: z
    .number()
    .int()
    .nullable()
    .describe('the lowest budget of the oversight ruleset’s bands above the project’s tier (未設定 counts as tier 1); null for tier 3'),
  needsTierReview: z
    .boolean()
    .describe('this contract alone reaches a budget band above the project’s tier, at any tier: its tier should be reviewed'),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const ZProcurementListQuery = ZPageQuery.extend({
  method: commaSeparatedEnum(ZProcurementMethod, 'procurement methods, comma-separated').optional(),
  status: commaSeparatedEnum(ZProcurementStatus, 'procurement statuses, comma-separated').optional(),
  isStartup: queryBoolean().optional(),
  bureau: commaSeparated(/^[A-Z][A-Z0-9]{1,7}$/, 'bureau codes, comma-separated').optional(),
});

export const ZProcurementParams = ZIdParam.extend({ procurementId: z.uuid({ message: 'must be a UUID' }) });

export const ZProcurementStats = z.object({
  fiscalYear: z.number().int().nullable(),
  byMethod: z.array(
    z.object({
      method: ZProcurementMethod,
      label: ZLabel,
      count: z.number().int(),
      awardedCount: z.number().int(),
      contractTotalJpy: z.number().int(),
      startupAwardedCount: z.number().int(),
      startupContractTotalJpy: z.number().int(),
    }),
  ),
  total: z.object({ count: z.number().int(), awardedCount: z.number().int(), contractTotalJpy: z.number().int() }),
  startups: z.object({
    awardedCount: z.number().int(),
    contractTotalJpy: z.number().int(),
    countShare: z.number().nullable(),
    amountShare: z.number().nullable(),
  }),
  tierReviewThresholdJpy: z.number().int().nullable(),
  tierReviewThresholdsJpy: z.object({ tier1: z.number().int().nullable(), tier2: z.number().int().nullable() }),
  needsTierReview: z.number().int(),
});

const create = apiRoute({
  operationId: 'createProcurement',
  successHeaders: ['ETag'],
  method: 'post',
  path: '/{id}/procurements',
  tags: ['procurements'],
  summary: 'Record a procurement (調達) of a project',
  request: { params: ZIdParam, ...jsonBody(ZCreateProcurementRequest) },
  responses: { 201: jsonContent(ZProcurementResponse, 'The recorded procurement'), ...problems },
});
const patch = apiRoute({
  operationId: 'updateProcurement',
  successHeaders: ['ETag'],
  method: 'patch',
  path: '/{id}/procurements/{procurementId}',
  tags: ['procurements'],
  summary: 'Change a procurement at the version you saw; status only moves forward (or to cancelled)',
  request: { params: ZProcurementParams, ...jsonBody(ZUpdateProcurementRequest) },
  responses: { 200: jsonContent(ZProcurementResponse, 'The changed procurement'), ...allProblems },
});
export const ZProcurementListResponse = pageSchema(ZProcurementResponse);
const listOfProject = projectPageRoute({
  operationId: 'listProjectProcurements',
  path: '/{id}/procurements',
  summary: 'The procurements of a project, oldest first',
  page: ZProcurementListResponse,
  pageDescription: 'A page of procurements',
});
const list = apiRoute({
  operationId: 'listProcurements',
  method: 'get',
  path: '/',
  tags: ['procurements'],
  summary: 'Procurements across the book, newest first, with filters and keyset pagination',
  request: { query: ZProcurementListQuery },
  responses: {
    200: jsonContent(ZProcurementListResponse, 'A page of procurements'),
    ...problems,
  },
});
const stats = apiRoute({
  operationId: 'getProcurementStats',
  method: 'get',
  path: '/stats',
  tags: ['procurements'],
  summary: 'Counts and contract totals by method, and the share awarded to startups',
  description:
    'A procurement counts in the fiscal year of its contract start (April–March), else in its project’s fiscal year. Cancelled procurements are left out; amounts count awarded, contracted and completed ones.',
  request: { query: z.object({ fiscalYear: z.coerce.number().int().min(1990).max(2100).optional() }) },
  responses: { 200: jsonContent(ZProcurementStats, 'Procurement statistics'), ...problems },
});

/** Mounted under /projects: the procurements of one project. */
export const projectProcurementRoutes = createRouter()
  .openapi(create, async (c) => {
    const ctx = domainContext(c);
    const { row, project } = await createProcurement(ctx, c.req.valid('param').id, c.req.valid('json'));
    c.header('ETag', `"${row.version}"`);
    return c.json(toProcurementResponse(row, project, procurementLimits(ctx.policy)), 201);
  })
  .openapi(patch, async (c) => {
    const ctx = domainContext(c);
    const { id, procurementId } = c.req.valid('param');
    const { version, ...changes } = c.req.valid('json');
    const { row, project } = await updateProcurement(ctx, id, procurementId, changes, version);
    c.header('ETag', `"${row.version}"`);
    return c.json(toProcurementResponse(row, project, procurementLimits(ctx.policy)), 200);
  })
  .openapi(listOfProject, async (c) => {
    const items = await listProcurementsOfProject(domainContext(c), c.req.valid('param').id);
    return c.json(
      pageOf(items, c.req.valid('query'), (p) => p.id),
      200,
    );
  });

/** The register's filters, as the list and its downloads take them. */
const procurementFilterOf = (query: Omit<z.infer<typeof ZProcurementListQuery>, 'limit' | 'cursor'>) => ({
  method: query.method,
  status: query.status,
  isStartup: query.isStartup,
  bureau: query.bureau,
});

/** Mounted under /procurements: the register across the book. */
export const procurementRoutes = createRouter()
  .openapi(list, async (c) => {
    const ctx = domainContext(c);
    const query = c.req.valid('query');
    const { items, nextCursor } = await listProcurementPage(ctx, procurementFilterOf(query), {
      limit: query.limit,
      cursor: innerCursor(query),
    });
    return c.json({ items, nextCursor: outerCursor(nextCursor) }, 200);
  })
  .openapi(stats, async (c) => {
    return c.json(await procurementStats(domainContext(c), c.req.valid('query').fiscalYear ?? null), 200);
  });

export const ZProcurementExportQuery = ZProcurementListQuery.omit({ limit: true, cursor: true });
const exportDescription =
  'Every procurement matching the filters of GET /procurements, newest first, one row each with the budget comparison. Readable by every signed-in user and by API tokens with projects:read.';
const procurementsCsv = apiRoute({
  operationId: 'exportProcurementsCsv',
  method: 'get',
  path: '/procurements.csv',
  tags: ['procurements'],
  summary: 'The procurement register as Excel CSV (UTF-8 with BOM, Japanese headers)',
  description: exportDescription,
  request: { query: ZProcurementExportQuery },
  responses: { 200: csvContent('CSV'), ...problems },
});
const procurementsXlsx = apiRoute({
  operationId: 'exportProcurementsXlsx',
  method: 'get',
  path: '/procurements.xlsx',
  tags: ['procurements'],
  summary: 'The procurement register as an Excel workbook (.xlsx): the CSV’s rows, amounts and dates as numbers',
  description: exportDescription,
  request: { query: ZProcurementExportQuery },
  responses: { 200: xlsxContent('Sheets 条件 and 調達'), ...problems },
});

const procurementFilterLabels = { method: '調達方式', status: '状況', startup: 'スタートアップ', bureau: '局' };

/** Mounted at the root of /api/v1: the register's downloads carry their full paths. */
export const procurementExportRoutes = createRouter()
  .openapi(procurementsCsv, async (c) => {
    const ctx = domainContext(c);
    const rows: (string | number)[][] = [];
    for await (const batch of allProcurements(ctx, procurementFilterOf(c.req.valid('query'))))
      for (const p of batch) rows.push(tableRow(procurementTableColumns, p));
    return c.body(toExcelCsv(tableHeader(procurementTableColumns), rows), 200, csvResponseHeaders(`調達_${todayInJapan()}.csv`));
  })
  .openapi(procurementsXlsx, (c) => {
    const ctx = domainContext(c);
    const query = c.req.valid('query');
    const conditions = exportConditions(c, 'PS Book 調達一覧', query, procurementFilterLabels);
    const sheet = tableSheet('調達', procurementTableColumns, allProcurements(ctx, procurementFilterOf(query)));
    const body = workbookStream(conditions, [sheet], (e) => console.error('[export]', e));
    return c.body(body, 200, xlsxResponseHeaders(`調達_${todayInJapan()}.xlsx`)) as never;
  });

import { ZExpenseCategory, ZLabel, ZStage } from '@psbook/core';
import { z } from 'zod';
import { csvResponseHeaders, toExcelCsv } from '../csv.ts';
import { expenseStats, expenseTrend, registrationStats, stageStats } from '../domain/stats.ts';
import { type TableColumn, tableHeader, tableRow, tableSheet, workbookStream, xlsxResponseHeaders } from '../xlsx.ts';
import { domainContext } from './context.ts';
import { exportConditions, xlsxContent } from './exports.ts';
import { apiRoute, createRouter, csvContent, jsonContent, problems } from './openapi.ts';
import { toProjectFilter, ZProjectListQuery } from './projects.ts';

export const ZTierCounts = z.object({
  tier1: z.number().int(),
  tier2: z.number().int(),
  tier3: z.number().int(),
  unset: z.number().int().describe('未設定: the tier is not determined yet'),
  total: z.number().int(),
});
export const ZDay = z.iso.date({ message: 'must be a date (YYYY-MM-DD)' });

/** The project filters the statistics accept: the same meaning as on GET /projects. */
export const ZStatsFilter = ZProjectListQuery.pick({ bureau: true, fiscalYear: true, isNew: true, stage: true });

const registrations = apiRoute({
  operationId: 'getRegistrationStats',
  method: 'get',
  path: '/registrations',
  tags: ['stats'],
  summary: 'Registered projects over time by the tier they had at each point (未設定 included), with running totals',
  description:
    'Points every week or month from `from` (default: the first registration) to `to` (default: today), Japanese dates; each point has the registrations since the previous point and the running total as of that day, each by the tier the projects had on that day (from tier history), not by today’s tier. The last point is `to`.',
  request: {
    query: ZStatsFilter.extend({
      from: ZDay.optional(),
      to: ZDay.optional(),
      interval: z.enum(['week', 'month']).optional(),
    }),
  },
  responses: {
    200: jsonContent(
      z.object({
        interval: z.enum(['week', 'month']),
        from: z.string(),
        to: z.string(),
        timeZone: z.literal('Asia/Tokyo'),
        tierBasis: z.literal('as_of_period_end').describe('tiers as they were on each point’s day (tier history)'),
        total: ZTierCounts,
        periods: z.array(
          z.object({
            period: z.string().describe('the day the point stands for (YYYY-MM-DD)'),
            start: z
              .string()
              .nullable()
              .describe('first day counted in `added`; null for the first point, which also counts everything before it'),
            end: z.string(),
            added: ZTierCounts,
            cumulative: ZTierCounts,
          }),
        ),
      }),
      'Registrations over time',
    ),
    ...problems,
  },
});

const stages = apiRoute({
  operationId: 'getStageStats',
  method: 'get',
  path: '/stages',
  tags: ['stats'],
  summary: 'Projects by lifecycle stage × tier',
  request: { query: ZStatsFilter.omit({ stage: true }) },
  responses: {
    200: jsonContent(z.object({ stages: z.array(ZTierCounts.extend({ stage: ZStage, label: ZLabel })), total: ZTierCounts }), 'Counts'),
    ...problems,
  },
});

const expenses = apiRoute({
  operationId: 'getExpenseStats',
  method: 'get',
  path: '/expenses',
  tags: ['stats'],
  summary: 'Digital-related expenses of a fiscal year by category and bureau, with the de-duplicated total and the overlap',
  description:
    'A line in several categories counts in each category; `totalJpy` counts each line once; `overlapJpy` = sum of the categories − total. Amounts in yen (the files give thousand yen).',
  request: { query: z.object({ fiscalYear: z.coerce.number().int().min(1990).max(2100).optional() }) },
  responses: {
    200: jsonContent(
      z.object({
        fiscalYear: z.number().int().nullable(),
        fiscalYears: z.array(z.number().int()).describe('every fiscal year with expense lines, latest first'),
        unit: z.literal('JPY'),
        lineCount: z.number().int(),
        totalJpy: z.number().int(),
        sumOfCategoriesJpy: z.number().int(),
        overlapJpy: z.number().int(),
        byCategory: z.array(
          z.object({ category: ZExpenseCategory, label: ZLabel, lineCount: z.number().int(), amountJpy: z.number().int() }),
        ),
        byBureau: z.array(
          z.object({
            bureauCode: z.string(),
            nameJa: z.string().nullable(),
            lineCount: z.number().int(),
            amountJpy: z.number().int(),
            sumOfCategoriesJpy: z.number().int(),
          }),
        ),
      }),
      'Expense totals',
    ),
    ...problems,
  },
});

const ZGrowth = z.number().nullable().describe('this amount ÷ the compared one, 4 decimals; null without a compared amount');
const expenseYears = apiRoute({
  operationId: 'getExpenseStatsByYear',
  method: 'get',
  path: '/expenses/years',
  tags: ['stats'],
  summary: 'Digital-related expenses over several fiscal years: de-duplicated totals, categories, overlap and growth',
  description:
    'One item per fiscal year with expense lines (oldest first), optionally from/to. `totalJpy` counts each line once; `growthFromPrevious` compares with the year before in the list, `growthFromFirst` with the first year listed (slide 82: 1,737 → 2,334 → 2,758 億円, 約1.6倍).',
  request: {
    query: z.object({
      from: z.coerce.number().int().min(1990).max(2100).optional(),
      to: z.coerce.number().int().min(1990).max(2100).optional(),
    }),
  },
  responses: {
    200: jsonContent(
      z.object({
        unit: z.literal('JPY'),
        years: z.array(
          z.object({
            fiscalYear: z.number().int(),
            lineCount: z.number().int(),
            totalJpy: z.number().int(),
            sumOfCategoriesJpy: z.number().int(),
            overlapJpy: z.number().int(),
            growthFromPrevious: ZGrowth,
            growthFromFirst: ZGrowth,
            byCategory: z.array(
              z.object({
                category: ZExpenseCategory,
                label: ZLabel,
                amountJpy: z.number().int(),
                growthFromPrevious: ZGrowth,
                growthFromFirst: ZGrowth,
              }),
            ),
          }),
        ),
      }),
      'Expenses by fiscal year',
    ),
    ...problems,
  },
});

type ExpenseStats = Awaited<ReturnType<typeof expenseStats>>;
type CategoryRow = ExpenseStats['byCategory'][number];
type BureauRow = ExpenseStats['byBureau'][number];

/** The expense statistics as tables: one CSV each (?table=), one sheet each in the workbook. */
const expenseTotalColumns: TableColumn<ExpenseStats>[] = [
  { header: '年度', kind: 'integer', value: (s) => s.fiscalYear },
  { header: '件数', kind: 'integer', value: (s) => s.lineCount },
  { header: '合計（円・重複除く）', kind: 'yen', value: (s) => s.totalJpy },
  { header: '区分の合計（円）', kind: 'yen', value: (s) => s.sumOfCategoriesJpy },
  { header: '重複額（円）', kind: 'yen', value: (s) => s.overlapJpy },
];
const expenseCategoryColumns: TableColumn<CategoryRow>[] = [
  { header: '経費区分', kind: 'text', value: (r) => r.label.ja },
  { header: '件数', kind: 'integer', value: (r) => r.lineCount },
  { header: '金額（円）', kind: 'yen', value: (r) => r.amountJpy },
];
const expenseBureauColumns: TableColumn<BureauRow>[] = [
  { header: '局コード', kind: 'text', value: (r) => r.bureauCode },
  { header: '局', kind: 'text', value: (r) => r.nameJa },
  { header: '件数', kind: 'integer', value: (r) => r.lineCount },
  { header: '金額（円・重複除く）', kind: 'yen', value: (r) => r.amountJpy },
  { header: '区分の合計（円）', kind: 'yen', value: (r) => r.sumOfCategoriesJpy },
];
const expenseTables = { total: '合計', category: '区分別', bureau: '局別' } as const;

export const ZExpenseExportQuery = z.object({
  fiscalYear: z.coerce.number().int().min(1990).max(2100).optional(),
  table: z
    .enum(['bureau', 'category', 'total'])
    .optional()
    .describe('which table the CSV holds (default bureau); the workbook has all three'),
});
const expensesCsv = apiRoute({
  operationId: 'exportExpenseStatsCsv',
  method: 'get',
  path: '/expenses.csv',
  tags: ['stats'],
  summary: 'Expense statistics as Excel CSV: by bureau (default), by category, or the totals',
  request: { query: ZExpenseExportQuery },
  responses: { 200: csvContent('CSV'), ...problems },
});
const expensesXlsx = apiRoute({
  operationId: 'exportExpenseStatsXlsx',
  method: 'get',
  path: '/expenses.xlsx',
  tags: ['stats'],
  summary: 'Expense statistics as an Excel workbook: sheets 条件, 合計, 区分別 and 局別, amounts as numbers',
  request: { query: ZExpenseExportQuery.omit({ table: true }) },
  responses: { 200: xlsxContent('Sheets 条件, 合計, 区分別, 局別'), ...problems },
});

export const statsRoutes = createRouter()
  .openapi(registrations, async (c) => {
    const query = c.req.valid('query');
    const result = await registrationStats(domainContext(c), toProjectFilter(query), {
      from: query.from,
      to: query.to,
      interval: query.interval ?? 'week',
    });
    return c.json(result, 200);
  })
  .openapi(stages, async (c) => {
    return c.json(await stageStats(domainContext(c), toProjectFilter(c.req.valid('query'))), 200);
  })
  .openapi(expenses, async (c) => {
    return c.json(await expenseStats(domainContext(c), c.req.valid('query').fiscalYear), 200);
  })
  .openapi(expenseYears, async (c) => {
    return c.json(await expenseTrend(domainContext(c), c.req.valid('query')), 200);
  })
  .openapi(expensesCsv, async (c) => {
    const query = c.req.valid('query');
    const stats = await expenseStats(domainContext(c), query.fiscalYear);
    const table = query.table ?? 'bureau';
    const csv =
      table === 'total'
        ? toExcelCsv(tableHeader(expenseTotalColumns), [tableRow(expenseTotalColumns, stats)])
        : table === 'category'
          ? toExcelCsv(
              tableHeader(expenseCategoryColumns),
              stats.byCategory.map((r) => tableRow(expenseCategoryColumns, r)),
            )
          : toExcelCsv(
              tableHeader(expenseBureauColumns),
              stats.byBureau.map((r) => tableRow(expenseBureauColumns, r)),
            );
    return c.body(csv, 200, csvResponseHeaders(`デジタル関連経費_${stats.fiscalYear ?? 'なし'}_${expenseTables[table]}.csv`));
  })
  .openapi(expensesXlsx, async (c) => {
    const query = c.req.valid('query');
    const stats = await expenseStats(domainContext(c), query.fiscalYear);
    const conditions = exportConditions(c, 'デジタル関連経費の集計', { fiscalYear: stats.fiscalYear ?? 'なし' }, { fiscalYear: '年度' });
    const sheets = [
      tableSheet(expenseTables.total, expenseTotalColumns, [[stats]]),
      tableSheet(expenseTables.category, expenseCategoryColumns, [stats.byCategory]),
      tableSheet(expenseTables.bureau, expenseBureauColumns, [stats.byBureau]),
    ];
    const body = workbookStream(conditions, sheets, (e) => console.error('[export]', e));
    return c.body(body, 200, xlsxResponseHeaders(`デジタル関連経費_${stats.fiscalYear ?? 'なし'}.xlsx`)) as never;
  });

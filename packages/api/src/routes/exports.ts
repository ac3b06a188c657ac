import { stageLabels } from '@psbook/core';
import type { Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { csvResponseHeaders } from '../csv.ts';
import {
  type ExportAudience,
  internalProjectFields,
  openDataDescription,
  projectsCsvStream,
  projectsJsonStream,
  projectsXlsxStream,
} from '../domain/exports.ts';
import { todayInJapan } from '../domain/stats.ts';
import { type Conditions, downloadTime, xlsxContentType, xlsxResponseHeaders } from '../xlsx.ts';
import { domainContext } from './context.ts';
import { apiRoute, createRouter, csvContent, problems } from './openapi.ts';
import type { OperationId } from './operations.ts';
import { toProjectFilter, ZProjectListQuery } from './projects.ts';

/** The filters of GET /projects; an export has no pages. */
export const ZExportQuery = ZProjectListQuery.omit({ limit: true, cursor: true, order: true });

export const xlsxContent = (description: string) => ({
  description,
  content: { [xlsxContentType]: { schema: z.string().describe('an Excel workbook (.xlsx)') } },
});
/** The whole book as one JSON document (streamed): what it is, when it was made, and every project. */
export const ZBookExport = z.object({
  dataset: z.string().meta({ description: 'What the file is: the book for staff, or its open data' }),
  excludedFields: z.array(z.string()).optional().meta({ description: 'Open data only: the fields of the book left out' }),
  budgetPolicy: z.string().optional().meta({ description: 'Open data only: when budgetJpy is withheld' }),
  generatedAt: z.iso.datetime({ offset: true }),
  items: z.array(z.record(z.string(), z.unknown())),
});
const jsonStreamContent = (description: string) => ({
  description,
  content: { 'application/json': { schema: ZBookExport } },
});

const exportRoute = <T extends ReturnType<typeof csvContent> | ReturnType<typeof jsonStreamContent> | ReturnType<typeof xlsxContent>>(
  operationId: OperationId,
  path: string,
  summary: string,
  description: string,
  response: T,
) =>
  apiRoute({
    operationId,
    method: 'get',
    path,
    tags: ['exports'],
    summary,
    description,
    request: { query: ZExportQuery },
    responses: { 200: response, ...problems },
    // Every export is a download, the JSON ones included.
    successHeaders: ['Content-Disposition'],
  });

const internalNote = 'Every field a signed-in user may read. Same filters as GET /projects; streamed, oldest first.';
const openNote = `Open data: leaves out ${internalProjectFields.filter((f) => f !== 'searchText' && f !== 'searchGrams').join(', ')}, and the budget of projects whose data confidentiality is A (budgetWithheld). Same filters as GET /projects; streamed.`;

const projectsCsv = exportRoute(
  'exportProjectsCsv',
  '/projects.csv',
  'The book as CSV for Excel (UTF-8 with BOM, Japanese headers)',
  internalNote,
  csvContent('プロジェクト番号, 事業名, 局, 年度, 段階, 区分, 協議先, 予算額（円）, 停止許容時間, 機密性, 新規/継続, 登録日 …'),
);
const projectsJson = exportRoute(
  'exportProjectsJson',
  '/projects.json',
  'The book as JSON',
  internalNote,
  jsonStreamContent('{ generatedAt, items }'),
);
const openDataJson = exportRoute(
  'exportOpenDataJson',
  '/open-data.json',
  'Open data of the book (JSON)',
  openNote,
  jsonStreamContent('{ dataset, excludedFields, budgetPolicy, generatedAt, items }'),
);
const openDataCsv = exportRoute(
  'exportOpenDataCsv',
  '/open-data.csv',
  'Open data of the book (CSV, UTF-8 with BOM)',
  openNote,
  csvContent('Open data'),
);
const workbookNote =
  'The same rows and cells as the CSV of the same request, as an Excel workbook: a first sheet 条件 (filters, time), then the projects with a frozen header row; yen, years, tiers and dates are numbers with formats.';
const projectsXlsx = exportRoute(
  'exportProjectsXlsx',
  '/projects.xlsx',
  'The book as an Excel workbook (.xlsx)',
  `${internalNote} ${workbookNote}`,
  xlsxContent('Sheets 条件 and プロジェクト'),
);
const openDataXlsx = exportRoute(
  'exportOpenDataXlsx',
  '/open-data.xlsx',
  'Open data of the book as an Excel workbook (.xlsx)',
  `${openNote} ${workbookNote}`,
  xlsxContent('Sheets 条件 and オープンデータ'),
);

type ExportQuery = z.infer<typeof ZExportQuery>;

const filterLabels: Record<keyof ExportQuery, string> = {
  bureau: '局',
  stage: '段階',
  tier: '区分',
  reviewerRole: '協議先',
  fiscalYear: '年度',
  isNew: '新規/継続',
  q: '検索語',
};

/** The 条件 sheet: what was asked for, by whom and when, in words a person reads. */
export function exportConditions(
  c: Context<AppEnv>,
  title: string,
  query: Record<string, unknown>,
  labels: Record<string, string>,
): Conditions {
  const conditions: Conditions = [
    { label: '内容', value: title },
    { label: '出力日時', value: downloadTime() },
    { label: '出力者', value: c.get('actor')?.email ?? '' },
  ];
  for (const [key, raw] of Object.entries(query)) {
    if (raw === undefined || raw === '') continue;
    const values = Array.isArray(raw) ? raw.map(String) : [String(raw)];
    const shown = values.map((v) =>
      key === 'stage'
        ? (stageLabels[v as keyof typeof stageLabels]?.ja ?? v)
        : key === 'isNew'
          ? v === 'true'
            ? '新規'
            : '継続'
          : key === 'tier' && v === 'unset'
            ? '未設定'
            : v,
    );
    conditions.push({ label: labels[key] ?? key, value: shown.join(', ') });
  }
  if (conditions.length === 3) conditions.push({ label: '絞り込み', value: 'なし（すべて）' });
  return conditions;
}

async function respond(c: Context<AppEnv>, query: ExportQuery, format: 'csv' | 'json' | 'xlsx', audience: ExportAudience) {
  const ctx = domainContext(c);
  const filter = toProjectFilter(query);
  const logError = (error: unknown) => console.error('[export]', error);
  const name = `${audience === 'open' ? 'psbook-open-data' : 'psbook-projects'}-${todayInJapan()}.${format}`;
  if (format === 'csv') return c.body(await projectsCsvStream(ctx, filter, audience, logError), 200, csvResponseHeaders(name));
  if (format === 'xlsx') {
    const title = audience === 'open' ? 'PS Book オープンデータ' : 'PS Book プロジェクト一覧';
    const conditions = exportConditions(c, title, query, filterLabels);
    return c.body(projectsXlsxStream(ctx, filter, audience, conditions, logError), 200, xlsxResponseHeaders(name));
  }
  const meta = audience === 'open' ? openDataDescription : { dataset: 'PS Book projects' };
  return c.body(await projectsJsonStream(ctx, filter, audience, meta, logError), 200, {
    'content-type': 'application/json; charset=utf-8',
    'content-disposition': `attachment; filename="${name}"`,
  });
}

// The JSON exports stream their body; zod-openapi's types expect c.json() for application/json, hence `as never`.
export const exportRoutes = createRouter()
  .openapi(projectsCsv, (c) => respond(c, c.req.valid('query'), 'csv', 'internal'))
  .openapi(projectsJson, (c) => respond(c, c.req.valid('query'), 'json', 'internal') as never)
  .openapi(openDataJson, (c) => respond(c, c.req.valid('query'), 'json', 'open') as never)
  .openapi(openDataCsv, (c) => respond(c, c.req.valid('query'), 'csv', 'open'))
  .openapi(projectsXlsx, (c) => respond(c, c.req.valid('query'), 'xlsx', 'internal'))
  .openapi(openDataXlsx, (c) => respond(c, c.req.valid('query'), 'xlsx', 'open'));

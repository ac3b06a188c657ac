import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { requireActor } from '../auth/actor.ts';
import type { AppEnv } from '../context.ts';
import { csvResponseHeaders } from '../csv.ts';
import {
  type ExportAudience,
  internalProjectFields,
  openDataDescription,
  projectsCsvStream,
  projectsJsonStream,
} from '../domain/exports.ts';
import { todayInJapan } from '../domain/stats.ts';
import { createRouter, problems } from './openapi.ts';
import { toProjectFilter, ZProjectListQuery } from './projects.ts';

/** The filters of GET /projects; an export has no pages. */
const ZExportQuery = ZProjectListQuery.omit({ limit: true, cursor: true, order: true });

const csvContent = (description: string) => ({ description, content: { 'text/csv': { schema: z.string() } } });
const jsonStreamContent = (description: string) => ({
  description,
  content: { 'application/json': { schema: z.object({ generatedAt: z.string(), items: z.array(z.record(z.string(), z.unknown())) }) } },
});

const exportRoute = <T extends ReturnType<typeof csvContent> | ReturnType<typeof jsonStreamContent>>(
  path: string,
  summary: string,
  description: string,
  response: T,
) =>
  createRoute({
    method: 'get',
    path,
    tags: ['exports'],
    summary,
    description,
    request: { query: ZExportQuery },
    responses: { 200: response, ...problems },
  });

const internalNote = 'Every field a signed-in user may read. Same filters as GET /projects; streamed, oldest first.';
const openNote = `Open data: leaves out ${internalProjectFields.filter((f) => f !== 'searchText' && f !== 'searchGrams').join(', ')}, and the budget of projects whose data confidentiality is A (budgetWithheld). Same filters as GET /projects; streamed.`;

const projectsCsv = exportRoute(
  '/projects.csv',
  'The book as CSV for Excel (UTF-8 with BOM, Japanese headers)',
  internalNote,
  csvContent('プロジェクト番号, 事業名, 局, 年度, 段階, 区分, 協議先, 予算額（円）, 停止許容時間, 機密性, 新規/継続, 登録日 …'),
);
const projectsJson = exportRoute('/projects.json', 'The book as JSON', internalNote, jsonStreamContent('{ generatedAt, items }'));
const openDataJson = exportRoute(
  '/open-data.json',
  'Open data of the book (JSON)',
  openNote,
  jsonStreamContent('{ dataset, excludedFields, budgetPolicy, generatedAt, items }'),
);
const openDataCsv = exportRoute('/open-data.csv', 'Open data of the book (CSV, UTF-8 with BOM)', openNote, csvContent('Open data'));

type ExportQuery = z.infer<typeof ZExportQuery>;

async function respond(c: Context<AppEnv>, query: ExportQuery, format: 'csv' | 'json', audience: ExportAudience) {
  requireActor(c.var.actor);
  const { db, policy } = c.var.services;
  const filter = toProjectFilter(query);
  const logError = (error: unknown) => console.error('[export]', error);
  const name = `${audience === 'open' ? 'psbook-open-data' : 'psbook-projects'}-${todayInJapan()}.${format}`;
  if (format === 'csv') return c.body(await projectsCsvStream(db, policy, filter, audience, logError), 200, csvResponseHeaders(name));
  const meta = audience === 'open' ? openDataDescription : { dataset: 'PS Book projects' };
  return c.body(await projectsJsonStream(db, policy, filter, audience, meta, logError), 200, {
    'content-type': 'application/json; charset=utf-8',
    'content-disposition': `attachment; filename="${name}"`,
  });
}

// The JSON exports stream their body; zod-openapi's types expect c.json() for application/json, hence `as never`.
export const exportRoutes = createRouter()
  .openapi(projectsCsv, (c) => respond(c, c.req.valid('query'), 'csv', 'internal'))
  .openapi(projectsJson, (c) => respond(c, c.req.valid('query'), 'json', 'internal') as never)
  .openapi(openDataJson, (c) => respond(c, c.req.valid('query'), 'json', 'open') as never)
  .openapi(openDataCsv, (c) => respond(c, c.req.valid('query'), 'csv', 'open'));

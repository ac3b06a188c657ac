/**
 * Records the document's request and response examples from the real API: the demo book (Japanese
 * projects, bureaus and people) is seeded into PGlite, every read operation is called, and a few
 * realistic writes are made in order. The answers — cut to two items per list — are written to
 * src/routes/examples.json, which `finishDocument` attaches to the operations. A test checks every
 * example against its schema. Run again (npm run openapi:examples -w @psbook/api) when shapes change.
 */
import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../src/app.ts';
import { createTestApp } from '../src/testing/harness.ts';

type Example = { request?: unknown; status: number; response: unknown };
const examples: Record<string, Example> = {};

/** Lists keep two items, so an example shows the shape without pages of data. */
function trim(value: unknown): unknown {
  if (Array.isArray(value)) return value.slice(0, 2).map(trim);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, trim(v)]));
  return value;
}

const doc = openApiDocument() as {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, unknown> }> }>>;
};
const t = await createTestApp('pglite', { demoProjects: true });
const admin = 'admin@example.jp';

async function call(operationId: string, method: string, path: string, as: string, body?: unknown) {
  const res = await t.request(method, path, { as, body });
  const type = res.headers.get('content-type') ?? '';
  if (!res.ok || !type.includes('application/json')) return null;
  const json = await res.json();
  examples[operationId] = { ...(body === undefined ? {} : { request: body }), status: res.status, response: trim(json) };
  return json;
}

// Writes first, so the reads show a project with a KPI, a document and a release request.
const created = await call('createProject', 'POST', '/api/v1/projects', 'staff.ind@example.jp', {
  name: '子育て支援給付オンライン申請',
  bureauCode: 'IND',
  fiscalYear: 2026,
  summary: '子育て世帯向け給付金の申請をスマートフォンで完結させる',
  isNew: true,
  registrationTrigger: 'initial_budget',
  budgetJpy: 48_000_000,
  maxDowntimeHours: 24,
  confidentiality: 'B',
});
const projectId: string = created.id;
const p = `/api/v1/projects/${projectId}`;
await call('updateProject', 'PATCH', p, 'staff.ind@example.jp', { summary: '申請から給付までをオンラインで完結させる', version: 1 });
const kpi = await call('createKpi', 'POST', `${p}/kpis`, 'staff.ind@example.jp', {
  name: 'オンライン申請率',
  unit: '%',
  direction: 'increase',
  baselineValue: 12,
  baselineYear: 2025,
  targetValue: 80,
  targetFiscalYear: 2028,
});
await call('recordMeasurement', 'POST', `${p}/kpis/${kpi.id}/measurements`, 'staff.ind@example.jp', {
  fiscalYear: 2026,
  value: 35,
  comment: '電子申請の周知により増加',
});
await call('createDocument', 'POST', `${p}/documents`, 'staff.ind@example.jp', {
  kind: 'requirements_definition',
  title: '要件定義書（第1版）',
  url: 'https://docs.example.jp/ind/kosodate/requirements-v1.pdf',
});
await call('saveCanvas', 'PUT', `${p}/canvas`, 'staff.ind@example.jp', {
  baseRevision: 0,
  fields: {
    projectName: '子育て支援給付オンライン申請',
    users: '子育て世帯（都内約60万世帯）',
    userPains: '平日の日中に窓口へ出向く時間がない',
    userGoals: '24時間どこからでもスマートフォンで申請したい',
  },
});

// Reads: every GET with a JSON answer whose path parameters we can fill from the book.
const project = (await (await t.request('GET', '/api/v1/projects?stage=development&limit=1', { as: admin })).json()).items[0];
const release = (await (await t.request('GET', `/api/v1/projects/${project.id}/release-requests`, { as: admin })).json()).items[0];
const user = (await (await t.request('GET', '/api/v1/admin/users?limit=1', { as: admin })).json()).items[0];
const params: Record<string, string | undefined> = {
  '{id}': projectId,
  '{fiscalYear}': '2026',
  '{n}': '1',
};
const first = async (path: string, as = admin) => (await (await t.request('GET', path, { as })).json()).items?.[0];
const version = await first('/api/v1/rules/versions');
const techReview = await first('/api/v1/tech-reviews');
const cycle = await first('/api/v1/budget-cycles');
const ids: Record<string, string | undefined> = {
  '/api/v1/release-requests/{id}': release?.id,
  '/api/v1/admin/users/{id}': user?.id,
  '/api/v1/rules/versions/{id}': version?.id,
  '/api/v1/rules/activations/{id}': version?.activation?.id,
  '/api/v1/tech-reviews/{id}': techReview?.id,
};
if (cycle) params['{fiscalYear}'] = String(cycle.fiscalYear);
for (const [path, operations] of Object.entries(doc.paths)) {
  const get = operations.get;
  if (!get || examples[get.operationId] || !get.responses['200']?.content?.['application/json']) continue;
  let concrete = path.replace('{id}', ids[path] ?? (path.startsWith('/api/v1/projects/{id}') ? project.id : '{id}'));
  for (const [name, value] of Object.entries(params)) if (value) concrete = concrete.replace(name, value);
  if (concrete.includes('{')) continue;
  const answer =
    (await call(get.operationId, 'GET', concrete, admin)) ?? (await call(get.operationId, 'GET', concrete, 'chief@example.jp'));
  if (!answer) console.warn(`no example for ${get.operationId} (${concrete})`);
}
await t.close();

const sorted = Object.fromEntries(Object.entries(examples).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(new URL('../src/routes/examples.json', import.meta.url), `${JSON.stringify(sorted, null, 2)}\n`);
console.log(`recorded ${Object.keys(sorted).length} operations' examples`);

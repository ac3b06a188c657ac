/**
 * Records the document's request and response examples from the real API: the demo book (Japanese
 * projects, bureaus and people) is seeded into PGlite, one project is taken through its life
 * (registered, canvas, KPI, procurement, consultation, stage moves, release judgement, tier decrease …),
 * the other writes are made as the people who make them, and every read operation is called. The
 * answers — cut to two items per list, CSV to its header and two rows — are written to
 * src/routes/examples.json by operationId, status and media type; `finishDocument` attaches them. A
 * test checks every example against its schema and fails when an operation has none. Run again
 * (npm run openapi:examples -w @psbook/api) when shapes change.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { openApiDocument } from '../src/app.ts';
import type { Recorded } from '../src/routes/conventions.ts';
import { demoPassword } from '../src/seed/demo.ts';
import { createTestApp } from '../src/testing/harness.ts';

const examples: Record<string, Recorded> = {};

/** Lists keep two items, so an example shows the shape without pages of data. */
function trim(value: unknown): unknown {
  if (Array.isArray(value)) return value.slice(0, 2).map(trim);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, trim(v)]));
  return value;
}

/** A CSV answer keeps its header and two rows; the byte-order mark (sent for Excel) is not part of the text. */
const trimCsv = (text: string) =>
  text
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .slice(0, 3)
    .map((line) => `${line}\r\n`)
    .join('');

const doc = openApiDocument() as unknown as {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, unknown> }> }>>;
};
const t = await createTestApp('pglite', { demoProjects: true });
const admin = 'admin@example.jp';
const staff = 'staff.ind@example.jp';
const lead = 'lead.ind@example.jp';
const advisor = 'advisor.ind@example.jp';
const budget = 'budget@example.jp';
const govtech = 'govtech@example.jp';

function record(operationId: string, status: number, type: string, example: unknown, request?: { type: string; example: unknown }) {
  const recorded = examples[operationId] ?? { responses: {} };
  examples[operationId] = recorded;
  if (request) recorded.request = { ...recorded.request, [request.type]: request.example };
  if (example !== undefined) recorded.responses[String(status)] = { ...recorded.responses[String(status)], [type]: example };
}

/** A JSON request whose answer must succeed: recorded under `operationId` (when given), and returned. */
async function call(operationId: string | null, method: string, path: string, as: string, body?: unknown) {
  const res = await t.request(method, path, { as, body });
  if (!res.ok) throw new Error(`${operationId ?? 'setup'} ${method} ${path} as ${as}: ${res.status} ${await res.text()}`);
  const type = (res.headers.get('content-type') ?? '').split(';')[0] ?? '';
  const json = res.status === 204 ? undefined : type.endsWith('json') ? await res.json() : undefined;
  if (operationId)
    record(
      operationId,
      res.status,
      type,
      json === undefined ? undefined : trim(json),
      body === undefined ? undefined : { type: 'application/json', example: body },
    );
  return json;
}
const read = async (path: string, as = admin) => call(null, 'GET', path, as);
const userId = async (email: string) =>
  ((await read(`/api/v1/admin/users?limit=200`)).items as { id: string; email: string }[]).find((u) => u.email === email)?.id;

// Signing in: the answer carries the session token (this one was valid only in the throwaway database).
{
  const body = { email: staff, password: demoPassword };
  const res = await t.app.request('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`signIn: ${res.status}`);
  record('signIn', 200, 'application/json', await res.json(), { type: 'application/json', example: body });
}

// One project through its life, as the bureau registers and runs it.
const created = await call('createProject', 'POST', '/api/v1/projects', staff, {
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
await call('updateProject', 'PATCH', p, staff, { summary: '申請から給付までをオンラインで完結させる', version: 1 });
const kpi = await call('createKpi', 'POST', `${p}/kpis`, staff, {
  name: 'オンライン申請率',
  unit: '%',
  direction: 'increase',
  baselineValue: 12,
  baselineYear: 2025,
  targetValue: 80,
  targetFiscalYear: 2028,
});
const measured = await call('recordMeasurement', 'POST', `${p}/kpis/${kpi.id}/measurements`, staff, {
  fiscalYear: 2026,
  value: 35,
  comment: '電子申請の周知により増加',
});
await call('updateKpi', 'PATCH', `${p}/kpis/${kpi.id}`, staff, { targetValue: 85, targetFiscalYear: 2029, version: measured.version });
await call('createDocument', 'POST', `${p}/documents`, staff, {
  kind: 'requirements_definition',
  title: '要件定義書（第1版）',
  url: 'https://docs.example.jp/ind/kosodate/requirements-v1.pdf',
});
await call('saveCanvas', 'PUT', `${p}/canvas`, staff, {
  baseRevision: 0,
  fields: {
    projectName: '子育て支援給付オンライン申請',
    users: '子育て世帯（都内約60万世帯）',
    userPains: '平日の日中に窓口へ出向く時間がない',
    userGoals: '24時間どこからでもスマートフォンで申請したい',
    department: '産業労働局 子育て支援課',
    longTermAim: '子育て世帯が手続きに時間を取られず、必要な支援を確実に受けられる都市にする',
    userValue: '来庁せずに数分で申請が終わり、審査状況もいつでも確かめられる',
    providerValue: '紙の申請書の入力と確認作業がなくなり、審査に集中できる',
    issues: '申請の約7割が窓口と郵送で、受付から給付まで平均45日かかっている',
    solution: '都の電子申請基盤とマイナンバーカードによる本人確認で、申請から給付までをオンライン化する',
    targetOutcomes: 'オンライン申請率80%、受付から給付までの日数を15日以内に',
  },
});
await call('createTransition', 'POST', `${p}/transitions`, staff, { to: 'requirements', reason: '要件定義に着手' });
const spec = await call(null, 'POST', `${p}/documents`, staff, {
  kind: 'procurement_spec',
  title: '調達仕様書（システム構築業務）',
  url: 'https://docs.example.jp/ind/kosodate/procurement-spec.pdf',
});

// Supervision of a tier-2 project: a consultation, its guidance, an action, a report, an exemption.
const consultation = await call('createConsultation', 'POST', `${p}/consultations`, staff, {
  topic: 'procurement_spec',
  subject: '調達仕様書の非機能要件について',
  body: '可用性とセキュリティの要求水準が事業の規模に見合っているか助言をお願いします。',
  documentIds: [spec.id],
});
const answered = await call('addConsultationMessage', 'POST', `/api/v1/consultations/${consultation.id}/messages`, advisor, {
  body: '稼働率の目標を仕様書に数値で明記してください。申請の締切日前後の負荷も考慮が必要です。',
  guidance: { title: '稼働率の目標値を調達仕様書に明記', dueDate: '2027-01-31', blocking: false },
});
await call('closeConsultation', 'POST', `/api/v1/consultations/${consultation.id}/close`, staff, { version: answered.version });
const action = await call('createFollowUpAction', 'POST', `${p}/actions`, advisor, {
  title: '脆弱性診断の実施計画を提出',
  ownerId: await userId(staff),
  dueDate: '2027-02-28',
  blocking: true,
  source: { kind: 'tech_review', detail: '技術的関与での指摘' },
});
const done = await call('updateFollowUpAction', 'PATCH', `/api/v1/actions/${action.id}`, staff, {
  version: action.version,
  status: 'done',
  note: '実施計画書を文書に登録しました',
});
await call(null, 'PATCH', `/api/v1/actions/${action.id}`, advisor, { version: done.version, status: 'verified' });
const exemption = await call('createExemption', 'POST', `${p}/exemptions`, staff, {
  targetKind: 'checklist_item',
  target: 'all_tokyo',
  reason: '局単独の給付事務で、他局のシステムとの連携がないため',
  expiresOn: '2028-03-31',
});
await call('decideExemption', 'POST', `/api/v1/exemptions/${exemption.id}/decision`, advisor, {
  version: exemption.version,
  decision: 'approved',
  comment: '令和9年度末までに限り認めます',
});
const milestones = ['requirements_done', 'procurement_awarded', 'release', 'operation_start'] as const;
const planned = {
  requirements_done: '2026-12-25',
  procurement_awarded: '2027-03-15',
  release: '2027-10-01',
  operation_start: '2027-11-01',
};
await call('createStatusReport', 'POST', `${p}/status-reports`, staff, {
  period: '2026-10',
  milestones: milestones.map((milestone) => ({
    milestone,
    plannedDate: planned[milestone],
    forecastDate: milestone === 'requirements_done' ? '2027-01-20' : null,
    actualDate: null,
  })),
  cost: { budgetJpy: 48_000_000, contractJpy: 0, spentJpy: 2_400_000, forecastJpy: 46_500_000 },
  selfRating: { overall: 'amber', schedule: 'amber', cost: 'green', scope: 'green', qualityUsability: 'green', security: 'green' },
  risks: [
    { title: '要件定義の遅れ', likelihood: 'medium', impact: 'medium', owner: '産業 花子', mitigation: '週次で論点を整理し局内で早期決定' },
  ],
  narrative: '要件定義は所管課との調整により約4週間遅れる見込み。費用は計画内。',
});
await call('assessStatusReport', 'PUT', `${p}/status-reports/2026-10/assessment`, advisor, {
  version: 1,
  ratings: { overall: 'amber', schedule: 'red', cost: 'green', scope: 'green', qualityUsability: 'green', security: 'green' },
  comment: '要件定義の遅れがリリース日に響かないよう、調達の日程を再確認してください。',
});

// The procurement, then development, then the release judgement (filed, changed, withdrawn, filed again, approved).
const procurement = await call('createProcurement', 'POST', `${p}/procurements`, staff, {
  title: '子育て支援給付オンライン申請システム構築業務委託',
  method: 'proposal',
  status: 'spec_published',
  specDocumentId: spec.id,
});
await call('updateProcurement', 'PATCH', `${p}/procurements/${procurement.id}`, staff, {
  status: 'contracted',
  vendorName: '株式会社都市デジタルサービス',
  isStartup: false,
  contractAmountJpy: 42_350_000,
  contractStart: '2027-04-01',
  contractEnd: '2028-03-31',
  version: procurement.version,
});
await call(null, 'POST', `${p}/transitions`, staff, { to: 'development' });
await call(null, 'POST', `${p}/documents`, staff, {
  kind: 'user_test_report',
  title: 'ユーザテスト結果報告書（子育て世帯5名）',
  url: 'https://docs.example.jp/ind/kosodate/user-test.pdf',
});
const filing = {
  plannedReleaseDate: '2027-10-01',
  notes: '子育て世帯5名によるユーザテストで申請完了率100%を確認',
  evidence: [{ itemId: 'user_test', url: 'https://docs.example.jp/ind/kosodate/user-test.pdf', note: '5名で実施' }],
};
const first = await call('createReleaseRequest', 'POST', `${p}/release-requests`, staff, filing);
const changed = await call('updateReleaseRequest', 'PATCH', `/api/v1/release-requests/${first.id}`, staff, {
  plannedReleaseDate: '2027-10-15',
  version: first.version,
});
await call('withdrawReleaseRequest', 'POST', `/api/v1/release-requests/${first.id}/withdraw`, staff, {
  version: changed.version,
  reason: '給付要綱の改正にあわせてリリース日を見直すため',
});
const filed = await call('createReleaseRequest', 'POST', `${p}/release-requests`, staff, filing);
await call('decideReleaseRequest', 'POST', `/api/v1/release-requests/${filed.id}/decision`, advisor, {
  decision: 'approved',
  comment: 'チェックリストの全項目を確認しました。リリースを承認します。',
  items: (filed.checklist as { itemId: string }[]).map((item) => ({ itemId: item.itemId, result: 'ok' })),
});

// A tier decrease: lowering the budget keeps tier 2 until its reviewer agrees.
const current = await read(p, staff);
await call(null, 'PATCH', p, staff, { budgetJpy: 8_000_000, version: current.version });
const decrease = (await read(`${p}/tier-decreases`, staff)).items[0];
await call('decideTierDecrease', 'POST', `/api/v1/tier-decreases/${decrease.id}/decision`, advisor, {
  decision: 'approved',
  comment: '契約額の確定により予算を見直したことを確認しました',
  version: decrease.version,
});

// The yearly keep-or-retire decision of a project in operation, and the retirement it leads to.
const operating = (await read('/api/v1/projects?stage=operation&bureau=IND&limit=1', staff)).items[0];
const year = 2026;
await call('createYearlyReview', 'POST', `/api/v1/projects/${operating.id}/yearly-reviews`, staff, {
  fiscalYear: year,
  decision: 'retire',
  rationale: '国の共通サービスへ移行し、利用者がいなくなるため',
});
await call('decideRetirement', 'POST', `/api/v1/projects/${operating.id}/yearly-reviews/${year}/retirement`, lead, {
  decision: 'confirm',
  reason: '国の共通サービスへの移行が完了したため',
});

// Budget compilation: a cycle, its extraction of projects for tech review, the review and its reflection.
const cycles = (await read('/api/v1/budget-cycles')).items as { fiscalYear: number }[];
const nextYear = Math.max(2027, ...cycles.map((c) => c.fiscalYear)) + 1;
await call('createBudgetCycle', 'POST', '/api/v1/budget-cycles', admin, {
  fiscalYear: nextYear,
  requestDate: `${nextYear - 1}-07-25`,
  requestDeadline: `${nextYear - 1}-09-30`,
  evaluationDeadline: `${nextYear - 1}-10-31`,
  submissionDate: `${nextYear - 1}-11-20`,
  budgetAnnouncementDate: `${nextYear}-01-24`,
});
await call(null, 'POST', '/api/v1/projects', staff, {
  name: '中小企業DX支援補助金の電子申請',
  bureauCode: 'IND',
  fiscalYear: nextYear,
  summary: '補助金の申請から実績報告までを電子化する',
  isNew: true,
  registrationTrigger: 'initial_budget',
  budgetJpy: 90_000_000,
  maxDowntimeHours: 24,
  confidentiality: 'B',
});
await call('extractBudgetCycle', 'POST', `/api/v1/budget-cycles/${nextYear}/extract`, admin);
const review = (await read(`/api/v1/tech-reviews?fiscalYear=${nextYear}`)).items[0];
const reviewed = await call('updateTechReview', 'PATCH', `/api/v1/tech-reviews/${review.id}`, govtech, {
  version: review.version,
  status: 'in_review',
  viewpoints: {
    technical: { rating: 3, comment: '申請受付を独自に構築する計画だが、都の電子申請基盤で代替できる' },
    usability: { rating: 4, comment: 'ユーザテストを要件定義段階から計画している' },
    security: { rating: 4, comment: '本人確認にマイナンバーカードを用い、個人情報の保管を最小限にしている' },
  },
  overallOpinion: '既存の電子申請基盤を利用すれば、構築費を2割程度抑えられる見込み。',
});
await call('submitBudgetCycle', 'POST', `/api/v1/budget-cycles/${nextYear}/submit`, admin);
const afterSubmit = await read(`/api/v1/tech-reviews/${reviewed.id}`);
await call('recordTechReviewReflection', 'PUT', `/api/v1/tech-reviews/${review.id}/reflection`, budget, {
  outcome: 'partly_reflected',
  amountChangeJpy: -12_000_000,
  comment: '共通基盤の利用を前提に構築費を減額して査定',
  version: afterSubmit.reflection?.version ?? 0,
});

// Rules: an evaluation, a simulation, a version proposed and approved by a second admin, another cancelled.
await call('evaluateOversight', 'POST', '/api/v1/oversight/evaluate', staff, {
  budgetJpy: 48_000_000,
  maxDowntimeHours: 24,
  confidentiality: 'B',
});
const secondAdmin = 'kanri.2@example.jp';
await call('createUser', 'POST', '/api/v1/admin/users', admin, {
  email: secondAdmin,
  displayName: '情報 次郎',
  role: 'admin',
  bureauCodes: ['DSB'],
  password: 'correct-horse-battery-staple',
});
const secondAdminSignIn = await t.app.request('/api/v1/auth/login', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email: secondAdmin, password: 'correct-horse-battery-staple' }),
});
const secondAdminToken: string = ((await secondAdminSignIn.json()) as { token: string }).token;
const oversightContent = JSON.parse(readFileSync(new URL('../../../rules/oversight-tier.json', import.meta.url), 'utf8'));
const lowered = structuredClone(oversightContent) as { factors: { factor: string; bands: { conditions: { value: unknown }[] }[] }[] };
for (const band of lowered.factors.find((f) => f.factor === 'budget')?.bands ?? [])
  for (const c of band.conditions) if (c.value === 10_000_000) c.value = 5_000_000;
await call('simulateRuleset', 'POST', '/api/v1/rules/simulate', admin, { ruleset: 'oversight-tier', content: lowered });
type RuleCase = { name: string; input: unknown; expected: Record<string, unknown> };
const repoCases = (): RuleCase[] =>
  JSON.parse(readFileSync(new URL('../../../rules/tests/oversight-tier.cases.json', import.meta.url), 'utf8')).cases;
const raised = structuredClone(oversightContent) as typeof lowered;
for (const band of raised.factors.find((f) => f.factor === 'budget')?.bands ?? [])
  for (const c of band.conditions) if (c.value === 10_000_000) c.value = 20_000_000;
// The cases of the raised threshold: each repository case expects what the candidate answers.
const trial = await t.request('POST', '/api/v1/rules/versions', { as: admin, body: { ruleset: 'oversight-tier', content: raised } });
const failures = new Map<string, Record<string, unknown>>(
  ((await trial.json()).cases?.failures ?? []).map((f: { name: string; mismatches: { key: string; actual: unknown }[] }) => [
    f.name,
    Object.fromEntries(f.mismatches.map((m) => [m.key, m.actual])),
  ]),
);
const raisedCases = repoCases().map((c) => ({ ...c, expected: { ...c.expected, ...(failures.get(c.name) ?? {}) } }));
const another = await call(null, 'POST', '/api/v1/rules/versions', admin, {
  ruleset: 'oversight-tier',
  content: raised,
  cases: raisedCases,
  note: '基準の引上げ案',
});
const scheduled = await call(null, 'POST', `/api/v1/rules/versions/${another.id}/decision`, secondAdminToken, {
  decision: 'approved',
  activateAt: '2027-10-01T00:00:00+09:00',
  revision: another.revision,
});
await call('cancelRulesetVersion', 'POST', `/api/v1/rules/versions/${another.id}/cancel`, admin, {
  comment: '引下げ案と併せて検討し直すため取り下げ',
  revision: scheduled.revision,
});

// The repository's cases, with the one the change means to change stated anew.
const loweredCases = repoCases().map((c) =>
  c.name === 'budget ¥9,999,999 is tier 1'
    ? { ...c, name: 'budget ¥9,999,999 is tier 2 once tier 2 starts at ¥5,000,000', expected: { tier: 2, reviewerRole: 'cio_advisor' } }
    : c,
);
const proposed = await call('proposeRulesetVersion', 'POST', '/api/v1/rules/versions', admin, {
  ruleset: 'oversight-tier',
  content: lowered,
  cases: loweredCases,
  note: '第2区分の予算基準を1,000万円から500万円に引き下げる',
});
const approved = await call('decideRulesetVersion', 'POST', `/api/v1/rules/versions/${proposed.id}/decision`, secondAdminToken, {
  decision: 'approved',
  comment: 'シミュレーションで影響を受ける事業を確認しました',
  activateAt: '2027-04-01T00:00:00+09:00',
  revision: proposed.revision,
});
// Administration, tokens, notifications, sign-in settings.
await call('createBureau', 'POST', '/api/v1/admin/bureaus', admin, {
  code: 'CUL',
  nameJa: '生活文化スポーツ局',
  nameEn: 'Bureau of Citizens, Culture and Sports',
});
const newcomer = await call(null, 'POST', '/api/v1/admin/users', admin, {
  email: 'staff.cul@example.jp',
  displayName: '文化 太郎',
  role: 'staff',
  bureauCodes: ['CUL'],
  password: 'correct-horse-battery-staple',
});
await call('updateUser', 'PATCH', `/api/v1/admin/users/${newcomer.id}`, admin, { version: newcomer.version, role: 'bureau_lead' });
const token = await call('createToken', 'POST', '/api/v1/tokens', budget, {
  name: '財務会計システム連携',
  scopes: ['tech_reviews:read', 'stats:read'],
  expiresInDays: 90,
});
await call('revokeToken', 'DELETE', `/api/v1/tokens/${token.id}`, budget);
await call('markNotificationsRead', 'POST', '/api/v1/notifications/read', staff, { all: true });
await call('updateNotificationPreferences', 'PUT', '/api/v1/notifications/preferences', staff, {
  items: [
    { kind: 'release_request_decided', channel: 'email', cadence: 'immediate' },
    { kind: 'action_assigned', channel: 'in_app', cadence: 'digest' },
  ],
});
await call('updateNotificationDefaults', 'PUT', '/api/v1/admin/notification-defaults', admin, {
  items: [{ kind: 'release_request_routed', channel: 'email', cadence: 'immediate' }],
});
const settings = await read('/api/v1/auth/sign-in-settings');
await call('updateSignInSettings', 'PUT', '/api/v1/auth/sign-in-settings', admin, { localPasswords: true, version: settings.version });

// Deletions, of a KPI, a measurement and a document made for the purpose.
const spare = await call(null, 'POST', `${p}/kpis`, staff, {
  name: '窓口来庁者数',
  unit: '人/月',
  direction: 'decrease',
  targetValue: 500,
  targetFiscalYear: 2028,
});
await call(null, 'POST', `${p}/kpis/${spare.id}/measurements`, staff, {
  fiscalYear: 2026,
  value: 1200,
  comment: '集計方法の誤りにより削除予定',
});
await call('deleteMeasurement', 'DELETE', `${p}/kpis/${spare.id}/measurements/2026`, staff);
await call('deleteKpi', 'DELETE', `${p}/kpis/${spare.id}`, staff);
const draft = await call(null, 'POST', `${p}/documents`, staff, {
  kind: 'other',
  title: '説明資料（案）',
  url: 'https://docs.example.jp/ind/kosodate/draft.pdf',
});
await call('deleteDocument', 'DELETE', `${p}/documents/${draft.id}`, staff);

// The expense import: a dry run, the NDJSON stream's last line, and the import itself.
{
  // The public FY2021 file's header and first two lines: the example shows what was sent.
  const sample = trimCsv(readFileSync(new URL('../src/testing/fixtures/expense-lines-fy2021-dsb.csv', import.meta.url), 'utf8'));
  const upload = async (query: string, headers: Record<string, string> = {}) =>
    t.app.request(`/api/v1/imports/expenses${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.tokenFor(admin)}`, 'content-type': 'text/csv', ...headers },
      body: sample,
    });
  const request = { type: 'text/csv', example: sample };
  const dry = await upload('?dryRun=true');
  record('importExpenses', dry.status, 'application/json', trim(await dry.json()), request);
  const stream = await upload('?dryRun=true', { accept: 'application/x-ndjson' });
  const lines = (await stream.text()).trim().split('\n');
  record('importExpenses', stream.status, 'application/x-ndjson', JSON.parse(lines.at(-1) ?? '{}'));
  const done = await upload('');
  record('importExpenses', done.status, 'application/json', trim(await done.json()));
}

// Reads: every GET with a JSON answer whose path parameters we can fill from the book; CSV answers too.
const release = (await read(`${p}/release-requests`)).items[0];
const user = (await read('/api/v1/admin/users?limit=1')).items[0];
const ids: Record<string, string | undefined> = {
  '/api/v1/release-requests/{id}': release?.id,
  '/api/v1/admin/users/{id}': user?.id,
  '/api/v1/rules/versions/{id}': approved.id,
  '/api/v1/rules/activations/{id}': approved.activation?.id,
  '/api/v1/tech-reviews/{id}': review.id,
  '/api/v1/tier-decreases/{id}': decrease.id,
  '/api/v1/consultations/{id}': consultation.id,
};
const params: Record<string, string> = { '{fiscalYear}': String(nextYear), '{n}': '1', '{kpiId}': kpi.id, '{period}': '2026-10' };
/** Query parameters an operation requires. */
const queries: Record<string, string> = { exportTechReviewsCsv: `?fiscalYear=${nextYear}` };
for (const [path, operations] of Object.entries(doc.paths)) {
  const get = operations.get;
  const content = get?.responses['200']?.content ?? {};
  if (!get || examples[get.operationId] || !(content['application/json'] || content['text/csv'])) continue;
  let concrete = path.replace('{id}', ids[path] ?? (path.startsWith('/api/v1/projects/{id}') ? projectId : '{id}'));
  for (const [name, value] of Object.entries(params)) concrete = concrete.replace(name, value);
  concrete += queries[get.operationId] ?? '';
  if (concrete.includes('{')) {
    console.warn(`no example for ${get.operationId} (${concrete})`);
    continue;
  }
  for (const as of [admin, 'chief@example.jp']) {
    const res = await t.request('GET', concrete, { as });
    if (!res.ok) continue;
    const type = (res.headers.get('content-type') ?? '').split(';')[0] ?? '';
    record(get.operationId, res.status, type, type === 'text/csv' ? trimCsv(await res.text()) : trim(await res.json()));
    break;
  }
  if (!examples[get.operationId]) console.warn(`no example for ${get.operationId} (${concrete})`);
}
await call('signOut', 'POST', '/api/v1/auth/logout', staff);
await t.close();

const sorted = Object.fromEntries(Object.entries(examples).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(new URL('../src/routes/examples.json', import.meta.url), `${JSON.stringify(sorted, null, 2)}\n`);
console.log(`recorded ${Object.keys(sorted).length} operations' examples`);

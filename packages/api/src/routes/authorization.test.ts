/**
 * The authorisation matrix: every API route × every demo account (own and other bureau) → expected
 * status. A route missing from the table fails the suite, so a new route cannot ship unreviewed.
 *
 * Project-scoped cases run against an IND project: staff.ind and lead.ind are its own bureau,
 * staff.wel is another bureau's staff. Each case prepares fresh targets so one role's write does not
 * change what the next role sees.
 */
import { computeRulesetVersion, defaultRulesets, isAllowed, roleRegistry, type TAction, type TRole, type TStage } from '@psbook/core';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { getSignInSettings } from '../domain/sign-in-settings.ts';
import { demoPassword } from '../seed/demo.ts';
import { placeholderCanvas } from '../testing/bodies.ts';
import { createTestApp, describeOnBothDatabases, type TestApp, unevaluatedOversight } from '../testing/harness.ts';
import { publicAuthPaths } from './oidc.ts';

const roles = ['staff.ind', 'lead.ind', 'advisor.ind', 'staff.wel', 'advisor.wel', 'chief', 'budget', 'govtech', 'admin'] as const;
type Role = (typeof roles)[number];
const email = (role: Role) => `${role}@example.jp`;

const all = [...roles];

/**
 * Who each demo account is. The matrix's expectations for permission-table actions are computed from
 * core's table through these, and every role of the registry must have an account here, so a new role
 * is tested the moment it exists (issue 11 §2).
 */
const accounts = {
  'staff.ind': { role: 'staff', bureauCodes: ['IND'] },
  'lead.ind': { role: 'bureau_lead', bureauCodes: ['IND'] },
  'advisor.ind': { role: 'cio_advisor', bureauCodes: ['IND'] },
  'staff.wel': { role: 'staff', bureauCodes: ['WEL'] },
  'advisor.wel': { role: 'cio_advisor', bureauCodes: ['WEL'] },
  chief: { role: 'chief_cio_advisor', bureauCodes: [] },
  budget: { role: 'budget_office', bureauCodes: [] },
  govtech: { role: 'govtech', bureauCodes: [] },
  admin: { role: 'admin', bureauCodes: [] },
} as const satisfies Record<Role, { role: TRole; bureauCodes: readonly string[] }>;

/** The accounts core's permission table lets take `action` (on a project of `bureauCode`, when given). */
const by = (action: TAction, bureauCode?: string): Role[] => roles.filter((r) => isAllowed(accounts[r], action, bureauCode));

type Request = { path: string; body?: unknown; headers?: Record<string, string> };
type Case = {
  /** `METHOD /api/v1/...` exactly as in the OpenAPI document. */
  route: string;
  allow: Role[];
  /** Status for the allowed roles. */
  ok: number;
  /** Status for everyone else (default 403). Per-role overrides for the rest of the matrix. */
  denied?: number;
  deniedAs?: Partial<Record<Role, number>>;
  prepare: (f: Fixtures, role: Role) => Promise<Request>;
};

type Fixtures = {
  t: TestApp;
  /** A new IND project (tier 2: advisor.ind reviews it), created by staff.ind. */
  indProject(stage?: TStage): Promise<{ id: string; version: number }>;
  api(as: Role, method: string, path: string, body?: unknown): Promise<any>;
  /** A fiscal year no budget cycle of this suite has used yet. */
  nextYear(): number;
};

/** The supervision ruleset with another title: a valid proposal whose cases pass and which re-tiers nothing. */
function retitledSupervision() {
  const content = structuredClone(defaultRulesets.supervision.content) as { title: { ja: string } };
  content.title.ja = `${content.title.ja}（権限表）`;
  return content;
}

/** A proposed version from rules/ (no person proposed it), so that every role's decision is a second person's. */
async function proposedSupervision(f: Fixtures) {
  const { db } = f.t.services;
  const active = await db
    .selectFrom('rulesetVersion')
    .select(['id', 'cases', 'caseCount'])
    .where('ruleset', '=', 'supervision')
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  const content = retitledSupervision();
  return db
    .insertInto('rulesetVersion')
    .values({
      ruleset: 'supervision',
      version: computeRulesetVersion(content),
      content: JSON.stringify(content),
      cases: JSON.stringify(active.cases),
      caseCount: active.caseCount,
      status: 'proposed',
      baseVersionId: active.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** A version approved for a date far ahead, with its queued job (an earlier one left by a denied role is set aside). */
async function scheduledSupervision(f: Fixtures) {
  const { db } = f.t.services;
  await db
    .updateTable('rulesetVersion')
    .set({ status: 'cancelled' })
    .where('ruleset', '=', 'supervision')
    .where('status', '=', 'approved')
    .execute();
  const version = await proposedSupervision(f);
  const runAt = new Date('2999-01-01T00:00:00Z');
  await db.updateTable('rulesetVersion').set({ status: 'approved', activateAt: runAt }).where('id', '=', version.id).execute();
  await db.insertInto('rulesetActivation').values({ rulesetVersionId: version.id, runAt, stepsTotal: 4 }).execute();
  return { id: version.id, revision: 1 };
}

/** An activation record of a rejected version, already failed: nothing will ever run it. */
async function queuedActivation(f: Fixtures) {
  const version = await proposedSupervision(f);
  const { db } = f.t.services;
  await db.updateTable('rulesetVersion').set({ status: 'rejected' }).where('id', '=', version.id).execute();
  return db
    .insertInto('rulesetActivation')
    .values({ rulesetVersionId: version.id, runAt: new Date('2999-01-01T00:00:00Z'), stepsTotal: 4, status: 'failed' })
    .returning('id')
    .executeTakeFirstOrThrow();
}

async function makeFixtures(t: TestApp, firstYear: number): Promise<Fixtures> {
  let year = firstYear;
  const api = async (as: Role, method: string, path: string, body?: unknown) => {
    const res = await t.request(method, path, { as: email(as), body });
    if (res.status >= 300) throw new Error(`fixture ${method} ${path} as ${as}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? null : res.json();
  };
  let n = 0;
  return {
    t,
    api,
    nextYear: () => year++,
    async indProject(stage: TStage = 'planning') {
      const p = await api('staff.ind', 'POST', '/api/v1/projects', {
        name: `権限表${n++}`,
        bureauCode: 'IND',
        fiscalYear: 2026,
        budgetJpy: 20_000_000,
        maxDowntimeHours: 24,
        confidentiality: 'B',
      });
      // Stage is set directly: the matrix is about who may act, not how projects got there.
      if (stage !== 'planning') await t.services.db.updateTable('project').set({ stage }).where('id', '=', p.id).execute();
      return { id: p.id, version: p.version };
    },
  };
}

/** A tier-2 IND project whose inputs staff.ind lowered to tier 1: the decrease waits for advisor.ind. */
async function pendingDecrease(f: Fixtures): Promise<{ id: string; version: number }> {
  const p = await f.indProject();
  await f.api('staff.ind', 'PATCH', `/api/v1/projects/${p.id}`, { version: p.version, budgetJpy: 1_000_000 });
  const { items } = await f.api('staff.ind', 'GET', `/api/v1/projects/${p.id}/tier-decreases`);
  return items[0];
}

const fullCanvas = placeholderCanvas('権限表');
const kpiBody = { name: '利用件数', unit: '件', direction: 'increase', targetValue: 100, targetFiscalYear: 2027 };
const consultationBody = { topic: 'design', subject: '画面設計', body: '画面設計について相談したい' };
const rating = { overall: 'green', schedule: 'green', cost: 'green', scope: 'green', qualityUsability: 'green', security: 'green' };
const statusReportBody = {
  period: '2026-09',
  milestones: ['requirements_done', 'procurement_awarded', 'release', 'operation_start'].map((milestone) => ({
    milestone,
    plannedDate: null,
    forecastDate: null,
    actualDate: null,
  })),
  cost: { budgetJpy: 20_000_000, contractJpy: null, spentJpy: 0, forecastJpy: null },
  selfRating: rating,
  risks: [],
  narrative: '順調',
};
const exemptionBody = { targetKind: 'gate', target: 'canvas_written', reason: '既存事業の継続', expiresOn: '2099-03-31' };
/** Who has a portfolio: the reviewer roles and admins. */
const reviewers: Role[] = ['lead.ind', 'advisor.ind', 'advisor.wel', 'chief', 'admin'];
const checklistTier2 = ['user_test', 'customer_view', 'simple', 'accessibility', 'data_use', 'security', 'all_tokyo', 'learning'];

const cases: Case[] = [
  { route: 'GET /api/v1/auth/me', allow: all, ok: 200, prepare: async () => ({ path: '/api/v1/auth/me' }) },
  {
    route: 'POST /api/v1/auth/logout',
    allow: all,
    ok: 204,
    // A fresh sign-in, so the matrix's own session survives.
    prepare: async (f, role) => {
      const res = await f.t.request('POST', '/api/v1/auth/login', { body: { email: email(role), password: demoPassword } });
      const { token } = await res.json();
      return { path: '/api/v1/auth/logout', headers: { authorization: `Bearer ${token}` } };
    },
  },
  {
    route: 'GET /api/v1/auth/sign-in-settings',
    allow: by('signInSettings.manage'),
    ok: 200,
    prepare: async () => ({ path: '/api/v1/auth/sign-in-settings' }),
  },
  {
    route: 'PUT /api/v1/auth/sign-in-settings',
    allow: by('signInSettings.manage'),
    ok: 200,
    prepare: async (f) => ({
      path: '/api/v1/auth/sign-in-settings',
      body: { localPasswords: true, version: (await getSignInSettings(f.t.services.db)).version },
    }),
  },
  {
    route: 'POST /api/v1/projects',
    allow: by('project.create', 'IND'),
    ok: 201,
    prepare: async () => ({ path: '/api/v1/projects', body: { name: '新規', bureauCode: 'IND', fiscalYear: 2026 } }),
  },
  { route: 'GET /api/v1/projects', allow: all, ok: 200, prepare: async () => ({ path: '/api/v1/projects?bureau=IND' }) },
  {
    route: 'GET /api/v1/projects/{id}',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}` }),
  },
  {
    route: 'PATCH /api/v1/projects/{id}',
    allow: by('project.write', 'IND'),
    ok: 200,
    prepare: async (f) => {
      const p = await f.indProject();
      return { path: `/api/v1/projects/${p.id}`, body: { version: p.version, summary: '変更' } };
    },
  },
  {
    route: 'GET /api/v1/projects/{id}/tier-history',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}/tier-history` }),
  },
  {
    route: 'GET /api/v1/projects/{id}/tier-decreases',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}/tier-decreases` }),
  },
  {
    route: 'GET /api/v1/tier-decreases/{id}',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/tier-decreases/${(await pendingDecrease(f)).id}` }),
  },
  {
    // Only the reviewer of the tier in force (tier 2: the bureau's CIO advisor) agrees.
    route: 'POST /api/v1/tier-decreases/{id}/decision',
    allow: ['advisor.ind'],
    ok: 200,
    prepare: async (f) => {
      const d = await pendingDecrease(f);
      return { path: `/api/v1/tier-decreases/${d.id}/decision`, body: { decision: 'approved', version: d.version } };
    },
  },
  {
    route: 'GET /api/v1/projects/{id}/canvas',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}/canvas` }),
  },
  {
    route: 'PUT /api/v1/projects/{id}/canvas',
    allow: by('project.write', 'IND'),
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}/canvas`, body: { fields: fullCanvas } }),
  },
  {
    route: 'GET /api/v1/projects/{id}/canvas/revisions',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}/canvas/revisions` }),
  },
  {
    route: 'GET /api/v1/projects/{id}/canvas/revisions/{n}',
    allow: all,
    ok: 200,
    prepare: async (f) => {
      const p = await f.indProject();
      await f.api('staff.ind', 'PUT', `/api/v1/projects/${p.id}/canvas`, { fields: fullCanvas });
      return { path: `/api/v1/projects/${p.id}/canvas/revisions/1` };
    },
  },
  {
    route: 'GET /api/v1/projects/{id}/kpis',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}/kpis` }),
  },
  {
    route: 'POST /api/v1/projects/{id}/kpis',
    allow: by('project.write', 'IND'),
    ok: 201,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}/kpis`, body: kpiBody }),
  },
  {
    route: 'PATCH /api/v1/projects/{id}/kpis/{kpiId}',
    allow: by('project.write', 'IND'),
    ok: 200,
    prepare: async (f) => {
      const p = await f.indProject();
      const kpi = await f.api('staff.ind', 'POST', `/api/v1/projects/${p.id}/kpis`, kpiBody);
      return { path: `/api/v1/projects/${p.id}/kpis/${kpi.id}`, body: { version: kpi.version, targetValue: 200 } };
    },
  },
  {
    route: 'DELETE /api/v1/projects/{id}/kpis/{kpiId}',
    allow: by('project.write', 'IND'),
    ok: 204,
    prepare: async (f) => {
      const p = await f.indProject();
      const kpi = await f.api('staff.ind', 'POST', `/api/v1/projects/${p.id}/kpis`, kpiBody);
      return { path: `/api/v1/projects/${p.id}/kpis/${kpi.id}` };
    },
  },
  {
    route: 'POST /api/v1/projects/{id}/kpis/{kpiId}/measurements',
    allow: by('project.write', 'IND'),
    ok: 201,
    prepare: async (f) => {
      const p = await f.indProject();
      const kpi = await f.api('staff.ind', 'POST', `/api/v1/projects/${p.id}/kpis`, kpiBody);
      return { path: `/api/v1/projects/${p.id}/kpis/${kpi.id}/measurements`, body: { fiscalYear: 2026, value: 150 } };
    },
  },
  {
    route: 'DELETE /api/v1/projects/{id}/kpis/{kpiId}/measurements/{fiscalYear}',
    allow: by('project.write', 'IND'),
    ok: 200,
    prepare: async (f) => {
      const p = await f.indProject();
      const kpi = await f.api('staff.ind', 'POST', `/api/v1/projects/${p.id}/kpis`, kpiBody);
      await f.api('staff.ind', 'POST', `/api/v1/projects/${p.id}/kpis/${kpi.id}/measurements`, { fiscalYear: 2026, value: 150 });
      return { path: `/api/v1/projects/${p.id}/kpis/${kpi.id}/measurements/2026` };
    },
  },
  {
    route: 'GET /api/v1/projects/{id}/documents',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}/documents` }),
  },
  {
    route: 'POST /api/v1/projects/{id}/documents',
    allow: by('project.write', 'IND'),
    ok: 201,
    prepare: async (f) => ({
      path: `/api/v1/projects/${(await f.indProject()).id}/documents`,
      body: { kind: 'requirements_definition', title: '要件定義書', url: 'https://example.jp/req.pdf' },
    }),
  },
  {
    route: 'DELETE /api/v1/projects/{id}/documents/{docId}',
    allow: by('project.write', 'IND'),
    ok: 204,
    prepare: async (f) => {
      const p = await f.indProject();
      const doc = await f.api('staff.ind', 'POST', `/api/v1/projects/${p.id}/documents`, {
        kind: 'other',
        title: '資料',
        url: 'https://example.jp/a',
      });
      return { path: `/api/v1/projects/${p.id}/documents/${doc.id}` };
    },
  },
  {
    route: 'POST /api/v1/projects/{id}/transitions',
    allow: by('project.write', 'IND'),
    ok: 200,
    prepare: async (f) => ({
      path: `/api/v1/projects/${(await f.indProject()).id}/transitions`,
      body: { to: 'retired', reason: '事業終了' },
    }),
  },
  {
    route: 'GET /api/v1/projects/{id}/transitions',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}/transitions` }),
  },
  {
    route: 'GET /api/v1/projects/{id}/gates',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}/gates` }),
  },
  {
    route: 'POST /api/v1/projects/{id}/procurements',
    allow: by('project.write', 'IND'),
    ok: 201,
    prepare: async (f) => ({
      path: `/api/v1/projects/${(await f.indProject()).id}/procurements`,
      body: { title: '構築業務委託', method: 'proposal', status: 'planned' },
    }),
  },
  {
    route: 'GET /api/v1/projects/{id}/procurements',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}/procurements` }),
  },
  {
    route: 'PATCH /api/v1/projects/{id}/procurements/{procurementId}',
    allow: by('project.write', 'IND'),
    ok: 200,
    prepare: async (f) => {
      const p = await f.indProject();
      const pr = await f.api('staff.ind', 'POST', `/api/v1/projects/${p.id}/procurements`, {
        title: '構築',
        method: 'proposal',
        status: 'planned',
      });
      return { path: `/api/v1/projects/${p.id}/procurements/${pr.id}`, body: { version: pr.version, status: 'spec_published' } };
    },
  },
  { route: 'GET /api/v1/procurements', allow: all, ok: 200, prepare: async () => ({ path: '/api/v1/procurements' }) },
  { route: 'GET /api/v1/procurements/stats', allow: all, ok: 200, prepare: async () => ({ path: '/api/v1/procurements/stats' }) },
  { route: 'GET /api/v1/procurements.csv', allow: all, ok: 200, prepare: async () => ({ path: '/api/v1/procurements.csv?bureau=IND' }) },
  { route: 'GET /api/v1/procurements.xlsx', allow: all, ok: 200, prepare: async () => ({ path: '/api/v1/procurements.xlsx?bureau=IND' }) },
  {
    route: 'POST /api/v1/imports/expenses',
    // Staff import their own bureau's lines: staff.wel's dry run of an IND line is answered (200)
    // with a row error in the report, not refused outright.
    allow: by('expense.import'),
    ok: 200,
    prepare: async () => ({
      path: '/api/v1/imports/expenses?dryRun=true',
      body: 'external_id,bureau_code,project_name,fiscal_year,category,amount_kyen\nAUTH-1,IND,権限表取込,2026,other,1000\n',
      headers: { 'content-type': 'text/csv' },
    }),
  },
  {
    route: 'POST /api/v1/projects/{id}/release-requests',
    allow: by('project.write', 'IND'),
    ok: 201,
    prepare: async (f) => ({
      path: `/api/v1/projects/${(await f.indProject('development')).id}/release-requests`,
      body: { plannedReleaseDate: '2027-04-01' },
    }),
  },
  {
    route: 'GET /api/v1/projects/{id}/release-requests',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}/release-requests` }),
  },
  {
    route: 'GET /api/v1/release-requests/{id}',
    allow: all,
    ok: 200,
    prepare: async (f) => {
      const p = await f.indProject('development');
      const rr = await f.api('staff.ind', 'POST', `/api/v1/projects/${p.id}/release-requests`, { plannedReleaseDate: '2027-04-01' });
      return { path: `/api/v1/release-requests/${rr.id}` };
    },
  },
  {
    route: 'POST /api/v1/release-requests/{id}/decision',
    // Tier 2 of IND: only IND's CIO advisor judges; the applicant (staff.ind) and admins never do.
    allow: ['advisor.ind'],
    ok: 200,
    prepare: async (f) => {
      const p = await f.indProject('development');
      // Tested, so that approval is possible at all (テストしないものはリリースしない).
      await f.api('staff.ind', 'POST', `/api/v1/projects/${p.id}/documents`, {
        kind: 'user_test_report',
        title: 'ユーザテスト結果報告書',
        url: 'https://example.jp/user-test.pdf',
      });
      const rr = await f.api('staff.ind', 'POST', `/api/v1/projects/${p.id}/release-requests`, { plannedReleaseDate: '2027-04-01' });
      return {
        path: `/api/v1/release-requests/${rr.id}/decision`,
        body: { decision: 'approved', items: checklistTier2.map((itemId) => ({ itemId, result: 'ok' })) },
      };
    },
  },
  {
    route: 'PATCH /api/v1/release-requests/{id}',
    // The applicant's bureau corrects its own pending request; the reviewer and other bureaus do not.
    allow: by('project.write', 'IND'),
    ok: 200,
    prepare: async (f) => {
      const p = await f.indProject('development');
      const rr = await f.api('staff.ind', 'POST', `/api/v1/projects/${p.id}/release-requests`, { plannedReleaseDate: '2027-04-01' });
      return { path: `/api/v1/release-requests/${rr.id}`, body: { version: rr.version, plannedReleaseDate: '2027-05-01' } };
    },
  },
  {
    route: 'POST /api/v1/release-requests/{id}/withdraw',
    allow: by('project.write', 'IND'),
    ok: 200,
    prepare: async (f) => {
      const p = await f.indProject('development');
      const rr = await f.api('staff.ind', 'POST', `/api/v1/projects/${p.id}/release-requests`, { plannedReleaseDate: '2027-04-01' });
      return { path: `/api/v1/release-requests/${rr.id}/withdraw`, body: { version: rr.version } };
    },
  },
  {
    route: 'POST /api/v1/projects/{id}/yearly-reviews',
    allow: by('project.write', 'IND'),
    ok: 201,
    prepare: async (f) => ({
      path: `/api/v1/projects/${(await f.indProject('operation')).id}/yearly-reviews`,
      body: { fiscalYear: 2026, decision: 'continue', rationale: '利用が伸びている' },
    }),
  },
  {
    route: 'POST /api/v1/projects/{id}/yearly-reviews/{fiscalYear}/retirement',
    allow: by('project.write', 'IND'),
    ok: 200,
    prepare: async (f) => {
      const p = await f.indProject('operation');
      await f.api('staff.ind', 'POST', `/api/v1/projects/${p.id}/yearly-reviews`, {
        fiscalYear: 2026,
        decision: 'retire',
        rationale: '役目を終えた',
      });
      return { path: `/api/v1/projects/${p.id}/yearly-reviews/2026/retirement`, body: { decision: 'confirm', reason: '移行が完了した' } };
    },
  },
  {
    route: 'GET /api/v1/projects/{id}/yearly-reviews',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject('operation')).id}/yearly-reviews` }),
  },
  {
    route: 'GET /api/v1/yearly-reviews/outstanding',
    // Yearly reviews are followed by reviewers, the owning bureaus and admins; not by the budget office or GovTech Tokyo.
    allow: roles.filter((r) => r !== 'budget' && r !== 'govtech'),
    ok: 200,
    prepare: async () => ({ path: '/api/v1/yearly-reviews/outstanding?fiscalYear=2026' }),
  },
  { route: 'GET /api/v1/tech-reviews', allow: all, ok: 200, prepare: async () => ({ path: '/api/v1/tech-reviews?fiscalYear=2026' }) },
  {
    route: 'GET /api/v1/tech-reviews.csv',
    allow: all,
    ok: 200,
    prepare: async () => ({ path: '/api/v1/tech-reviews.csv?fiscalYear=2026' }),
  },
  {
    route: 'GET /api/v1/tech-reviews.xlsx',
    allow: all,
    ok: 200,
    prepare: async () => ({ path: '/api/v1/tech-reviews.xlsx?fiscalYear=2026' }),
  },
  {
    route: 'GET /api/v1/tech-reviews/{id}',
    allow: roles.filter((r) => r !== 'staff.wel' && r !== 'budget'),
    ok: 200,
    // Staff and bureau leads see their own bureaus' reviews only; another bureau's is not found. So is
    // an unsubmitted review to the budget office (it receives them at 評価書提出).
    deniedAs: { 'staff.wel': 404, budget: 404 },
    prepare: async (f) => ({ path: `/api/v1/tech-reviews/${(await techReviewOfInd(f)).id}` }),
  },
  {
    route: 'GET /api/v1/tech-reviews/reflection-outcomes',
    allow: all,
    ok: 200,
    prepare: async () => ({ path: '/api/v1/tech-reviews/reflection-outcomes' }),
  },
  {
    route: 'PUT /api/v1/tech-reviews/{id}/reflection',
    allow: ['budget'],
    ok: 200,
    prepare: async (f) => {
      const review = await techReviewOfInd(f);
      // Reflections are recorded on submitted reviews; the report's contents do not matter here.
      await f.t.services.db.updateTable('techReview').set({ status: 'submitted' }).where('id', '=', review.id).execute();
      return {
        path: `/api/v1/tech-reviews/${review.id}/reflection`,
        body: { outcome: 'partly_reflected', amountChangeJpy: -1_000_000, comment: '一部反映', version: 0 },
      };
    },
  },
  {
    route: 'PATCH /api/v1/tech-reviews/{id}',
    allow: by('techReview.manage'),
    ok: 200,
    prepare: async (f) => {
      const review = await techReviewOfInd(f);
      return { path: `/api/v1/tech-reviews/${review.id}`, body: { version: review.version, overallOpinion: '妥当' } };
    },
  },
  { route: 'GET /api/v1/reviews/inbox', allow: all, ok: 200, prepare: async () => ({ path: '/api/v1/reviews/inbox' }) },
  {
    route: 'POST /api/v1/projects/{id}/consultations',
    allow: by('project.write', 'IND'),
    ok: 201,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}/consultations`, body: consultationBody }),
  },
  {
    route: 'GET /api/v1/projects/{id}/consultations',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}/consultations` }),
  },
  {
    route: 'GET /api/v1/consultations/{id}',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/consultations/${(await consultationOfInd(f)).id}` }),
  },
  {
    route: 'POST /api/v1/consultations/{id}/messages',
    // The bureau (and admins), the tier-2 consultee (IND's CIO advisor) and GovTech Tokyo's technical
    // guidance; nobody else takes part.
    allow: [...by('project.write', 'IND'), 'advisor.ind', ...by('technicalGuidance.give')],
    ok: 201,
    prepare: async (f) => ({ path: `/api/v1/consultations/${(await consultationOfInd(f)).id}/messages`, body: { body: '回答' } }),
  },
  {
    route: 'POST /api/v1/consultations/{id}/close',
    allow: [...by('project.write', 'IND'), 'advisor.ind'],
    ok: 200,
    prepare: async (f) => {
      const consultation = await consultationOfInd(f);
      return { path: `/api/v1/consultations/${consultation.id}/close`, body: { version: consultation.version } };
    },
  },
  {
    route: 'POST /api/v1/projects/{id}/status-reports',
    allow: by('project.write', 'IND'),
    ok: 201,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject('development')).id}/status-reports`, body: statusReportBody }),
  },
  {
    route: 'GET /api/v1/projects/{id}/status-reports',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject('development')).id}/status-reports` }),
  },
  {
    route: 'PUT /api/v1/projects/{id}/status-reports/{period}/assessment',
    // Only the project's consultee; the chief and admins do not assess a tier-2 project.
    allow: ['advisor.ind'],
    ok: 200,
    prepare: async (f) => {
      const p = await f.indProject('development');
      await f.api('staff.ind', 'POST', `/api/v1/projects/${p.id}/status-reports`, statusReportBody);
      return {
        path: `/api/v1/projects/${p.id}/status-reports/${statusReportBody.period}/assessment`,
        body: { version: 1, ratings: statusReportBody.selfRating, comment: '妥当' },
      };
    },
  },
  {
    route: 'GET /api/v1/supervision/portfolio',
    allow: reviewers,
    ok: 200,
    prepare: async () => ({ path: '/api/v1/supervision/portfolio' }),
  },
  {
    route: 'GET /api/v1/supervision/portfolio.csv',
    allow: reviewers,
    ok: 200,
    prepare: async () => ({ path: '/api/v1/supervision/portfolio.csv' }),
  },
  {
    route: 'GET /api/v1/projects/{id}/actions',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}/actions` }),
  },
  {
    route: 'GET /api/v1/projects/{id}/action-owners',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}/action-owners` }),
  },
  {
    route: 'POST /api/v1/projects/{id}/actions',
    allow: [...by('project.write', 'IND'), 'advisor.ind'],
    ok: 201,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}/actions`, body: await actionBody(f) }),
  },
  {
    route: 'PATCH /api/v1/actions/{id}',
    // Marking done is the owner's (staff.ind) alone; the raiser (advisor.ind) verifies later.
    allow: ['staff.ind'],
    ok: 200,
    prepare: async (f) => {
      const p = await f.indProject();
      const action = await f.api('advisor.ind', 'POST', `/api/v1/projects/${p.id}/actions`, await actionBody(f));
      return { path: `/api/v1/actions/${action.id}`, body: { version: action.version, status: 'done' } };
    },
  },
  {
    route: 'GET /api/v1/projects/{id}/exemptions',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}/exemptions` }),
  },
  {
    route: 'POST /api/v1/projects/{id}/exemptions',
    allow: by('project.write', 'IND'),
    ok: 201,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}/exemptions`, body: exemptionBody }),
  },
  {
    route: 'POST /api/v1/exemptions/{id}/decision',
    allow: ['advisor.ind'],
    ok: 200,
    prepare: async (f) => {
      const p = await f.indProject();
      const exemption = await f.api('staff.ind', 'POST', `/api/v1/projects/${p.id}/exemptions`, exemptionBody);
      return { path: `/api/v1/exemptions/${exemption.id}/decision`, body: { version: exemption.version, decision: 'approved' } };
    },
  },
  {
    route: 'POST /api/v1/budget-cycles',
    allow: by('budgetCycle.manage'),
    ok: 201,
    prepare: async (f) => {
      const fy = f.nextYear();
      return {
        path: '/api/v1/budget-cycles',
        body: {
          fiscalYear: fy,
          requestDate: `${fy - 1}-07-28`,
          requestDeadline: `${fy - 1}-09-30`,
          evaluationDeadline: `${fy - 1}-10-31`,
          submissionDate: `${fy - 1}-11-10`,
        },
      };
    },
  },
  { route: 'GET /api/v1/budget-cycles', allow: all, ok: 200, prepare: async () => ({ path: '/api/v1/budget-cycles' }) },
  {
    route: 'GET /api/v1/budget-cycles/{fiscalYear}',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/budget-cycles/${await budgetCycle(f)}` }),
  },
  {
    route: 'GET /api/v1/budget-cycles/{fiscalYear}/comparison',
    // The budget office reads a cycle's list (and its comparison) once the cycle is submitted.
    allow: roles.filter((r) => r !== 'budget'),
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/budget-cycles/${await budgetCycle(f)}/comparison` }),
  },
  {
    route: 'POST /api/v1/budget-cycles/{fiscalYear}/extract',
    allow: by('budgetCycle.manage'),
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/budget-cycles/${await budgetCycle(f)}/extract` }),
  },
  {
    route: 'POST /api/v1/budget-cycles/{fiscalYear}/submit',
    allow: by('budgetCycle.manage'),
    // The only extracted review has no ratings yet: the admin is allowed, and told what is missing.
    ok: 422,
    prepare: async (f) => {
      const fy = await budgetCycle(f);
      await f.t.services.db
        .insertInto('project')
        .values({
          name: '抽出対象',
          bureauCode: 'IND',
          fiscalYear: fy,
          isNew: true,
          tier: 2,
          tierLowerBound: 2,
          reviewerRole: 'cio_advisor',
          oversight: unevaluatedOversight,
          rulesetVersion: 'x',
        })
        .execute();
      await f.api('admin', 'POST', `/api/v1/budget-cycles/${fy}/extract`);
      return { path: `/api/v1/budget-cycles/${fy}/submit` };
    },
  },
  {
    route: 'POST /api/v1/tokens',
    allow: ['budget', 'admin'],
    ok: 201,
    prepare: async () => ({ path: '/api/v1/tokens', body: { name: '財務システム', scopes: ['tech_reviews:read'] } }),
  },
  { route: 'GET /api/v1/tokens', allow: all, ok: 200, prepare: async () => ({ path: '/api/v1/tokens' }) },
  {
    route: 'DELETE /api/v1/tokens/{id}',
    allow: ['budget', 'admin'],
    ok: 204,
    // Someone else's token is not even shown to exist.
    denied: 404,
    prepare: async (f) => {
      const token = await f.api('budget', 'POST', '/api/v1/tokens', { name: '失効用', scopes: ['tech_reviews:read'] });
      return { path: `/api/v1/tokens/${token.id}` };
    },
  },
  {
    route: 'GET /api/v1/exports/projects.csv',
    allow: all,
    ok: 200,
    prepare: async () => ({ path: '/api/v1/exports/projects.csv?bureau=IND' }),
  },
  {
    route: 'GET /api/v1/exports/projects.json',
    allow: all,
    ok: 200,
    prepare: async () => ({ path: '/api/v1/exports/projects.json?bureau=IND' }),
  },
  { route: 'GET /api/v1/exports/open-data.json', allow: all, ok: 200, prepare: async () => ({ path: '/api/v1/exports/open-data.json' }) },
  { route: 'GET /api/v1/exports/open-data.csv', allow: all, ok: 200, prepare: async () => ({ path: '/api/v1/exports/open-data.csv' }) },
  { route: 'GET /api/v1/exports/open-data.xlsx', allow: all, ok: 200, prepare: async () => ({ path: '/api/v1/exports/open-data.xlsx' }) },
  {
    route: 'GET /api/v1/exports/projects.xlsx',
    allow: all,
    ok: 200,
    prepare: async () => ({ path: '/api/v1/exports/projects.xlsx?bureau=IND' }),
  },
  {
    route: 'GET /api/v1/stats/registrations',
    allow: all,
    ok: 200,
    prepare: async () => ({ path: '/api/v1/stats/registrations?interval=week' }),
  },
  { route: 'GET /api/v1/stats/stages', allow: all, ok: 200, prepare: async () => ({ path: '/api/v1/stats/stages' }) },
  { route: 'GET /api/v1/stats/expenses', allow: all, ok: 200, prepare: async () => ({ path: '/api/v1/stats/expenses?fiscalYear=2026' }) },
  { route: 'GET /api/v1/stats/expenses/years', allow: all, ok: 200, prepare: async () => ({ path: '/api/v1/stats/expenses/years' }) },
  {
    route: 'GET /api/v1/stats/expenses.csv',
    allow: all,
    ok: 200,
    prepare: async () => ({ path: '/api/v1/stats/expenses.csv?fiscalYear=2026&table=category' }),
  },
  {
    route: 'GET /api/v1/stats/expenses.xlsx',
    allow: all,
    ok: 200,
    prepare: async () => ({ path: '/api/v1/stats/expenses.xlsx?fiscalYear=2026' }),
  },
  {
    route: 'POST /api/v1/oversight/evaluate',
    allow: all,
    ok: 200,
    prepare: async () => ({
      path: '/api/v1/oversight/evaluate',
      body: { budgetJpy: 10_000_000, maxDowntimeHours: 24, confidentiality: 'B' },
    }),
  },
  { route: 'GET /api/v1/rules', allow: all, ok: 200, prepare: async () => ({ path: '/api/v1/rules' }) },
  {
    route: 'POST /api/v1/rules/simulate',
    allow: by('rules.manage'),
    ok: 200,
    prepare: async (f) => {
      const rules = await f.api('admin', 'GET', '/api/v1/rules');
      const oversight = rules.rulesets.find((r: { name: string }) => r.name === 'oversight-tier');
      return { path: '/api/v1/rules/simulate', body: { ruleset: 'oversight-tier', content: oversight.content } };
    },
  },
  { route: 'GET /api/v1/rules/versions', allow: all, ok: 200, prepare: async () => ({ path: '/api/v1/rules/versions' }) },
  {
    route: 'GET /api/v1/rules/versions/{id}',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/rules/versions/${(await proposedSupervision(f)).id}` }),
  },
  {
    route: 'POST /api/v1/rules/versions',
    allow: by('rules.manage'),
    ok: 201,
    prepare: async () => ({ path: '/api/v1/rules/versions', body: { ruleset: 'supervision', content: retitledSupervision() } }),
  },
  {
    route: 'POST /api/v1/rules/versions/{id}/decision',
    allow: by('rules.decide'),
    ok: 200,
    prepare: async (f) => ({
      path: `/api/v1/rules/versions/${(await proposedSupervision(f)).id}/decision`,
      body: { decision: 'rejected', revision: 1, comment: '権限表の確認' },
    }),
  },
  {
    route: 'POST /api/v1/rules/versions/{id}/cancel',
    allow: by('rules.decide'),
    ok: 200,
    prepare: async (f) => {
      const { id, revision } = await scheduledSupervision(f);
      return { path: `/api/v1/rules/versions/${id}/cancel`, body: { revision, comment: '権限表の確認' } };
    },
  },
  {
    route: 'GET /api/v1/rules/activations/{id}',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/rules/activations/${(await queuedActivation(f)).id}` }),
  },
  {
    route: 'GET /api/v1/projects/{id}/history',
    allow: all,
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/projects/${(await f.indProject()).id}/history` }),
  },
  { route: 'GET /api/v1/audit', allow: by('audit.read'), ok: 200, prepare: async () => ({ path: '/api/v1/audit' }) },
  { route: 'GET /api/v1/bureaus', allow: all, ok: 200, prepare: async () => ({ path: '/api/v1/bureaus' }) },
  {
    route: 'POST /api/v1/admin/bureaus',
    allow: by('user.manage'),
    ok: 201,
    prepare: async () => ({ path: '/api/v1/admin/bureaus', body: { code: `Z${randomCode()}`, nameJa: '試験局', nameEn: 'Test bureau' } }),
  },
  { route: 'GET /api/v1/admin/users', allow: by('user.manage'), ok: 200, prepare: async () => ({ path: '/api/v1/admin/users' }) },
  {
    route: 'POST /api/v1/admin/users',
    allow: by('user.manage'),
    ok: 201,
    prepare: async () => ({
      path: '/api/v1/admin/users',
      body: {
        email: `new-${randomCode()}@example.jp`,
        displayName: '新規 職員',
        role: 'staff',
        bureauCodes: ['WEL'],
        password: 'long-enough-password',
      },
    }),
  },
  {
    route: 'GET /api/v1/admin/users/{id}',
    allow: by('user.manage'),
    ok: 200,
    prepare: async (f) => ({ path: `/api/v1/admin/users/${await userId(f, 'staff.wel')}` }),
  },
  {
    route: 'PATCH /api/v1/admin/users/{id}',
    allow: by('user.manage'),
    ok: 200,
    prepare: async (f) => {
      const id = await userId(f, 'advisor.wel');
      const user = await f.api('admin', 'GET', `/api/v1/admin/users/${id}`);
      return { path: `/api/v1/admin/users/${id}`, body: { version: user.version, displayName: user.displayName } };
    },
  },
  // Notifications are each person's own: every signed-in person reads and marks theirs.
  { route: 'GET /api/v1/notifications', allow: all, ok: 200, prepare: async () => ({ path: '/api/v1/notifications?limit=5' }) },
  {
    route: 'GET /api/v1/notifications/unread-count',
    allow: all,
    ok: 200,
    prepare: async () => ({ path: '/api/v1/notifications/unread-count' }),
  },
  {
    route: 'POST /api/v1/notifications/read',
    allow: all,
    ok: 200,
    prepare: async () => ({ path: '/api/v1/notifications/read', body: { all: true } }),
  },
  {
    route: 'GET /api/v1/notifications/preferences',
    allow: all,
    ok: 200,
    prepare: async () => ({ path: '/api/v1/notifications/preferences' }),
  },
  {
    route: 'PUT /api/v1/notifications/preferences',
    allow: all,
    ok: 200,
    prepare: async () => ({
      path: '/api/v1/notifications/preferences',
      body: { items: [{ kind: 'tier_decrease_decided', channel: 'in_app', cadence: 'immediate' }] },
    }),
  },
  {
    route: 'GET /api/v1/admin/notification-defaults',
    allow: by('notificationDefaults.manage'),
    ok: 200,
    prepare: async () => ({ path: '/api/v1/admin/notification-defaults' }),
  },
  {
    route: 'PUT /api/v1/admin/notification-defaults',
    allow: by('notificationDefaults.manage'),
    ok: 200,
    prepare: async () => ({
      path: '/api/v1/admin/notification-defaults',
      body: { items: [{ kind: 'tier_decrease_decided', channel: 'in_app', cadence: 'immediate' }] },
    }),
  },
  {
    route: 'GET /api/v1/admin/outbox',
    allow: by('notificationDefaults.manage'),
    ok: 200,
    prepare: async () => ({ path: '/api/v1/admin/outbox?limit=5' }),
  },
];

async function userId(f: Fixtures, role: Role): Promise<string> {
  const row = await f.t.services.db.selectFrom('appUser').select('id').where('email', '=', email(role)).executeTakeFirstOrThrow();
  return row.id;
}

const randomCode = () => Math.random().toString(36).slice(2, 8).toUpperCase();

async function budgetCycle(f: Fixtures): Promise<number> {
  const fy = f.nextYear();
  await f.api('admin', 'POST', '/api/v1/budget-cycles', {
    fiscalYear: fy,
    requestDate: `${fy - 1}-07-28`,
    requestDeadline: `${fy - 1}-09-30`,
    evaluationDeadline: `${fy - 1}-10-31`,
    submissionDate: `${fy - 1}-11-10`,
  });
  return fy;
}

async function techReviewOfInd(f: Fixtures): Promise<{ id: string; version: number }> {
  const fy = await budgetCycle(f);
  const p = await f.indProject();
  await f.t.services.db.updateTable('project').set({ fiscalYear: fy }).where('id', '=', p.id).execute();
  await f.api('admin', 'POST', `/api/v1/budget-cycles/${fy}/extract`);
  const review = await f.t.services.db
    .selectFrom('techReview')
    .select(['id', 'version'])
    .where('projectId', '=', p.id)
    .executeTakeFirstOrThrow();
  return review;
}

async function consultationOfInd(f: Fixtures): Promise<{ id: string; version: number }> {
  const p = await f.indProject();
  return f.api('staff.ind', 'POST', `/api/v1/projects/${p.id}/consultations`, consultationBody);
}

async function actionBody(f: Fixtures) {
  return { title: '対応', ownerId: await userId(f, 'staff.ind'), dueDate: '2027-03-31', blocking: false, source: { kind: 'guidance' } };
}

async function auditCount(t: TestApp): Promise<number> {
  const row = await sql<{ n: number }>`select count(*) as n from audit_event`.execute(t.services.db);
  return Number(row.rows[0]?.n);
}

describeOnBothDatabases('authorisation matrix', (t) => {
  it('has a demo account for every role of the registry, and each account holds the role the matrix assumes', async () => {
    expect(roleRegistry.keys.filter((role) => !Object.values(accounts).some((a) => a.role === role))).toEqual([]);
    const users = await t().services.db.selectFrom('appUser').select(['email', 'role']).execute();
    for (const account of roles) {
      expect(users.find((u) => u.email === email(account))?.role, account).toBe(accounts[account].role);
    }
  });

  it('covers every route of the OpenAPI document', async () => {
    const doc = (await (await t().app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .filter((r) => r !== 'POST /api/v1/auth/login' && !publicAuthPaths.some((p) => r === `GET ${p}`))
      // The probes are outside the API and answer everyone.
      .filter((r) => r !== 'GET /healthz' && r !== 'GET /readyz');
    expect(documented.filter((r) => !cases.some((c) => c.route === r)).sort()).toEqual([]);
    expect(cases.filter((c) => !documented.includes(c.route)).map((c) => c.route)).toEqual([]);
  });

  it('refuses every route without a sign-in', async () => {
    const f = await makeFixtures(t(), 1991);
    for (const c of cases) {
      const { path, body, headers } = await c.prepare(f, 'admin');
      const res = await t().request(c.route.split(' ')[0]!, path, { body, headers: { ...headers, authorization: '' } });
      expect(res.status, c.route).toBe(401);
    }
  }, 120_000);

  it('lets an API token call exactly the operations whose document lists its scope', async () => {
    // A database of its own: the matrix's fixtures number budget cycles by year in the shared one.
    const own = await createTestApp(t().kind);
    const doc = (await (await own.app.request('/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, { operationId: string; security: Record<string, string[]>[] }>>;
    };
    const f = await makeFixtures(own, 2005);
    const scopes = ['projects:read', 'stats:read', 'tech_reviews:read'] as const;
    const tokens: Record<string, string> = {};
    for (const scope of scopes)
      tokens[scope] = (await f.api('admin', 'POST', '/api/v1/tokens', { name: `範囲 ${scope}`, scopes: [scope] })).token;
    // The gateway's refusal (routes/openapi.ts requireScope), and any refusal of a token further in.
    const byScope = /^(This operation needs an API token with the scope|API tokens are read-only and cannot call this operation)/;
    const mismatches: string[] = [];
    for (const c of cases) {
      const [method, route] = c.route.split(' ') as [string, string];
      const op = doc.paths[route]?.[method.toLowerCase()];
      if (!op) throw new Error(`${c.route} is not in the document`);
      const accepted = op.security.flatMap((requirement) => requirement.apiToken ?? []);
      for (const scope of scopes) {
        const { path, body, headers = {} } = await c.prepare(f, 'admin');
        // The token, not a session a case brings (signing out sends its own).
        const { authorization: _session, ...rest } = headers;
        const res = await own.request(method, path, { as: tokens[scope], body, headers: rest });
        const title = res.status === 403 ? ((await res.json()) as { title: string }).title : '';
        if (accepted.includes(scope) ? /API token/.test(title) : !byScope.test(title))
          mismatches.push(
            `${op.operationId} with ${scope} (document accepts ${accepted.join(', ') || 'no token'}): ${res.status} ${title}`,
          );
      }
    }
    await own.close();
    expect(mismatches).toEqual([]);
  }, 300_000);

  it('answers each route for each demo account as the table says', async () => {
    const f = await makeFixtures(t(), 2005);
    const mismatches: string[] = [];
    for (const c of cases) {
      const method = c.route.split(' ')[0]!;
      for (const role of roles) {
        const { path, body, headers } = await c.prepare(f, role);
        const isAllowed = c.allow.includes(role);
        const auditBefore = await auditCount(t());
        const res = await t().request(method, path, { as: email(role), body, headers });
        const expected = isAllowed ? c.ok : (c.deniedAs?.[role] ?? c.denied ?? 403);
        if (res.status !== expected)
          mismatches.push(`${c.route} as ${role}: expected ${expected}, got ${res.status} ${(await res.text()).slice(0, 160)}`);
        // A refused request changes nothing, so it leaves no audit event either.
        if (!isAllowed && (await auditCount(t())) !== auditBefore) mismatches.push(`${c.route} as ${role}: refused but audited a change`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 300_000);
});

import { fiscalYearOf, type TStage } from '@psbook/core';
import { beforeAll, expect, it } from 'vitest';
import { tierInputs } from '../testing/bodies.ts';
import { describeOnBothDatabases, type TestApp } from '../testing/harness.ts';

const staffInd = 'staff.ind@example.jp';
const fy = 2025;

async function projectIn(t: TestApp, stage: TStage, bureauCode: 'IND' | 'WEL', tier: 1 | 2 | 3, name: string) {
  const as = bureauCode === 'IND' ? staffInd : 'staff.wel@example.jp';
  const res = await t.request('POST', '/api/v1/projects', { as, body: { name, bureauCode, fiscalYear: 2023, ...tierInputs[tier] } });
  expect(res.status).toBe(201);
  const project = await res.json();
  // Stage transitions and KPIs are other routes' business; here they are preconditions.
  await t.services.db.updateTable('project').set({ stage }).where('id', '=', project.id).execute();
  return project as { id: string; code: string };
}

async function kpiWithMeasurement(t: TestApp, projectId: string, name: string, measuredYears: number[]) {
  const kpi = await t.services.db
    .insertInto('kpi')
    .values({ projectId, name, direction: 'increase', targetValue: 100, targetFiscalYear: 2027 })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const fiscalYear of measuredYears)
    await t.services.db.insertInto('kpiMeasurement').values({ kpiId: kpi.id, fiscalYear, value: 50 }).execute();
  return kpi.id;
}

const decide = (t: TestApp, projectId: string, as: string, body: Record<string, unknown>) =>
  t.request('POST', `/api/v1/projects/${projectId}/yearly-reviews`, { as, body });

describeOnBothDatabases('yearly reviews', (t) => {
  it('records one keep-or-retire decision per fiscal year, by the owning bureau, in operation only', async () => {
    const project = await projectIn(t(), 'operation', 'IND', 1, '運用中サービス');
    const body = { fiscalYear: fy, decision: 'improve', rationale: '利用率が目標未達のため画面を改善する' };
    const res = await decide(t(), project.id, staffInd, body);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ projectId: project.id, ...body, decidedByName: '産業 花子' });
    expect((await decide(t(), project.id, 'lead.ind@example.jp', { ...body, decision: 'continue' })).status).toBe(409);
    expect((await decide(t(), project.id, 'lead.ind@example.jp', { ...body, fiscalYear: fy + 1, decision: 'continue' })).status).toBe(201);

    for (const as of ['staff.wel@example.jp', 'advisor.ind@example.jp', 'chief@example.jp', 'budget@example.jp']) {
      expect((await decide(t(), project.id, as, { ...body, fiscalYear: 2020 })).status, as).toBe(403);
    }
    const invalid = await decide(t(), project.id, staffInd, { fiscalYear: 'x', decision: 'keep', rationale: '  ' });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).errors.map((e: { path: string }) => e.path).sort()).toEqual(['decision', 'fiscalYear', 'rationale']);
    const future = await decide(t(), project.id, staffInd, { ...body, fiscalYear: fiscalYearOf(new Date()) + 2 });
    expect(future.status).toBe(400);
    expect((await future.json()).errors[0].path).toBe('fiscalYear');

    const inDevelopment = await projectIn(t(), 'development', 'IND', 1, '開発中サービス');
    const notYet = await decide(t(), inDevelopment.id, staffInd, body);
    expect(notYet.status).toBe(422);
    expect((await notYet.json()).code).toBe('rule_violation');

    const list = await (await t().request('GET', `/api/v1/projects/${project.id}/yearly-reviews`, { as: 'budget@example.jp' })).json();
    expect(list.items.map((r: { fiscalYear: number; decision: string }) => [r.fiscalYear, r.decision])).toEqual([
      [fy + 1, 'continue'],
      [fy, 'improve'],
    ]);
    const audit = await t()
      .services.db.selectFrom('auditEvent')
      .select('action')
      .where('projectId', '=', project.id)
      .where('action', 'like', 'yearly%')
      .execute();
    expect(audit).toHaveLength(2);
    expect(
      (await t().request('GET', '/api/v1/projects/00000000-0000-4000-8000-000000000000/yearly-reviews', { as: staffInd })).status,
    ).toBe(404);
  });

  outstandingSuite(t);

  it('opens a pending retirement on a retire decision, which the bureau confirms with a reason (the project is retired) or withdraws', async () => {
    const project = await projectIn(t(), 'operation', 'IND', 1, '廃止を判断したサービス');
    const created = await decide(t(), project.id, staffInd, {
      fiscalYear: fy,
      decision: 'retire',
      rationale: '利用者が国の共通サービスへ移った',
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ decision: 'retire', retirement: { status: 'pending', reason: null } });
    // Still in operation: the decision alone does not move it.
    const stageOf = async () =>
      (await t().services.db.selectFrom('project').select('stage').where('id', '=', project.id).executeTakeFirstOrThrow()).stage;
    expect(await stageOf()).toBe('operation');

    const retirementsInInbox = async (as: string) =>
      (
        (await (await t().request('GET', '/api/v1/reviews/inbox', { as })).json()).items as {
          kind: string;
          action: string;
          projectId: string;
          id: string;
        }[]
      )
        .filter((i) => i.kind === 'retirement' && i.projectId === project.id)
        .map((i) => `${i.action}:${i.id}`);
    expect(await retirementsInInbox(staffInd)).toEqual([`confirm:${fy}`]);
    expect(await retirementsInInbox('staff.wel@example.jp')).toEqual([]);
    expect(await retirementsInInbox('advisor.ind@example.jp')).toEqual([]);
    const retire = (as: string, body: Record<string, unknown>, year = fy) =>
      t().request('POST', `/api/v1/projects/${project.id}/yearly-reviews/${year}/retirement`, { as, body });
    expect((await retire('advisor.ind@example.jp', { decision: 'confirm', reason: '移行完了' })).status).toBe(403);
    expect((await retire('staff.wel@example.jp', { decision: 'confirm', reason: '移行完了' })).status).toBe(403);
    const noReason = await retire(staffInd, { decision: 'confirm', reason: ' ' });
    expect(noReason.status).toBe(400);
    expect((await noReason.json()).errors.map((e: { path: string }) => e.path)).toEqual(['reason']);
    expect((await retire(staffInd, { decision: 'confirm', reason: '移行完了' }, fy - 1)).status).toBe(404);

    const confirmed = await retire('lead.ind@example.jp', { decision: 'confirm', reason: '国の共通サービスへの移行が完了したため' });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toMatchObject({
      retirement: { status: 'confirmed', reason: '国の共通サービスへの移行が完了したため', decidedByName: '産業 一郎' },
    });
    expect(await stageOf()).toBe('retired');
    // The bureau's inbox held the retirement while it waited, and lets it go once confirmed.
    expect(await retirementsInInbox('lead.ind@example.jp')).toEqual([]);
    const transitions = (await (await t().request('GET', `/api/v1/projects/${project.id}/transitions`, { as: staffInd })).json()).items;
    expect(transitions.map((m: { toStage: string; reason: string }) => [m.toStage, m.reason])).toEqual([
      ['retired', '国の共通サービスへの移行が完了したため'],
    ]);
    expect((await retire(staffInd, { decision: 'withdraw', reason: '取り消し' })).status).toBe(409);
    const audit = await t()
      .services.db.selectFrom('auditEvent')
      .select('action')
      .where('projectId', '=', project.id)
      .where('action', 'like', 'yearly_review.%')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['yearly_review.create', 'yearly_review.retirement_confirm']);

    // Withdrawn: the project stays in operation; continue/improve decisions open nothing.
    const kept = await projectIn(t(), 'operation', 'IND', 1, '廃止を取り下げたサービス');
    await decide(t(), kept.id, staffInd, { fiscalYear: fy, decision: 'retire', rationale: '利用が少ない' });
    const withdrawn = await t().request('POST', `/api/v1/projects/${kept.id}/yearly-reviews/${fy}/retirement`, {
      as: staffInd,
      body: { decision: 'withdraw', reason: '災害時の連絡手段として残すことになった' },
    });
    expect(withdrawn.status).toBe(200);
    expect((await withdrawn.json()).retirement.status).toBe('withdrawn');
    expect((await t().services.db.selectFrom('project').select('stage').where('id', '=', kept.id).executeTakeFirstOrThrow()).stage).toBe(
      'operation',
    );
    const continued = await decide(t(), kept.id, staffInd, { fiscalYear: fy + 1, decision: 'continue', rationale: '継続' });
    expect((await continued.json()).retirement).toBeNull();
    const none = await t().request('POST', `/api/v1/projects/${kept.id}/yearly-reviews/${fy + 1}/retirement`, {
      as: staffInd,
      body: { decision: 'confirm', reason: '廃止' },
    });
    expect(none.status).toBe(409);
  });
});

/** The follow-up list: which operation projects miss a measurement or the decision, per reviewer. */
function outstandingSuite(t: () => TestApp) {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const done = await projectIn(t(), 'operation', 'IND', 1, '完了済み');
    await kpiWithMeasurement(t(), done.id, '利用者数', [fy]);
    expect((await decide(t(), done.id, staffInd, { fiscalYear: fy, decision: 'continue', rationale: '順調' })).status).toBe(201);
    ids.done = done.id;

    const noDecision = await projectIn(t(), 'operation', 'IND', 1, '判断なし');
    await kpiWithMeasurement(t(), noDecision.id, '利用者数', [fy]);
    ids.noDecision = noDecision.id;

    const unmeasured = await projectIn(t(), 'operation', 'IND', 2, '測定なし');
    await kpiWithMeasurement(t(), unmeasured.id, '手続時間', [fy]);
    ids.unmeasuredKpi = await kpiWithMeasurement(t(), unmeasured.id, '満足度', [fy - 1]);
    expect((await decide(t(), unmeasured.id, staffInd, { fiscalYear: fy, decision: 'continue', rationale: '継続' })).status).toBe(201);
    ids.unmeasured = unmeasured.id;

    ids.wel = (await projectIn(t(), 'operation', 'WEL', 2, '福祉 判断なし')).id;
    ids.tier3 = (await projectIn(t(), 'operation', 'IND', 3, '大規模 判断なし')).id;
    ids.development = (await projectIn(t(), 'development', 'IND', 1, '開発中')).id;
  });

  const outstanding = async (as: string, query = `fiscalYear=${fy}`) => {
    const res = await t().request('GET', `/api/v1/yearly-reviews/outstanding?${query}`, { as });
    expect(res.status, as).toBe(200);
    return res.json();
  };
  const ours = (body: { items: { projectId: string }[] }) => {
    const known = new Map(Object.entries(ids).map(([k, v]) => [v, k]));
    return body.items.flatMap((i) => (known.has(i.projectId) ? [known.get(i.projectId)!] : [])).sort();
  };

  it('lists operation projects missing a measurement or the decision, each reviewer the projects they review', async () => {
    expect(ours(await outstanding('lead.ind@example.jp'))).toEqual(['noDecision']);
    expect(ours(await outstanding('advisor.ind@example.jp'))).toEqual(['unmeasured']);
    expect(ours(await outstanding('advisor.wel@example.jp'))).toEqual(['wel']);
    expect(ours(await outstanding('chief@example.jp'))).toEqual(['tier3']);
    expect(ours(await outstanding('admin@example.jp'))).toEqual(['noDecision', 'tier3', 'unmeasured', 'wel']);
    expect(ours(await outstanding(staffInd))).toEqual(['noDecision', 'tier3', 'unmeasured']);
    expect(ours(await outstanding('staff.wel@example.jp'))).toEqual(['wel']);
    expect((await t().request('GET', `/api/v1/yearly-reviews/outstanding?fiscalYear=${fy}`, { as: 'budget@example.jp' })).status).toBe(403);

    const advisor = await outstanding('advisor.ind@example.jp');
    expect(advisor.fiscalYear).toBe(fy);
    expect(advisor.items.find((i: { projectId: string }) => i.projectId === ids.unmeasured)).toMatchObject({
      tier: 2,
      kpiCount: 2,
      unmeasuredKpis: [{ id: ids.unmeasuredKpi, name: '満足度' }],
      hasDecision: true,
    });
    const lead = await outstanding('lead.ind@example.jp');
    expect(lead.items.find((i: { projectId: string }) => i.projectId === ids.noDecision)).toMatchObject({
      unmeasuredKpis: [],
      hasDecision: false,
    });

    // Another year: nothing is decided or measured for it, so every operation project is outstanding.
    expect(ours(await outstanding('admin@example.jp', `fiscalYear=${fy + 3}`))).toEqual([
      'done',
      'noDecision',
      'tier3',
      'unmeasured',
      'wel',
    ]);
  });

  it('pages by project code', async () => {
    const all = (await outstanding('admin@example.jp')).items.map((i: { projectCode: string }) => i.projectCode);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await outstanding('admin@example.jp', `fiscalYear=${fy}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i: { projectCode: string }) => i.projectCode));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect([...all].sort()).toEqual(all);
    const bad = await t().request('GET', '/api/v1/yearly-reviews/outstanding?fiscalYear=1800&limit=0', { as: 'admin@example.jp' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors.map((e: { path: string }) => e.path).sort()).toEqual(['query.fiscalYear', 'query.limit']);
  });
}

import { fiscalYearOf } from '@psbook/core';
import { expect, it } from 'vitest';
import { writtenCanvas } from '../testing/bodies.ts';
import { describeOnBothDatabases } from '../testing/harness.ts';

describeOnBothDatabases('lifecycle', (t) => {
  const staff = 'staff.ind@example.jp';
  async function newProject(name = 'ライフサイクル検証') {
    const res = await t().request('POST', '/api/v1/projects', { as: staff, body: { name, bureauCode: 'IND', fiscalYear: 2025 } });
    expect(res.status).toBe(201);
    return (await res.json()).id as string;
  }
  const move = (id: string, body: unknown, as = staff, headers?: Record<string, string>) =>
    t().request('POST', `/api/v1/projects/${id}/transitions`, { as, body, headers });
  const unmetGates = async (res: Awaited<ReturnType<typeof move>>) => {
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.code).toBe('gate_unmet');
    return body.unmet.map((u: { gate: string }) => u.gate);
  };
  const gates = async (id: string) => (await t().request('GET', `/api/v1/projects/${id}/gates`, { as: 'budget@example.jp' })).json();
  const userId = async (email: string) =>
    (await t().services.db.selectFrom('appUser').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;

  it('walks a project from planning to retired over HTTP, refusing each move until its gates are met', async () => {
    const id = await newProject();

    const checklist = await gates(id);
    expect(checklist).toMatchObject({ stage: 'planning', nextStage: 'requirements', canAdvance: false });
    expect(checklist.gates.map((g: { gate: string; met: boolean }) => [g.gate, g.met])).toEqual([
      ['canvas_written', false],
      ['kpi_with_target', false],
      ['planning_actions_verified', true],
    ]);

    // planning → requirements: both gates listed until the canvas and a KPI with a target exist.
    expect(await unmetGates(await move(id, { to: 'requirements' }))).toEqual(['canvas_written', 'kpi_with_target']);
    const { solution: _s, ...almost } = writtenCanvas;
    await t().request('PUT', `/api/v1/projects/${id}/canvas`, { as: staff, body: { fields: almost } });
    expect(await unmetGates(await move(id, { to: 'requirements' }))).toEqual(['canvas_written', 'kpi_with_target']);
    await t().request('PUT', `/api/v1/projects/${id}/canvas`, { as: staff, body: { fields: writtenCanvas } });
    expect(await unmetGates(await move(id, { to: 'requirements' }))).toEqual(['kpi_with_target']);
    const kpi = await (
      await t().request('POST', `/api/v1/projects/${id}/kpis`, {
        as: staff,
        body: { name: 'オンライン申請率', unit: '%', direction: 'increase', targetValue: 80, targetFiscalYear: 2027 },
      })
    ).json();
    expect((await gates(id)).canAdvance).toBe(true);
    const toRequirements = await move(id, { to: 'requirements' });
    expect(toRequirements.status).toBe(200);
    const project = await toRequirements.json();
    expect(project).toMatchObject({ id, stage: 'requirements', canvasWritten: true });
    expect(toRequirements.headers.get('etag')).toBe(`"${project.version}"`);

    // requirements → development: a requirements definition and a procurement specification.
    expect(await unmetGates(await move(id, { to: 'development' }))).toEqual(['requirements_definition', 'procurement_spec']);
    const doc = (kind: string) =>
      t().request('POST', `/api/v1/projects/${id}/documents`, {
        as: staff,
        body: { kind, title: kind, url: `https://example.jp/${kind}.pdf` },
      });
    await doc('requirements_definition');
    expect(await unmetGates(await move(id, { to: 'development' }))).toEqual(['procurement_spec']);
    await doc('procurement_spec');
    expect((await move(id, { to: 'development' })).status).toBe(200);

    // Backwards needs a reason, and is recorded with it.
    const noReason = await move(id, { to: 'requirements', reason: '   ' });
    expect(noReason.status).toBe(422);
    expect(await noReason.json()).toMatchObject({ code: 'reason_required', errors: [{ path: 'reason' }] });
    const back = await move(id, { to: 'requirements', reason: '調達が不調に終わり仕様を見直す' });
    expect(back.status).toBe(200);
    expect((await back.json()).stage).toBe('requirements');
    expect((await move(id, { to: 'development' })).status).toBe(200);

    // development → operation: an approved release request (the release workflow decides it; inserted here).
    expect(await unmetGates(await move(id, { to: 'operation' }))).toEqual(['release_approved']);
    await t()
      .services.db.insertInto('releaseRequest')
      .values({
        projectId: id,
        status: 'approved',
        plannedReleaseDate: '2026-04-01',
        tier: 1,
        reviewerRole: 'bureau_lead',
        evidence: '[]',
        checklist: '[]',
        rulesetVersion: 'test',
        requestedBy: await userId(staff),
        dueAt: new Date(),
        decidedBy: await userId('lead.ind@example.jp'),
        decidedAt: new Date(),
      })
      .execute();
    expect((await move(id, { to: 'operation' })).status).toBe(200);

    // In operation the checklist is the yearly duty: this fiscal year's measurements and decision.
    const fiscalYear = fiscalYearOf(new Date());
    const duty = await gates(id);
    expect(duty).toMatchObject({ stage: 'operation', nextStage: null, canAdvance: false, fiscalYear });
    expect(duty.facts).toMatchObject({ kpisUnmeasuredThisYearCount: 1, hasYearlyDecision: false, approvedReleaseCount: 1 });
    await t().request('POST', `/api/v1/projects/${id}/kpis/${kpi.id}/measurements`, {
      as: staff,
      body: { fiscalYear, value: 85 },
    });
    await t()
      .services.db.insertInto('yearlyReview')
      .values({ projectId: id, fiscalYear, decision: 'continue', rationale: '利用が定着', decidedBy: await userId(staff) })
      .execute();
    expect((await gates(id)).gates.every((g: { met: boolean }) => g.met)).toBe(true);

    // Retiring needs a reason; a retired project stays retired.
    const retireBare = await move(id, { to: 'retired' });
    expect(retireBare.status).toBe(422);
    expect((await retireBare.json()).code).toBe('reason_required');
    expect((await move(id, { to: 'retired', reason: '国の共通システムへ移行' })).status).toBe(200);
    const again = await move(id, { to: 'operation', reason: '戻す' });
    expect(again.status).toBe(422);
    expect((await again.json()).code).toBe('invalid_transition');
    expect(await gates(id)).toMatchObject({ stage: 'retired', nextStage: null, gates: [], canAdvance: false });

    const history = await (await t().request('GET', `/api/v1/projects/${id}/transitions`, { as: 'chief@example.jp' })).json();
    expect(
      history.items.map((h: { fromStage: string; toStage: string; direction: string }) => `${h.fromStage}>${h.toStage}:${h.direction}`),
    ).toEqual([
      'planning>requirements:forward',
      'requirements>development:forward',
      'development>requirements:backward',
      'requirements>development:forward',
      'development>operation:forward',
      'operation>retired:retire',
    ]);
    expect(history.items[2]).toMatchObject({ reason: '調達が不調に終わり仕様を見直す', actorName: '産業 花子' });
    expect(history.items[5].reason).toBe('国の共通システムへ移行');
    const audit = await (await t().request('GET', `/api/v1/projects/${id}/history?limit=200`, { as: staff })).json();
    expect(audit.items.filter((e: { action: string }) => e.action === 'project.transition')).toHaveLength(6);
  });

  it('lists the gates of every stage skipped over', async () => {
    const id = await newProject();
    expect(await unmetGates(await move(id, { to: 'development' }))).toEqual([
      'canvas_written',
      'kpi_with_target',
      'requirements_definition',
      'procurement_spec',
    ]);
  });

  it('retires from planning with a reason, and refuses moving to the current stage', async () => {
    const id = await newProject();
    const same = await move(id, { to: 'planning' });
    expect(same.status).toBe(422);
    expect((await same.json()).code).toBe('invalid_transition');
    expect((await move(id, { to: 'retired', reason: '事業の統合により中止' })).status).toBe(200);
  });

  it('lets only the owning bureau and admin move a project, and refuses a stale If-Match with 409', async () => {
    const id = await newProject();
    for (const as of ['staff.wel@example.jp', 'advisor.ind@example.jp', 'chief@example.jp', 'budget@example.jp']) {
      expect((await move(id, { to: 'retired', reason: 'x' }, as)).status, as).toBe(403);
    }
    const current = await (await t().request('GET', `/api/v1/projects/${id}`, { as: staff })).json();
    const stale = await move(id, { to: 'retired', reason: '中止' }, staff, { 'if-match': `"${current.version + 10}"` });
    expect(stale.status).toBe(409);
    expect((await stale.json()).currentVersion).toBe(current.version);
    const ok = await move(id, { to: 'retired', reason: '中止' }, 'admin@example.jp', { 'if-match': `"${current.version}"` });
    expect(ok.status).toBe(200);
    expect((await ok.json()).version).toBe(current.version + 1);
  });

  it('answers bad transition requests with field paths', async () => {
    const id = await newProject();
    const res = await move(id, { to: 'launched', reason: 5, extra: 1 });
    expect(res.status).toBe(400);
    expect((await res.json()).errors.map((e: { path: string }) => e.path).sort()).toEqual(['extra', 'reason', 'to']);
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await move(missing, { to: 'retired', reason: 'x' })).status).toBe(404);
    expect((await t().request('GET', `/api/v1/projects/${missing}/gates`, { as: staff })).status).toBe(404);
    expect((await t().request('GET', `/api/v1/projects/${missing}/transitions`, { as: staff })).status).toBe(404);
    expect((await move(id, { to: 'retired', reason: 'x' }, staff, { 'if-match': 'abc' })).status).toBe(400);
  });

  it('serialises concurrent moves: a gate removed at the same time cannot be slipped past', async () => {
    const id = await newProject();
    await t().request('PUT', `/api/v1/projects/${id}/canvas`, { as: staff, body: { fields: writtenCanvas } });
    const kpi = await (
      await t().request('POST', `/api/v1/projects/${id}/kpis`, {
        as: staff,
        body: { name: '利用者数', direction: 'increase', targetValue: 1000, targetFiscalYear: 2027 },
      })
    ).json();
    const [moved, removed] = await Promise.all([
      move(id, { to: 'requirements' }),
      t().request('DELETE', `/api/v1/projects/${id}/kpis/${kpi.id}`, { as: staff }),
    ]);
    expect(removed.status).toBe(204);
    const stage = (await (await t().request('GET', `/api/v1/projects/${id}`, { as: staff })).json()).stage;
    // Either order is fine; what must never happen is a move judged on a KPI already gone.
    if (moved.status === 200) expect(stage).toBe('requirements');
    else {
      expect(await unmetGates(moved)).toEqual(['kpi_with_target']);
      expect(stage).toBe('planning');
    }
  });
});

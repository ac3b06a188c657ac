import { createPolicy, defaultRulesets, parseRuleset } from '@psbook/core';
import { getCanvas } from '../domain/canvas.ts';

const canvasKeyFields = createPolicy(defaultRulesets).canvas.keyItems;

import { expect, it } from 'vitest';
import { describeOnBothDatabases } from '../testing/harness.ts';

/** Every key item filled: the canvas counts as written. */
const writtenCanvas = {
  projectName: '中小企業IoT化支援ポータル',
  department: '産業労働局 商工部',
  longTermAim: '都内中小企業の生産性を高め、成長産業への参入を後押しする',
  users: 'IoT導入を検討する都内の中小製造業',
  userPains: '何から始めればよいか分からず、補助金の申請も紙で手間がかかる',
  userGoals: '自社に合ったIoT化を短期間で実現したい',
  userValue: '相談から補助金申請までオンラインで完結する',
  providerValue: '相談内容と申請状況を一元管理でき、審査が早くなる',
  issues: '相談窓口と補助金申請が分かれている',
  solution: '相談予約・専門家派遣・補助金申請を一つのポータルで提供する',
  targetOutcomes: 'IoT化を実現した中小企業数の増加',
};

describeOnBothDatabases('service canvas', (t) => {
  const staff = 'staff.ind@example.jp';
  async function newProject(name = 'キャンバス検証') {
    const res = await t().request('POST', '/api/v1/projects', { as: staff, body: { name, bureauCode: 'IND', fiscalYear: 2025 } });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; version: number };
  }
  const put = (id: string, body: unknown, as = staff) => t().request('PUT', `/api/v1/projects/${id}/canvas`, { as, body });

  it('answers an unsaved canvas as revision 0 with every key item missing, not 404', async () => {
    const project = await newProject();
    const res = await t().request('GET', `/api/v1/projects/${project.id}/canvas`, { as: 'budget@example.jp' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      projectId: project.id,
      revision: 0,
      fields: {},
      isWritten: false,
      missingKeyItems: canvasKeyFields,
      keyItems: canvasKeyFields,
      guidance: expect.objectContaining({ areas: expect.any(Object), fields: expect.any(Object) }),
      createdAt: null,
      createdBy: null,
      createdByName: null,
    });
  });

  it('takes the key items and the slide’s guidance from the service-canvas ruleset, not from code', async () => {
    const project = await newProject('ルールで決まる重要項目');
    const body = await (await t().request('GET', `/api/v1/projects/${project.id}/canvas`, { as: staff })).json();
    expect(body.guidance.areas.header.ja).toContain('行政が直面している課題を踏まえ「実現したい変化」');
    expect(body.guidance.areas.user.ja).toContain('利用者が「本当に実現したいことは何か」');
    expect(body.guidance.fields.activityIndicators.ja).toContain('KPIを設定 ⇒ 効果測定 ⇒ 改善サイクル');
    // A year that makes only the name and the solution key items: the same canvas is judged by that list.
    const content = structuredClone(defaultRulesets['service-canvas'].content);
    for (const field of content.fields) field.isKey = field.key === 'projectName' || field.key === 'solution';
    const policy = createPolicy({ ...defaultRulesets, 'service-canvas': parseRuleset('service-canvas', 'candidate', content) });
    const judged = await getCanvas({ db: t().services.db, policy }, project.id);
    expect(judged.keyItems).toEqual(['projectName', 'solution']);
    expect(judged.missingKeyItems).toEqual(['projectName', 'solution']);
    // A ruleset that forgets a cell is refused at load.
    const broken = structuredClone(defaultRulesets['service-canvas'].content);
    broken.fields = broken.fields.filter((f) => f.key !== 'issues');
    expect(() => parseRuleset('service-canvas', 'broken', broken)).toThrow(/issues/);
  });

  it('saves revisions, marks the project written only when every key item is filled, and keeps every revision', async () => {
    const project = await newProject();
    const partial = await put(project.id, { fields: { projectName: 'ポータル', solution: '  ', users: '中小企業' } });
    expect(partial.status).toBe(200);
    const first = await partial.json();
    expect(first).toMatchObject({ revision: 1, isWritten: false, projectVersion: 2, createdByName: '産業 花子' });
    // A blank cell is the same as an empty one.
    expect(first.fields).toEqual({ projectName: 'ポータル', users: '中小企業' });
    expect(first.missingKeyItems).toContain('solution');
    expect((await (await t().request('GET', `/api/v1/projects/${project.id}`, { as: staff })).json()).canvasWritten).toBe(false);

    const full = await put(project.id, { fields: writtenCanvas, baseRevision: 1 });
    expect(full.status).toBe(200);
    expect(await full.json()).toMatchObject({ revision: 2, isWritten: true, missingKeyItems: [], projectVersion: 3 });
    const after = await (await t().request('GET', `/api/v1/projects/${project.id}`, { as: staff })).json();
    expect(after).toMatchObject({ canvasWritten: true, version: 3 });

    const revisions = await (await t().request('GET', `/api/v1/projects/${project.id}/canvas/revisions`, { as: staff })).json();
    expect(revisions.items.map((r: { revision: number; isWritten: boolean }) => [r.revision, r.isWritten])).toEqual([
      [2, true],
      [1, false],
    ]);
    const old = await (await t().request('GET', `/api/v1/projects/${project.id}/canvas/revisions/1`, { as: staff })).json();
    expect(old.fields).toEqual({ projectName: 'ポータル', users: '中小企業' });
    expect((await t().request('GET', `/api/v1/projects/${project.id}/canvas/revisions/3`, { as: staff })).status).toBe(404);

    // Emptying a key item again un-writes the canvas.
    const { solution: _s, ...withoutSolution } = writtenCanvas;
    const emptied = await (await put(project.id, { fields: withoutSolution, baseRevision: 2 })).json();
    expect(emptied).toMatchObject({ revision: 3, isWritten: false, missingKeyItems: ['solution'] });
    expect((await (await t().request('GET', `/api/v1/projects/${project.id}`, { as: staff })).json()).canvasWritten).toBe(false);
  });

  it('makes the canvas text searchable with the project', async () => {
    const project = await newProject('検索用プロジェクト');
    await put(project.id, { fields: { ...writtenCanvas, spreadMeans: '商店街の掲示板でチラシを配布' } });
    const found = await (await t().request('GET', `/api/v1/projects?q=${encodeURIComponent('掲示板でチラシ')}`, { as: staff })).json();
    expect(found.items.map((p: { id: string }) => p.id)).toEqual([project.id]);
  });

  it('refuses a save based on an older revision with 409 and the latest revision, so no edit is lost', async () => {
    const project = await newProject();
    await put(project.id, { fields: { projectName: 'A' } });
    await put(project.id, { fields: { projectName: 'B' }, baseRevision: 1 });
    const stale = await put(project.id, { fields: { projectName: 'C' }, baseRevision: 1 });
    expect(stale.status).toBe(409);
    const body = await stale.json();
    expect(body).toMatchObject({ code: 'version_conflict', currentRevision: 2 });
    expect(body.current.fields).toEqual({ projectName: 'B' });
    const future = await put(project.id, { fields: { projectName: 'D' }, baseRevision: 9 });
    expect(future.status).toBe(400);
    expect((await future.json()).errors).toEqual([{ path: 'baseRevision', message: expect.any(String) }]);
  });

  it('lets exactly one of two editors starting from the same revision save', async () => {
    const project = await newProject();
    await put(project.id, { fields: { projectName: 'start' } });
    const results = await Promise.all([
      put(project.id, { fields: { projectName: 'editor 1' }, baseRevision: 1 }),
      put(project.id, { fields: { projectName: 'editor 2' }, baseRevision: 1 }, 'lead.ind@example.jp'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const latest = await (await t().request('GET', `/api/v1/projects/${project.id}/canvas`, { as: staff })).json();
    expect(latest.revision).toBe(2);
  });

  it('lets the owning bureau and admin write, nobody else', async () => {
    const project = await newProject();
    const body = { fields: { projectName: 'x' } };
    for (const as of ['staff.wel@example.jp', 'advisor.ind@example.jp', 'chief@example.jp', 'budget@example.jp']) {
      const res = await put(project.id, body, as);
      expect(res.status, as).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await put(project.id, body, 'lead.ind@example.jp')).status).toBe(200);
    expect((await put(project.id, body, 'admin@example.jp')).status).toBe(200);
    expect((await t().request('PUT', `/api/v1/projects/${project.id}/canvas`, { body })).status).toBe(401);
  });

  it('answers bad input with field paths, never 500', async () => {
    const project = await newProject();
    const res = await put(project.id, { fields: { projectName: 'x'.repeat(4001), notACell: 'y' }, baseRevision: -1 });
    expect(res.status).toBe(400);
    const paths = (await res.json()).errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['baseRevision', 'fields.notACell', 'fields.projectName']);
    // A NUL is refused at the edge, before the fields are validated (issue 10 §4).
    const nul = await put(project.id, { fields: { users: 'a\u0000b' } });
    expect(nul.status).toBe(400);
    expect((await nul.json()).errors.map((e: { path: string }) => e.path)).toEqual(['fields.users']);
    expect((await put(project.id, { fields: 'text' })).status).toBe(400);
    const badId = await t().request('GET', '/api/v1/projects/not-a-uuid/canvas', { as: staff });
    expect(badId.status).toBe(400);
    expect((await badId.json()).errors[0].path).toBe('param.id');
    const badRevision = await t().request('GET', `/api/v1/projects/${project.id}/canvas/revisions/abc`, { as: staff });
    expect(badRevision.status).toBe(400);
    expect((await badRevision.json()).errors[0].path).toBe('param.n');
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await put(missing, { fields: {} })).status).toBe(404);
    expect((await t().request('GET', `/api/v1/projects/${missing}/canvas`, { as: staff })).status).toBe(404);
  });

  it('audits each save in the project history', async () => {
    const project = await newProject();
    await put(project.id, { fields: { projectName: 'x', users: 'y' } });
    const history = await (await t().request('GET', `/api/v1/projects/${project.id}/history`, { as: staff })).json();
    const save = history.items.find((e: { action: string }) => e.action === 'canvas.save');
    expect(save).toMatchObject({
      entityType: 'canvas',
      actorLabel: staff,
      before: { revision: 0 },
      after: { revision: 1, isWritten: false },
    });
    expect(save.after.changedFields.sort()).toEqual(['projectName', 'users']);
  });
});

import { expect, it } from 'vitest';
import { describeOnBothDatabases } from '../testing/harness.ts';

describeOnBothDatabases('history and audit', (t) => {
  const staff = 'staff.ind@example.jp';
  async function projectWithHistory() {
    const project = await (
      await t().request('POST', '/api/v1/projects', { as: staff, body: { name: '履歴検証', bureauCode: 'IND', fiscalYear: 2025 } })
    ).json();
    await t().request('PATCH', `/api/v1/projects/${project.id}`, { as: staff, body: { version: 1, summary: '概要を追記' } });
    await t().request('PUT', `/api/v1/projects/${project.id}/canvas`, { as: staff, body: { fields: { projectName: '履歴検証' } } });
    await t().request('POST', `/api/v1/projects/${project.id}/documents`, {
      as: 'admin@example.jp',
      body: { kind: 'other', title: '議事録', url: 'https://example.jp/minutes' },
    });
    return project.id as string;
  }

  it('shows a project’s history newest first with who did it, in keyset pages', async () => {
    const id = await projectWithHistory();
    const all = await (await t().request('GET', `/api/v1/projects/${id}/history`, { as: 'budget@example.jp' })).json();
    expect(all.items.map((e: { action: string }) => e.action)).toEqual([
      'document.create',
      'canvas.save',
      'project.update',
      'project.create',
    ]);
    expect(all.items[0]).toMatchObject({
      actorLabel: 'admin@example.jp',
      actorName: 'デジタル 管理者',
      projectId: id,
      entityType: 'document',
    });
    expect(all.items[2]).toMatchObject({ before: { summary: null }, after: { summary: '概要を追記' } });
    expect(all.nextCursor).toBeNull();

    const page1 = await (await t().request('GET', `/api/v1/projects/${id}/history?limit=3`, { as: staff })).json();
    expect(page1.items).toHaveLength(3);
    const page2 = await (
      await t().request('GET', `/api/v1/projects/${id}/history?limit=3&cursor=${page1.nextCursor}`, { as: staff })
    ).json();
    expect([...page1.items, ...page2.items].map((e: { id: number }) => e.id)).toEqual(all.items.map((e: { id: number }) => e.id));
    expect(page2.nextCursor).toBeNull();
  });

  it('keeps each project’s history to itself', async () => {
    const a = await projectWithHistory();
    const b = await projectWithHistory();
    const history = await (await t().request('GET', `/api/v1/projects/${a}/history`, { as: staff })).json();
    expect(history.items.every((e: { projectId: string }) => e.projectId === a)).toBe(true);
    expect(history.items.some((e: { projectId: string }) => e.projectId === b)).toBe(false);
  });

  it('opens the whole audit trail to administrators only, with filters', async () => {
    const id = await projectWithHistory();
    for (const as of [staff, 'lead.ind@example.jp', 'advisor.ind@example.jp', 'chief@example.jp', 'budget@example.jp']) {
      expect((await t().request('GET', '/api/v1/audit', { as })).status, as).toBe(403);
    }
    expect((await t().request('GET', '/api/v1/audit')).status).toBe(401);

    const docs = await (await t().request('GET', '/api/v1/audit?entityType=document', { as: 'admin@example.jp' })).json();
    expect(docs.items.length).toBeGreaterThan(0);
    expect(docs.items.every((e: { entityType: string }) => e.entityType === 'document')).toBe(true);
    const updates = await (await t().request('GET', '/api/v1/audit?action=project.update', { as: 'admin@example.jp' })).json();
    expect(updates.items.some((e: { entityId: string }) => e.entityId === id)).toBe(true);
    expect(updates.items.every((e: { action: string }) => e.action === 'project.update')).toBe(true);

    const byLabel = await (await t().request('GET', `/api/v1/audit?actor=${encodeURIComponent(staff)}`, { as: 'admin@example.jp' })).json();
    expect(byLabel.items.length).toBeGreaterThan(0);
    expect(byLabel.items.every((e: { actorLabel: string }) => e.actorLabel === staff)).toBe(true);
    const staffId = byLabel.items[0].actorId;
    const byId = await (await t().request('GET', `/api/v1/audit?actor=${staffId}&limit=200`, { as: 'admin@example.jp' })).json();
    expect(byId.items.every((e: { actorId: string }) => e.actorId === staffId)).toBe(true);
    // The seed's user.create events are recorded as the seed, without a user.
    const seeded = await (await t().request('GET', '/api/v1/audit?actor=seed&action=user.create', { as: 'admin@example.jp' })).json();
    expect(seeded.items.length).toBeGreaterThanOrEqual(8);

    const future = await (await t().request('GET', '/api/v1/audit?from=2999-01-01', { as: 'admin@example.jp' })).json();
    expect(future.items).toEqual([]);
    const past = await (await t().request('GET', '/api/v1/audit?to=2000-01-01T00:00:00Z', { as: 'admin@example.jp' })).json();
    expect(past.items).toEqual([]);
    const window = await (
      await t().request('GET', `/api/v1/audit?from=2000-01-01&to=2999-01-01&limit=2`, { as: 'admin@example.jp' })
    ).json();
    expect(window.items).toHaveLength(2);
    expect(window.items[0].id).toBeGreaterThan(window.items[1].id);
    const next = await (await t().request('GET', `/api/v1/audit?limit=2&cursor=${window.nextCursor}`, { as: 'admin@example.jp' })).json();
    expect(next.items[0].id).toBeLessThan(window.items[1].id);
  });

  it('answers bad paging and filter values with 400 and their paths', async () => {
    const id = await projectWithHistory();
    const bad = await t().request('GET', '/api/v1/audit?from=yesterday&limit=0&cursor=abc', { as: 'admin@example.jp' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors.map((e: { path: string }) => e.path).sort()).toEqual(['query.cursor', 'query.from', 'query.limit']);
    expect((await t().request('GET', `/api/v1/projects/${id}/history?limit=1000`, { as: staff })).status).toBe(400);
    expect((await t().request('GET', '/api/v1/projects/00000000-0000-4000-8000-000000000000/history', { as: staff })).status).toBe(404);
  });
});

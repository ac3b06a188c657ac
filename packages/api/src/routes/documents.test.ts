import { expect, it } from 'vitest';
import { describeOnBothDatabases } from '../testing/harness.ts';

describeOnBothDatabases('documents', (t) => {
  const staff = 'staff.ind@example.jp';
  async function newProject() {
    const res = await t().request('POST', '/api/v1/projects', {
      as: staff,
      body: { name: '文書検証', bureauCode: 'IND', fiscalYear: 2025 },
    });
    expect(res.status).toBe(201);
    return (await res.json()).id as string;
  }
  const docs = (projectId: string) => `/api/v1/projects/${projectId}/documents`;
  const requirements = { kind: 'requirements_definition', title: '要件定義書 第1版', url: 'https://example.jp/docs/req-v1.pdf' };

  it('registers documents and lists them by kind', async () => {
    const projectId = await newProject();
    const spec = await t().request('POST', docs(projectId), {
      as: staff,
      body: { kind: 'procurement_spec', title: '調達仕様書', url: 'https://example.jp/spec.pdf' },
    });
    expect(spec.status).toBe(201);
    const req = await t().request('POST', docs(projectId), { as: 'lead.ind@example.jp', body: requirements });
    expect(req.status).toBe(201);
    expect(await req.json()).toMatchObject({ ...requirements, projectId, createdByName: '産業 一郎' });
    const list = await (await t().request('GET', docs(projectId), { as: 'chief@example.jp' })).json();
    expect(list.items.map((d: { kind: string }) => d.kind)).toEqual(['procurement_spec', 'requirements_definition']);
  });

  it('answers bad documents with field paths', async () => {
    const projectId = await newProject();
    const res = await t().request('POST', docs(projectId), {
      as: staff,
      body: { kind: 'minutes', title: '', url: 'javascript:alert(1)' },
    });
    expect(res.status).toBe(400);
    const paths = (await res.json()).errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['kind', 'title', 'url']);
  });

  it('removes a document with the removed row kept in the audit event', async () => {
    const projectId = await newProject();
    const doc = await (await t().request('POST', docs(projectId), { as: staff, body: requirements })).json();
    const other = await newProject();
    expect((await t().request('DELETE', `${docs(other)}/${doc.id}`, { as: staff })).status).toBe(404);
    expect((await t().request('DELETE', `${docs(projectId)}/${doc.id}`, { as: staff })).status).toBe(204);
    expect((await t().request('DELETE', `${docs(projectId)}/${doc.id}`, { as: staff })).status).toBe(404);
    expect((await (await t().request('GET', docs(projectId), { as: staff })).json()).items).toEqual([]);
    const history = await (await t().request('GET', `/api/v1/projects/${projectId}/history`, { as: staff })).json();
    const deletion = history.items.find((e: { action: string }) => e.action === 'document.delete');
    expect(deletion).toMatchObject({ entityType: 'document', entityId: doc.id, before: { id: doc.id, ...requirements }, after: null });
  });

  it('lets the owning bureau and admin register and remove documents, nobody else', async () => {
    const projectId = await newProject();
    const doc = await (await t().request('POST', docs(projectId), { as: staff, body: requirements })).json();
    for (const as of ['staff.wel@example.jp', 'advisor.ind@example.jp', 'chief@example.jp', 'budget@example.jp']) {
      expect((await t().request('POST', docs(projectId), { as, body: requirements })).status, as).toBe(403);
      expect((await t().request('DELETE', `${docs(projectId)}/${doc.id}`, { as })).status, as).toBe(403);
    }
    expect((await t().request('POST', docs(projectId), { as: 'admin@example.jp', body: requirements })).status).toBe(201);
    expect((await t().request('DELETE', `${docs(projectId)}/${doc.id}`, { as: 'admin@example.jp' })).status).toBe(204);
    expect((await t().request('GET', docs(projectId))).status).toBe(401);
    expect((await t().request('GET', docs('00000000-0000-4000-8000-000000000000'), { as: staff })).status).toBe(404);
    expect((await t().request('DELETE', `${docs(projectId)}/nope`, { as: staff })).status).toBe(400);
  });
});

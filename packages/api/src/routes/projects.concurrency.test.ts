import { expect, it } from 'vitest';
import { describeOnBothDatabases } from '../testing/harness.ts';

describeOnBothDatabases('concurrent edits of one project', (t) => {
  it('lets exactly one of N PATCHes at the same version win; the rest get 409 and no write is lost', async () => {
    const created = await (
      await t().request('POST', '/api/v1/projects', {
        as: 'staff.ind@example.jp',
        body: { name: '同時編集', bureauCode: 'IND', fiscalYear: 2025, budgetJpy: 1_000_000, maxDowntimeHours: 24, confidentiality: 'C' },
      })
    ).json();
    const auditBefore = await t().services.db.selectFrom('auditEvent').select('id').where('projectId', '=', created.id).execute();

    const n = 12;
    const responses = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        t().request('PATCH', `/api/v1/projects/${created.id}`, {
          as: i % 2 ? 'staff.ind@example.jp' : 'lead.ind@example.jp',
          body: { version: 1, summary: `editor ${i}`, budgetJpy: 1_000_000 * (i + 1) },
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(n - 1);

    const winner = await responses[statuses.indexOf(200)]!.json();
    const stored = await (await t().request('GET', `/api/v1/projects/${created.id}`, { as: 'chief@example.jp' })).json();
    expect(stored).toMatchObject({ version: 2, summary: winner.summary, budgetJpy: winner.budgetJpy });

    const auditAfter = await t().services.db.selectFrom('auditEvent').select('action').where('projectId', '=', created.id).execute();
    expect(auditAfter.length - auditBefore.length).toBe(1);
    expect(auditAfter.filter((a) => a.action === 'project.update')).toHaveLength(1);
  });
});

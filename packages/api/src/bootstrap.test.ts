import { createPolicy, parseRuleset } from '@psbook/core';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { activateRulesets } from './bootstrap.ts';
import { describeOnBothDatabases } from './testing/harness.ts';

describeOnBothDatabases('starting with a changed oversight ruleset', (t) => {
  it('re-evaluates every project set-based, records history and audit, re-routes pending requests and open consultations, once', async () => {
    const create = async (name: string, budgetJpy: number) =>
      (
        await t().request('POST', '/api/v1/projects', {
          as: 'staff.ind@example.jp',
          body: { name, bureauCode: 'IND', fiscalYear: 2026, budgetJpy, maxDowntimeHours: 48, confidentiality: 'C' },
        })
      ).json();
    const small = await create('小規模', 3_000_000);
    const middle = await create('中規模', 7_000_000);
    const pending = await create('申請中', 8_000_000);
    expect([small.tier, middle.tier, pending.tier]).toEqual([1, 1, 1]);
    const { db } = t().services;
    await db.updateTable('project').set({ stage: 'development' }).where('id', '=', pending.id).execute();
    const request = await (
      await t().request('POST', `/api/v1/projects/${pending.id}/release-requests`, {
        as: 'staff.ind@example.jp',
        body: { plannedReleaseDate: '2027-04-01' },
      })
    ).json();
    expect(request.reviewerRole).toBe('bureau_lead');
    // A consultation on a project with no release request: re-routed by the same pass.
    const consultation = await (
      await t().request('POST', `/api/v1/projects/${middle.id}/consultations`, {
        as: 'staff.ind@example.jp',
        body: { topic: 'design', subject: '設計の相談', body: '画面設計について' },
      })
    ).json();
    expect(consultation.reviewerRole).toBe('bureau_lead');

    // Candidate policy: tier 2 starts at ¥5,000,000 instead of ¥10,000,000.
    const active = t().policy.rulesets['oversight-tier'].content;
    const candidate = structuredClone(active);
    const budget = candidate.factors.find((f) => f.factor === 'budget')!;
    budget.bands.find((b) => b.tier === 2)!.conditions[0]!.value = 5_000_000;
    budget.bands.find((b) => b.tier === 1)!.conditions[0]!.value = 5_000_000;
    const policy = createPolicy({ ...t().policy.rulesets, 'oversight-tier': parseRuleset('oversight-tier', 'candidate.json', candidate) });

    const first = await activateRulesets(db, policy);
    expect(first.changedRulesets).toEqual(['oversight-tier']);
    expect(first.retiered).toBeGreaterThanOrEqual(2);
    // The re-tier's changes to the statistics summaries are folded in before the server serves.
    const unfolded = await sql<{ n: number }>`select count(*)::int as n from stats.project_count_changes`.execute(db);
    expect(unfolded.rows[0]?.n).toBe(0);

    const rows = await db
      .selectFrom('project')
      .select(['id', 'tier', 'reviewerRole', 'rulesetVersion'])
      .where('id', 'in', [small.id, middle.id, pending.id])
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(small.id)).toMatchObject({ tier: 1, rulesetVersion: policy.rulesets['oversight-tier'].version });
    expect(byId.get(middle.id)).toMatchObject({ tier: 2, reviewerRole: 'cio_advisor' });
    expect(byId.get(pending.id)).toMatchObject({ tier: 2, reviewerRole: 'cio_advisor' });

    const history = await db
      .selectFrom('tierHistory')
      .select(['projectId', 'fromTier', 'toTier', 'cause'])
      .where('cause', '=', 'ruleset_changed')
      .execute();
    expect(history).toEqual(
      expect.arrayContaining([
        { projectId: middle.id, fromTier: 1, toTier: 2, cause: 'ruleset_changed' },
        { projectId: pending.id, fromTier: 1, toTier: 2, cause: 'ruleset_changed' },
      ]),
    );
    expect(history.some((h) => h.projectId === small.id)).toBe(false);
    const audits = await db.selectFrom('auditEvent').select('entityId').where('action', '=', 'project.retier').execute();
    expect(audits.map((a) => a.entityId)).toEqual(expect.arrayContaining([middle.id, pending.id]));

    const rerouted = await (await t().request('GET', `/api/v1/release-requests/${request.id}`, { as: 'advisor.ind@example.jp' })).json();
    expect(rerouted.reviewerRole).toBe('cio_advisor');
    const movedConsultation = await (
      await t().request('GET', `/api/v1/consultations/${consultation.id}`, { as: 'staff.ind@example.jp' })
    ).json();
    expect(movedConsultation).toMatchObject({
      tier: 2,
      reviewerRole: 'cio_advisor',
      routing: [expect.objectContaining({ fromTier: 1, toTier: 2 })],
    });
    const state = await db.selectFrom('rulesetState').select('version').where('name', '=', 'oversight-tier').executeTakeFirstOrThrow();
    expect(state.version).toBe(policy.rulesets['oversight-tier'].version);

    // The same ruleset at the next start changes nothing.
    expect(await activateRulesets(db, policy)).toEqual({ changedRulesets: [], retiered: 0 });
  });
});

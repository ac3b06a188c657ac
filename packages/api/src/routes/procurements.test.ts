import { canMoveProcurementStatus, createPolicy, defaultRulesets, parseRuleset, type TDocumentKind } from '@psbook/core';
import { describe, expect, it } from 'vitest';
import { procurementLimits } from '../domain/procurements.ts';
import { describeOnBothDatabases } from '../testing/harness.ts';

/** A 法人番号 with a correct check digit for the 12 base digits given. */
function corporateNumber(base12: string): string {
  let sum = 0;
  for (let n = 1; n <= 12; n++) sum += Number(base12[12 - n]) * (n % 2 === 1 ? 1 : 2);
  return `${9 - (sum % 9)}${base12}`;
}

describe('procurement rules without a database', () => {
  it('moves status only forward, skipping allowed, cancelled from any non-final status', () => {
    expect(canMoveProcurementStatus('planned', 'spec_published')).toBe(true);
    expect(canMoveProcurementStatus('planned', 'contracted')).toBe(true);
    expect(canMoveProcurementStatus('awarded', 'spec_published')).toBe(false);
    expect(canMoveProcurementStatus('contracted', 'cancelled')).toBe(true);
    expect(canMoveProcurementStatus('completed', 'cancelled')).toBe(false);
    expect(canMoveProcurementStatus('cancelled', 'planned')).toBe(false);
  });

  it('reads the tier-review thresholds and the over-budget margin from the rulesets, not from code', () => {
    expect(procurementLimits(createPolicy(defaultRulesets))).toEqual({
      tierReviewJpy: { 1: 10_000_000, 2: 50_000_000, 3: null },
      overBudgetMarginRatio: 0.1,
    });
    const content = structuredClone(defaultRulesets['oversight-tier'].content);
    const budget = content.factors.find((f) => f.factor === 'budget')!;
    for (const band of budget.bands)
      for (const c of band.conditions) if (c.value === 10_000_000) (c as { value: unknown }).value = 20_000_000;
    const changed = parseRuleset('oversight-tier', 'candidate', content);
    expect(procurementLimits(createPolicy({ ...defaultRulesets, 'oversight-tier': changed })).tierReviewJpy[1]).toBe(20_000_000);
  });
});

describeOnBothDatabases('procurements', (t) => {
  const staff = 'staff.ind@example.jp';
  const vendor = corporateNumber('000012050002');

  async function project(body: Record<string, unknown> = {}) {
    const res = await t().request('POST', '/api/v1/projects', {
      as: staff,
      body: {
        name: '調達テスト',
        bureauCode: 'IND',
        fiscalYear: 2025,
        budgetJpy: 5_000_000,
        maxDowntimeHours: 24,
        confidentiality: 'C',
        ...body,
      },
    });
    expect(res.status).toBe(201);
    return res.json();
  }
  async function documentOf(projectId: string, kind: TDocumentKind) {
    const row = await t()
      .services.db.insertInto('document')
      .values({ projectId, kind, title: `${kind} doc`, url: 'https://example.jp/spec.pdf' })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }
  const post = (projectId: string, body: Record<string, unknown>, as = staff) =>
    t().request('POST', `/api/v1/projects/${projectId}/procurements`, { as, body });
  const patch = (projectId: string, id: string, body: Record<string, unknown>, as = staff) =>
    t().request('PATCH', `/api/v1/projects/${projectId}/procurements/${id}`, { as, body });

  it('compares the contract with the budget and flags a tier-1 project whose contract reaches tier 2', async () => {
    const p = await project();
    expect(p.tier).toBe(1);
    const res = await post(p.id, {
      title: 'ポータル構築',
      method: 'policy_negotiated',
      status: 'contracted',
      vendorName: '株式会社スタートアップ',
      corporateNumber: vendor,
      isStartup: true,
      contractAmountJpy: 12_000_000,
      contractStart: '2025-06-01',
      contractEnd: '2026-03-31',
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({
      projectId: p.id,
      method: 'policy_negotiated',
      status: 'contracted',
      isStartup: true,
      version: 1,
      budgetComparison: {
        budgetJpy: 5_000_000,
        contractAmountJpy: 12_000_000,
        differenceJpy: 7_000_000,
        ratio: 2.4,
        isOverBudget: true,
        overBudgetMarginRatio: 0.1,
      },
      tierReviewThresholdJpy: 10_000_000,
      needsTierReview: true,
    });
    const audit = await t().services.db.selectFrom('auditEvent').select(['action', 'projectId']).where('entityId', '=', body.id).execute();
    expect(audit).toEqual([{ action: 'procurement.create', projectId: p.id }]);
  });

  it('puts the flag exactly at the threshold above the tier: tier 1 at ¥10,000,000, tier 2 at ¥50,000,000, never tier 3', async () => {
    const flaggedBefore = (await (await t().request('GET', '/api/v1/procurements/stats', { as: staff })).json()).needsTierReview;
    const p = await project();
    const below = await (await post(p.id, { title: 'a', method: 'negotiated', status: 'contracted', contractAmountJpy: 9_999_999 })).json();
    const at = await (await post(p.id, { title: 'b', method: 'negotiated', status: 'contracted', contractAmountJpy: 10_000_000 })).json();
    expect([below.needsTierReview, at.needsTierReview]).toEqual([false, true]);
    expect(below.budgetComparison.isOverBudget).toBe(true);
    const tier2 = await project({ budgetJpy: 30_000_000 });
    const big = await (await post(tier2.id, { title: 'c', method: 'best_value', status: 'planned', contractAmountJpy: 20_000_000 })).json();
    expect(big).toMatchObject({
      needsTierReview: false,
      tierReviewThresholdJpy: 50_000_000,
      budgetComparison: { ratio: 0.6667, isOverBudget: false },
    });
    // A tier-2 project whose contract alone reaches the tier-3 band is flagged too.
    const tier2Below = await (
      await post(tier2.id, { title: 'c2', method: 'best_value', status: 'planned', contractAmountJpy: 49_999_999 })
    ).json();
    const tier2At = await (
      await post(tier2.id, { title: 'c3', method: 'best_value', status: 'planned', contractAmountJpy: 50_000_000 })
    ).json();
    expect([tier2Below.needsTierReview, tier2At.needsTierReview]).toEqual([false, true]);
    const tier3 = await project({ budgetJpy: 60_000_000 });
    const huge = await (
      await post(tier3.id, { title: 'e', method: 'best_value', status: 'planned', contractAmountJpy: 900_000_000 })
    ).json();
    expect(huge).toMatchObject({ needsTierReview: false, tierReviewThresholdJpy: null, budgetComparison: { isOverBudget: true } });
    const stats = await (await t().request('GET', '/api/v1/procurements/stats', { as: staff })).json();
    expect(stats).toMatchObject({ needsTierReview: flaggedBefore + 2, tierReviewThresholdsJpy: { tier1: 10_000_000, tier2: 50_000_000 } });
    // Over budget beyond the supervision ruleset's margin (10 %): ¥5,500,000 on ¥5,000,000 is within it.
    const within = await (await post(p.id, { title: 'f', method: 'negotiated', status: 'planned', contractAmountJpy: 5_500_000 })).json();
    const beyond = await (await post(p.id, { title: 'g', method: 'negotiated', status: 'planned', contractAmountJpy: 5_500_001 })).json();
    expect([within.budgetComparison.isOverBudget, beyond.budgetComparison.isOverBudget]).toEqual([false, true]);
    const unknown = await (await post(tier2.id, { title: 'd', method: 'proposal', status: 'planned' })).json();
    expect(unknown.budgetComparison).toEqual({
      budgetJpy: 30_000_000,
      contractAmountJpy: null,
      differenceJpy: null,
      ratio: null,
      isOverBudget: null,
      overBudgetMarginRatio: 0.1,
    });
  });

  it('lets only the owning bureau or an admin record, and anyone signed in read', async () => {
    const p = await project();
    const body = { title: 'x', method: 'general_competitive', status: 'planned' };
    expect((await post(p.id, body, 'staff.wel@example.jp')).status).toBe(403);
    expect((await post(p.id, body, 'advisor.ind@example.jp')).status).toBe(403);
    expect((await post(p.id, body, 'admin@example.jp')).status).toBe(201);
    const list = await t().request('GET', `/api/v1/projects/${p.id}/procurements`, { as: 'budget@example.jp' });
    expect(list.status).toBe(200);
    expect((await list.json()).items).toHaveLength(1);
    expect((await t().request('GET', `/api/v1/projects/${p.id}/procurements`)).status).toBe(401);
  });

  it('answers bad input with field paths: corporate number check digit, unknown fields, dates, spec document', async () => {
    const p = await project();
    const other = await project();
    const bad = await post(p.id, {
      title: '',
      method: 'auction',
      status: 'planned',
      corporateNumber: `${(Number(vendor[0]) + 1) % 10}${vendor.slice(1)}`,
      contractAmountJpy: -1,
      extra: true,
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect((await bad.json()).errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'contractAmountJpy',
      'corporateNumber',
      'extra',
      'method',
      'title',
    ]);

    const dates = await post(p.id, {
      title: 'x',
      method: 'negotiated',
      status: 'planned',
      contractStart: '2025-04-01',
      contractEnd: '2025-03-31',
    });
    expect(dates.status).toBe(400);
    expect((await dates.json()).errors).toEqual([{ path: 'contractEnd', message: 'must not be before contractStart' }]);

    const foreignSpec = await documentOf(other.id, 'procurement_spec');
    const wrongKind = await documentOf(p.id, 'requirements_definition');
    const goodSpec = await documentOf(p.id, 'procurement_spec');
    for (const specDocumentId of [foreignSpec, wrongKind, '00000000-0000-4000-8000-000000000000']) {
      const res = await post(p.id, { title: 'x', method: 'negotiated', status: 'planned', specDocumentId });
      expect(res.status).toBe(400);
      expect((await res.json()).errors[0].path).toBe('specDocumentId');
    }
    const ok = await post(p.id, { title: 'x', method: 'negotiated', status: 'spec_published', specDocumentId: goodSpec });
    expect(ok.status).toBe(201);
    expect((await ok.json()).specDocumentId).toBe(goodSpec);
    expect((await post('00000000-0000-4000-8000-000000000000', { title: 'x', method: 'negotiated', status: 'planned' })).status).toBe(404);
  });

  it('moves status forward only, refuses stale versions with 409, and audits each change', async () => {
    const p = await project();
    const created = await (await post(p.id, { title: '入札', method: 'general_competitive', status: 'planned' })).json();
    const published = await patch(p.id, created.id, { version: 1, status: 'spec_published' });
    expect(published.status).toBe(200);
    expect((await published.json()).version).toBe(2);

    const stale = await patch(p.id, created.id, { version: 1, status: 'awarded' });
    expect(stale.status).toBe(409);
    expect((await stale.json()).currentVersion).toBe(2);

    const backward = await patch(p.id, created.id, { version: 2, status: 'planned' });
    expect(backward.status).toBe(422);
    const problem = await backward.json();
    expect(problem.code).toBe('invalid_transition');
    expect(problem.allowed).toEqual(['awarded', 'contracted', 'completed', 'cancelled']);

    const contracted = await patch(p.id, created.id, {
      version: 2,
      status: 'contracted',
      vendorName: '株式会社テスト',
      corporateNumber: vendor,
      contractAmountJpy: 4_000_000,
    });
    expect(contracted.status).toBe(200);
    expect(await contracted.json()).toMatchObject({
      status: 'contracted',
      version: 3,
      budgetComparison: { ratio: 0.8, isOverBudget: false },
    });
    expect((await patch(p.id, created.id, { version: 3, status: 'cancelled' })).status).toBe(200);
    const reopen = await patch(p.id, created.id, { version: 4, status: 'contracted' });
    expect(reopen.status).toBe(422);
    expect((await reopen.json()).allowed).toEqual([]);

    expect((await patch(p.id, created.id, { version: 4, title: 'x' }, 'staff.wel@example.jp')).status).toBe(403);
    const other = await project();
    expect((await patch(other.id, created.id, { version: 4, title: 'x' })).status).toBe(404);
    expect((await patch(p.id, created.id, { title: 'no version' })).status).toBe(400);

    const actions = await t()
      .services.db.selectFrom('auditEvent')
      .select('action')
      .where('entityId', '=', created.id)
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['procurement.create', 'procurement.update', 'procurement.update', 'procurement.update']);
  });

  it('serialises concurrent edits: of two writers at the same version exactly one wins', async () => {
    const p = await project();
    const created = await (await post(p.id, { title: '並行', method: 'proposal', status: 'planned' })).json();
    const results = await Promise.all([
      patch(p.id, created.id, { version: 1, title: 'A' }),
      patch(p.id, created.id, { version: 1, title: 'B' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('lists across the book with filters and keyset pages, and sums by method with the startup share', async () => {
    const wel = await (
      await t().request('POST', '/api/v1/projects', {
        as: 'staff.wel@example.jp',
        body: { name: '福祉調達', bureauCode: 'WEL', fiscalYear: 2030, budgetJpy: 100_000_000 },
      })
    ).json();
    const rows = [
      { method: 'policy_negotiated', status: 'contracted', isStartup: true, contractAmountJpy: 3_000_000, contractStart: '2031-01-10' },
      { method: 'policy_negotiated', status: 'completed', isStartup: true, contractAmountJpy: 2_000_000, contractStart: '2030-05-01' },
      { method: 'general_competitive', status: 'awarded', isStartup: false, contractAmountJpy: 15_000_000, contractStart: '2030-12-01' },
      { method: 'general_competitive', status: 'planned', isStartup: false },
      { method: 'best_value', status: 'cancelled', isStartup: false, contractAmountJpy: 99_000_000 },
      // Contract starts in 2031-04: fiscal year 2031, not counted in 2030.
      { method: 'proposal', status: 'contracted', isStartup: false, contractAmountJpy: 7_000_000, contractStart: '2031-04-01' },
    ];
    for (const [i, r] of rows.entries()) {
      const res = await post(wel.id, { title: `調達${i}`, ...r }, 'staff.wel@example.jp');
      expect(res.status).toBe(201);
    }

    const page1 = await (await t().request('GET', '/api/v1/procurements?bureau=WEL&limit=4', { as: 'chief@example.jp' })).json();
    expect(page1.items.map((i: { title: string }) => i.title)).toEqual(['調達5', '調達4', '調達3', '調達2']);
    const page2 = await (
      await t().request('GET', `/api/v1/procurements?bureau=WEL&limit=4&cursor=${page1.nextCursor}`, { as: 'chief@example.jp' })
    ).json();
    expect(page2.items.map((i: { title: string }) => i.title)).toEqual(['調達1', '調達0']);
    expect(page2.nextCursor).toBeNull();
    expect(page2.items[0].project).toMatchObject({ code: wel.code, bureauCode: 'WEL' });

    const startups = await (await t().request('GET', '/api/v1/procurements?isStartup=true&bureau=WEL', { as: 'chief@example.jp' })).json();
    expect(startups.items).toHaveLength(2);
    const filtered = await (
      await t().request('GET', '/api/v1/procurements?method=general_competitive,best_value&status=planned,cancelled&bureau=WEL', {
        as: 'chief@example.jp',
      })
    ).json();
    expect(filtered.items.map((i: { title: string }) => i.title)).toEqual(['調達4', '調達3']);
    const bad = await t().request('GET', '/api/v1/procurements?method=auction&cursor=zzz', { as: 'chief@example.jp' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors.map((e: { path: string }) => e.path)).toContain('query.method');

    const stats = await (await t().request('GET', '/api/v1/procurements/stats?fiscalYear=2030', { as: 'budget@example.jp' })).json();
    const method = (m: string) => stats.byMethod.find((r: { method: string }) => r.method === m);
    expect(method('policy_negotiated')).toMatchObject({ count: 2, awardedCount: 2, contractTotalJpy: 5_000_000, startupAwardedCount: 2 });
    expect(method('general_competitive')).toMatchObject({ count: 2, awardedCount: 1, contractTotalJpy: 15_000_000 });
    expect(method('best_value')).toMatchObject({ count: 0, contractTotalJpy: 0 });
    expect(method('proposal')).toMatchObject({ count: 0 });
    expect(stats.total).toEqual({ count: 4, awardedCount: 3, contractTotalJpy: 20_000_000 });
    expect(stats.startups).toEqual({ awardedCount: 2, contractTotalJpy: 5_000_000, countShare: 0.6667, amountShare: 0.25 });
    const next = await (await t().request('GET', '/api/v1/procurements/stats?fiscalYear=2031', { as: 'budget@example.jp' })).json();
    expect(next.total).toEqual({ count: 1, awardedCount: 1, contractTotalJpy: 7_000_000 });
    expect((await t().request('GET', '/api/v1/procurements/stats?fiscalYear=abc', { as: 'budget@example.jp' })).status).toBe(400);
  });
});

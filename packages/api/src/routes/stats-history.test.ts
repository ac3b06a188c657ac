/**
 * Statistics that look back (slides 82 and 86): registrations by the tier each project had at the
 * time (tier history), and digital-related expenses over several fiscal years with their growth.
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeOnBothDatabases, type TestApp } from '../testing/harness.ts';

const staffInd = 'staff.ind@example.jp';

async function upload(t: TestApp, csv: string) {
  const token = await t.tokenFor('admin@example.jp');
  return t.app.request('/api/v1/imports/expenses', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: csv,
  });
}

/** 億円 → thousand yen, the unit of the files. */
const oku = (n: number) => String(n * 100_000);

describeOnBothDatabases('statistics over time', (t) => {
  it('counts each week’s registrations by the tier the projects had that week, not by today’s tier', async () => {
    const create = async (name: string, budgetJpy: number) => {
      const res = await t().request('POST', '/api/v1/projects', {
        as: staffInd,
        body: { name, bureauCode: 'IND', fiscalYear: 2031, budgetJpy, maxDowntimeHours: 24, confidentiality: 'C' },
      });
      expect(res.status).toBe(201);
      return (await res.json()) as { id: string; version: number };
    };
    const raised = await create('途中で区分3になった事業', 1_000_000);
    const steady = await create('ずっと区分1の事業', 2_000_000);
    const patched = await t().request('PATCH', `/api/v1/projects/${raised.id}`, {
      as: staffInd,
      body: { version: raised.version, budgetJpy: 80_000_000 },
    });
    expect((await patched.json()).tier).toBe(3);
    // Registered on Monday 2025-04-07 (JST); the budget rose on 2025-04-22, in the third week.
    const db = t().services.db;
    await sql`update project set created_at = '2025-04-07T01:00:00Z' where id in (${raised.id}, ${steady.id})`.execute(db);
    await sql`update tier_history set at = '2025-04-07T01:00:00Z' where project_id in (${raised.id}, ${steady.id}) and cause = 'created'`.execute(
      db,
    );
    await sql`update tier_history set at = '2025-04-22T01:00:00Z' where project_id = ${raised.id} and cause = 'inputs_changed'`.execute(db);

    const res = await t().request('GET', '/api/v1/stats/registrations?from=2025-04-07&to=2025-05-05&interval=week&fiscalYear=2031', {
      as: 'budget@example.jp',
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.tierBasis).toBe('as_of_period_end');
    const mix = (c: { tier1: number; tier3: number; total: number }) => [c.tier1, c.tier3, c.total];
    expect(body.periods.map((p: { period: string }) => p.period)).toEqual([
      '2025-04-07',
      '2025-04-14',
      '2025-04-21',
      '2025-04-28',
      '2025-05-05',
    ]);
    expect(body.periods.map((p: { cumulative: { tier1: number; tier3: number; total: number } }) => mix(p.cumulative))).toEqual([
      [2, 0, 2],
      [2, 0, 2],
      // The week to 04-21 ends before the change on 04-22: still tier 1 then.
      [2, 0, 2],
      [1, 1, 2],
      [1, 1, 2],
    ]);
    // Registered in the first week as tier 1: that is how the first bar shows them.
    expect(mix(body.periods[0].added)).toEqual([2, 0, 2]);
    expect(body.total).toMatchObject({ tier1: 1, tier3: 1, total: 2 });
  });

  it('counts a project registered by an import at the tier it was registered with, and a later import’s change from its day', async () => {
    const header = 'external_id,bureau_code,project_name,fiscal_year,category,amount_kyen';
    const csv = (kyen: number) => `${header}\r\nREG-1,IND,取込で登録された事業,2032,system_maintenance,${kyen}\r\n`;
    expect((await upload(t(), csv(2_000))).status).toBe(201);
    const db = t().services.db;
    const project = await db.selectFrom('project').select('id').where('name', '=', '取込で登録された事業').executeTakeFirstOrThrow();
    // The import registered it: its first history row is the registration, like a form's.
    const first = await db.selectFrom('tierHistory').select(['cause', 'toTier']).where('projectId', '=', project.id).execute();
    // ¥2M alone leaves the tier open (downtime and confidentiality unknown): registered 未設定.
    expect(first).toEqual([{ cause: 'created', toTier: null }]);
    // A second import (the budget rises past ¥50M) moves it to tier 3 two weeks after registration.
    expect((await upload(t(), csv(80_000))).status).toBe(201);
    await sql`update project set created_at = '2025-04-07T01:00:00Z' where id = ${project.id}`.execute(db);
    await sql`update tier_history set at = '2025-04-07T01:00:00Z' where project_id = ${project.id} and cause = 'created'`.execute(db);
    await sql`update tier_history set at = '2025-04-22T01:00:00Z' where project_id = ${project.id} and cause = 'import'`.execute(db);

    const res = await t().request('GET', '/api/v1/stats/registrations?from=2025-04-07&to=2025-04-28&interval=week&fiscalYear=2032', {
      as: 'budget@example.jp',
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    const mix = (c: { tier1: number; tier3: number; unset: number; total: number }) => [c.tier1, c.tier3, c.unset, c.total];
    expect(
      body.periods.map((p: { cumulative: { tier1: number; tier3: number; unset: number; total: number } }) => mix(p.cumulative)),
    ).toEqual([
      [0, 0, 1, 1],
      [0, 0, 1, 1],
      [0, 0, 1, 1],
      [0, 1, 0, 1],
    ]);
  });

  it('shows digital expenses over several years like slide 82: 1,737 → 2,334 → 2,758 億円 (約1.6倍), overlap removed', async () => {
    const csv = [
      '経費ID,局コード,事業名,年度,経費区分,金額（千円）',
      `Y21-1,DSB,デジタル関連経費 令和3年度,2021,システム維持管理等,${oku(1737)}`,
      `Y22-1,DSB,デジタル関連経費 令和4年度,2022,システム維持管理等,${oku(2334)}`,
      // FY2023: 1,578 + 601 + 1,126 億円 by category, 547 億円 in two categories at once.
      `Y23-1,DSB,デジタル関連経費 令和5年度 重複分,2023,システム維持管理等;スマート東京,${oku(547)}`,
      `Y23-2,DSB,デジタル関連経費 令和5年度 維持管理,2023,システム維持管理等,${oku(1031)}`,
      `Y23-3,DSB,デジタル関連経費 令和5年度 シン・トセイ,2023,シン・トセイ,${oku(601)}`,
      `Y23-4,DSB,デジタル関連経費 令和5年度 スマート東京,2023,スマート東京,${oku(579)}`,
    ].join('\r\n');
    expect((await upload(t(), `${csv}\r\n`)).status).toBe(201);

    const res = await t().request('GET', '/api/v1/stats/expenses/years?from=2021&to=2023', { as: 'budget@example.jp' });
    expect(res.status).toBe(200);
    const body = await res.json();
    const okuOf = (jpy: number) => jpy / 100_000_000;
    expect(body.years.map((y: { fiscalYear: number; totalJpy: number }) => [y.fiscalYear, okuOf(y.totalJpy)])).toEqual([
      [2021, 1737],
      [2022, 2334],
      [2023, 2758],
    ]);
    const fy2023 = body.years[2];
    expect(okuOf(fy2023.overlapJpy)).toBe(547);
    expect(fy2023.byCategory.map((c: { category: string; amountJpy: number }) => [c.category, okuOf(c.amountJpy)])).toEqual([
      ['system_maintenance', 1578],
      ['shin_tosei', 601],
      ['smart_tokyo', 1126],
      ['other', 0],
    ]);
    expect(body.years.map((y: { growthFromPrevious: number | null }) => y.growthFromPrevious)).toEqual([null, 1.3437, 1.1817]);
    // 約1.6倍 over the three years.
    expect(fy2023.growthFromFirst).toBe(1.5878);
    expect(fy2023.byCategory[0].growthFromFirst).toBe(0.9085);

    const backwards = await t().request('GET', '/api/v1/stats/expenses/years?from=2023&to=2021', { as: 'budget@example.jp' });
    expect(backwards.status).toBe(400);
    expect((await backwards.json()).errors[0].path).toBe('query.from');
  });
});

import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeOnBothDatabases, unevaluatedOversight } from '../testing/harness.ts';

describeOnBothDatabases('projects', (t) => {
  const create = (as: string, body: Record<string, unknown>) => t().request('POST', '/api/v1/projects', { as, body });

  it('registers a project in planning with its oversight evaluated', async () => {
    const res = await create('staff.ind@example.jp', {
      name: '中小企業支援ポータル',
      bureauCode: 'IND',
      fiscalYear: 2025,
      budgetJpy: 10_000_000,
      maxDowntimeHours: 24,
      confidentiality: 'B',
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({
      name: '中小企業支援ポータル',
      bureauCode: 'IND',
      stage: 'planning',
      tier: 2,
      reviewerRole: 'cio_advisor',
      version: 1,
    });
    expect(body.code).toMatch(/^PS\d{7}$/);
    expect(body.oversight.factors).toHaveLength(3);
  });

  it('refuses staff registering in another bureau', async () => {
    const res = await create('staff.wel@example.jp', { name: 'x', bureauCode: 'IND', fiscalYear: 2025 });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers invalid fields with their paths, and unknown fields too', async () => {
    const res = await create('staff.ind@example.jp', { name: '', bureauCode: 'ind', fiscalYear: 'x', extra: 1 });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.code).toBe('validation_failed');
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['bureauCode', 'extra', 'fiscalYear', 'name']);
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await t().request('POST', '/api/v1/projects', { as: 'staff.ind@example.jp', body: '{"name": ' });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('malformed_json');
  });

  it('re-evaluates the tier on PATCH, keeps history, and refuses a stale version with 409', async () => {
    const created = await (
      await create('staff.ind@example.jp', {
        name: '版管理',
        bureauCode: 'IND',
        fiscalYear: 2025,
        budgetJpy: 1_000_000,
        maxDowntimeHours: 24,
        confidentiality: 'C',
      })
    ).json();
    expect(created.tier).toBe(1);
    const ok = await t().request('PATCH', `/api/v1/projects/${created.id}`, {
      as: 'staff.ind@example.jp',
      body: { version: 1, budgetJpy: 50_000_000 },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ tier: 3, reviewerRole: 'chief_cio_advisor', version: 2 });
    const stale = await t().request('PATCH', `/api/v1/projects/${created.id}`, {
      as: 'staff.ind@example.jp',
      body: { summary: 'late' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(409);
    expect((await stale.json()).currentVersion).toBe(2);
    const history = await (await t().request('GET', `/api/v1/projects/${created.id}/tier-history`, { as: 'budget@example.jp' })).json();
    expect(history.items.map((h: { toTier: number }) => h.toTier)).toEqual([1, 3]);
  });

  it('lists with filters, tier=unset, Japanese search and keyset pages', async () => {
    for (let i = 0; i < 5; i++)
      await create('staff.wel@example.jp', {
        name: `介護申請システム${i}`,
        bureauCode: 'WEL',
        fiscalYear: 2026,
        summary: 'ｶｲｺﾞ 半角カナも検索できる',
      });
    const page1 = await (await t().request('GET', '/api/v1/projects?bureau=WEL&tier=unset&limit=2', { as: 'chief@example.jp' })).json();
    expect(page1.items).toHaveLength(2);
    const page2 = await (
      await t().request('GET', `/api/v1/projects?bureau=WEL&tier=unset&limit=2&cursor=${page1.nextCursor}`, { as: 'chief@example.jp' })
    ).json();
    expect(page2.items[0].id).not.toBe(page1.items[1].id);
    const found = await (await t().request('GET', `/api/v1/projects?q=${encodeURIComponent('カイゴ')}`, { as: 'chief@example.jp' })).json();
    expect(found.items.length).toBe(5);
    const none = await (
      await t().request('GET', `/api/v1/projects?q=${encodeURIComponent('存在しない語')}`, { as: 'chief@example.jp' })
    ).json();
    expect(none.items).toEqual([]);
  });

  it('lists each project exactly as GET /projects/{id} answers it (the list renames columns only)', async () => {
    const created = await (
      await create('staff.ind@example.jp', {
        name: '工業統計オンライン',
        bureauCode: 'IND',
        fiscalYear: 2026,
        summary: '事業所からの報告を受け付ける',
        budgetJpy: 48_000_000,
        maxDowntimeHours: 4,
        confidentiality: 'A',
      })
    ).json();
    const one = await (await t().request('GET', `/api/v1/projects/${created.id}`, { as: 'chief@example.jp' })).json();
    const page = await (await t().request('GET', '/api/v1/projects?bureau=IND&limit=200', { as: 'chief@example.jp' })).json();
    const listed = page.items.find((item: { id: string }) => item.id === created.id);
    expect(listed).toEqual(one);
    expect(listed.oversight.factors.length).toBeGreaterThan(0);
  });

  it('needs a sign-in to read', async () => {
    expect((await t().request('GET', '/api/v1/projects')).status).toBe(401);
  });

  it('pages exactly through rows whose timestamps differ only in microseconds', async () => {
    const { db } = t().services;
    for (const micro of ['100', '200', '300']) {
      // As text: postgres.js would pass a timestamp parameter through a JavaScript Date (milliseconds).
      await sql`insert into project (name, bureau_code, fiscal_year, oversight, ruleset_version, tier_lower_bound, created_at)
        values (${`µs ${micro}`}, 'FIN', 2019, ${unevaluatedOversight}, 'x', 1, ${`2020-01-01T00:00:00.000${micro}Z`}::text::timestamptz)`.execute(
        db,
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await (
        await t().request('GET', `/api/v1/projects?bureau=FIN&fiscalYear=2019&limit=1${cursor ? `&cursor=${cursor}` : ''}`, {
          as: 'chief@example.jp',
        })
      ).json();
      seen.push(...page.items.map((p: { name: string }) => p.name));
      cursor = page.nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual(['µs 300', 'µs 200', 'µs 100']);
  });
});

import { parse } from 'csv-parse/sync';
import { beforeAll, expect, it } from 'vitest';
import { hashToken } from '../auth/tokens.ts';
import { tier3WelfareProject } from '../testing/bodies.ts';
import { describeOnBothDatabases } from '../testing/harness.ts';

const budget = 'budget@example.jp';
const admin = 'admin@example.jp';
const year = 2033;

describeOnBothDatabases('API tokens', (t) => {
  let reviewId = '';

  beforeAll(async () => {
    await t().request('POST', '/api/v1/budget-cycles', {
      as: admin,
      body: {
        fiscalYear: year,
        requestDate: '2032-07-25',
        requestDeadline: '2032-09-30',
        evaluationDeadline: '2032-10-31',
        submissionDate: '2032-11-20',
      },
    });
    const project = await t().request('POST', '/api/v1/projects', {
      as: 'staff.wel@example.jp',
      body: tier3WelfareProject('介護人材マッチング', year),
    });
    expect(project.status).toBe(201);
    await t().request('POST', `/api/v1/budget-cycles/${year}/extract`, { as: admin });
    const reviews = await (await t().request('GET', `/api/v1/tech-reviews?fiscalYear=${year}`, { as: admin })).json();
    expect(reviews.items).toHaveLength(1);
    reviewId = reviews.items[0].id;
    // The budget office pulls reviews once the evaluation report is submitted (評価書提出); the
    // report's contents do not matter to tokens, so it is marked submitted directly.
    await t().services.db.updateTable('budgetCycle').set({ submittedAt: new Date() }).where('fiscalYear', '=', year).execute();
    await t().services.db.updateTable('techReview').set({ status: 'submitted' }).where('fiscalYear', '=', year).execute();
  });

  const createToken = (as: string, body: Record<string, unknown>) => t().request('POST', '/api/v1/tokens', { as, body });

  it('shows a new token once, stores only its hash, and lets it pull tech reviews as JSON and CSV', async () => {
    const res = await createToken(budget, { name: '財務会計システム連携', scopes: ['tech_reviews:read'], expiresInDays: 30 });
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created.token).toMatch(/^psb_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ name: '財務会計システム連携', scopes: ['tech_reviews:read'], status: 'active', revokedAt: null });
    expect(created.tokenPrefix).toBe(created.token.slice(0, 10));
    const days = (new Date(created.expiresAt).getTime() - new Date(created.createdAt).getTime()) / 86_400_000;
    expect(days).toBeCloseTo(30, 3);

    const stored = await t().services.db.selectFrom('apiToken').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(stored.tokenHash).not.toBe(created.token);
    expect(stored.tokenHash).toBe(hashToken(created.token));
    expect(JSON.stringify(stored)).not.toContain(created.token);
    const audit = await t().services.db.selectFrom('auditEvent').select(['action', 'after']).where('entityId', '=', created.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['api_token.create']);
    expect(JSON.stringify(audit)).not.toContain(created.token);

    const listed = await (await t().request('GET', '/api/v1/tokens', { as: budget })).json();
    const mine = listed.items.find((i: { id: string }) => i.id === created.id);
    expect(mine).toMatchObject({ tokenPrefix: created.tokenPrefix, status: 'active', ownerEmail: budget });
    expect(mine).not.toHaveProperty('token');
    expect(JSON.stringify(listed)).not.toContain(stored.tokenHash);

    const json = await t().request('GET', `/api/v1/tech-reviews?fiscalYear=${year}`, { as: created.token });
    expect(json.status).toBe(200);
    const items = (await json.json()).items;
    expect(items.map((r: { id: string }) => r.id)).toEqual([reviewId]);
    const one = await t().request('GET', `/api/v1/tech-reviews/${reviewId}`, { as: created.token });
    expect(one.status).toBe(200);
    const csv = await t().request('GET', `/api/v1/tech-reviews.csv?fiscalYear=${year}`, { as: created.token });
    expect(csv.status).toBe(200);
    const rows = parse(await csv.text(), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.プロジェクト番号)).toEqual([items[0].projectCode]);

    const used = await t().services.db.selectFrom('apiToken').select('lastUsedAt').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(used.lastUsedAt).not.toBeNull();
  });

  it('refuses a token outside its scopes and on every write', async () => {
    const { token } = await (await createToken(budget, { name: '技術レビューのみ', scopes: ['tech_reviews:read'] })).json();
    const refused: [string, string, unknown?][] = [
      ['GET', '/api/v1/projects'],
      ['GET', '/api/v1/budget-cycles'],
      ['GET', '/api/v1/reviews/inbox'],
      ['GET', '/api/v1/tokens'],
      ['GET', '/api/v1/yearly-reviews/outstanding'],
      ['POST', '/api/v1/tokens', { name: 'x', scopes: ['tech_reviews:read'] }],
      ['PATCH', `/api/v1/tech-reviews/${reviewId}`, { version: 1, overallOpinion: 'machine' }],
      ['PUT', `/api/v1/tech-reviews/${reviewId}/reflection`, { outcome: 'reflected', amountChangeJpy: 0, comment: '', version: 0 }],
      ['POST', `/api/v1/budget-cycles/${year}/extract`],
      ['DELETE', '/api/v1/tokens/00000000-0000-4000-8000-000000000000'],
    ];
    for (const [method, path, body] of refused) {
      const res = await t().request(method, path, { as: token, body });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    const review = await t()
      .services.db.selectFrom('techReview')
      .select(['overallOpinion'])
      .where('id', '=', reviewId)
      .executeTakeFirstOrThrow();
    expect(review.overallOpinion).toBe('');

    const projectsToken = (await (await createToken(budget, { name: '事業一覧', scopes: ['projects:read'] })).json()).token;
    expect((await t().request('GET', '/api/v1/projects', { as: projectsToken })).status).toBe(200);
    expect((await t().request('GET', `/api/v1/tech-reviews?fiscalYear=${year}`, { as: projectsToken })).status).toBe(403);
  });

  it('lets only the budget office and admins create tokens, with scopes their role may use', async () => {
    for (const as of ['staff.ind@example.jp', 'lead.ind@example.jp', 'advisor.ind@example.jp', 'chief@example.jp']) {
      expect((await createToken(as, { name: 'x', scopes: ['projects:read'] })).status, as).toBe(403);
    }
    expect((await createToken(admin, { name: '監視', scopes: ['stats:read', 'stats:read'] })).status).toBe(201);
    const invalid = await createToken(budget, { name: ' ', scopes: ['projects:write'], expiresInDays: 0 });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).errors.map((e: { path: string }) => e.path).sort()).toEqual(['expiresInDays', 'name', 'scopes.0']);
    expect((await createToken(budget, { name: 'x', scopes: [] })).status).toBe(400);
  });

  it('stops a revoked token at once (owner or admin), and an expired one', async () => {
    const created = await (await createToken(budget, { name: '失効テスト', scopes: ['tech_reviews:read'] })).json();
    const pull = () => t().request('GET', `/api/v1/tech-reviews?fiscalYear=${year}`, { as: created.token });
    expect((await pull()).status).toBe(200);

    // Someone else's token is not theirs to see or revoke.
    expect((await t().request('DELETE', `/api/v1/tokens/${created.id}`, { as: 'staff.ind@example.jp' })).status).toBe(404);
    const staffList = await (await t().request('GET', '/api/v1/tokens', { as: 'staff.ind@example.jp' })).json();
    expect(staffList.items).toEqual([]);
    const adminList = await (await t().request('GET', '/api/v1/tokens', { as: admin })).json();
    expect(adminList.items.map((i: { id: string }) => i.id)).toContain(created.id);

    expect((await t().request('DELETE', `/api/v1/tokens/${created.id}`, { as: budget })).status).toBe(204);
    const after = await pull();
    expect(after.status).toBe(401);
    expect(after.headers.get('content-type')).toContain('application/problem+json');
    expect((await t().request('DELETE', `/api/v1/tokens/${created.id}`, { as: budget })).status).toBe(204);
    const listed = await (await t().request('GET', '/api/v1/tokens', { as: budget })).json();
    expect(listed.items.find((i: { id: string }) => i.id === created.id)).toMatchObject({
      status: 'revoked',
      revokedAt: expect.any(String),
    });
    const audit = await t()
      .services.db.selectFrom('auditEvent')
      .select('action')
      .where('entityId', '=', created.id)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['api_token.create', 'api_token.revoke']);

    const byAdmin = await (await createToken(budget, { name: '管理者が失効', scopes: ['tech_reviews:read'] })).json();
    expect((await t().request('DELETE', `/api/v1/tokens/${byAdmin.id}`, { as: admin })).status).toBe(204);
    expect((await t().request('GET', `/api/v1/tech-reviews?fiscalYear=${year}`, { as: byAdmin.token })).status).toBe(401);

    const expiring = await (await createToken(budget, { name: '期限切れ', scopes: ['tech_reviews:read'], expiresInDays: 1 })).json();
    expect((await t().request('GET', `/api/v1/tech-reviews?fiscalYear=${year}`, { as: expiring.token })).status).toBe(200);
    await t()
      .services.db.updateTable('apiToken')
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where('id', '=', expiring.id)
      .execute();
    // Expiry moved by hand: the process remembers a resolved token for a few seconds, but never past
    // the expiry it read (auth/actor-cache.test.ts), so forget it as the passing of time would.
    t().services.actorCache.clear();
    expect((await t().request('GET', `/api/v1/tech-reviews?fiscalYear=${year}`, { as: expiring.token })).status).toBe(401);
    const withExpired = await (await t().request('GET', '/api/v1/tokens', { as: budget })).json();
    expect(withExpired.items.find((i: { id: string }) => i.id === expiring.id).status).toBe('expired');

    expect((await t().request('GET', `/api/v1/tech-reviews?fiscalYear=${year}`, { as: 'psb_not-a-real-token' })).status).toBe(401);
    expect((await t().request('DELETE', '/api/v1/tokens/not-a-uuid', { as: budget })).status).toBe(400);
  });
});

import { expect, it } from 'vitest';
import { describeOnBothDatabases, type TestApp } from '../testing/harness.ts';

const admin = 'admin@example.jp';

const cycleOf = (fiscalYear: number) => ({
  fiscalYear,
  requestDate: `${fiscalYear - 1}-07-25`,
  requestDeadline: `${fiscalYear - 1}-09-30`,
  evaluationDeadline: `${fiscalYear - 1}-10-31`,
  submissionDate: `${fiscalYear - 1}-11-20`,
});

type Project = {
  id: string;
  code: string;
  version: number;
  tier: number | null;
  isNew: boolean;
  budgetJpy: number | null;
  bureauCode: string;
  stage: string;
};

async function register(t: TestApp, body: Record<string, unknown>): Promise<Project> {
  const as = body.bureauCode === 'WEL' ? 'staff.wel@example.jp' : 'staff.ind@example.jp';
  const res = await t.request('POST', '/api/v1/projects', {
    as,
    body: { bureauCode: 'IND', maxDowntimeHours: 24, confidentiality: 'C', ...body },
  });
  expect(res.status).toBe(201);
  return res.json();
}

const createCycle = (t: TestApp, fiscalYear: number) =>
  t.request('POST', '/api/v1/budget-cycles', { as: admin, body: cycleOf(fiscalYear) });
const extract = (t: TestApp, fiscalYear: number, as = admin) => t.request('POST', `/api/v1/budget-cycles/${fiscalYear}/extract`, { as });

async function reviewsOf(t: TestApp, fiscalYear: number) {
  const body = await (await t.request('GET', `/api/v1/tech-reviews?fiscalYear=${fiscalYear}`, { as: admin })).json();
  return body.items as { id: string; projectId: string; projectCode: string; version: number; status: string }[];
}

const complete = {
  technical: { rating: 4, comment: '既存基盤を活用している' },
  usability: { rating: 3, comment: 'ユーザテストの計画が必要' },
  security: { rating: 5, comment: '診断済み' },
  overallOpinion: '妥当',
};

describeOnBothDatabases('budget cycles', (t) => {
  it('opens a cycle (admin only) with its dates in order, once per fiscal year', async () => {
    const res = await createCycle(t(), 2045);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      ...cycleOf(2045),
      submittedAt: null,
      isSubmitted: false,
      techReviews: { extracted: 0, inReview: 0, submitted: 0, total: 0 },
      version: 1,
    });
    expect((await createCycle(t(), 2045)).status).toBe(409);
    for (const as of ['staff.ind@example.jp', 'lead.ind@example.jp', 'chief@example.jp', 'budget@example.jp']) {
      expect((await t().request('POST', '/api/v1/budget-cycles', { as, body: cycleOf(2040) })).status, as).toBe(403);
    }

    const disordered = await t().request('POST', '/api/v1/budget-cycles', {
      as: admin,
      body: { ...cycleOf(2041), requestDeadline: '2040-07-01', submissionDate: '2040-10-01' },
    });
    expect(disordered.status).toBe(400);
    expect((await disordered.json()).errors.map((e: { path: string }) => e.path)).toEqual(['requestDeadline', 'submissionDate']);
    const malformed = await t().request('POST', '/api/v1/budget-cycles', {
      as: admin,
      body: { ...cycleOf(2041), requestDate: '2040-02-30', x: 1 },
    });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).errors.map((e: { path: string }) => e.path).sort()).toEqual(['requestDate', 'x']);

    const list = await (await t().request('GET', '/api/v1/budget-cycles', { as: 'staff.wel@example.jp' })).json();
    expect(list.items.map((c: { fiscalYear: number }) => c.fiscalYear)).toContain(2045);
    expect((await t().request('GET', '/api/v1/budget-cycles/2045', { as: 'budget@example.jp' })).status).toBe(200);
    expect((await t().request('GET', '/api/v1/budget-cycles/2099', { as: 'budget@example.jp' })).status).toBe(404);
    expect((await t().request('GET', '/api/v1/budget-cycles/abc', { as: 'budget@example.jp' })).status).toBe(400);
    expect((await extract(t(), 2099)).status).toBe(404);
  });

  it('extracts by the rules, idempotently, and compares with the previous cycle’s list', async () => {
    await createCycle(t(), 2029);
    await createCycle(t(), 2030);
    const carried = await register(t(), { name: '継続案件', fiscalYear: 2029, isNew: true, budgetJpy: 20_000_000 });
    const previousOnly = await register(t(), { name: '前年度のみ', fiscalYear: 2029, isNew: true, budgetJpy: 60_000_000 });
    const first = await extract(t(), 2029);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ extracted: 2, alreadyExtracted: 0, total: 2, comparison: { previousFiscalYear: null } });

    // The multi-year project is registered again for the next budget year.
    const moved = await t().request('PATCH', `/api/v1/projects/${carried.id}`, {
      as: 'staff.ind@example.jp',
      body: { version: carried.version, fiscalYear: 2030 },
    });
    expect(moved.status).toBe(200);

    const candidates = [
      await register(t(), { name: '新規 区分2', fiscalYear: 2030, isNew: true, budgetJpy: 10_000_000 }),
      await register(t(), { name: '新規 区分3', fiscalYear: 2030, isNew: true, budgetJpy: 80_000_000, bureauCode: 'WEL' }),
      await register(t(), { name: '新規 区分1', fiscalYear: 2030, isNew: true, budgetJpy: 9_999_999 }),
      await register(t(), { name: '既存 区分3', fiscalYear: 2030, isNew: false, budgetJpy: 80_000_000 }),
      await register(t(), { name: '新規 区分未設定', fiscalYear: 2030, isNew: true, budgetJpy: 30_000_000, maxDowntimeHours: null }),
      await register(t(), { name: '廃止済み', fiscalYear: 2030, isNew: true, budgetJpy: 30_000_000 }),
    ];
    const retired = candidates[5]!;
    await t().services.db.updateTable('project').set({ stage: 'retired' }).where('id', '=', retired.id).execute();
    const all = [...candidates, { ...carried, fiscalYear: 2030 }];

    // What the rules pick, asked one project at a time: the set-based extraction must agree.
    const expected: string[] = [];
    for (const p of all) {
      const row = await t().services.db.selectFrom('project').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
      const picked = await t().policy.isExtractedForTechReview({
        isNew: row.isNew,
        tier: row.tier as 1 | 2 | 3 | null,
        budgetJpy: row.budgetJpy,
        bureauCode: row.bureauCode,
        stage: row.stage,
      });
      if (picked && row.stage !== 'retired') expected.push(row.code);
    }
    expect(expected.sort()).toEqual([candidates[0]!.code, candidates[1]!.code, carried.code].sort());

    const run = await extract(t(), 2030);
    expect(run.status).toBe(200);
    const body = await run.json();
    expect(body).toMatchObject({ fiscalYear: 2030, extracted: 3, alreadyExtracted: 0, total: 3 });
    expect(body.comparison).toEqual({
      previousFiscalYear: 2029,
      previousTotal: 2,
      added: [candidates[0]!.code, candidates[1]!.code].sort(),
      continued: [carried.code],
      dropped: [previousOnly.code],
    });
    expect((await reviewsOf(t(), 2030)).map((r) => r.projectCode).sort()).toEqual(expected.sort());

    const again = await (await extract(t(), 2030)).json();
    expect(again).toMatchObject({ extracted: 0, alreadyExtracted: 3, total: 3 });
    const late = await register(t(), { name: '追加の新規案件', fiscalYear: 2030, isNew: true, budgetJpy: 15_000_000 });
    const third = await (await extract(t(), 2030)).json();
    expect(third).toMatchObject({ extracted: 1, alreadyExtracted: 3, total: 4 });
    expect(third.comparison.added).toContain(late.code);

    const rows = await t().services.db.selectFrom('techReview').select('projectId').where('fiscalYear', '=', 2030).execute();
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => r.projectId)).size).toBe(4);
    const reviewIds = (await reviewsOf(t(), 2030)).map((r) => r.id);
    const audit = await t()
      .services.db.selectFrom('auditEvent')
      .select('action')
      .where('action', 'in', ['tech_review.extract', 'budget_cycle.extract'])
      .where((eb) => eb.or([eb('entityId', '=', '2030'), eb('entityId', 'in', reviewIds)]))
      .execute();
    expect(audit.filter((a) => a.action === 'tech_review.extract')).toHaveLength(4);
    expect(audit.filter((a) => a.action === 'budget_cycle.extract')).toHaveLength(3);

    expect((await extract(t(), 2030, 'budget@example.jp')).status).toBe(403);
    const cycle = await (await t().request('GET', '/api/v1/budget-cycles/2030', { as: 'chief@example.jp' })).json();
    expect(cycle.techReviews).toEqual({ extracted: 4, inReview: 0, submitted: 0, total: 4 });
  });

  it('submits only complete reviews, then freezes the list', async () => {
    await createCycle(t(), 2032);
    expect((await t().request('POST', '/api/v1/budget-cycles/2032/submit', { as: admin })).status).toBe(422);
    const a = await register(t(), { name: '提出A', fiscalYear: 2032, isNew: true, budgetJpy: 20_000_000 });
    const b = await register(t(), { name: '提出B', fiscalYear: 2032, isNew: true, budgetJpy: 70_000_000 });
    await extract(t(), 2032);
    const [ra, rb] = (await reviewsOf(t(), 2032)).sort((x, y) => (x.projectCode < y.projectCode ? -1 : 1));
    expect([ra!.projectId, rb!.projectId]).toEqual([a.id, b.id]);

    const patch = (id: string, body: Record<string, unknown>) => t().request('PATCH', `/api/v1/tech-reviews/${id}`, { as: admin, body });
    expect((await patch(ra!.id, { version: 1, ...complete })).status).toBe(200);
    expect((await patch(rb!.id, { version: 1, technical: complete.technical, overallOpinion: '  ' })).status).toBe(200);

    const refused = await t().request('POST', '/api/v1/budget-cycles/2032/submit', { as: admin });
    expect(refused.status).toBe(422);
    const problem = await refused.json();
    expect(problem.incomplete).toEqual([
      { id: rb!.id, projectId: b.id, projectCode: b.code, missing: ['usability.rating', 'security.rating', 'overallOpinion'] },
    ]);
    expect((await t().request('POST', '/api/v1/budget-cycles/2032/submit', { as: 'budget@example.jp' })).status).toBe(403);

    expect((await patch(rb!.id, { version: 2, ...complete })).status).toBe(200);
    const submitted = await t().request('POST', '/api/v1/budget-cycles/2032/submit', { as: admin });
    expect(submitted.status).toBe(200);
    const cycle = await submitted.json();
    expect(cycle).toMatchObject({ isSubmitted: true, version: 2, techReviews: { submitted: 2, total: 2 } });
    expect(cycle.submittedAt).toEqual(expect.any(String));
    expect((await reviewsOf(t(), 2032)).map((r) => r.status)).toEqual(['submitted', 'submitted']);

    // Frozen: a new matching project is not added, reviews cannot change, nothing is submitted twice.
    await register(t(), { name: '提出後の新規', fiscalYear: 2032, isNew: true, budgetJpy: 20_000_000 });
    const after = await extract(t(), 2032);
    expect(after.status).toBe(409);
    expect((await reviewsOf(t(), 2032)).map((r) => r.projectId).sort()).toEqual([a.id, b.id].sort());
    const frozen = await patch(ra!.id, { version: 3, overallOpinion: '書き換え' });
    expect(frozen.status).toBe(409);
    expect((await t().request('POST', '/api/v1/budget-cycles/2032/submit', { as: admin })).status).toBe(409);
    const audit = await t().services.db.selectFrom('auditEvent').select('action').where('entityId', '=', '2032').orderBy('id').execute();
    expect(audit.map((e) => e.action)).toEqual(['budget_cycle.create', 'budget_cycle.extract', 'budget_cycle.submit']);
  });
});

import { expect, it } from 'vitest';
import { placeholderCanvas } from '../testing/bodies.ts';
import { describeOnBothDatabases, type TestApp } from '../testing/harness.ts';

const admin = 'admin@example.jp';
const govtech = 'govtech@example.jp';

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
  viewpoints: {
    technical: { rating: 4, comment: '既存基盤を活用している' },
    usability: { rating: 3, comment: 'ユーザテストの計画が必要' },
    security: { rating: 5, comment: '診断済み' },
  },
  overallOpinion: '妥当',
};

describeOnBothDatabases('budget cycles', (t) => {
  it('opens a cycle (admin only) with its dates in order, once per fiscal year', async () => {
    const res = await createCycle(t(), 2045);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      ...cycleOf(2045),
      // Left out, 予算案発表 is late January of the fiscal year's start.
      budgetAnnouncementDate: '2045-01-25',
      submittedAt: null,
      isSubmitted: false,
      techReviews: { extracted: 0, inReview: 0, submitted: 0, total: 0, reflected: 0 },
      viewpoints: [{ id: 'technical' }, { id: 'usability' }, { id: 'security' }].map((v) => expect.objectContaining(v)),
      ratingScale: [1, 2, 3, 4, 5].map((value) => expect.objectContaining({ value })),
      version: 1,
    });
    expect((await createCycle(t(), 2045)).status).toBe(409);
    for (const as of ['staff.ind@example.jp', 'lead.ind@example.jp', 'chief@example.jp', 'budget@example.jp']) {
      expect((await t().request('POST', '/api/v1/budget-cycles', { as, body: cycleOf(2040) })).status, as).toBe(403);
    }

    const disordered = await t().request('POST', '/api/v1/budget-cycles', {
      as: admin,
      body: { ...cycleOf(2041), requestDeadline: '2040-07-01', submissionDate: '2040-10-01', budgetAnnouncementDate: '2040-09-01' },
    });
    expect(disordered.status).toBe(400);
    expect((await disordered.json()).errors.map((e: { path: string }) => e.path)).toEqual([
      'requestDeadline',
      'submissionDate',
      'budgetAnnouncementDate',
    ]);
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
        tierLowerBound: row.tierLowerBound as 1 | 2 | 3,
        budgetJpy: row.budgetJpy,
        bureauCode: row.bureauCode,
        stage: row.stage,
      });
      if (picked && row.stage !== 'retired') expected.push(row.code);
    }
    // The new project whose tier is 未設定 (downtime unknown) but whose budget already gives tier 2 is picked too.
    const tierNotSet = candidates[4]!;
    expect(tierNotSet.tier).toBeNull();
    expect(expected.sort()).toEqual([candidates[0]!.code, candidates[1]!.code, tierNotSet.code, carried.code].sort());

    const run = await extract(t(), 2030);
    expect(run.status).toBe(200);
    const body = await run.json();
    expect(body).toMatchObject({ fiscalYear: 2030, extracted: 4, alreadyExtracted: 0, total: 4 });
    expect(body.comparison).toEqual({
      previousFiscalYear: 2029,
      previousTotal: 2,
      added: [candidates[0]!.code, candidates[1]!.code, tierNotSet.code].sort(),
      continued: [carried.code],
      dropped: [previousOnly.code],
    });
    expect((await reviewsOf(t(), 2030)).map((r) => r.projectCode).sort()).toEqual(expected.sort());

    const again = await (await extract(t(), 2030)).json();
    expect(again).toMatchObject({ extracted: 0, alreadyExtracted: 4, total: 4 });
    const late = await register(t(), { name: '追加の新規案件', fiscalYear: 2030, isNew: true, budgetJpy: 15_000_000 });
    const third = await (await extract(t(), 2030)).json();
    expect(third).toMatchObject({ extracted: 1, alreadyExtracted: 4, total: 5 });
    expect(third.comparison.added).toContain(late.code);

    const rows = await t().services.db.selectFrom('techReview').select('projectId').where('fiscalYear', '=', 2030).execute();
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((r) => r.projectId)).size).toBe(5);
    const reviewIds = (await reviewsOf(t(), 2030)).map((r) => r.id);
    const audit = await t()
      .services.db.selectFrom('auditEvent')
      .select('action')
      .where('action', 'in', ['tech_review.extract', 'budget_cycle.extract'])
      .where((eb) => eb.or([eb('entityId', '=', '2030'), eb('entityId', 'in', reviewIds)]))
      .execute();
    expect(audit.filter((a) => a.action === 'tech_review.extract')).toHaveLength(5);
    expect(audit.filter((a) => a.action === 'budget_cycle.extract')).toHaveLength(3);

    for (const as of ['budget@example.jp', govtech]) expect((await extract(t(), 2030, as)).status).toBe(403);
    const cycle = await (await t().request('GET', '/api/v1/budget-cycles/2030', { as: 'chief@example.jp' })).json();
    expect(cycle.techReviews).toEqual({ extracted: 5, inReview: 0, submitted: 0, total: 5, reflected: 0 });
  });

  it('submits only complete reviews, then freezes the list', async () => {
    await createCycle(t(), 2032);
    expect((await t().request('POST', '/api/v1/budget-cycles/2032/submit', { as: admin })).status).toBe(422);
    const a = await register(t(), { name: '提出A', fiscalYear: 2032, isNew: true, budgetJpy: 20_000_000 });
    const b = await register(t(), { name: '提出B', fiscalYear: 2032, isNew: true, budgetJpy: 70_000_000 });
    await extract(t(), 2032);
    const [ra, rb] = (await reviewsOf(t(), 2032)).sort((x, y) => (x.projectCode < y.projectCode ? -1 : 1));
    expect([ra!.projectId, rb!.projectId]).toEqual([a.id, b.id]);

    const patch = (id: string, body: Record<string, unknown>) => t().request('PATCH', `/api/v1/tech-reviews/${id}`, { as: govtech, body });
    expect((await patch(ra!.id, { version: 1, ...complete })).status).toBe(200);
    expect(
      (await patch(rb!.id, { version: 1, viewpoints: { technical: complete.viewpoints.technical }, overallOpinion: '  ' })).status,
    ).toBe(200);

    const refused = await t().request('POST', '/api/v1/budget-cycles/2032/submit', { as: admin });
    expect(refused.status).toBe(422);
    const problem = await refused.json();
    expect(problem.incomplete).toEqual([
      {
        id: rb!.id,
        projectId: b.id,
        projectCode: b.code,
        missing: ['viewpoints.usability.rating', 'viewpoints.security.rating', 'overallOpinion'],
      },
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

describeOnBothDatabases('budget cycles: slide 83’s process', (t) => {
  const fullCanvas = placeholderCanvas('抽出時に記入済');

  async function completeAll(fiscalYear: number, extra: Record<string, { rating: number; comment: string }> = {}) {
    for (const r of await reviewsOf(t(), fiscalYear)) {
      const res = await t().request('PATCH', `/api/v1/tech-reviews/${r.id}`, {
        as: govtech,
        body: { version: r.version, ...complete, viewpoints: { ...complete.viewpoints, ...extra } },
      });
      expect(res.status).toBe(200);
    }
  }

  it('flags what extraction found: 区分未設定 (known factors give tier ≥ 2) and no written canvas', async () => {
    await createCycle(t(), 2060);
    const notSet = await register(t(), {
      name: '予算だけで区分3',
      fiscalYear: 2060,
      isNew: true,
      budgetJpy: 60_000_000,
      confidentiality: null,
    });
    const lowNotSet = await register(t(), {
      name: '区分未設定 下限1',
      fiscalYear: 2060,
      isNew: true,
      budgetJpy: 3_000_000,
      maxDowntimeHours: null,
    });
    const written = await register(t(), { name: 'キャンバス記入済', fiscalYear: 2060, isNew: true, budgetJpy: 20_000_000 });
    const canvas = await t().request('PUT', `/api/v1/projects/${written.id}/canvas`, {
      as: 'staff.ind@example.jp',
      body: { fields: fullCanvas },
    });
    expect(canvas.status).toBe(200);
    // budget ≥ ¥50,000,000 already reaches tier 3, so that tier is determined even with confidentiality unknown.
    expect(notSet.tier).toBe(3);
    const unknown = await register(t(), {
      name: '区分未設定 下限2',
      fiscalYear: 2060,
      isNew: true,
      budgetJpy: 20_000_000,
      maxDowntimeHours: null,
    });
    expect([unknown.tier, lowNotSet.tier]).toEqual([null, null]);

    expect((await extract(t(), 2060)).status).toBe(200);
    const reviews = (await (await t().request('GET', '/api/v1/tech-reviews?fiscalYear=2060', { as: admin })).json()).items as {
      projectId: string;
      isTierNotSet: boolean;
      isCanvasMissing: boolean;
      tierAtExtraction: number | null;
    }[];
    const of = (id: string) => reviews.find((r) => r.projectId === id);
    expect(of(lowNotSet.id)).toBeUndefined();
    expect(of(unknown.id)).toMatchObject({ isTierNotSet: true, isCanvasMissing: true, tierAtExtraction: null });
    expect(of(notSet.id)).toMatchObject({ isTierNotSet: false, isCanvasMissing: true, tierAtExtraction: 3 });
    expect(of(written.id)).toMatchObject({ isTierNotSet: false, isCanvasMissing: false, tierAtExtraction: 2 });

    const csv = await (await t().request('GET', '/api/v1/tech-reviews.csv?fiscalYear=2060', { as: admin })).text();
    expect(csv).toContain('区分未設定・キャンバス未記入');
  });

  it('keeps the year-on-year comparison readable after the list is frozen, for the budget office once submitted', async () => {
    await createCycle(t(), 2062);
    await createCycle(t(), 2063);
    const both = await register(t(), { name: '二年続く案件', fiscalYear: 2062, isNew: true, budgetJpy: 20_000_000 });
    const first = await register(t(), { name: '前年だけの案件', fiscalYear: 2062, isNew: true, budgetJpy: 20_000_000, bureauCode: 'WEL' });
    await extract(t(), 2062);
    await t().services.db.updateTable('project').set({ fiscalYear: 2063 }).where('id', '=', both.id).execute();
    const added = await register(t(), { name: '今年の新規', fiscalYear: 2063, isNew: true, budgetJpy: 20_000_000 });
    await extract(t(), 2063);
    await completeAll(2063);
    expect((await t().request('POST', '/api/v1/budget-cycles/2063/submit', { as: admin })).status).toBe(200);
    expect((await extract(t(), 2063)).status).toBe(409);

    const expected = {
      fiscalYear: 2063,
      previousFiscalYear: 2062,
      previousTotal: 2,
      added: [added.code],
      continued: [both.code],
      dropped: [first.code],
    };
    for (const as of [admin, govtech, 'budget@example.jp', 'chief@example.jp']) {
      const res = await t().request('GET', '/api/v1/budget-cycles/2063/comparison', { as });
      expect(res.status, as).toBe(200);
      expect(await res.json()).toEqual(expected);
    }
    // A bureau sees its own projects' movements only.
    const ind = await (await t().request('GET', '/api/v1/budget-cycles/2063/comparison', { as: 'staff.ind@example.jp' })).json();
    expect(ind).toEqual({ ...expected, previousTotal: 1, dropped: [] });
    // The previous cycle was never submitted: the budget office does not see its list.
    expect((await t().request('GET', '/api/v1/budget-cycles/2062/comparison', { as: 'budget@example.jp' })).status).toBe(403);
    expect((await t().request('GET', '/api/v1/budget-cycles/2099/comparison', { as: admin })).status).toBe(404);
  });

  it('rates the viewpoints the cycle was opened with: a year that adds accessibility needs it to submit', async () => {
    await createCycle(t(), 2065);
    const cycle = await (await t().request('GET', '/api/v1/budget-cycles/2065', { as: admin })).json();
    // As if the ruleset in force when the cycle opened had added a fourth viewpoint and a 1–4 scale.
    await t()
      .services.db.updateTable('budgetCycle')
      .set({
        viewpoints: JSON.stringify({
          rulesetVersion: cycle.viewpointRulesetVersion,
          viewpoints: [
            ...cycle.viewpoints,
            {
              id: 'accessibility',
              label: { ja: 'アクセシビリティ', en: 'Accessibility' },
              guidance: { ja: 'JIS X 8341-3', en: 'JIS X 8341-3' },
            },
          ],
          ratingScale: cycle.ratingScale.slice(0, 4),
        }),
      })
      .where('fiscalYear', '=', 2065)
      .execute();
    await register(t(), { name: '観点追加の年', fiscalYear: 2065, isNew: true, budgetJpy: 20_000_000 });
    await extract(t(), 2065);
    const [review] = await reviewsOf(t(), 2065);
    const patch = (body: Record<string, unknown>) => t().request('PATCH', `/api/v1/tech-reviews/${review!.id}`, { as: govtech, body });
    // 5 is off this year's scale.
    const offScale = await patch({ version: 1, ...complete });
    expect(offScale.status).toBe(400);
    expect((await offScale.json()).errors.map((e: { path: string }) => e.path)).toEqual(['viewpoints.security.rating']);
    const rated = { technical: { rating: 4, comment: '' }, usability: { rating: 3, comment: '' }, security: { rating: 4, comment: '' } };
    expect((await patch({ version: 1, viewpoints: rated, overallOpinion: '妥当' })).status).toBe(200);
    const refused = await t().request('POST', '/api/v1/budget-cycles/2065/submit', { as: admin });
    expect(refused.status).toBe(422);
    expect((await refused.json()).incomplete[0].missing).toEqual(['viewpoints.accessibility.rating']);
    const saved = await patch({ version: 2, viewpoints: { accessibility: { rating: 2, comment: '色のコントラスト不足' } } });
    expect((await saved.json()).viewpoints.map((v: { id: string; rating: number }) => [v.id, v.rating])).toEqual([
      ['technical', 4],
      ['usability', 3],
      ['security', 4],
      ['accessibility', 2],
    ]);
    expect((await t().request('POST', '/api/v1/budget-cycles/2065/submit', { as: admin })).status).toBe(200);
    const csv = await (await t().request('GET', '/api/v1/tech-reviews.csv?fiscalYear=2065', { as: 'budget@example.jp' })).text();
    expect(csv).toContain('アクセシビリティ 評価');
  });

  it('carries the milestones and warns of a late step', async () => {
    // A cycle whose every date has passed, with nothing done.
    expect(
      (
        await t().request('POST', '/api/v1/budget-cycles', {
          as: admin,
          body: { ...cycleOf(2021), budgetAnnouncementDate: '2021-01-22' },
        })
      ).status,
    ).toBe(201);
    const late = await (await t().request('GET', '/api/v1/budget-cycles/2021', { as: 'budget@example.jp' })).json();
    expect(late.milestones.map((m: { key: string; status: string }) => [m.key, m.status])).toEqual([
      ['request', 'done'],
      ['requestDeadline', 'late'],
      ['evaluationDeadline', 'late'],
      ['submission', 'late'],
      ['budgetAnnouncement', 'late'],
    ]);
    expect(late.milestones[1].warning.ja).toBe('要求締切を過ぎましたが、案件抽出がまだ行われていません');
    expect(late.milestones[3].warning.ja).toBe('評価書提出日を過ぎましたが、評価書が未提出です');

    // A cycle far ahead: every step upcoming, no warnings.
    await createCycle(t(), 2090);
    const ahead = await (await t().request('GET', '/api/v1/budget-cycles/2090', { as: admin })).json();
    expect(ahead.milestones.map((m: { status: string }) => m.status)).toEqual(['upcoming', 'upcoming', 'upcoming', 'upcoming', 'upcoming']);
    expect(ahead.milestones.map((m: { date: string }) => m.date)).toEqual([
      '2089-07-25',
      '2089-09-30',
      '2089-10-31',
      '2089-11-20',
      '2090-01-25',
    ]);
    expect(ahead.milestones.every((m: { warning: unknown }) => m.warning === null)).toBe(true);
  });
});

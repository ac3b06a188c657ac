import { parse } from 'csv-parse/sync';
import { beforeAll, expect, it } from 'vitest';
import { describeOnBothDatabases } from '../testing/harness.ts';

const admin = 'admin@example.jp';
const govtech = 'govtech@example.jp';
const budget = 'budget@example.jp';
const year = 2031;

type Review = {
  id: string;
  fiscalYear: number;
  projectId: string;
  projectCode: string;
  projectName: string;
  bureauCode: string;
  bureauName: string;
  status: string;
  tierAtExtraction: number | null;
  budgetJpyAtExtraction: number | null;
  isTierNotSet: boolean;
  isCanvasMissing: boolean;
  viewpoints: { id: string; label: { ja: string; en: string }; rating: number | null; comment: string }[];
  overallOpinion: string;
  reflection: { outcome: string; amountChangeJpy: number; comment: string; recordedByName: string | null; version: number } | null;
  version: number;
};

const statusJa: Record<string, string> = { extracted: '抽出済', in_review: '評価中', submitted: '提出済' };
/** The report's rule for Excel: text that would start a formula gets a leading apostrophe. */
const asExcelText = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);

describeOnBothDatabases('tech reviews', (t) => {
  const projects: Record<string, { id: string; code: string }> = {};

  beforeAll(async () => {
    const res = await t().request('POST', '/api/v1/budget-cycles', {
      as: admin,
      body: {
        fiscalYear: year,
        requestDate: '2030-07-25',
        requestDeadline: '2030-09-30',
        evaluationDeadline: '2030-10-31',
        submissionDate: '2030-11-20',
      },
    });
    expect(res.status).toBe(201);
    const specs = [
      { key: 'ind2', as: 'staff.ind@example.jp', bureauCode: 'IND', name: '中小企業DX支援, "補助金" 申請', budgetJpy: 25_000_000 },
      { key: 'ind3', as: 'staff.ind@example.jp', bureauCode: 'IND', name: '=HYPERLINK("http://evil")', budgetJpy: 90_000_000 },
      { key: 'wel2', as: 'staff.wel@example.jp', bureauCode: 'WEL', name: '介護認定\n電子化', budgetJpy: 30_000_000 },
    ];
    for (const spec of specs) {
      const created = await t().request('POST', '/api/v1/projects', {
        as: spec.as,
        body: {
          name: spec.name,
          bureauCode: spec.bureauCode,
          fiscalYear: year,
          isNew: true,
          budgetJpy: spec.budgetJpy,
          maxDowntimeHours: 24,
          confidentiality: 'B',
        },
      });
      expect(created.status).toBe(201);
      projects[spec.key] = await created.json();
    }
    expect((await t().request('POST', `/api/v1/budget-cycles/${year}/extract`, { as: admin })).status).toBe(200);
  });

  const list = async (as: string, query = `fiscalYear=${year}`) => {
    const res = await t().request('GET', `/api/v1/tech-reviews?${query}`, { as });
    expect(res.status, as).toBe(200);
    return (await res.json()).items as Review[];
  };
  const reviewOf = async (key: string) => (await list(admin)).find((r) => r.projectId === projects[key]!.id)!;

  it('shows every review to admin, GovTech Tokyo and CIO advisors, none to the budget office before 評価書提出; staff and bureau leads only their bureaus’', async () => {
    const all = [projects.ind2!.code, projects.ind3!.code, projects.wel2!.code].sort();
    for (const as of [admin, govtech, 'chief@example.jp', 'advisor.wel@example.jp', 'advisor.ind@example.jp']) {
      expect((await list(as)).map((r) => r.projectCode)).toEqual(all);
    }
    expect((await list('staff.ind@example.jp')).map((r) => r.projectCode)).toEqual([projects.ind2!.code, projects.ind3!.code].sort());
    expect((await list('lead.ind@example.jp')).map((r) => r.bureauCode)).toEqual(['IND', 'IND']);
    expect((await list('staff.wel@example.jp')).map((r) => r.projectCode)).toEqual([projects.wel2!.code]);

    const ind = await reviewOf('ind3');
    expect(ind).toMatchObject({
      fiscalYear: year,
      bureauName: '産業労働局',
      status: 'extracted',
      tierAtExtraction: 3,
      budgetJpyAtExtraction: 90_000_000,
      isTierNotSet: false,
      isCanvasMissing: true,
      reflection: null,
    });
    expect(ind.viewpoints.map((v) => [v.id, v.label.ja, v.rating])).toEqual([
      ['technical', '技術面', null],
      ['usability', 'ユーザビリティ', null],
      ['security', 'セキュリティ', null],
    ]);
    expect((await t().request('GET', `/api/v1/tech-reviews/${ind.id}`, { as: 'staff.ind@example.jp' })).status).toBe(200);
    expect((await t().request('GET', `/api/v1/tech-reviews/${ind.id}`, { as: 'staff.wel@example.jp' })).status).toBe(404);
    expect((await t().request('GET', '/api/v1/tech-reviews/00000000-0000-4000-8000-000000000000', { as: admin })).status).toBe(404);

    // The budget office receives the evaluation at 評価書提出: before it, nothing, in the UI's API or by token.
    const { token } = await (
      await t().request('POST', '/api/v1/tokens', { as: budget, body: { name: '財務会計システム', scopes: ['tech_reviews:read'] } })
    ).json();
    for (const as of [budget, token]) {
      expect(await list(as)).toEqual([]);
      expect((await t().request('GET', `/api/v1/tech-reviews/${ind.id}`, { as })).status).toBe(404);
      const csv = parse(await (await t().request('GET', `/api/v1/tech-reviews.csv?fiscalYear=${year}`, { as })).text(), { bom: true });
      expect(csv).toHaveLength(1);
    }
    expect((await t().request('GET', `/api/v1/budget-cycles/${year}/comparison`, { as: budget })).status).toBe(403);
  });

  it('pages by keyset and filters by status', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t().request('GET', `/api/v1/tech-reviews?fiscalYear=${year}&limit=1${cursor ? `&cursor=${cursor}` : ''}`, {
        as: admin,
      });
      const page = await res.json();
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items.map((r: Review) => r.projectCode));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual((await list(admin)).map((r) => r.projectCode));
    expect(await list(admin, `fiscalYear=${year}&status=submitted`)).toEqual([]);
    const bad = await t().request('GET', '/api/v1/tech-reviews?status=done&fiscalYear=x&cursor=@@', { as: admin });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'query.cursor',
      'query.fiscalYear',
      'query.status',
    ]);
  });

  it('records the evaluation (GovTech Tokyo only, not admin) on the cycle’s viewpoints at the version seen, moving it into review', async () => {
    const review = await reviewOf('ind2');
    const patch = (as: string, body: Record<string, unknown>) => t().request('PATCH', `/api/v1/tech-reviews/${review.id}`, { as, body });
    const body = {
      version: review.version,
      viewpoints: { technical: { rating: 4, comment: '=1+1 は数式ではなく所見' } },
      overallOpinion: '概ね妥当',
    };
    for (const as of [admin, budget, 'chief@example.jp', 'staff.ind@example.jp']) expect((await patch(as, body)).status, as).toBe(403);

    const invalid = await patch(govtech, {
      version: review.version,
      viewpoints: { technical: { rating: 11, comment: 'x' } },
      status: 'submitted',
    });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).errors.map((e: { path: string }) => e.path).sort()).toEqual(['status', 'viewpoints.technical.rating']);
    // Ids and ratings outside the cycle's ruleset are refused with their paths.
    const outside = await patch(govtech, {
      version: review.version,
      viewpoints: { accessibility: { rating: 3, comment: '' }, security: { rating: 7, comment: '' } },
    });
    expect(outside.status).toBe(400);
    expect((await outside.json()).errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'viewpoints.accessibility',
      'viewpoints.security.rating',
    ]);

    const ok = await patch(govtech, body);
    expect(ok.status).toBe(200);
    const saved = await ok.json();
    expect(saved).toMatchObject({
      status: 'in_review',
      version: review.version + 1,
      overallOpinion: '概ね妥当',
      reviewerName: '技術 翔太',
    });
    expect(saved.viewpoints.map((v: { id: string; rating: number | null; comment: string }) => [v.id, v.rating, v.comment])).toEqual([
      ['technical', 4, '=1+1 は数式ではなく所見'],
      ['usability', null, ''],
      ['security', null, ''],
    ]);
    const stale = await patch(govtech, { ...body, overallOpinion: '上書き' });
    expect(stale.status).toBe(409);
    expect((await stale.json()).currentVersion).toBe(review.version + 1);
    const back = await patch(govtech, { version: review.version + 1, status: 'extracted' });
    expect((await back.json()).status).toBe('extracted');

    const audit = await t()
      .services.db.selectFrom('auditEvent')
      .select(['action', 'after'])
      .where('entityId', '=', review.id)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['tech_review.extract', 'tech_review.update', 'tech_review.update']);
  });

  it('shows all reviews to the budget office once submitted, who records each reflection; bureaus see it', async () => {
    for (const key of ['ind2', 'ind3', 'wel2']) {
      const r = await reviewOf(key);
      const rated = { rating: 4, comment: '所見' };
      const res = await t().request('PATCH', `/api/v1/tech-reviews/${r.id}`, {
        as: govtech,
        body: { version: r.version, viewpoints: { technical: rated, usability: rated, security: rated }, overallOpinion: '妥当' },
      });
      expect(res.status).toBe(200);
    }
    const unsubmitted = await reviewOf('ind3');
    const reflect = (as: string, id: string, body: Record<string, unknown>) =>
      t().request('PUT', `/api/v1/tech-reviews/${id}/reflection`, { as, body });
    const cut = { outcome: 'partly_reflected', amountChangeJpy: -12_345_678, comment: 'クラウド利用で運用費を減額', version: 0 };
    // Before submission there is nothing to reflect: the review does not exist for the budget office.
    expect((await reflect(budget, unsubmitted.id, cut)).status).toBe(404);
    expect((await t().request('POST', `/api/v1/budget-cycles/${year}/submit`, { as: admin })).status).toBe(200);

    expect((await list(budget)).map((r) => r.status)).toEqual(['submitted', 'submitted', 'submitted']);
    const ind3 = await reviewOf('ind3');
    for (const as of [admin, govtech, 'staff.ind@example.jp', 'chief@example.jp']) {
      expect((await reflect(as, ind3.id, cut)).status, as).toBe(403);
    }
    const invalid = await reflect(budget, ind3.id, { outcome: 'done', amountChangeJpy: 1.5, comment: 'x', version: 0 });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).errors.map((e: { path: string }) => e.path).sort()).toEqual(['amountChangeJpy', 'outcome']);

    const first = await reflect(budget, ind3.id, cut);
    expect(first.status).toBe(200);
    expect((await first.json()).reflection).toMatchObject({
      outcome: 'partly_reflected',
      amountChangeJpy: -12_345_678,
      comment: 'クラウド利用で運用費を減額',
      recordedByName: '財務 直樹',
      version: 1,
    });
    // A second first record (version 0) lost the race: it is told the current version.
    const racing = await reflect(budget, ind3.id, { ...cut, outcome: 'reflected' });
    expect(racing.status).toBe(409);
    expect((await racing.json()).currentVersion).toBe(1);
    const corrected = await reflect(budget, ind3.id, { ...cut, amountChangeJpy: -20_000_000, version: 1 });
    expect((await corrected.json()).reflection).toMatchObject({ amountChangeJpy: -20_000_000, version: 2 });
    const wel2 = await reviewOf('wel2');
    expect((await reflect(budget, wel2.id, { outcome: 'not_reflected', amountChangeJpy: 0, comment: '', version: 0 })).status).toBe(200);

    // The bureau and the Digital Service Bureau see the reflection.
    for (const as of ['staff.ind@example.jp', 'lead.ind@example.jp', admin, govtech]) {
      const seen = await (await t().request('GET', `/api/v1/tech-reviews/${ind3.id}`, { as })).json();
      expect(seen.reflection, as).toMatchObject({ outcome: 'partly_reflected', amountChangeJpy: -20_000_000 });
    }
    const audit = await t()
      .services.db.selectFrom('auditEvent')
      .select(['action', 'before', 'after'])
      .where('entityId', '=', ind3.id)
      .where('action', '=', 'tech_review.reflect')
      .orderBy('id')
      .execute();
    expect(
      audit.map((a) => [a.before && (a.before as { version: number }).version, (a.after as { amountChangeJpy: number }).amountChangeJpy]),
    ).toEqual([
      [null, -12_345_678],
      [1, -20_000_000],
    ]);

    // Year on year: the outcomes of every submitted cycle, scoped like the reviews.
    const outcomes = await (await t().request('GET', '/api/v1/tech-reviews/reflection-outcomes', { as: budget })).json();
    expect(outcomes.items.find((i: { fiscalYear: number }) => i.fiscalYear === year)).toEqual({
      fiscalYear: year,
      submitted: 3,
      reflected: 0,
      partlyReflected: 1,
      notReflected: 1,
      unrecorded: 1,
      amountChangeJpy: -20_000_000,
    });
    const welOutcomes = await (await t().request('GET', '/api/v1/tech-reviews/reflection-outcomes', { as: 'staff.wel@example.jp' })).json();
    expect(welOutcomes.items.find((i: { fiscalYear: number }) => i.fiscalYear === year)).toMatchObject({ submitted: 1, notReflected: 1 });
    const cycle = await (await t().request('GET', `/api/v1/budget-cycles/${year}`, { as: budget })).json();
    expect(cycle.techReviews).toEqual({ extracted: 0, inReview: 0, submitted: 3, total: 3, reflected: 2 });
  });

  it('exports the CSV report that parses back to the JSON list, with a BOM, Japanese headers and formula-safe text', async () => {
    const res = await t().request('GET', `/api/v1/tech-reviews.csv?fiscalYear=${year}`, { as: 'budget@example.jp' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(`技術的関与_${year}.csv`)}`);
    // Response.text() would drop the byte-order mark, so look at the bytes Excel gets.
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const [header, ...rows] = parse(text, { bom: true }) as string[][];
    expect(header).toEqual([
      '年度',
      'プロジェクト番号',
      '事業名',
      '局',
      '区分',
      '予算額（円）',
      '抽出時の注記',
      '技術面 評価',
      '技術面 コメント',
      'ユーザビリティ 評価',
      'ユーザビリティ コメント',
      'セキュリティ 評価',
      'セキュリティ コメント',
      '総合意見',
      '状況',
      '反映状況',
      '増減額（円）',
      '反映についてのコメント',
    ]);
    const json = await list('budget@example.jp');
    const cell = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
    const outcomeJa: Record<string, string> = { reflected: '反映', partly_reflected: '一部反映', not_reflected: '未反映' };
    expect(rows).toEqual(
      json.map((r) => [
        String(r.fiscalYear),
        r.projectCode,
        asExcelText(r.projectName),
        r.bureauName,
        cell(r.tierAtExtraction),
        cell(r.budgetJpyAtExtraction),
        r.isCanvasMissing ? 'キャンバス未記入' : '',
        ...r.viewpoints.flatMap((v) => [cell(v.rating), asExcelText(v.comment)]),
        asExcelText(r.overallOpinion),
        statusJa[r.status],
        r.reflection ? outcomeJa[r.reflection.outcome] : '',
        cell(r.reflection?.amountChangeJpy),
        r.reflection?.comment ?? '',
      ]),
    );
    expect(rows.map((r) => r[15]).sort()).toEqual(['', '一部反映', '未反映']);
    expect(rows.map((r) => r[16])).toContain('-20000000');
    // The hostile name really was neutralised, and the comma/quote/newline names survived intact.
    expect(rows.map((r) => r[2])).toContain(`'=HYPERLINK("http://evil")`);
    expect(rows.map((r) => r[2])).toContain('介護認定\n電子化');

    const staffCsv = parse(
      await (await t().request('GET', `/api/v1/tech-reviews.csv?fiscalYear=${year}`, { as: 'staff.wel@example.jp' })).text(),
      {
        bom: true,
      },
    ) as string[][];
    expect(staffCsv.slice(1).map((r) => r[1])).toEqual([projects.wel2!.code]);
    expect((await t().request('GET', '/api/v1/tech-reviews.csv', { as: admin })).status).toBe(400);
  });
});

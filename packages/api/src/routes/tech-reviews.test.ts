import { parse } from 'csv-parse/sync';
import { beforeAll, expect, it } from 'vitest';
import { describeOnBothDatabases } from '../testing/harness.ts';

const admin = 'admin@example.jp';
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
  technical: { rating: number | null; comment: string };
  usability: { rating: number | null; comment: string };
  security: { rating: number | null; comment: string };
  overallOpinion: string;
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

  it('shows every review to admin, the budget office and CIO advisors; staff and bureau leads only their bureaus’', async () => {
    const all = [projects.ind2!.code, projects.ind3!.code, projects.wel2!.code].sort();
    for (const as of [admin, 'budget@example.jp', 'chief@example.jp', 'advisor.wel@example.jp', 'advisor.ind@example.jp']) {
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
    });
    expect((await t().request('GET', `/api/v1/tech-reviews/${ind.id}`, { as: 'staff.ind@example.jp' })).status).toBe(200);
    expect((await t().request('GET', `/api/v1/tech-reviews/${ind.id}`, { as: 'staff.wel@example.jp' })).status).toBe(404);
    expect((await t().request('GET', '/api/v1/tech-reviews/00000000-0000-4000-8000-000000000000', { as: admin })).status).toBe(404);
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
    expect((await bad.json()).errors.map((e: { path: string }) => e.path).sort()).toEqual(['query.fiscalYear', 'query.status']);
  });

  it('records the evaluation (admin only) at the version seen, moving it into review', async () => {
    const review = await reviewOf('ind2');
    const patch = (as: string, body: Record<string, unknown>) => t().request('PATCH', `/api/v1/tech-reviews/${review.id}`, { as, body });
    const body = { version: review.version, technical: { rating: 4, comment: '=1+1 は数式ではなく所見' }, overallOpinion: '概ね妥当' };
    for (const as of ['budget@example.jp', 'chief@example.jp', 'staff.ind@example.jp'])
      expect((await patch(as, body)).status, as).toBe(403);

    const invalid = await patch(admin, { version: review.version, technical: { rating: 6, comment: 'x' }, status: 'submitted' });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).errors.map((e: { path: string }) => e.path).sort()).toEqual(['status', 'technical.rating']);

    const ok = await patch(admin, body);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      status: 'in_review',
      version: review.version + 1,
      technical: { rating: 4, comment: '=1+1 は数式ではなく所見' },
      usability: { rating: null, comment: '' },
      overallOpinion: '概ね妥当',
      reviewerName: 'デジタル 管理者',
    });
    const stale = await patch(admin, { ...body, overallOpinion: '上書き' });
    expect(stale.status).toBe(409);
    expect((await stale.json()).currentVersion).toBe(review.version + 1);
    const back = await patch(admin, { version: review.version + 1, status: 'extracted' });
    expect((await back.json()).status).toBe('extracted');

    const audit = await t()
      .services.db.selectFrom('auditEvent')
      .select(['action', 'after'])
      .where('entityId', '=', review.id)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['tech_review.extract', 'tech_review.update', 'tech_review.update']);
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
      '技術面 評価',
      '技術面 所見',
      'ユーザビリティ 評価',
      'ユーザビリティ 所見',
      'セキュリティ 評価',
      'セキュリティ 所見',
      '総合所見',
      '状況',
    ]);
    const json = await list('budget@example.jp');
    const cell = (v: number | null) => (v === null ? '' : String(v));
    expect(rows).toEqual(
      json.map((r) => [
        String(r.fiscalYear),
        r.projectCode,
        asExcelText(r.projectName),
        r.bureauName,
        cell(r.tierAtExtraction),
        cell(r.budgetJpyAtExtraction),
        cell(r.technical.rating),
        asExcelText(r.technical.comment),
        cell(r.usability.rating),
        asExcelText(r.usability.comment),
        cell(r.security.rating),
        asExcelText(r.security.comment),
        asExcelText(r.overallOpinion),
        statusJa[r.status],
      ]),
    );
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

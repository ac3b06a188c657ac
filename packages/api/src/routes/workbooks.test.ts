/**
 * Excel workbooks beside the CSVs: read back with SheetJS (not exceljs, which wrote them) and
 * compared with the CSV of the same request cell by cell — values, types (numbers are numbers,
 * dates are dates) and Japanese text.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as XLSX from 'xlsx';
import { tier3WelfareProject } from '../testing/bodies.ts';
import { createTestApp, describeOnBothDatabases, type TestApp } from '../testing/harness.ts';
import { cellAsCsv, parseCsv, type ReadCell, readWorkbook, sheetCells, workbookPart } from '../testing/workbook-reader.ts';
import { xlsxContentType } from '../xlsx.ts';

const reader = 'advisor.wel@example.jp';
const admin = 'admin@example.jp';
const budget = 'budget@example.jp';
const year = 2034;

type CellType = ReturnType<typeof cellAsCsv>['type'];

/** A valid 法人番号 for 12 base digits (check digit first). */
function corporateNumber(base12: string): string {
  let sum = 0;
  for (let n = 1; n <= 12; n++) sum += Number(base12[12 - n]) * (n % 2 === 1 ? 1 : 2);
  return `${9 - (sum % 9)}${base12}`;
}

/** Every CSV cell equals its workbook cell; returns the types found per column (header → types). */
function expectSameCells(csv: string[][], cells: (ReadCell | undefined)[][]): Map<string, Set<CellType>> {
  expect(cells.length).toBe(csv.length);
  const header = csv[0]!;
  expect(cells[0]!.map((c) => cellAsCsv(c).text)).toEqual(header);
  const types = new Map(header.map((h) => [h, new Set<CellType>()]));
  const mismatches: string[] = [];
  csv.slice(1).forEach((row, r) => {
    row.forEach((expected, col) => {
      const cell = cellAsCsv(cells[r + 1]![col]);
      types.get(header[col]!)!.add(cell.type);
      const isSame =
        cell.type === 'datetime'
          ? Math.abs(Date.parse(`${cell.text}Z`) - Date.parse(expected)) <= 1000
          : cell.type === 'number'
            ? Number(cell.text) === Number(expected)
            : cell.text === expected;
      if (!isSame) mismatches.push(`row ${r + 2} ${header[col]}: csv ${JSON.stringify(expected)}, xlsx ${JSON.stringify(cell)}`);
    });
  });
  expect(mismatches.slice(0, 10)).toEqual([]);
  return types;
}

async function download(t: TestApp, path: string, as: string) {
  const res = await t.request('GET', path, { as });
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

describeOnBothDatabases(
  'Excel workbooks',
  (t) => {
    beforeAll(async () => {
      // Text Excel would run as a formula, and a Japanese name, among the demo book.
      for (const name of ['=HYPERLINK("http://example.com","開く")', '@SUM(A1:A9)', '-1+2', '介護人材マッチング']) {
        const res = await t().request('POST', '/api/v1/projects', {
          as: 'staff.wel@example.jp',
          body: tier3WelfareProject(name, year),
        });
        expect(res.status).toBe(201);
      }
      await t().request('POST', '/api/v1/budget-cycles', {
        as: admin,
        body: {
          fiscalYear: year,
          requestDate: `${year - 1}-07-25`,
          requestDeadline: `${year - 1}-09-30`,
          evaluationDeadline: `${year - 1}-10-31`,
          submissionDate: `${year - 1}-11-20`,
        },
      });
      expect((await t().request('POST', `/api/v1/budget-cycles/${year}/extract`, { as: admin })).status).toBe(200);
      // GovTech Tokyo evaluates and the report is submitted (評価書提出): only then does the budget office read it.
      const extracted = (await (await t().request('GET', `/api/v1/tech-reviews?fiscalYear=${year}`, { as: admin })).json()).items as {
        id: string;
        version: number;
      }[];
      const rated = { rating: 4, comment: '所見' };
      for (const r of extracted) {
        const res = await t().request('PATCH', `/api/v1/tech-reviews/${r.id}`, {
          as: 'govtech@example.jp',
          body: { version: r.version, viewpoints: { technical: rated, usability: rated, security: rated }, overallOpinion: '妥当' },
        });
        expect(res.status).toBe(200);
      }
      expect((await t().request('POST', `/api/v1/budget-cycles/${year}/submit`, { as: admin })).status).toBe(200);

      const project = await (
        await t().request('POST', '/api/v1/projects', {
          as: 'staff.wel@example.jp',
          body: { name: '介護記録の電子化', bureauCode: 'WEL', fiscalYear: year, isNew: true, budgetJpy: 8_000_000 },
        })
      ).json();
      const procurements = [
        {
          title: '介護記録システム構築',
          method: 'policy_negotiated',
          status: 'contracted',
          vendorName: '株式会社スタートアップ',
          corporateNumber: corporateNumber('000012050002'),
          isStartup: true,
          contractAmountJpy: 12_500_000,
          contractStart: `${year}-04-01`,
          contractEnd: `${year + 1}-03-31`,
        },
        { title: '=保守（予定）', method: 'general_competitive', status: 'planned' },
      ];
      for (const body of procurements) {
        const res = await t().request('POST', `/api/v1/projects/${project.id}/procurements`, { as: 'staff.wel@example.jp', body });
        expect(res.status).toBe(201);
      }
      const imported = await t().app.request('/api/v1/imports/expenses', {
        method: 'POST',
        headers: { authorization: `Bearer ${await t().tokenFor(admin)}`, 'content-type': 'text/csv' },
        body: readFileSync(new URL('../testing/fixtures/expense-lines-fy2021-dsb.csv', import.meta.url)),
      });
      expect(imported.status).toBe(201);
    });

    it('gives the project list as a workbook with the same cells as the CSV: numbers as numbers, dates as dates, Japanese text', async () => {
      for (const query of ['', '?bureau=WEL&fiscalYear=2034', '?stage=operation,planning&tier=2,unset']) {
        const csv = parseCsv((await download(t(), `/api/v1/exports/projects.csv${query}`, reader)).bytes);
        const { res, bytes } = await download(t(), `/api/v1/exports/projects.xlsx${query}`, reader);
        expect(res.headers.get('content-type')).toBe(xlsxContentType);
        expect(res.headers.get('content-disposition')).toMatch(/filename="psbook-projects-\d{4}-\d{2}-\d{2}\.xlsx"/);
        const workbook = readWorkbook(bytes);
        expect(workbook.SheetNames).toEqual(['条件', 'プロジェクト']);
        const types = expectSameCells(csv, sheetCells(workbook, 'プロジェクト'));
        expect(csv.length).toBeGreaterThan(1);
        const only = (header: string, type: CellType) =>
          expect(
            [...types.get(header)!].filter((x) => x !== 'empty'),
            header,
          ).toEqual([type]);
        only('予算額（円）', 'number');
        only('年度', 'number');
        only('登録日', 'date');
        only('更新日時', 'datetime');
        only('事業名', 'text');
        only('局', 'text');
      }
    });

    it('writes the filters and the time on a first 条件 sheet, freezes the header row and fits the column widths', async () => {
      const workbook = readWorkbook(
        (await download(t(), '/api/v1/exports/projects.xlsx?bureau=WEL&stage=planning&isNew=true', reader)).bytes,
      );
      const conditions = Object.fromEntries(sheetCells(workbook, '条件').map((row) => row.map((c) => cellAsCsv(c).text)));
      expect(conditions).toMatchObject({
        項目: '値',
        内容: 'PS Book プロジェクト一覧',
        出力者: reader,
        局: 'WEL',
        段階: '企画',
        '新規/継続': '新規',
      });
      expect(conditions.出力日時).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}（日本時間）$/);
      const sheetXml = workbookPart(workbook, 'xl/worksheets/sheet2.xml');
      expect(sheetXml).toMatch(/<pane[^>]*ySplit="1"[^>]*state="frozen"/);
      const cols = workbook.Sheets.プロジェクト!['!cols']!;
      const header = sheetCells(workbook, 'プロジェクト')[0]!.map((c) => String(c?.v));
      const width = (name: string) => cols[header.indexOf(name)]!.width ?? 0;
      // 事業名 holds long Japanese names; 年度 four digits: widths follow the content.
      expect(width('事業名')).toBeGreaterThan(width('年度'));
      expect(width('予算額（円）')).toBeGreaterThanOrEqual(14);
      const budgetCell = workbook.Sheets.プロジェクト!.J2 as ReadCell;
      expect(budgetCell.z).toBe('"¥"#,##0');
    });

    it('keeps text that looks like a formula a string, never a formula, protected as in the CSV', async () => {
      const query = `?bureau=WEL&fiscalYear=${year}`;
      const csv = parseCsv((await download(t(), `/api/v1/exports/projects.csv${query}`, reader)).bytes);
      const workbook = readWorkbook((await download(t(), `/api/v1/exports/projects.xlsx${query}`, reader)).bytes);
      const cells = sheetCells(workbook, 'プロジェクト');
      const nameAt = csv[0]!.indexOf('事業名');
      const names = cells.slice(1).map((row) => row[nameAt]!);
      expect(names.every((c) => c.t === 's' && c.f === undefined)).toBe(true);
      expect(names.map((c) => c.v).sort()).toEqual([
        "'-1+2",
        '\'=HYPERLINK("http://example.com","開く")',
        "'@SUM(A1:A9)",
        '介護人材マッチング',
        '介護記録の電子化',
      ]);
      expect(
        csv
          .slice(1)
          .map((row) => row[nameAt])
          .sort(),
      ).toEqual(names.map((c) => c.v).sort());
      // No formula anywhere in the sheet's XML.
      expect(workbookPart(workbook, 'xl/worksheets/sheet2.xml')).not.toContain('<f>');
    });

    it('gives the open data as a workbook with the same cells as its CSV', async () => {
      const csv = parseCsv((await download(t(), '/api/v1/exports/open-data.csv', reader)).bytes);
      const workbook = readWorkbook((await download(t(), '/api/v1/exports/open-data.xlsx', reader)).bytes);
      expect(workbook.SheetNames).toEqual(['条件', 'オープンデータ']);
      expectSameCells(csv, sheetCells(workbook, 'オープンデータ'));
      expect(csv[0]).not.toContain('機密性');
    });

    it('gives the tech review report as a workbook with the CSV’s cells, for the budget office and its API token', async () => {
      const csv = parseCsv((await download(t(), `/api/v1/tech-reviews.csv?fiscalYear=${year}`, budget)).bytes);
      const { res, bytes } = await download(t(), `/api/v1/tech-reviews.xlsx?fiscalYear=${year}`, budget);
      expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('技術的関与_2034.xlsx'));
      const workbook = readWorkbook(bytes);
      expect(workbook.SheetNames).toEqual(['条件', '技術的関与']);
      const types = expectSameCells(csv, sheetCells(workbook, '技術的関与'));
      expect(csv.length).toBeGreaterThan(1);
      expect([...types.get('予算額（円）')!]).toEqual(['number']);
      expect([...types.get('年度')!]).toEqual(['number']);

      const created = await (
        await t().request('POST', '/api/v1/tokens', {
          as: budget,
          body: { name: '財務会計', scopes: ['tech_reviews:read'], expiresInDays: 1 },
        })
      ).json();
      const pulled = await t().request('GET', `/api/v1/tech-reviews.xlsx?fiscalYear=${year}`, { as: created.token });
      expect(pulled.status).toBe(200);
      expectSameCells(csv, sheetCells(readWorkbook(new Uint8Array(await pulled.arrayBuffer())), '技術的関与'));
      // The same authorisation as the CSV: this token's scope does not cover the project list.
      expect((await t().request('GET', '/api/v1/exports/projects.xlsx', { as: created.token })).status).toBe(403);
      expect((await t().request('GET', '/api/v1/exports/projects.csv', { as: created.token })).status).toBe(403);
      const projectsToken = await (
        await t().request('POST', '/api/v1/tokens', { as: budget, body: { name: '一覧', scopes: ['projects:read'], expiresInDays: 1 } })
      ).json();
      expect((await t().request('GET', '/api/v1/exports/projects.xlsx', { as: projectsToken.token })).status).toBe(200);
      expect((await t().request('GET', '/api/v1/procurements.xlsx', { as: projectsToken.token })).status).toBe(200);
      expect((await t().request('GET', '/api/v1/stats/expenses.xlsx', { as: projectsToken.token })).status).toBe(403);
      const statsToken = await (
        await t().request('POST', '/api/v1/tokens', { as: budget, body: { name: '集計', scopes: ['stats:read'], expiresInDays: 1 } })
      ).json();
      expect((await t().request('GET', '/api/v1/stats/expenses.xlsx', { as: statsToken.token })).status).toBe(200);
      expect((await t().request('GET', '/api/v1/stats/expenses.csv', { as: statsToken.token })).status).toBe(200);
      expect((await t().request('GET', '/api/v1/procurements.xlsx', { as: statsToken.token })).status).toBe(403);
      expect((await t().request('GET', `/api/v1/tech-reviews.xlsx?fiscalYear=${year}`, { as: projectsToken.token })).status).toBe(403);
      // Staff see only their own bureaus' reviews, in the workbook as in the CSV.
      const staffCsv = parseCsv((await download(t(), `/api/v1/tech-reviews.csv?fiscalYear=${year}`, 'staff.ind@example.jp')).bytes);
      const staffBook = readWorkbook((await download(t(), `/api/v1/tech-reviews.xlsx?fiscalYear=${year}`, 'staff.ind@example.jp')).bytes);
      expectSameCells(staffCsv, sheetCells(staffBook, '技術的関与'));
    });

    it('gives the procurement register as a workbook with the CSV’s cells: amounts, dates and the budget ratio as numbers, the corporate number as text', async () => {
      const csv = parseCsv((await download(t(), '/api/v1/procurements.csv?bureau=WEL', reader)).bytes);
      const workbook = readWorkbook((await download(t(), '/api/v1/procurements.xlsx?bureau=WEL', reader)).bytes);
      expect(workbook.SheetNames).toEqual(['条件', '調達']);
      const types = expectSameCells(csv, sheetCells(workbook, '調達'));
      expect(csv).toHaveLength(3);
      const contracted = csv.find((row) => row.includes('介護記録システム構築'))!;
      const column = (name: string) => csv[0]!.indexOf(name);
      expect(contracted[column('調達方式')]).toBe('政策目的随意契約');
      expect(contracted[column('法人番号')]).toBe(corporateNumber('000012050002'));
      expect(contracted[column('契約額/予算')]).toBe('1.5625');
      expect(contracted[column('予算超過')]).toBe('はい');
      expect(csv.find((row) => row.includes("'=保守（予定）"))).toBeDefined();
      for (const header of ['契約金額（円）', '予算額（円）', '差額（円）', '契約額/予算'])
        expect(types.get(header)!.has('number'), header).toBe(true);
      expect([...types.get('契約開始日')!].filter((x) => x !== 'empty')).toEqual(['date']);
      expect([...types.get('法人番号')!].filter((x) => x !== 'empty')).toEqual(['text']);
      const ratioCell = sheetCells(workbook, '調達')
        .slice(1)
        .map((row) => row[column('契約額/予算')])
        .find(Boolean)!;
      expect(ratioCell.z).toBe('0.0%');
      const conditions = Object.fromEntries(sheetCells(workbook, '条件').map((row) => row.map((c) => cellAsCsv(c).text)));
      expect(conditions).toMatchObject({ 内容: 'PS Book 調達一覧', 局: 'WEL' });
    });

    it('gives the expense statistics as a workbook: one sheet per table, each with the cells of its CSV', async () => {
      const workbook = readWorkbook((await download(t(), '/api/v1/stats/expenses.xlsx?fiscalYear=2021', reader)).bytes);
      expect(workbook.SheetNames).toEqual(['条件', '合計', '区分別', '局別']);
      for (const [table, sheet] of [
        ['total', '合計'],
        ['category', '区分別'],
        ['bureau', '局別'],
      ] as const) {
        const csv = parseCsv((await download(t(), `/api/v1/stats/expenses.csv?fiscalYear=2021&table=${table}`, reader)).bytes);
        const types = expectSameCells(csv, sheetCells(workbook, sheet));
        for (const header of csv[0]!.filter((h) => h.includes('円') || h === '件数'))
          expect([...types.get(header)!], header).toEqual(['number']);
      }
      const total = parseCsv((await download(t(), '/api/v1/stats/expenses.csv?fiscalYear=2021&table=total', reader)).bytes);
      expect(total).toEqual([
        ['年度', '件数', '合計（円・重複除く）', '区分の合計（円）', '重複額（円）'],
        ['2021', '14', expect.any(String), expect.any(String), expect.any(String)],
      ]);
      expect(Number(total[1]![2])).toBe(24_444_044_000);
      const byBureau = parseCsv((await download(t(), '/api/v1/stats/expenses.csv?fiscalYear=2021', reader)).bytes);
      expect(byBureau[1]!.slice(0, 2)).toEqual(['DSB', 'デジタルサービス局']);
    });

    it('refuses a workbook without a sign-in and answers bad filters with the CSV’s problem', async () => {
      expect((await t().app.request('/api/v1/exports/projects.xlsx')).status).toBe(401);
      const bad = await t().request('GET', '/api/v1/exports/projects.xlsx?tier=7', { as: reader });
      expect(bad.status).toBe(400);
      expect((await bad.json()).errors[0].path).toBe('query.tier');
    });
  },
  { demoProjects: true },
);

describe('a 100,000-project workbook', () => {
  it('streams within bounded memory', async () => {
    const t = await createTestApp('pglite');
    const started = performance.now();
    const lap = (what: string) => console.log(`[100k workbook] ${what} at ${Math.round(performance.now() - started)} ms`);
    try {
      await sql`
        insert into project (name, bureau_code, fiscal_year, budget_jpy, oversight, ruleset_version, created_at)
        select '大量登録の事業 第' || g || '号', 'HLT', 2026, g * 1000, '{}'::jsonb, 'test', timestamptz '2026-01-05 10:00:00+09' + g * interval '1 second'
        from generate_series(1, 100000) g`.execute(t.services.db);
      lap('inserted');
      // Warm up the code paths once, so what is measured is the stream, not first-use allocations.
      await (await t.request('GET', '/api/v1/exports/projects.xlsx?bureau=DSB', { as: reader })).arrayBuffer();
      global.gc?.();
      const before = process.memoryUsage().rss;
      const res = await t.request('GET', '/api/v1/exports/projects.xlsx?bureau=HLT', { as: reader });
      expect(res.status).toBe(200);
      let peak = before;
      let bytes = 0;
      const chunks: Uint8Array[] = [];
      const body = res.body!.getReader();
      for (;;) {
        const { done, value } = await body.read();
        if (done) break;
        bytes += value.byteLength;
        chunks.push(value);
        peak = Math.max(peak, process.memoryUsage().rss);
      }
      lap('downloaded');
      const growthMb = (peak - before) / 1024 / 1024;
      // Read back without building 1.8 million cells: SheetJS's own zip reader, then the sheet's rows.
      const zip = XLSX.CFB.read(Buffer.concat(chunks), { type: 'buffer' });
      const at = zip.FullPaths.findIndex((p: string) => p.endsWith('xl/worksheets/sheet2.xml'));
      const sheetXml = Buffer.from(zip.FileIndex[at]!.content as Uint8Array).toString('utf8');
      lap('read back');
      const xmlBytes = sheetXml.length;
      console.log(
        `[100k workbook] ${(bytes / 1024 / 1024).toFixed(1)} MB zipped, ${(xmlBytes / 1024 / 1024).toFixed(0)} MB of sheet XML; RSS growth while streaming ${growthMb.toFixed(0)} MB`,
      );
      expect(sheetXml.match(/<row /g)).toHaveLength(100_001);
      expect(sheetXml).toContain('<row r="100001"');
      expect(sheetXml).toContain('大量登録の事業 第100000号');
      // Bounded: the whole sheet is ~60 MB of XML (~1.8 million cells); the stream holds a batch or so.
      expect(growthMb).toBeLessThan(100);

      // A client that hangs up after the first bytes ends the workbook quietly: no error logged, and
      // the server answers the next request.
      const logged: unknown[] = [];
      const spy = vi.spyOn(console, 'error').mockImplementation((...args) => void logged.push(args));
      try {
        const abandoned = await t.request('GET', '/api/v1/exports/projects.xlsx?bureau=HLT', { as: reader });
        const partial = abandoned.body!.getReader();
        await partial.read();
        await partial.cancel();
        await new Promise((resolve) => setTimeout(resolve, 1000));
        expect(logged).toEqual([]);
      } finally {
        spy.mockRestore();
      }
      expect((await t.request('GET', '/api/v1/exports/projects.xlsx?bureau=DSB', { as: reader })).status).toBe(200);
    } finally {
      await t.close();
    }
  }, 300_000);
});

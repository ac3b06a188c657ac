/**
 * Expense lines from Excel workbooks, written here with SheetJS (independent of exceljs, which
 * reads them): the same checks, dry run, all-or-nothing and idempotence as CSV, errors by sheet and row.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { describeOnBothDatabases, type TestApp, type TestResponse } from '../testing/harness.ts';
import { xlsxContentType } from '../xlsx.ts';

const fixture = readFileSync(new URL('../testing/fixtures/expense-lines-fy2021-dsb.csv', import.meta.url));

/** The seed's FY2021 lines as a sheet: amounts and years as numbers, as a person keeps them in Excel. */
function fixtureSheet(): (string | number)[][] {
  const [header, ...rows] = parse(fixture, { bom: true }) as string[][];
  return [
    header!,
    ...rows.map(([id, bureau, name, year, category, amount]) => [
      id!,
      bureau!,
      name!,
      Number(year),
      category!,
      Number(amount!.replaceAll(',', '')),
    ]),
  ];
}

function workbookOf(sheets: [string, (string | number | null)[][]][]): Uint8Array {
  const book = XLSX.utils.book_new();
  for (const [name, rows] of sheets) XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), name);
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Uint8Array;
}

async function upload(t: TestApp, body: Uint8Array, query = '', contentType = xlsxContentType): Promise<TestResponse> {
  const token = await t.tokenFor('admin@example.jp');
  return t.app.request(`/api/v1/imports/expenses${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
  });
}

async function footprint(t: TestApp) {
  const { rows } = await sql<Record<string, number>>`
    select (select count(*) from project)::int as projects, (select count(*) from expense_line)::int as lines,
      (select count(*) from expense_import)::int as imports, (select count(*) from audit_event)::int as audit,
      (select coalesce(sum(version), 0) from project)::int as versions`.execute(t.services.db);
  return rows[0];
}

/** The book an import leaves: every expense line with its project's budget and tier. */
async function book(t: TestApp) {
  const { rows } = await sql<Record<string, unknown>>`
    select l.external_id, l.bureau_code, l.fiscal_year, l.amount_kyen::text as amount_kyen, l.categories,
      p.name, p.budget_jpy::text as budget_jpy, p.tier, p.reviewer_role, p.registration_trigger
    from expense_line l join project p on p.id = l.project_id
    where l.external_id like 'R3-DSB-%' order by l.external_id`.execute(t.services.db);
  return rows;
}

describeOnBothDatabases('expense import from Excel workbooks', (t) => {
  it('dry-runs the seed’s FY2021 lines from the first sheet exactly as the CSV, writing nothing', async () => {
    const before = await footprint(t());
    const csv = (await (
      await t().app.request('/api/v1/imports/expenses?dryRun=true', {
        method: 'POST',
        headers: { authorization: `Bearer ${await t().tokenFor('admin@example.jp')}`, 'content-type': 'text/csv' },
        body: fixture,
      })
    ).json()) as Record<string, unknown>;
    const res = await upload(t(), workbookOf([['令和3年度', fixtureSheet()]]), '?dryRun=true');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ dryRun: true, format: 'xlsx', sheet: '令和3年度', lineCount: 14, errorCount: 0, changes: 28 });
    for (const key of ['lineCount', 'lines', 'projects', 'changes', 'errorCount', 'errors'] as const) expect(body[key]).toEqual(csv[key]);
    expect(csv).toMatchObject({ format: 'csv', sheet: null });
    expect(await footprint(t())).toEqual(before);
  });

  it('imports them to the same book as the CSV does: the CSV afterwards changes nothing, and the workbook again neither', async () => {
    const res = await upload(t(), workbookOf([['令和3年度', fixtureSheet()]]));
    expect(res.status).toBe(201);
    const first = await res.json();
    expect(first).toMatchObject({ lines: { created: 14 }, projects: { created: 14 }, previousImportId: null });
    const imported = await book(t());
    expect(imported).toHaveLength(14);
    expect(imported.find((l) => l.name === '電子都庁基盤の運用管理')).toMatchObject({
      bureauCode: 'DSB',
      fiscalYear: 2021,
      budgetJpy: '11023761000',
      tier: 3,
      reviewerRole: 'chief_cio_advisor',
      registrationTrigger: 'initial_budget',
    });
    expect(imported.find((l) => l.externalId === 'R3-DSB-003')).toMatchObject({
      categories: ['shin_tosei', 'smart_tokyo'],
      amountKyen: '4325165',
    });

    const csv = await t().app.request('/api/v1/imports/expenses', {
      method: 'POST',
      headers: { authorization: `Bearer ${await t().tokenFor('admin@example.jp')}`, 'content-type': 'text/csv' },
      body: fixture,
    });
    expect(csv.status).toBe(201);
    expect(await csv.json()).toMatchObject({
      lines: { created: 0, updated: 0, unchanged: 14 },
      projects: { created: 0, updated: 0 },
      changes: 0,
    });
    expect(await book(t())).toEqual(imported);

    const again = await upload(t(), workbookOf([['令和3年度', fixtureSheet()]]));
    expect((await again.json()).changes).toBe(0);
    expect(await book(t())).toEqual(imported);
  });

  it('reads the sheet named in the request, with English headers, and refuses the whole file with errors by sheet and row', async () => {
    const before = await footprint(t());
    const rows: (string | number | null)[][] = [
      ['external_id', 'bureau_code', 'project_name', 'fiscal_year', 'category', 'amount_kyen'],
      ['X-1', 'IND', 'Excel で取り込む事業', 2027, 'smart_tokyo', 12_000],
      [null, null, null, null, null, null],
      ['X-2', 'ZZZ', '局がない', 2027, 'other', 100],
      ['X-3', 'IND', '小数', 2027, 'other', 1234.5],
      ['X-4', 'IND', '=1+1', '令和9年度', 'other', 5],
    ];
    const workbook = workbookOf([
      ['メモ', [['このシートは読みません']]],
      ['取込', rows],
    ]);
    const res = await upload(t(), workbook, `?sheet=${encodeURIComponent('取込')}`);
    expect(res.status).toBe(422);
    const problem = await res.json();
    expect(problem.errorCount).toBe(3);
    expect(problem.errors).toEqual([
      { sheet: '取込', line: 4, column: 'bureau_code', message: 'unknown bureau "ZZZ"' },
      { sheet: '取込', line: 5, column: 'amount_kyen', message: 'must be a whole number of thousand yen' },
      { sheet: '取込', line: 6, column: 'fiscal_year', message: 'is not a fiscal year (YYYY): "令和9年度"' },
    ]);
    expect(await footprint(t())).toEqual(before);

    // The first sheet is the note, which has no expense columns.
    const first = await upload(t(), workbook);
    expect(first.status).toBe(422);
    expect((await first.json()).errors[0]).toMatchObject({ sheet: 'メモ', line: 1, message: expect.stringContaining('missing column') });

    const good = workbookOf([['取込', rows.slice(0, 2)]]);
    const ok = await upload(t(), good, `?sheet=${encodeURIComponent('取込')}`);
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ sheet: '取込', lines: { created: 1 }, projects: { created: 1 } });
  });

  it('says which sheets there are when the named one is missing, and refuses what is not a workbook', async () => {
    const missing = await upload(t(), workbookOf([['経費', fixtureSheet()]]), `?sheet=${encodeURIComponent('予算')}`);
    expect(missing.status).toBe(422);
    expect((await missing.json()).errors[0].message).toBe('no sheet named 「予算」 (sheets: 「経費」)');
    const notZip = await upload(t(), new TextEncoder().encode('経費ID,局コード\r\n'));
    expect(notZip.status).toBe(422);
    expect((await notZip.json()).errors[0].message).toMatch(/not readable as an Excel workbook/);
    const sheetOnCsv = await upload(t(), fixture, '?sheet=x', 'text/csv');
    expect(sheetOnCsv.status).toBe(400);
    expect((await sheetOnCsv.json()).errors[0].path).toBe('query.sheet');
  });
});

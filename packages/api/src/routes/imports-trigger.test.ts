/**
 * The registration trigger (登録の契機, DESIGN §2.2) in expense files: a column with Japanese or
 * English header and values, in CSV and in workbooks, set on the projects the file creates.
 */
import { expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { describeOnBothDatabases, type TestApp, type TestResponse } from '../testing/harness.ts';
import { xlsxContentType } from '../xlsx.ts';

async function upload(t: TestApp, body: string | Uint8Array, contentType = 'text/csv', query = ''): Promise<TestResponse> {
  const token = await t.tokenFor('admin@example.jp');
  return t.app.request(`/api/v1/imports/expenses${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
  });
}

const csvOf = (rows: string[][]) => `${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;

const triggerOf = async (t: TestApp, name: string) =>
  (await t.services.db.selectFrom('project').select('registrationTrigger').where('name', '=', name).executeTakeFirstOrThrow())
    .registrationTrigger;

describeOnBothDatabases('expense import: registration trigger', (t) => {
  it('reads 登録の契機 with Japanese headers and labels, and defaults to 当初予算要求時 when the cell is empty', async () => {
    const res = await upload(
      t(),
      csvOf([
        ['経費ID', '局コード', '事業名', '年度', '経費区分', '金額（千円）', '登録の契機'],
        ['TRG-1', 'IND', '補正予算で決まった電子申請', '2026年度', 'システム維持管理等', '12000', '補正予算による事業決定時'],
        ['TRG-2', 'IND', '立案時に登録する相談システム', '2026', 'スマート東京', '3000', 'デジタル関連施策の立案時'],
        ['TRG-3', 'IND', '当初予算の基盤運用', '2026', 'システム維持管理等', '5000', '当初予算要求時'],
        ['TRG-4', 'IND', '契機を書かない事業', '2026', 'システム維持管理等', '1000', ''],
      ]),
    );
    expect(res.status).toBe(201);
    expect((await res.json()).projects.created).toBe(4);
    expect(await triggerOf(t(), '補正予算で決まった電子申請')).toBe('supplementary_budget');
    expect(await triggerOf(t(), '立案時に登録する相談システム')).toBe('measure_planned');
    expect(await triggerOf(t(), '当初予算の基盤運用')).toBe('initial_budget');
    expect(await triggerOf(t(), '契機を書かない事業')).toBe('initial_budget');
  });

  it('reads registration_trigger with English headers and codes or English labels', async () => {
    const res = await upload(
      t(),
      csvOf([
        ['external_id', 'bureau_code', 'project_name', 'fiscal_year', 'category', 'amount_kyen', 'registration_trigger'],
        ['TRG-EN-1', 'WEL', 'Supplementary benefit portal', '2026', 'system_maintenance', '2000', 'supplementary_budget'],
        ['TRG-EN-2', 'WEL', 'Planned care app', '2026', 'system_maintenance', '2000', 'When the digital measure is planned'],
      ]),
    );
    expect(res.status).toBe(201);
    expect(await triggerOf(t(), 'Supplementary benefit portal')).toBe('supplementary_budget');
    expect(await triggerOf(t(), 'Planned care app')).toBe('measure_planned');
  });

  it('reads the trigger from a workbook sheet exactly as from CSV', async () => {
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(
      book,
      XLSX.utils.aoa_to_sheet([
        ['経費ID', '局コード', '事業名', '年度', '経費区分', '金額（千円）', '登録の契機'],
        ['TRG-X-1', 'HLT', '補正で決まった検査予約', 2026, 'シン・トセイ', 4000, '補正予算による事業決定時'],
      ]),
      '経費',
    );
    const res = await upload(t(), XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Uint8Array, xlsxContentType);
    expect(res.status).toBe(201);
    expect(await triggerOf(t(), '補正で決まった検査予約')).toBe('supplementary_budget');
  });

  it('refuses an unknown trigger and lines of one new project that disagree, naming the column, and writes nothing', async () => {
    const before = await t().services.db.selectFrom('project').select('id').execute();
    const res = await upload(
      t(),
      csvOf([
        ['経費ID', '局コード', '事業名', '年度', '経費区分', '金額（千円）', '登録の契機'],
        ['TRG-E-1', 'IND', '契機が不明な事業', '2026', 'システム維持管理等', '1000', '年度途中'],
        ['TRG-E-2', 'IND', '契機が食い違う事業', '2026', 'システム維持管理等', '1000', '当初予算要求時'],
        ['TRG-E-3', 'IND', '契機が食い違う事業', '2026', 'スマート東京', '1000', '補正予算による事業決定時'],
      ]),
    );
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.errors).toEqual([
      expect.objectContaining({ line: 2, column: '登録の契機', message: expect.stringContaining('unknown registration trigger') }),
      expect.objectContaining({
        line: 3,
        column: 'registrationTrigger',
        message: expect.stringContaining('different registration triggers'),
      }),
    ]);
    expect(await t().services.db.selectFrom('project').select('id').execute()).toHaveLength(before.length);
  });

  it('never changes the trigger of a project that exists: registration happened once', async () => {
    const created = await t().request('POST', '/api/v1/projects', {
      as: 'admin@example.jp',
      body: { name: '既に登録済みの事業', bureauCode: 'IND', fiscalYear: 2026, registrationTrigger: 'measure_planned' },
    });
    expect(created.status).toBe(201);
    const res = await upload(
      t(),
      csvOf([
        ['経費ID', '局コード', '事業名', '年度', '経費区分', '金額（千円）', '登録の契機'],
        ['TRG-K-1', 'IND', '既に登録済みの事業', '2026', 'システム維持管理等', '1000', '補正予算による事業決定時'],
      ]),
    );
    expect(res.status).toBe(201);
    expect(await triggerOf(t(), '既に登録済みの事業')).toBe('measure_planned');
  });
});

import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeOnBothDatabases, type TestApp, type TestResponse } from '../testing/harness.ts';

const fixture = readFileSync(new URL('../testing/fixtures/expense-lines-fy2021-dsb.csv', import.meta.url));
const jaHeader = '経費ID,局コード,事業名,年度,経費区分,金額（千円）';
const enHeader = 'external_id,bureau_code,project_name,fiscal_year,category,amount_kyen';
const csvOf = (header: string, lines: string[]) => `${[header, ...lines].join('\r\n')}\r\n`;

async function upload(
  t: TestApp,
  body: string | Uint8Array,
  options: { as?: string; query?: string; headers?: Record<string, string> } = {},
): Promise<TestResponse> {
  const token = await t.tokenFor(options.as ?? 'admin@example.jp');
  return t.app.request(`/api/v1/imports/expenses${options.query ?? ''}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', ...options.headers },
    body,
  });
}

/** Row counts of everything an import may write: a dry run or a refused file must leave them all as they were. */
async function footprint(t: TestApp) {
  const { rows } = await sql<Record<string, number>>`
    select (select count(*) from project)::int as projects, (select count(*) from expense_line)::int as lines,
      (select count(*) from expense_import)::int as imports, (select count(*) from audit_event)::int as audit,
      (select count(*) from tier_history)::int as history, (select coalesce(sum(version), 0) from project)::int as versions,
      (select last_value from project_code_seq)::int as code_seq`.execute(t.services.db);
  return rows[0];
}

const projectNamed = (t: TestApp, name: string) =>
  t.services.db.selectFrom('project').selectAll().where('name', '=', name).orderBy('createdAt').executeTakeFirstOrThrow();

describeOnBothDatabases('expense import', (t) => {
  it('dry-runs the public FY2021 file (UTF-8, no BOM, Japanese headers) without writing anything', async () => {
    const before = await footprint(t());
    const res = await upload(t(), fixture, { query: '?dryRun=true' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      dryRun: true,
      importId: null,
      encoding: 'utf-8',
      lineCount: 14,
      lines: { created: 14, updated: 0, unchanged: 0 },
      projects: { created: 14, updated: 0, tierChanged: 0 },
      changes: 28,
      errorCount: 0,
      errors: [],
    });
    expect(body.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await footprint(t())).toEqual(before);
  });

  it('imports it: projects created from the lines with budgets in yen and tiers evaluated; twice changes nothing', async () => {
    const res = await upload(t(), fixture);
    expect(res.status).toBe(201);
    const first = await res.json();
    expect(first).toMatchObject({
      dryRun: false,
      lines: { created: 14, updated: 0, unchanged: 0 },
      projects: { created: 14, updated: 0, tierChanged: 0 },
      previousImportId: null,
    });
    const platform = await projectNamed(t(), '電子都庁基盤の運用管理');
    expect(platform).toMatchObject({
      bureauCode: 'DSB',
      fiscalYear: 2021,
      budgetJpy: 11_023_761_000,
      tier: 3,
      reviewerRole: 'chief_cio_advisor',
      registrationTrigger: 'initial_budget',
      isNew: true,
      version: 1,
    });
    expect(platform.code).toMatch(/^PS\d{7}$/);
    const history = await t().services.db.selectFrom('tierHistory').selectAll().where('projectId', '=', platform.id).execute();
    // Registered by the import: the first row is the registration, like any other's.
    expect(history).toMatchObject([{ fromTier: null, toTier: 3, cause: 'created' }]);
    // Searchable like any registered project.
    const found = await t().request('GET', `/api/v1/projects?q=${encodeURIComponent('電子都庁')}`, { as: 'chief@example.jp' });
    expect((await found.json()).items.map((p: { name: string }) => p.name)).toContain('電子都庁基盤の運用管理');

    const total = await t()
      .services.db.selectFrom('expenseLine')
      .select((eb) => eb.fn.sum<number>('amountKyen').as('sum'))
      .where('importId', '=', first.importId)
      .executeTakeFirstOrThrow();
    expect(Number(total.sum)).toBe(24_444_044);
    const lines = await t()
      .services.db.selectFrom('expenseLine')
      .selectAll()
      .where('externalId', '=', 'R3-DSB-003')
      .executeTakeFirstOrThrow();
    expect(lines.categories).toEqual(['shin_tosei', 'smart_tokyo']);
    const stored = await t().services.db.selectFrom('expenseImport').selectAll().where('id', '=', first.importId).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ fileSha256: first.fileSha256, lineCount: 14 });
    const audit = await t()
      .services.db.selectFrom('auditEvent')
      .select(['action'])
      .where((eb) => eb.or([eb('entityId', '=', first.importId), eb('projectId', '=', platform.id)]))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['project.create', 'expense_import.create']);

    const before = await footprint(t());
    const again = await upload(t(), fixture);
    expect(again.status).toBe(201);
    const second = await again.json();
    expect(second).toMatchObject({
      lines: { created: 0, updated: 0, unchanged: 14 },
      projects: { created: 0, updated: 0, tierChanged: 0 },
      changes: 0,
      previousImportId: first.importId,
    });
    const after = await footprint(t());
    // Only the record of the upload itself is new: no project, line, version or tier history changed.
    expect(after).toEqual({ ...before, imports: before!.imports! + 1, audit: before!.audit! + 1 });
    const unchanged = await t()
      .services.db.selectFrom('expenseLine')
      .select('importId')
      .where('externalId', '=', 'R3-DSB-003')
      .executeTakeFirstOrThrow();
    expect(unchanged.importId).toBe(first.importId);
  });

  it('reads Shift_JIS (Windows-31J) with Japanese headers, and UTF-8 with a BOM and English headers', async () => {
    const sjis = iconv.encode(
      csvOf(jaHeader, ['SJ-1,HLT,感染症情報システム①,2024,スマート東京,"1,200"', 'SJ-2,HLT,㈱髙島屋連携,2024,その他,300']),
      'cp932',
    );
    const res = await upload(t(), sjis);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ encoding: 'shift_jis', lines: { created: 2 }, projects: { created: 2 } });
    expect((await projectNamed(t(), '感染症情報システム①')).budgetJpy).toBe(1_200_000);
    expect((await projectNamed(t(), '㈱髙島屋連携')).budgetJpy).toBe(300_000);

    const bom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(csvOf(enHeader, ['BOM-1,HLT,BOM付きUTF-8,2024,smart_tokyo;other,"2,500"'])),
    ]);
    const withBom = await upload(t(), bom);
    expect(withBom.status).toBe(201);
    expect(await withBom.json()).toMatchObject({ encoding: 'utf-8', lines: { created: 1 } });
    expect((await projectNamed(t(), 'BOM付きUTF-8')).budgetJpy).toBe(2_500_000);
  });

  it('names broken encodings clearly, on the line and column', async () => {
    // Invalid in UTF-8 and in Shift_JIS alike: 0xFF never starts a character in either.
    const broken = Buffer.concat([
      Buffer.from(`${enHeader}\r\nENC-1,HLT,`),
      Buffer.from([0xff, 0xfe, 0x41]),
      Buffer.from(',2024,other,10\r\n'),
    ]);
    const res = await upload(t(), broken);
    expect(res.status).toBe(422);
    const problem = await res.json();
    expect(problem.errors).toEqual([{ line: 2, column: 'project_name', message: 'broken encoding: bytes that are not valid Shift_JIS' }]);

    const forced = await upload(t(), broken, { query: '?encoding=utf-8&dryRun=true' });
    expect(forced.status).toBe(200);
    expect((await forced.json()).errors[0].message).toMatch(/not valid UTF-8.*encoding=shift_jis/);

    // A Shift_JIS file read as UTF-8 on purpose: every Japanese cell is refused, not stored as mojibake.
    const sjis = iconv.encode(csvOf(enHeader, ['ENC-2,HLT,文字化け,2024,other,10']), 'cp932');
    const misread = await upload(t(), sjis, { query: '?encoding=utf-8' });
    expect(misread.status).toBe(422);
    expect((await misread.json()).errors[0]).toMatchObject({ line: 2, column: 'project_name' });
    expect(await t().services.db.selectFrom('expenseLine').select('id').where('externalId', 'like', 'ENC-%').execute()).toEqual([]);
  });

  it('refuses a file with bad rows as a whole, listing every error; a dry run lists them and what would change', async () => {
    const file = csvOf(`${jaHeader},プロジェクト番号`, [
      'BAD-1,XYZ,未知の局,2024,その他,100,',
      'BAD-2,IND,負の金額,2024,その他,-100,',
      'BAD-3,IND,数字でない,2024,その他,百万,',
      'BAD-4,IND,正しい行,2024,その他,100,',
      'BAD-4,IND,重複,2024,その他,100,',
      'BAD-5,IND,年度違い,24,その他,100,',
      'BAD-6,IND,区分違い,2024,DX推進,100,',
      'BAD-7,IND,番号違い,2024,その他,100,PS9999999',
      'BAD-8,IND,小数,2024,その他,1.5,',
      'BAD-9,IND,列不足,2024,その他',
    ]);
    const before = await footprint(t());
    const res = await upload(t(), file);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = await res.json();
    expect(problem.code).toBe('rule_violation');
    expect(problem.errors).toEqual([
      { line: 2, column: '局コード', message: 'unknown bureau "XYZ"' },
      { line: 3, column: '金額（千円）', message: 'must not be negative' },
      { line: 4, column: '金額（千円）', message: 'is not a number: "百万"' },
      { line: 6, column: '経費ID', message: 'duplicate external id "BAD-4" (first on line 5)' },
      { line: 7, column: '年度', message: 'is not a fiscal year (YYYY): "24"' },
      { line: 8, column: '経費区分', message: expect.stringContaining('unknown category "DX推進"') },
      { line: 9, column: 'projectCode', message: 'unknown project code PS9999999' },
      { line: 10, column: '金額（千円）', message: 'must be a whole number of thousand yen' },
      { line: 11, column: null, message: 'expected 7 fields, found 5' },
    ]);
    expect(problem.errorCount).toBe(9);
    expect(await footprint(t())).toEqual(before);

    const dry = await upload(t(), file, { query: '?dryRun=true' });
    expect(dry.status).toBe(200);
    const report = await dry.json();
    expect(report.errors).toEqual(problem.errors);
    // The one good line would create its project.
    expect(report).toMatchObject({ lines: { created: 1 }, projects: { created: 1 } });
    expect(await footprint(t())).toEqual(before);
  });

  it('reads what government files vary in (full-width digits, 年度, ideographic spaces, labels, case) as before, and refuses the rest', async () => {
    const header = `${enHeader},project_code`;
    const good = [
      'W-1,\u3000ind\u3000,全角の金額,２０２９年度,シン・トセイ ; スマート東京,"１，２００",',
      'W-8,IND,大文字の区分,2029,OTHER,10,',
    ];
    const file = csvOf(header, [
      good[0]!,
      'W-2,IND,三角の金額,2029,other,△100,',
      'W-3,IND,大きすぎる金額,2029,other,9000000000001,',
      'W-4,IND,小文字の番号,2029,other,10,ps9999998',
      'W-5,IND,年度の範囲外,1989,other,10,',
      'W-6,IND,,2029,other,10,',
      ' W-1 ,IND,重複,2029,other,10,',
      'W-7,IND,区分なし,2029, ; ,10,',
      good[1]!,
    ]);
    const dry = await (await upload(t(), file, { query: '?dryRun=true' })).json();
    expect(dry.errors).toEqual([
      { line: 3, column: 'amount_kyen', message: 'must not be negative' },
      { line: 4, column: 'amount_kyen', message: 'is larger than 9,000,000,000,000 thousand yen' },
      { line: 5, column: 'projectCode', message: 'unknown project code PS9999998' },
      { line: 6, column: 'fiscal_year', message: 'must be between 1990 and 2100' },
      { line: 7, column: 'project_name', message: 'is required' },
      { line: 8, column: 'external_id', message: 'duplicate external id "W-1" (first on line 2)' },
      { line: 9, column: 'category', message: 'is required' },
    ]);
    expect(dry).toMatchObject({ errorCount: 7, lineCount: 9, lines: { created: 2 }, projects: { created: 2 } });

    const res = await upload(t(), csvOf(header, good));
    expect(res.status).toBe(201);
    expect(await projectNamed(t(), '全角の金額')).toMatchObject({ bureauCode: 'IND', fiscalYear: 2029, budgetJpy: 1_200_000 });
    const line = await t().services.db.selectFrom('expenseLine').selectAll().where('externalId', '=', 'W-1').executeTakeFirstOrThrow();
    expect(line).toMatchObject({ amountKyen: 1200, categories: ['shin_tosei', 'smart_tokyo'] });
    expect((await projectNamed(t(), '大文字の区分')).budgetJpy).toBe(10_000);
  });

  it('reports missing columns and files that are not CSV', async () => {
    const missing = await upload(t(), csvOf('external_id,bureau_code,project_name', ['X,IND,x']));
    expect(missing.status).toBe(422);
    expect((await missing.json()).errors.map((e: { column: string }) => e.column)).toEqual(['fiscal_year', 'category', 'amount_kyen']);
    const unclosed = await upload(t(), `${enHeader}\r\nQ-1,IND,"unclosed,2024,other,1\r\n`);
    expect(unclosed.status).toBe(422);
    expect((await unclosed.json()).errors[0].message).toMatch(/quoted field is not closed/);
    const empty = await upload(t(), '');
    expect(empty.status).toBe(422);
    const giant = await upload(t(), `${enHeader}\r\nG-1,IND,${'長'.repeat(70_000)},2024,other,1\r\n`);
    expect(giant.status).toBe(422);
    expect((await giant.json()).errors[0]).toMatchObject({ line: 2, message: expect.stringMatching(/longer than 65,536/) });
    const garbage = new Uint8Array(50_000).map((_, i) => (i * 7919 + 13) % 256);
    const random = await upload(t(), garbage);
    expect(random.status).toBe(422);
    expect(random.headers.get('content-type')).toContain('application/problem+json');
    const utf16 = await upload(t(), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(enHeader, 'utf16le')]));
    expect(utf16.status).toBe(415);
    const json = await upload(t(), '{}', { headers: { 'content-type': 'application/json' } });
    expect(json.status).toBe(415);
    const anonymous = await t().app.request('/api/v1/imports/expenses', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'x',
    });
    expect(anonymous.status).toBe(401);
  });

  it('lets staff import only their own bureau, and nobody else but admins', async () => {
    const mixed = csvOf(enHeader, ['STAFF-1,IND,産業の事業,2025,other,10', 'STAFF-2,WEL,福祉の事業,2025,other,10']);
    const res = await upload(t(), mixed, { as: 'staff.ind@example.jp' });
    expect(res.status).toBe(422);
    expect((await res.json()).errors).toEqual([{ line: 3, column: 'bureau_code', message: 'you may import only lines of IND' }]);
    const own = await upload(t(), csvOf(enHeader, ['STAFF-1,IND,産業の事業,2025,other,10']), { as: 'staff.ind@example.jp' });
    expect(own.status).toBe(201);
    // A WEL line's external id cannot be taken over by an IND importer.
    await upload(t(), csvOf(enHeader, ['STAFF-3,WEL,福祉の事業,2025,other,10']), { as: 'staff.wel@example.jp' });
    const takeover = await upload(t(), csvOf(enHeader, ['STAFF-3,IND,乗っ取り,2025,other,10']), { as: 'lead.ind@example.jp' });
    expect(takeover.status).toBe(422);
    expect((await takeover.json()).errors[0].message).toBe('external id STAFF-3 is a line of bureau WEL, which you may not change');
    for (const as of ['advisor.ind@example.jp', 'chief@example.jp', 'budget@example.jp']) {
      expect((await upload(t(), mixed, { as })).status).toBe(403);
    }
  });

  it('updates the project of the same bureau, year and name, re-tiers it with history, and follows project codes', async () => {
    const created = await (
      await t().request('POST', '/api/v1/projects', {
        as: 'staff.ind@example.jp',
        body: { name: 'ものづくり支援システム', bureauCode: 'IND', fiscalYear: 2026, maxDowntimeHours: 24, confidentiality: 'C' },
      })
    ).json();
    expect(created.tier).toBeNull();
    const first = await upload(t(), csvOf(enHeader, ['MONO-1,IND,ものづくり支援システム,2026,system_maintenance,8000']), {
      as: 'staff.ind@example.jp',
    });
    expect(await first.json()).toMatchObject({ projects: { created: 0, updated: 1, tierChanged: 1 } });
    let project = await projectNamed(t(), 'ものづくり支援システム');
    expect(project).toMatchObject({ id: created.id, budgetJpy: 8_000_000, tier: 1, reviewerRole: 'bureau_lead', version: 2 });

    // A pending release request follows the project to its new reviewer.
    const staff = await t()
      .services.db.selectFrom('appUser')
      .select('id')
      .where('email', '=', 'staff.ind@example.jp')
      .executeTakeFirstOrThrow();
    const request = await t()
      .services.db.insertInto('releaseRequest')
      .values({
        projectId: created.id,
        plannedReleaseDate: '2026-10-01',
        tier: 1,
        reviewerRole: 'bureau_lead',
        checklist: '[]',
        evidence: '[]',
        rulesetVersion: project.rulesetVersion,
        requestedBy: staff.id,
        dueAt: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    // Second file: the same line and one more, by project code, dry run first.
    const second = csvOf(`${enHeader},project_code`, [
      'MONO-1,IND,ものづくり支援システム,2026,system_maintenance,8000,',
      `MONO-2,IND,別名の明細,2026,smart_tokyo,5000,${created.code}`,
    ]);
    const dry = await (await upload(t(), second, { query: '?dryRun=true' })).json();
    expect(dry).toMatchObject({ lines: { created: 1, unchanged: 1 }, projects: { created: 0, updated: 1, tierChanged: 1 } });
    const res = await upload(t(), second);
    expect(await res.json()).toMatchObject({ lines: { created: 1, unchanged: 1 }, projects: { created: 0, updated: 1, tierChanged: 1 } });
    project = await projectNamed(t(), 'ものづくり支援システム');
    expect(project).toMatchObject({ budgetJpy: 13_000_000, tier: 2, reviewerRole: 'cio_advisor', version: 3 });
    const history = await t().services.db.selectFrom('tierHistory').selectAll().where('projectId', '=', created.id).orderBy('id').execute();
    expect(history.map((h) => [h.fromTier, h.toTier, h.cause])).toEqual([
      [null, null, 'created'],
      [null, 1, 'import'],
      [1, 2, 'import'],
    ]);
    const rerouted = await t().services.db.selectFrom('releaseRequest').selectAll().where('id', '=', request.id).executeTakeFirstOrThrow();
    expect(rerouted).toMatchObject({ tier: 2, reviewerRole: 'cio_advisor' });
    const audit = await t()
      .services.db.selectFrom('auditEvent')
      .select(['action', 'before', 'after'])
      .where('projectId', '=', created.id)
      .where('action', '=', 'project.update')
      .orderBy('id')
      .execute();
    expect(audit.at(-1)).toMatchObject({ before: { budgetJpy: 8_000_000, tier: 1 }, after: { budgetJpy: 13_000_000, tier: 2 } });

    // A project code of another bureau is refused.
    const foreign = await upload(t(), csvOf(`${enHeader},project_code`, [`MONO-3,WEL,x,2026,other,1,${created.code}`]));
    expect((await foreign.json()).errors[0].message).toBe(`project ${created.code} belongs to bureau IND, not to this line's bureau`);
  });

  it('streams NDJSON progress and the result when asked', async () => {
    const lines = Array.from({ length: 12_000 }, (_, i) => `ND-${i},FIN,進捗テスト${i % 40},2027,other,${i + 1}`);
    const res = await upload(t(), csvOf(enHeader, lines), { headers: { accept: 'application/x-ndjson' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const events = (await res.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const progress = events.filter((e) => e.type === 'progress' && e.phase === 'reading').map((e) => e.processed);
    expect(progress).toEqual([4999, 9999]);
    expect(events.at(-1)).toMatchObject({ type: 'result', status: 201, lines: { created: 12_000 }, projects: { created: 40 } });

    const bad = await upload(t(), csvOf(enHeader, ['ND-X,ZZZ,x,2027,other,1']), { headers: { accept: 'application/x-ndjson' } });
    const last = JSON.parse((await bad.text()).trim().split('\n').at(-1)!);
    expect(last).toMatchObject({ type: 'error', status: 422, code: 'rule_violation', errors: [{ line: 2, column: 'bureau_code' }] });
  });

  it('keeps the space in front of a formula character: " =1+1" is not stored as the formula "=1+1"', async () => {
    const res = await upload(
      t(),
      csvOf(enHeader, [
        'FORMULA-1,IND," =1+1 ",2027,system_maintenance,100',
        'FORMULA-2,IND,  -2+3,2027,system_maintenance,100',
        'FORMULA-3,IND,  普通の名前  ,2027,system_maintenance,100',
      ]),
    );
    expect(res.status, await res.clone().text()).toBe(201);
    const names = await t()
      .services.db.selectFrom('project')
      .select('name')
      .where('bureauCode', '=', 'IND')
      .where('fiscalYear', '=', 2027)
      .orderBy('name')
      .execute();
    // Padding is still trimmed where trimming cannot make a formula, and always at the end.
    expect(names.map((n) => n.name).sort()).toEqual(['  -2+3', ' =1+1', '普通の名前'].sort());
  });

  it('imports a generated 100,000-line file in one go, and the second time changes nothing', async () => {
    const bureaus = ['DSB', 'IND', 'WEL', 'FIN', 'HLT'];
    const categories = ['system_maintenance', 'shin_tosei', 'smart_tokyo', 'other', 'shin_tosei;smart_tokyo'];
    const rows: string[] = [enHeader];
    for (let i = 0; i < 100_000; i++) {
      const project = i % 10_000;
      rows.push(
        `BIG-${i},${bureaus[project % 5]},大量明細の事業${project},2028,${categories[i % 5]},"${(((i * 7919) % 90_000) + 100).toLocaleString('en')}"`,
      );
    }
    const file = Buffer.from(rows.join('\r\n'));
    rows.length = 0;
    const started = performance.now();
    const res = await upload(t(), file);
    const firstMs = Math.round(performance.now() - started);
    expect(res.status).toBe(201);
    const result = await res.json();
    expect(result).toMatchObject({ lineCount: 100_000, lines: { created: 100_000 }, projects: { created: 10_000 } });

    const startedAgain = performance.now();
    const again = await (await upload(t(), file)).json();
    const secondMs = Math.round(performance.now() - startedAgain);
    expect(again).toMatchObject({ changes: 0, lines: { unchanged: 100_000 } });
    console.log(
      `[${t().kind}] 100,000-line import (${(file.length / 1e6).toFixed(1)} MB): ${firstMs} ms ${JSON.stringify(result.timingsMs)}; same file again: ${secondMs} ms ${JSON.stringify(again.timingsMs)}`,
    );

    const check = await sql<{ projects: number; mismatched: number }>`
        select count(*)::int as projects,
          count(*) filter (where p.budget_jpy <> t.total * 1000)::int as mismatched
        from project p join (select project_id, sum(amount_kyen) as total from expense_line where external_id like 'BIG-%' group by project_id) t
          on t.project_id = p.id`.execute(t().services.db);
    expect(check.rows[0]).toEqual({ projects: 10_000, mismatched: 0 });
    // The budget is a quiet machine's: with other work queued on the cores (load per core > 1.5) the time
    // measures the queue, not the import, so it is reported above but not judged.
    const loadPerCore = loadavg()[0]! / availableParallelism();
    if (loadPerCore <= 1.5) expect(firstMs).toBeLessThan(60_000);
    else console.log(`[${t().kind}] load ${loadPerCore.toFixed(1)} per core: the 60 s budget is not checked on a busy machine`);
  }, 180_000);
});

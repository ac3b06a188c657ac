import { stageLabels } from '@psbook/core';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { internalProjectFields } from '../domain/exports.ts';
import { describeOnBothDatabases } from '../testing/harness.ts';

type JsonItem = Record<string, any>;

describeOnBothDatabases('exports', (t) => {
  const reader = 'budget@example.jp';
  const created: Record<string, JsonItem> = {};

  it('sets up a varied book', async () => {
    const projects = [
      {
        as: 'staff.wel@example.jp',
        body: {
          name: '子育て給付, "オンライン"\n申請',
          bureauCode: 'WEL',
          fiscalYear: 2025,
          budgetJpy: 120_000_000,
          maxDowntimeHours: 2,
          confidentiality: 'A',
          summary: '一行目\n二行目',
        },
      },
      {
        as: 'staff.wel@example.jp',
        body: { name: '福祉施設の空き情報', bureauCode: 'WEL', fiscalYear: 2025, maxDowntimeHours: 24, confidentiality: 'C' },
      },
      {
        as: 'staff.ind@example.jp',
        body: {
          name: '創業支援オンライン相談',
          bureauCode: 'IND',
          fiscalYear: 2024,
          budgetJpy: 4_200_000,
          maxDowntimeHours: 72,
          confidentiality: 'B',
          isNew: false,
          registrationTrigger: 'initial_budget',
        },
      },
      {
        as: 'admin@example.jp',
        body: {
          name: '電子都庁基盤',
          bureauCode: 'DSB',
          fiscalYear: 2025,
          budgetJpy: 11_023_761_000,
          confidentiality: 'A',
          registrationTrigger: 'measure_planned',
        },
      },
    ];
    for (const p of projects) {
      const res = await t().request('POST', '/api/v1/projects', { as: p.as, body: p.body });
      expect(res.status).toBe(201);
      const body = await res.json();
      created[body.code] = body;
    }
    // Many projects registered in the same instant (microseconds, as a bulk load writes them): batches must neither skip nor repeat.
    await sql`
      insert into project (name, bureau_code, fiscal_year, oversight, ruleset_version, created_at)
      select '一括登録' || g, 'HLT', 2026, '{}'::jsonb, 'test', timestamptz '2026-01-05 10:00:00.123456+09'
      from generate_series(1, 4500) g`.execute(t().services.db);
  });

  it('exports CSV for Excel: BOM, Japanese headers, the same rows and values as the JSON export', async () => {
    const res = await t().request('GET', '/api/v1/exports/projects.csv', { as: reader });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="psbook-projects-\d{4}-\d{2}-\d{2}\.csv"/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(Buffer.from(bytes), { bom: true, columns: true }) as Record<string, string>[];
    const headers = Object.keys(rows[0]!);
    for (const h of [
      'プロジェクト番号',
      '事業名',
      '局',
      '年度',
      '段階',
      '区分',
      '協議先',
      '予算額（円）',
      '停止許容時間（時間）',
      '機密性',
      '新規/継続',
      '登録日',
    ]) {
      expect(headers).toContain(h);
    }

    const json = await (await t().request('GET', '/api/v1/exports/projects.json', { as: reader })).json();
    expect(rows).toHaveLength(json.items.length);
    const { rows: count } = await sql<{ n: number }>`select count(*)::int as n from project`.execute(t().services.db);
    expect(json.items).toHaveLength(count[0]!.n);
    expect(new Set(json.items.map((i: JsonItem) => i.code)).size).toBe(json.items.length);

    rows.forEach((row, i) => {
      const item = json.items[i] as JsonItem;
      expect(row.プロジェクト番号).toBe(item.code);
      expect(row.事業名).toBe(item.name);
      expect(row.局コード).toBe(item.bureauCode);
      expect(row.年度).toBe(String(item.fiscalYear));
      expect(row.段階).toBe(stageLabels[item.stage as keyof typeof stageLabels].ja);
      expect(row.区分).toBe(item.tier === null ? '未設定' : String(item.tier));
      expect(row['予算額（円）']).toBe(item.budgetJpy === null ? '' : String(item.budgetJpy));
      expect(row['停止許容時間（時間）']).toBe(item.maxDowntimeHours === null ? '' : String(item.maxDowntimeHours));
      expect(row.機密性).toBe(item.confidentiality ?? '');
      expect(row['新規/継続']).toBe(item.isNew ? '新規' : '継続');
      expect(row.登録日).toBe(item.registeredOn);
    });

    // And the JSON says what the book says.
    const tricky = json.items.find((i: JsonItem) => i.name === '子育て給付, "オンライン"\n申請');
    const original = created[tricky.code]!;
    expect(tricky).toMatchObject({
      id: original.id,
      bureauCode: 'WEL',
      bureauName: '福祉局',
      budgetJpy: 120_000_000,
      tier: 3,
      reviewerRole: 'chief_cio_advisor',
      summary: '一行目\n二行目',
    });
    const csvTricky = rows.find((r) => r.プロジェクト番号 === tricky.code)!;
    expect(csvTricky).toMatchObject({
      事業名: '子育て給付, "オンライン"\n申請',
      協議先: 'CIO統括補佐官',
      局: '福祉局',
      概要: '一行目\n二行目',
    });
  });

  it('takes the filters of GET /projects, and refuses bad ones', async () => {
    const list = await (await t().request('GET', '/api/v1/projects?bureau=WEL,IND&tier=unset,1&limit=200', { as: reader })).json();
    const json = await (await t().request('GET', '/api/v1/exports/projects.json?bureau=WEL,IND&tier=unset,1', { as: reader })).json();
    expect(json.items.map((i: JsonItem) => i.code).sort()).toEqual(list.items.map((i: JsonItem) => i.code).sort());
    expect(json.items.length).toBeGreaterThan(0);
    const csv = await (await t().request('GET', `/api/v1/exports/projects.csv?q=${encodeURIComponent('空き情報')}`, { as: reader })).text();
    const rows = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.事業名)).toEqual(['福祉施設の空き情報']);
    const bad = await t().request('GET', '/api/v1/exports/projects.csv?tier=4&stage=done', { as: reader });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors.map((e: { path: string }) => e.path).sort()).toEqual(['query.stage', 'query.tier']);
    expect((await t().request('GET', '/api/v1/exports/projects.csv')).status).toBe(401);
  });

  it('leaves every internal field out of open data, and the budget of confidentiality-A projects', async () => {
    const internalJson = await (await t().request('GET', '/api/v1/exports/projects.json', { as: reader })).json();
    const res = await t().request('GET', '/api/v1/exports/open-data.json', { as: reader });
    expect(res.status).toBe(200);
    const text = await res.text();
    const open = JSON.parse(text);
    expect(open.excludedFields).toEqual(expect.arrayContaining(['confidentiality', 'maxDowntimeHours', 'reviewerRole', 'id', 'updatedBy']));
    expect(open.items).toHaveLength(internalJson.items.length);
    for (const item of open.items as JsonItem[]) {
      for (const field of internalProjectFields) expect(item).not.toHaveProperty(field);
    }
    const byCode = new Map((internalJson.items as JsonItem[]).map((i) => [i.code, i]));
    let withheld = 0;
    for (const item of open.items as JsonItem[]) {
      const full = byCode.get(item.code)!;
      if (full.confidentiality === 'A') {
        withheld++;
        expect(item).toMatchObject({ budgetJpy: null, budgetWithheld: true });
      } else {
        expect(item).toMatchObject({ budgetJpy: full.budgetJpy, budgetWithheld: false, name: full.name, tier: full.tier });
      }
    }
    expect(withheld).toBe(2);
    // Not even as text anywhere in the file: the confidential budgets and the ids.
    expect(text).not.toContain('11023761000');
    expect(text).not.toContain('120000000');
    for (const p of Object.values(created)) expect(text).not.toContain(p.id);

    const csvRes = await t().request('GET', '/api/v1/exports/open-data.csv', { as: reader });
    expect(csvRes.headers.get('content-disposition')).toContain('psbook-open-data-');
    const csvText = await csvRes.text();
    const rows = parse(csvText, { bom: true, columns: true }) as Record<string, string>[];
    const headers = Object.keys(rows[0]!);
    for (const internal of ['ID', '協議先', '停止許容時間（時間）', '機密性', '更新日時']) expect(headers).not.toContain(internal);
    expect(headers).toEqual(expect.arrayContaining(['プロジェクト番号', '事業名', '区分', '予算額（円）', '予算額非公開']));
    const platform = rows.find((r) => r.事業名 === '電子都庁基盤')!;
    expect(platform).toMatchObject({ '予算額（円）': '', 予算額非公開: '非公開', 区分: '3' });
    const startup = rows.find((r) => r.事業名 === '創業支援オンライン相談')!;
    expect(startup).toMatchObject({ '予算額（円）': '4200000', 予算額非公開: '', '新規/継続': '継続' });
    expect(csvText).not.toContain('11023761000');
  });

  it('documents the downloads and the upload in OpenAPI with their media types', async () => {
    const doc = (await (await t().app.request('/api/openapi.json')).json()) as any;
    const ok = (path: string, method = 'get') => Object.keys(doc.paths[path][method].responses['200'].content);
    expect(ok('/api/v1/exports/projects.csv')).toEqual(['text/csv']);
    expect(ok('/api/v1/exports/open-data.csv')).toEqual(['text/csv']);
    expect(ok('/api/v1/exports/projects.json')).toEqual(['application/json']);
    expect(Object.keys(doc.paths['/api/v1/imports/expenses'].post.requestBody.content)).toEqual([
      'text/csv',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ]);
    for (const path of [
      '/api/v1/exports/projects.xlsx',
      '/api/v1/exports/open-data.xlsx',
      '/api/v1/tech-reviews.xlsx',
      '/api/v1/procurements.xlsx',
      '/api/v1/stats/expenses.xlsx',
    ]) {
      expect(ok(path), path).toEqual(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);
    }
    expect(ok('/api/v1/procurements.csv')).toEqual(['text/csv']);
    expect(ok('/api/v1/stats/expenses.csv')).toEqual(['text/csv']);
    expect(ok('/api/v1/imports/expenses', 'post')).toEqual(['application/json', 'application/x-ndjson']);
    for (const path of [
      '/api/v1/stats/registrations',
      '/api/v1/stats/stages',
      '/api/v1/stats/expenses',
      '/api/v1/procurements',
      '/api/v1/rules',
    ]) {
      expect(doc.paths[path]?.get, path).toBeDefined();
    }
  });
});

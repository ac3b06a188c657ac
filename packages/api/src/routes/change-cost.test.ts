/**
 * The change-cost probes of issue 11: each would have caught a silent failure of adding a domain list
 * entry somewhere it is restated. The others live beside what they test: a rule naming an unknown fact
 * (core registry.test.ts), every check constraint against its enum (db/enum-checks.test.ts), a new role in
 * the authorisation matrix (authorization.test.ts), UI labels (ui auth.test.ts).
 */
import {
  confidentialityRegistry,
  documentKindRegistry,
  expenseCategoryRegistry,
  oversightFactorRegistry,
  registrationTriggerRegistry,
  roleRegistry,
  stageRegistry,
} from '@psbook/core';
import { parse } from 'csv-parse/sync';
import { expect, it } from 'vitest';
import { internalProjectFields } from '../domain/exports.ts';
import { describeOnBothDatabases } from '../testing/harness.ts';

const admin = 'admin@example.jp';

/** Every `enum` list anywhere in a JSON document. */
function enumsOf(node: unknown, into: string[][] = []): string[][] {
  if (Array.isArray(node)) for (const item of node) enumsOf(item, into);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'enum' && Array.isArray(value)) into.push(value.filter((v) => v !== null).map(String));
      else enumsOf(value, into);
    }
  }
  return into;
}

describeOnBothDatabases(
  'change-cost probes',
  (t) => {
    it('keeps the other inputs’ bands when an import changes only the budget', async () => {
      const created = await t().request('POST', '/api/v1/projects', {
        as: admin,
        body: { name: '予算のみ取込の確認', bureauCode: 'IND', fiscalYear: 2029, maxDowntimeHours: 1, confidentiality: 'A' },
      });
      expect(created.status).toBe(201);
      const before = await created.json();
      expect(before.tier).toBe(3);

      const csv = '経費ID,局コード,事業名,年度,経費区分,金額（千円）\r\nBUDGET-ONLY-1,IND,予算のみ取込の確認,2029,スマート東京,1000\r\n';
      const token = await t().tokenFor(admin);
      const imported = await t().app.request('/api/v1/imports/expenses', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: csv,
      });
      expect(imported.status).toBe(201);

      const after = await (await t().request('GET', `/api/v1/projects/${before.id}`, { as: admin })).json();
      expect(after.budgetJpy).toBe(1_000_000);
      expect(after.tier).toBe(3);
      // Every factor of the registry still has its band: none fell back to "not given".
      for (const factor of oversightFactorRegistry.entries) {
        const explained = after.oversight.factors.find((f: { factor: string }) => f.factor === factor.key);
        expect(explained, factor.key).toBeDefined();
        expect(explained.tier, factor.key).not.toBeNull();
      }
      expect(after.oversight.missing).toEqual([]);
    });

    it('finds nothing to change when the active ruleset is simulated over the demo book', async () => {
      const content = t().policy.rulesets['oversight-tier'].content;
      const res = await t().request('POST', '/api/v1/rules/simulate', { as: admin, body: { ruleset: 'oversight-tier', content } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ isSameAsActive: true, changed: 0, transitions: [] });
    });

    it('exports a column for every oversight input, and leaves the internal ones out of open data', async () => {
      const internal = await t().request('GET', '/api/v1/exports/projects.csv', { as: admin });
      const [header] = parse((await internal.text()).replace(/^\uFEFF/, ''), { to_line: 1 }) as string[][];
      for (const factor of oversightFactorRegistry.entries) expect(header, factor.key).toContain(factor.exportHeader);

      for (const factor of oversightFactorRegistry.entries) {
        expect((internalProjectFields as readonly string[]).includes(factor.input), factor.key).toBe(!factor.isPublic);
      }
      const open = await t().request('GET', '/api/v1/exports/open-data.csv', { as: admin });
      expect(open.status).toBe(200);
      const [openHeader] = parse((await open.text()).replace(/^\uFEFF/, ''), { to_line: 1 }) as string[][];
      for (const factor of oversightFactorRegistry.entries)
        expect(openHeader!.includes(factor.exportHeader), factor.key).toBe(factor.isPublic);
    });

    it('imports every expense category by its Japanese label and counts it in the category export', async () => {
      // A category added to the registry is read by the import and reported by the statistics without an
      // edit there: a hand-written label map or column list would drop it silently.
      const lines = expenseCategoryRegistry.entries.map(
        (category, i) => `CATEGORY-PROBE-${i},IND,区分確認${i},2031,${category.ja},${(i + 1) * 1000}`,
      );
      const token = await t().tokenFor(admin);
      const imported = await t().app.request('/api/v1/imports/expenses', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: `経費ID,局コード,事業名,年度,経費区分,金額（千円）\r\n${lines.join('\r\n')}\r\n`,
      });
      expect(imported.status).toBe(201);

      const stats = await (await t().request('GET', '/api/v1/stats/expenses?fiscalYear=2031', { as: admin })).json();
      const csv = await t().request('GET', '/api/v1/stats/expenses.csv?fiscalYear=2031&table=category', { as: admin });
      const [header, ...rows] = parse((await csv.text()).replace(/^\uFEFF/, '')) as string[][];
      expect(header).toEqual(['経費区分', '件数', '金額（円）']);
      expenseCategoryRegistry.entries.forEach((category, i) => {
        const counted = stats.byCategory.find((c: { category: string }) => c.category === category.key);
        expect(counted, category.key).toMatchObject({ lineCount: 1, amountJpy: (i + 1) * 1_000_000, label: { ja: category.ja } });
        expect(rows, category.key).toContainEqual([category.ja, '1', String((i + 1) * 1_000_000)]);
      });
    });

    it('reports every lifecycle stage, and exports stages by their registry labels only', async () => {
      const stats = await (await t().request('GET', '/api/v1/stats/stages', { as: admin })).json();
      expect(stats.stages.map((s: { stage: string }) => s.stage)).toEqual([...stageRegistry.keys]);
      for (const stage of stats.stages) expect(stage.label).toEqual(stageRegistry.labels[stage.stage as keyof typeof stageRegistry.labels]);

      const exported = await t().request('GET', '/api/v1/exports/projects.csv', { as: admin });
      const [header, ...rows] = parse((await exported.text()).replace(/^\uFEFF/, '')) as string[][];
      const column = header!.indexOf('段階');
      const labels = new Set<string>(stageRegistry.entries.map((s) => s.ja));
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(labels.has(row[column]!), row[column]).toBe(true);
    });

    it('documents every registry entry as an enum of the OpenAPI document', async () => {
      const doc = await (await t().app.request('/api/openapi.json')).json();
      const enums = enumsOf(doc).map((values) => [...values].sort().join(','));
      const registries = {
        role: roleRegistry,
        stage: stageRegistry,
        documentKind: documentKindRegistry,
        registrationTrigger: registrationTriggerRegistry,
        expenseCategory: expenseCategoryRegistry,
        confidentiality: confidentialityRegistry,
        oversightFactor: oversightFactorRegistry,
      };
      for (const [name, registry] of Object.entries(registries)) {
        expect(enums, name).toContain([...registry.keys].sort().join(','));
      }
      expect(enums, 'oversight inputs').toContain(
        oversightFactorRegistry.entries
          .map((f) => f.input)
          .sort()
          .join(','),
      );
    });
  },
  { demoProjects: true },
);

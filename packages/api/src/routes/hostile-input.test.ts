/**
 * Random and hostile payloads against every write route of the OpenAPI document: only 2xx/4xx, never
 * a 500, a stack trace or SQL text; strings are stored verbatim (escaping is the UI's job).
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeOnBothDatabases, type TestApp } from '../testing/harness.ts';

const hostileStrings = [
  "'; drop table project; --",
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '\u202e\u200b\ufeff制御文字\u0007\u001b[31m',
  '𠮷野家🍣 ｶﾀｶﾅ ＡＢＣ',
  '%00%27 OR 1=1',
  '../../etc/passwd',
  '\\x00\\u0000',
  'a'.repeat(100_000),
];

const hostileValue = fc.oneof(
  fc.constantFrom(...hostileStrings),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 1e308, -0, 2 ** 63),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 5 }),
);
const hostileBody = fc.oneof(
  fc.dictionary(
    fc.constantFrom(
      'name',
      'bureauCode',
      'fiscalYear',
      'summary',
      'budgetJpy',
      'version',
      'fields',
      'to',
      'reason',
      'kind',
      'url',
      'title',
      'items',
      'decision',
      '__proto__',
      'constructor',
    ),
    hostileValue,
    { maxKeys: 8 },
  ),
  hostileValue,
  fc.array(hostileValue, { maxLength: 4 }),
);

function deeplyNested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

type Operation = { method: string; path: string };

async function writeOperations(t: TestApp): Promise<Operation[]> {
  const doc = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops)
      .filter((m) => ['post', 'put', 'patch'].includes(m))
      .map((m) => ({ method: m.toUpperCase(), path })),
  );
}

async function expectClientError(res: Response, label: string) {
  expect(res.status, label).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.headers.get('content-type'), label).toContain('application/problem+json');
    const text = await res.text();
    expect(text, label).not.toMatch(/\bat \w+ \(|node_modules|select .* from|insert into|syntax error/i);
  }
}

describeOnBothDatabases('hostile input', (t) => {
  let projectId: string;
  const concrete = (path: string) => path.replace('{id}', projectId).replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000');

  it('never answers a write route with a 5xx, whatever the body', async () => {
    const created = await (
      await t().request('POST', '/api/v1/projects', {
        as: 'admin@example.jp',
        body: { name: '攻撃対象', bureauCode: 'IND', fiscalYear: 2025 },
      })
    ).json();
    projectId = created.id;
    const operations = (await writeOperations(t())) // Signing out would end the session the rest of the test uses.
      .filter((op) => !op.path.startsWith('/api/v1/auth/'));
    expect(operations.length).toBeGreaterThanOrEqual(2);
    for (const op of operations) {
      await fc.assert(
        fc.asyncProperty(hostileBody, async (body) => {
          const res = await t().request(op.method, concrete(op.path), { as: 'admin@example.jp', body: JSON.stringify(body) });
          await expectClientError(res, `${op.method} ${op.path} ${JSON.stringify(body).slice(0, 200)}`);
        }),
        { numRuns: 15, seed: 20261122 },
      );
      for (const raw of ['{', '[1,', '"\\ud800"', deeplyNested(5000), 'null', '']) {
        const res = await t().request(op.method, concrete(op.path), {
          as: 'admin@example.jp',
          body: raw || undefined,
          headers: { 'content-type': 'application/json' },
        });
        await expectClientError(res, `${op.method} ${op.path} raw ${raw.slice(0, 20)}`);
      }
    }
  }, 240_000);

  it('refuses an oversized body with 413', async () => {
    const res = await t().request('POST', '/api/v1/projects', {
      as: 'admin@example.jp',
      body: { name: 'x', bureauCode: 'IND', fiscalYear: 2025, summary: 'あ'.repeat(1_000_000) },
    });
    expect(res.status).toBe(413);
    expect((await res.json()).code).toBe('payload_too_large');
  });

  it('rejects bad UUIDs in paths with 400', async () => {
    const res = await t().request('GET', '/api/v1/projects/not-a-uuid', { as: 'admin@example.jp' });
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].path).toBe('param.id');
  });

  it('stores hostile text verbatim and returns it unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 150 }).filter((s) => s.trim().length > 0),
        fc.constantFrom(...hostileStrings.slice(0, 8)),
        async (name, summary) => {
          const res = await t().request('POST', '/api/v1/projects', {
            as: 'staff.ind@example.jp',
            body: { name, summary, bureauCode: 'IND', fiscalYear: 2025 },
          });
          expect(res.status).toBe(201);
          const { id } = await res.json();
          const stored = await (await t().request('GET', `/api/v1/projects/${id}`, { as: 'staff.wel@example.jp' })).json();
          expect(stored.name).toBe(name);
          expect(stored.summary).toBe(summary);
        },
      ),
      { numRuns: 20, seed: 7 },
    );
  }, 120_000);

  it('refuses text with NUL characters with a field error instead of failing in the database', async () => {
    const res = await t().request('POST', '/api/v1/projects', {
      as: 'staff.ind@example.jp',
      body: { name: 'a\u0000b', bureauCode: 'IND', fiscalYear: 2025 },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual([{ path: 'name', message: 'must not contain NUL characters' }]);
  });
});

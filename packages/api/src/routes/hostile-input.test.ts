/**
 * Random and hostile payloads against every write route of the OpenAPI document: only 2xx/4xx, never
 * a 500, a stack trace or SQL text; strings are stored verbatim (escaping is the UI's job).
 */
import { hasControlCharacters } from '@psbook/core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { jsonBodyLimitBytes } from '../app.ts';
import { describeOnBothDatabases, type TestApp } from '../testing/harness.ts';
import { listen } from '../testing/http-server.ts';

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

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  allOf?: Schema[];
};
type DocOperation = {
  parameters?: { name: string; in: string }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
};
type OpenApiDoc = { paths: Record<string, Record<string, DocOperation>>; components?: { schemas?: Record<string, Schema> } };

/** Every operation with its query parameters and the names of its JSON body's top-level fields. */
async function operationInputs(t: TestApp) {
  const doc = (await (await t.app.request('/api/openapi.json')).json()) as OpenApiDoc;
  const resolve = (schema: Schema | undefined): Schema | undefined =>
    schema?.$ref ? resolve(doc.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')]) : schema;
  const fieldsOf = (schema: Schema | undefined): string[] => {
    const s = resolve(schema);
    if (!s) return [];
    return [...Object.keys(s.properties ?? {}), ...(s.allOf ?? []).flatMap(fieldsOf), ...(s.anyOf ?? []).flatMap(fieldsOf)];
  };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      bodyFields: [...new Set(fieldsOf(op.requestBody?.content?.['application/json']?.schema))],
    })),
  );
}

/** NUL and other control characters as a client can send them, raw and percent-encoded. */
const controlStrings = ['a\u0000b', '\u0000', 'x\u0001\u001b[31m', '\t\r\n', 'a\u007fb', '%00', '\u0000%27 OR 1=1'];

const errorsOf = async (res: Response) => ((await res.clone().json()) as { errors: { path: string; message: string }[] }).errors;

async function expectProblemWithHeaders(res: Response, label: string) {
  expect(res.headers.get('content-type'), label).toContain('application/problem+json');
  expect(res.headers.get('x-request-id'), label).toBeTruthy();
  expect(res.headers.get('x-content-type-options'), label).toBe('nosniff');
  expect(res.headers.get('content-security-policy'), label).toContain("default-src 'self'");
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

  it('refuses NUL and control characters in every query parameter of every route with 400 and the field, never 5xx', async () => {
    const operations = await operationInputs(t());
    const withQuery = operations.filter((op) => op.query.length > 0);
    expect(withQuery.map((op) => op.path)).toEqual(expect.arrayContaining(['/api/v1/projects', '/api/v1/audit', '/api/v1/admin/users']));
    for (const op of withQuery) {
      for (const name of op.query) {
        for (const value of controlStrings) {
          const label = `${op.method} ${op.path}?${name}=${JSON.stringify(value)}`;
          const res = await t().request(op.method, `${concrete(op.path)}?${name}=${encodeURIComponent(value)}`, { as: 'admin@example.jp' });
          const raw = value === '%00' ? 'a' : value;
          if (hasControlCharacters(raw)) {
            expect(res.status, label).toBe(400);
            expect(await errorsOf(res), label).toContainEqual({ path: `query.${name}`, message: 'must not contain control characters' });
          }
          await expectClientError(res, label);
        }
      }
    }
  }, 240_000);

  it('answers NUL and control characters in every path parameter with a 4xx, never 5xx', async () => {
    const operations = (await operationInputs(t())).filter((op) => op.path.includes('{') && op.path !== '/api/v1/auth/logout');
    expect(operations.length).toBeGreaterThanOrEqual(10);
    for (const op of operations) {
      for (const value of controlStrings) {
        const path = op.path.replace(/\{\w+\}/g, encodeURIComponent(value));
        const res = await t().request(op.method, path, { as: 'admin@example.jp', body: op.method === 'GET' ? undefined : {} });
        await expectClientError(res, `${op.method} ${path}`);
        if (res.status >= 400) await expectProblemWithHeaders(res, `${op.method} ${path}`);
      }
    }
  }, 120_000);

  it('answers NUL in a search or filter as problem+json with the security headers, exports and all', async () => {
    for (const path of [
      '/api/v1/projects?q=a%00b',
      '/api/v1/audit?action=a%00',
      '/api/v1/admin/users?q=%00',
      '/api/v1/exports/projects.csv?q=%00',
      '/api/v1/exports/open-data.csv?q=a%00',
      '/api/v1/exports/projects.json?q=%00',
      '/api/v1/exports/open-data.json?q=%00',
    ]) {
      const res = await t().request('GET', path, { as: 'admin@example.jp' });
      expect(res.status, path).toBe(400);
      await expectProblemWithHeaders(res, path);
    }
    const notFound = await t().request('GET', '/api/v1/nothing-here', { as: 'admin@example.jp' });
    await expectProblemWithHeaders(notFound, 'not found');
  });

  it('sends X-Request-Id and the security headers on streams: the NDJSON import and the exports', async () => {
    const token = await t().tokenFor('admin@example.jp');
    const ndjson = await t().app.request('/api/v1/imports/expenses?dryRun=true', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', accept: 'application/x-ndjson' },
      body: 'external_id,bureau_code,project_name,fiscal_year,category,amount_kyen\r\nHDR-1,IND,見出し確認,2025,system_maintenance,1\r\n',
    });
    expect(ndjson.status).toBe(200);
    expect(ndjson.headers.get('content-type')).toContain('application/x-ndjson');
    await ndjson.text();
    for (const res of [ndjson, await t().request('GET', '/api/v1/exports/projects.csv', { as: 'admin@example.jp' })]) {
      expect(res.headers.get('x-request-id')).toBeTruthy();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('refuses NUL and control characters in every body field of every write route, never 5xx', async () => {
    const operations = (await operationInputs(t())).filter((op) => op.bodyFields.length > 0 && op.path !== '/api/v1/auth/logout');
    expect(operations.length).toBeGreaterThanOrEqual(10);
    for (const op of operations) {
      for (const field of op.bodyFields) {
        for (const value of controlStrings) {
          const label = `${op.method} ${op.path} ${field}=${JSON.stringify(value)}`;
          const res = await t().request(op.method, concrete(op.path), { as: 'admin@example.jp', body: { [field]: value } });
          if (value.includes('\u0000')) {
            expect(res.status, label).toBe(400);
            expect(await errorsOf(res), label).toContainEqual({ path: field, message: 'must not contain NUL characters' });
          }
          await expectClientError(res, label);
          // Nested too: a NUL deep inside is found and named by its path.
          const nested = await t().request(op.method, concrete(op.path), { as: 'admin@example.jp', body: { [field]: { inner: [value] } } });
          await expectClientError(nested, `${label} nested`);
        }
      }
    }
  }, 240_000);

  it('refuses control characters in a document URL and in the sign-in e-mail, which used to reach the database', async () => {
    const withNul = await t().request('POST', `/api/v1/projects/${projectId}/documents`, {
      as: 'admin@example.jp',
      body: { kind: 'other', title: '仕様書', url: 'https://example.jp/a\u0000b' },
    });
    expect(withNul.status).toBe(400);
    expect(await errorsOf(withNul)).toContainEqual({ path: 'url', message: 'must not contain NUL characters' });
    const withEscape = await t().request('POST', `/api/v1/projects/${projectId}/documents`, {
      as: 'admin@example.jp',
      body: { kind: 'other', title: '仕様書', url: 'https://example.jp/a\u001bb' },
    });
    expect(withEscape.status).toBe(400);
    expect(await errorsOf(withEscape)).toContainEqual({ path: 'url', message: 'must not contain control characters' });

    for (const email of ['admin@example.jp\u0000', 'ad\u0001min@example.jp', 'admin\u007f@example.jp']) {
      const res = await t().request('POST', '/api/v1/auth/login', { body: { email, password: 'wrong password' } });
      expect(res.status, JSON.stringify(email)).toBe(400);
      await expectProblemWithHeaders(res, JSON.stringify(email));
      expect((await errorsOf(res))[0]!.path).toBe('email');
    }
  });

  it('closes the connection after a 413, so the next request on a keep-alive connection works', async () => {
    const server = await listen(t().app);
    try {
      const token = await t().tokenFor('admin@example.jp');
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      // Warm a keep-alive connection, so Node's fetch reuses it for the oversized upload and the request after.
      expect((await fetch(`${server.url}/api/v1/auth/me`, { headers })).status).toBe(200);
      for (let i = 0; i < 3; i++) {
        const big = await fetch(`${server.url}/api/v1/projects`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ name: 'x', bureauCode: 'IND', fiscalYear: 2025, summary: 'あ'.repeat(jsonBodyLimitBytes) }),
        });
        expect(big.status).toBe(413);
        expect(big.headers.get('connection')).toBe('close');
        await expectProblemWithHeaders(big, '413');
        expect(((await big.json()) as { code: string }).code).toBe('payload_too_large');
        const next = await fetch(`${server.url}/api/v1/auth/me`, { headers });
        expect(next.status).toBe(200);
      }
    } finally {
      await server.close();
    }
  });

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

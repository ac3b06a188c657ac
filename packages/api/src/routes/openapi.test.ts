import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/harness.ts';

/** Routes outside the API contract: static assets of the reference page, probes. */
const undocumented = new Set(['GET /api/docs', 'GET /api/docs/init.js', 'GET /api/docs/assets/{file}', 'GET /api/openapi.json']);

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: any;
  beforeAll(async () => {
    t = await createTestApp('pglite');
    doc = await (await t.app.request('/api/openapi.json')).json();
  });
  afterAll(() => t.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('documents every API route the app serves, and nothing it does not', () => {
    const served = new Set(
      t.app.routes
        .filter((r) => (r.path.startsWith('/api/') || r.path === '/healthz' || r.path === '/readyz') && r.method !== 'ALL')
        .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
        .filter((r) => !undocumented.has(r)),
    );
    const documented = new Set(
      Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
          .map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    expect([...served].filter((r) => !documented.has(r)).sort()).toEqual([]);
    expect([...documented].filter((r) => !served.has(r)).sort()).toEqual([]);
    expect(served.size).toBeGreaterThan(5);
  });

  it('gives every operation a summary and a success response with a schema or content type', () => {
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        // Sign-in by the organisation's provider is a browser navigation: its success is a redirect.
        const success = Object.entries(op.responses as Record<string, any>).find(([status]) => /^[23]/.test(status));
        expect(success, `${method} ${path} has a 2xx (or, for a browser navigation, 3xx) response`).toBeTruthy();
      }
    }
  });

  it('serves a browsable reference page', async () => {
    const page = await t.app.request('/api/docs');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/api/docs/init.js');
    expect(await (await t.app.request('/api/docs/init.js')).text()).toContain('/api/openapi.json');
    const bundle = await t.app.request('/api/docs/assets/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
  });
});

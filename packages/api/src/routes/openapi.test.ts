import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentFile, generatedDocument, generatedTypes, typesFile } from '../../scripts/openapi-files.ts';
import { createTestApp, type TestApp } from '../testing/harness.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

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

  it('is the committed openapi.json, and the committed generated types are from it (npm run openapi -w @psbook/api)', async () => {
    expect(readFileSync(documentFile, 'utf8')).toBe(generatedDocument());
    expect(JSON.parse(generatedDocument())).toEqual(doc);
    expect(readFileSync(typesFile, 'utf8')).toBe(await generatedTypes());
  });

  it('gives every operation a camelCase operationId, a defined tag, a description and the headers of its answers', () => {
    const tags = new Set((doc.tags as { name: string; description: string }[]).map((t) => t.name));
    const ids = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method} ${path}`;
        expect(op.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
        expect(ids.has(op.operationId), `${where}: operationId ${op.operationId} used twice`).toBe(false);
        ids.add(op.operationId);
        expect(op.tags, where).toHaveLength(1);
        expect(tags.has(op.tags[0]), `${where}: tag ${op.tags[0]} is defined`).toBe(true);
        expect(op.description, where).toBeTruthy();
        for (const [status, response] of Object.entries(op.responses as Record<string, any>)) {
          expect(response.headers?.['X-Request-Id'], `${where} ${status} declares X-Request-Id`).toBeTruthy();
          if ((status === '429' || status === '503') && response.content?.['application/problem+json'])
            expect(response.headers?.['Retry-After'], `${where} ${status}`).toBeTruthy();
        }
      }
    }
  });

  it('lets sign-in and the probes work without credentials, and lists each operation’s token scopes', () => {
    expect(doc.paths['/api/v1/auth/login'].post.security).toEqual([]);
    expect(doc.paths['/healthz'].get.security).toEqual([]);
    expect(doc.paths['/api/v1/stats/stages'].get.security).toContainEqual({ apiToken: ['stats:read'] });
    const schemes = new Set(Object.keys(doc.components.securitySchemes));
    const publicOperations: string[] = [];
    for (const ops of Object.values(doc.paths as Record<string, Record<string, any>>)) {
      for (const op of Object.values(ops)) {
        for (const requirement of op.security) for (const name of Object.keys(requirement)) expect(schemes.has(name), name).toBe(true);
        if (op.security.length === 0) publicOperations.push(op.operationId);
      }
    }
    expect(publicOperations.sort()).toEqual(
      ['completeOidcSignIn', 'getLiveness', 'getReadiness', 'listSignInMethods', 'signIn', 'startOidcSignIn'].sort(),
    );
    // No scope accepts writes: tokens are read-only.
    expect(doc.paths['/api/v1/projects'].post.security).toEqual([{ session: [] }, { cookie: [] }]);
  });

  it('names one schema per problem code, whose status is the HTTP status', () => {
    const schemas = doc.components.schemas as Record<string, any>;
    expect(schemas.VersionConflictProblem.properties.code.enum).toEqual(['version_conflict']);
    expect(schemas.VersionConflictProblem.properties.status).toMatchObject({ enum: [409] });
    expect(schemas.Problem.properties.code.enum).toContain('method_not_allowed');
    for (const name of ['Project', 'ProjectPage', 'Kpi', 'Canvas', 'ReleaseRequest', 'Problem']) expect(schemas[name], name).toBeTruthy();
  });

  it('writes every tier and reviewer role as a named schema, null only in the …OrNull ones (decision 0027)', () => {
    const schemas = doc.components.schemas as Record<string, any>;
    const allowsNull = (schema: any) => JSON.stringify(schema).includes('null');
    expect(allowsNull(schemas.Tier)).toBe(false);
    expect(allowsNull(schemas.ReviewerRole)).toBe(false);
    expect(allowsNull(schemas.TierOrNull)).toBe(true);
    expect(allowsNull(schemas.ReviewerRoleOrNull)).toBe(true);
    // A property that holds a tier (tier, fromTier, toTier, tiers …), written inline instead of by name.
    const inline: string[] = [];
    const visit = (node: any, path: string): void => {
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries<any>(node.properties ?? {})) {
        const held = key === 'tiers' ? value?.items : value;
        if (/^(tier|fromTier|toTier|tiers|tierAtExtraction)$/.test(key) && !held?.$ref) inline.push(`${path}/properties/${key}`);
      }
      for (const [key, value] of Object.entries(node)) visit(value, `${path}/${key}`);
    };
    visit(doc, '');
    expect(inline, 'use ZTier or ZTierOrNull').toEqual([]);
  });
  it('answers a wrong method with 405 and Allow, and a body that is not JSON with 415', async () => {
    const wrong = await t.app.request('/api/v1/projects', { method: 'PUT' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(await wrong.json()).toMatchObject({ code: 'method_not_allowed', status: 405, allow: ['GET', 'HEAD', 'POST'] });
    expect(wrong.headers.get('x-request-id')).toBeTruthy();
    // A path with a parameter, and a method its routes do not have: still 405 with every method they do have.
    const wrongOnOne = await t.app.request('/api/v1/projects/00000000-0000-4000-8000-000000000000', { method: 'PUT' });
    expect(wrongOnOne.status).toBe(405);
    expect(wrongOnOne.headers.get('allow')).toMatch(/^GET, HEAD, PATCH/);
    const token = await t.tokenFor('staff.ind@example.jp');
    // A path no route has is 404, whatever the method (the router matched nothing, so the scan runs and finds nothing).
    const unknown = await t.app.request('/api/v1/no-such-thing', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(unknown.status).toBe(404);
    for (const [method, path] of [
      ['POST', '/api/v1/projects'],
      ['POST', '/api/v1/oversight/evaluate'],
      ['POST', '/api/v1/auth/login'],
    ] as const) {
      const asText = await t.app.request(path, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
        body: '{"name":"x"}',
      });
      expect(asText.status, `${method} ${path}`).toBe(415);
      expect(((await asText.json()) as { code: string }).code).toBe('unsupported_media_type');
    }
  });

  it('gives operations realistic examples recorded from the demo book, each valid against its schema', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    ajv.addSchema({ ...doc, $id: 'doc' });
    const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
    const withExample = new Set<string>();
    const invalid: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const media = [
          ...Object.entries(op.requestBody?.content ?? {}).map(([type, m]) => [pointer('requestBody', 'content', type), m] as const),
          ...Object.entries(op.responses as Record<string, any>).flatMap(([status, r]) =>
            Object.entries(r.content ?? {}).map(([type, m]) => [pointer('responses', status, 'content', type), m] as const),
          ),
        ];
        for (const [where, m] of media as [string, any][]) {
          if (m.example === undefined) continue;
          if (where.startsWith('responses/2')) withExample.add(op.operationId);
          const validate = ajv.compile({ $ref: `doc#/paths/${pointer(path, method)}/${where}/schema` });
          if (!validate(m.example)) invalid.push(`${op.operationId} ${where}: ${ajv.errorsText(validate.errors)}`);
        }
      }
    }
    expect(invalid).toEqual([]);
    // Recorded from the demo book: a project's Japanese name, not a placeholder.
    expect(JSON.stringify(doc.paths['/api/v1/projects'].post.requestBody.content['application/json'].example)).toContain('子育て支援');
    for (const id of ['createProject', 'listProjects', 'getProject', 'listKpis', 'createKpi', 'listReleaseRequests', 'listInbox'])
      expect(withExample.has(id), id).toBe(true);
    // Every problem schema carries an example of its own code and status.
    for (const [name, schema] of Object.entries(doc.components.schemas as Record<string, any>))
      if (name.endsWith('Problem') && schema.properties?.code?.enum?.length === 1)
        expect(schema.example?.code, name).toBe(schema.properties.code.enum[0]);
  });

  it('gives every operation a request example (when it has a body) and an example of each success answer it can send', () => {
    const missing: string[] = [];
    for (const ops of Object.values(doc.paths as Record<string, Record<string, any>>)) {
      for (const op of Object.values(ops)) {
        const bodies = [
          ...Object.entries(op.requestBody?.content ?? {}).map(([type, m]) => [`request ${type}`, m] as const),
          ...Object.entries(op.responses as Record<string, any>)
            .filter(([status]) => status.startsWith('2'))
            .flatMap(([status, r]) => Object.entries(r.content ?? {}).map(([type, m]) => [`${status} ${type}`, m] as const)),
        ] as [string, any][];
        for (const [where, m] of bodies) {
          // A workbook is binary: the document says so instead of showing a made-up body.
          if (m.schema?.format === 'binary') {
            expect(m.schema.description, `${op.operationId} ${where}`).toMatch(/binary/);
            continue;
          }
          if (m.example === undefined) missing.push(`${op.operationId} ${where}`);
        }
      }
    }
    expect(missing).toEqual([]);
    // The Excel answers are binary; CSV answers are shown as text with their Japanese header.
    const xlsx = doc.paths['/api/v1/exports/projects.xlsx'].get.responses['200'].content;
    expect(Object.keys(xlsx)).toEqual(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);
    expect(doc.paths['/api/v1/exports/projects.csv'].get.responses['200'].content['text/csv'].example).toMatch(
      /^ID,プロジェクト番号,事業名/,
    );
  });

  it('documents the errors every operation can give by its shape: 409/412 with a version, 413 on a write, 401/403 behind sign-in', () => {
    const schemas = doc.components.schemas as Record<string, any>;
    const members = (schema: any): string[] => {
      const s = schema?.$ref ? schemas[schema.$ref.split('/').pop()] : schema;
      if (!s) return [];
      return [...Object.keys(s.properties ?? {}), ...[...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])].flatMap(members)];
    };
    const missing: string[] = [];
    for (const ops of Object.values(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const statuses = new Set(Object.keys(op.responses));
        const body = members(op.requestBody?.content?.['application/json']?.schema);
        const ifMatch = (op.parameters ?? []).some((p: { name: string }) => p.name.toLowerCase() === 'if-match');
        const expected = ['400', '415', '500', '503'];
        if (op.security.length) expected.push('401', '403');
        if (method !== 'get' && method !== 'delete') expected.push('413');
        if (ifMatch || body.some((m) => m === 'version' || m === 'revision' || m === 'baseRevision')) expected.push('409');
        if (ifMatch) expected.push('412');
        for (const status of expected) if (!statuses.has(status)) missing.push(`${op.operationId} ${status}`);
      }
    }
    expect(missing).toEqual([]);
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

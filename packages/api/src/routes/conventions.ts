/**
 * What every operation shares and the document says once: names for core's schemas, the security
 * schemes, the common headers, tags, 405 with Allow, and 415 for a body that is not JSON.
 */
import { readFileSync } from 'node:fs';
import { type OpenAPIRegistry, zodToOpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { AppError, databaseRetrySeconds } from '../errors.ts';
import { xlsxContentType } from '../xlsx.ts';
import { tags } from './operations.ts';

/**
 * Component names for core's schemas: the export name without `Z` and a `Response` suffix
 * (ZProjectResponse → Project), and `…ListResponse` → `…Page`. Registering the very objects the
 * routes use makes the generator emit a `$ref` wherever they appear, so a client gets one type each.
 */
export function nameSchemas(modules: readonly Record<string, unknown>[]): string[] {
  const names: string[] = [];
  for (const module of modules) {
    for (const [exportName, value] of Object.entries(module)) {
      if (!/^Z[A-Z]/.test(exportName) || !(value instanceof z.ZodType)) continue;
      if (zodToOpenAPIRegistry.has(value) || value.meta()?.id) continue;
      const name = exportName
        .slice(1)
        .replace(/ListResponse$/, 'Page')
        .replace(/(.)Response$/, '$1');
      if (names.includes(name)) continue;
      zodToOpenAPIRegistry.add(value, { _internal: { refId: name } });
      names.push(name);
    }
  }
  return names;
}

const header = (description: string, schema: Record<string, unknown>, example: unknown) => ({ description, schema, example });

export function registerDocumentComponents(registry: OpenAPIRegistry) {
  registry.registerComponent('securitySchemes', 'session', {
    type: 'http',
    scheme: 'bearer',
    description: 'The session token that POST /api/v1/auth/login answers with. Limited by the user’s role only.',
  });
  registry.registerComponent('securitySchemes', 'cookie', {
    type: 'apiKey',
    in: 'cookie',
    name: 'psbook_session',
    description: 'The browser’s session cookie, set by sign-in. Writes must come from the same origin (Origin checked).',
  });
  registry.registerComponent('securitySchemes', 'apiToken', {
    type: 'http',
    scheme: 'bearer',
    description:
      'A read-only API token (psb_…) from POST /api/v1/tokens. It may call only the operations that list one of its scopes here: projects:read, stats:read, tech_reviews:read.',
  });
  registry.registerComponent(
    'headers',
    'X-Request-Id',
    header(
      'The id of this request in the server’s log; sent on every answer, quote it when reporting a problem',
      { type: 'string' },
      '4f1c2a9e-7d3b-4c1e-9a2f-0b6d5e8c1a23',
    ),
  );
  registry.registerComponent(
    'headers',
    'Cache-Control',
    header('API answers are never stored by caches: no-store', { type: 'string', enum: ['no-store'] }, 'no-store'),
  );
  registry.registerComponent(
    'headers',
    'ETag',
    header('The version of the resource, quoted: send it back as If-Match to change it', { type: 'string' }, '"3"'),
  );
  registry.registerComponent(
    'headers',
    'Retry-After',
    header('Seconds to wait before trying again', { type: 'integer', minimum: 0 }, databaseRetrySeconds),
  );
  registry.registerComponent(
    'headers',
    'Content-Disposition',
    header(
      'A download: attachment, with the file name in ASCII and, for a Japanese name, in UTF-8 (RFC 6266 filename*)',
      { type: 'string' },
      'attachment; filename="_2026.csv"; filename*=UTF-8\'\'%E6%8A%80%E8%A1%93%E7%9A%84%E9%96%A2%E4%B8%8E_2026.csv',
    ),
  );
  registry.registerComponent(
    'headers',
    'Set-Cookie',
    header(
      'The session cookie (HttpOnly, SameSite=Lax; Secure over HTTPS), or its removal on sign-out',
      { type: 'string' },
      'psbook_session=…; Path=/; HttpOnly; SameSite=Lax',
    ),
  );
}

/** The document's head: its tags in order, and no security by default (each operation says its own). */
export function documentHead() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'PS Book API',
      version: '1.0.0',
      description: [
        'The Project Sharing Book (PS Book): the register of a government’s digital projects — projects, service canvases,',
        'KPIs, lifecycle, oversight tiers and reviews. Conventions (pagination, versions and If-Match, errors, tokens and',
        'scopes, NDJSON, deprecation) are in docs/api.md. Errors are application/problem+json (RFC 9457).',
      ].join(' '),
      contact: { name: 'PS Book', email: 'psbook@example.jp' },
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [
      {
        url: '/',
        description: 'The server that serves this document: production, staging or local alike',
        'x-internal': true,
      },
    ],
    tags: Object.entries(tags).map(([name, description]) => ({ name, description })),
  };
}

/** The methods some route serves at `path`, for 405's Allow header; empty when no route has the path. */
export function allowedMethods(routes: readonly { method: string; path: string }[], path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === 'ALL' || route.path.includes('*')) continue;
    if (patternOf(route.path).test(path)) methods.add(route.method);
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

const patterns = new Map<string, RegExp>();
function patternOf(routePath: string): RegExp {
  let pattern = patterns.get(routePath);
  if (!pattern) {
    const source = routePath
      .split(/(:\w+(?:\{[^}]*\})?)/)
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    pattern = new RegExp(`^${source}$`);
    patterns.set(routePath, pattern);
  }
  return pattern;
}

/** The routes that read something other than JSON: the expense import reads CSV or a workbook. */
const nonJsonBodies = /^\/api\/v1\/imports\//;

/**
 * A body sent as anything but JSON is 415 on every JSON route, before validation: otherwise some
 * routes would read it as an empty object (400 with field errors) and others refuse it.
 */
export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  const method = c.req.method;
  if (method === 'GET' || method === 'HEAD' || method === 'DELETE' || method === 'OPTIONS' || nonJsonBodies.test(c.req.path)) return next();
  const length = c.req.header('content-length');
  const hasBody = (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (hasBody || type) {
    if (type !== 'application/json' && !/^application\/[\w.-]+\+json$/.test(type))
      throw new AppError('unsupported_media_type', 'Send the body as JSON, with Content-Type: application/json');
  }
  return next();
});

/**
 * What scripts/openapi-examples.ts recorded for one operation: its request body and its answers,
 * by media type (and status). A CSV example is text; an Excel workbook is binary and has none.
 */
export type Recorded = { request?: Record<string, unknown>; responses: Record<string, Record<string, unknown>> };
/** The examples recorded from the demo book, by operationId. */
const recordedExamples = JSON.parse(readFileSync(new URL('./examples.json', import.meta.url), 'utf8')) as Record<string, Recorded>;

type DocumentMedia = { example?: unknown; schema?: Record<string, unknown> };
type DocumentOperation = {
  operationId?: string;
  requestBody?: { content?: Record<string, DocumentMedia> };
  responses?: Record<string, { content?: Record<string, DocumentMedia> }>;
};

/**
 * An Excel workbook, sent or answered, is binary: `format: binary` tells a generated client to treat it
 * as bytes (a Blob), and tells the reader why the document shows no example of it.
 */
function markWorkbooksBinary(paths: Record<string, Record<string, DocumentOperation>>) {
  const mark = (content: Record<string, { schema?: Record<string, unknown> }> | undefined) => {
    const media = content?.[xlsxContentType];
    if (media)
      media.schema = {
        type: 'string',
        format: 'binary',
        description: 'An Excel workbook (.xlsx): binary, so no example is shown',
      };
  };
  for (const operations of Object.values(paths))
    for (const operation of Object.values(operations)) {
      mark(operation.requestBody?.content);
      for (const response of Object.values(operation.responses ?? {})) mark(response.content);
    }
}

/** Puts each operation's recorded requests and answers on their media types. */
function attachExamples(paths: Record<string, Record<string, DocumentOperation>>) {
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      const recorded = operation.operationId ? recordedExamples[operation.operationId] : undefined;
      if (!recorded) continue;
      for (const [status, byType] of Object.entries(recorded.responses ?? {}))
        for (const [type, example] of Object.entries(byType)) {
          const media = operation.responses?.[status]?.content?.[type];
          if (media) media.example = example;
        }
      for (const [type, example] of Object.entries(recorded.request ?? {})) {
        const media = operation.requestBody?.content?.[type];
        if (media) media.example = example;
      }
    }
  }
}

/**
 * Corrections to what the generator writes. A nullable named schema comes out as
 * `allOf: [{ $ref }, { type: [T, 'null'] }]`, which no null satisfies (the $ref refuses it): it becomes
 * `anyOf: [{ $ref }, { type: 'null' }]`. An integer without a format gets int64.
 */
export function finishDocument<T>(doc: T): T {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!node || typeof node !== 'object') return node;
    const entries = Object.entries(node as Record<string, unknown>).map(([k, v]) => [k, visit(v)] as const);
    const out = Object.fromEntries(entries) as Record<string, unknown>;
    // Integers are JavaScript safe integers (yen amounts included): int64 says they may exceed 32 bits.
    const isInteger = out.type === 'integer' || (Array.isArray(out.type) && out.type.includes('integer'));
    if (isInteger && out.format === undefined) out.format = 'int64';
    const allOf = out.allOf as Record<string, unknown>[] | undefined;
    if (allOf?.length === 2 && allOf[0]?.$ref && Array.isArray(allOf[1]?.type) && (allOf[1].type as string[]).includes('null')) {
      const nullable = allOf[1];
      if (Object.keys(nullable).every((k) => k === 'type' || k === 'description' || k === 'default')) {
        const { allOf: _, ...rest } = out;
        return { ...rest, anyOf: [allOf[0], { type: 'null' }] };
      }
    }
    return out;
  };
  const finished = visit(doc) as T & { paths?: Record<string, Record<string, DocumentOperation>> };
  if (finished.paths) {
    markWorkbooksBinary(finished.paths);
    attachExamples(finished.paths);
  }
  return finished;
}

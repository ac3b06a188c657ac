/**
 * How every operation is described: `apiRoute` wraps `createRoute` so each one carries its operationId,
 * tag, description, accepted token scopes (declared in the document and enforced from the same table),
 * the headers every answer has, and a named problem schema for every error status it can give.
 * The request and response schemas are core's zod schemas, named once in `schemas.ts`; the same objects
 * validate the request.
 */
import { createRoute, OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { ZTokenScope } from '@psbook/core';
import type { Context, TypedResponse } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { JSONParsed } from 'hono/utils/types';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { AppError, type ErrorCode, errorStatus, fieldErrors, validationError } from '../errors.ts';
import { type OperationId, operations } from './operations.ts';
import { ZPageQuery } from './pagination.ts';

const ZFieldError = z
  .object({
    path: z.string().meta({ description: 'Where the problem is: a body field path (`bureauCode`), or `query.limit`, `header.if-match`' }),
    message: z.string(),
  })
  .meta({ id: 'FieldError', example: { path: 'name', message: 'Required' } });

/** What every problem has (RFC 9457). `status` is always the HTTP status of the answer. */
const problemBase = {
  type: z.string().meta({ description: 'A URI naming the problem kind; it ends with the code' }),
  title: z.string().meta({ description: 'What went wrong, for a person' }),
  instance: z.string().optional().meta({ description: 'The path that was asked for' }),
  requestId: z.string().optional().meta({ description: 'The X-Request-Id of the answer: quote it when reporting a problem' }),
};

export const ZProblem = z
  .object({ ...problemBase, code: z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]), status: z.number().int() })
  .meta({ id: 'Problem', description: 'An error answer (application/problem+json, RFC 9457)' });

/** The members a problem of a code may carry beyond the common ones. */
const extensions: Partial<Record<ErrorCode, Record<string, z.ZodType>>> = {
  validation_failed: { errors: z.array(ZFieldError).meta({ description: 'Every invalid field' }) },
  conflict: {
    errors: z.array(ZFieldError).optional(),
    currentStatus: z.string().optional().meta({ description: 'The status the thing already has (approved, closed …)' }),
    id: z.string().optional().meta({ description: 'The thing already waiting' }),
    period: z.string().optional(),
    fiscalYear: z.number().int().optional(),
    submittedAt: z.iso.datetime({ offset: true }).optional(),
  },
  version_conflict: {
    currentVersion: z.number().int().optional().meta({ description: 'The version now stored: reload, reapply, send it' }),
    currentRevision: z.number().int().optional().meta({ description: 'For a canvas, the revision now saved' }),
    current: z.looseObject({}).optional().meta({ description: 'The thing as now stored, when the answer carries it' }),
  },
  gate_unmet: {
    from: z.string(),
    to: z.string(),
    unmet: z.array(z.looseObject({ gate: z.string() })).meta({ description: 'The gates of the stage that are not met' }),
  },
  reason_required: { from: z.string(), to: z.string(), errors: z.array(ZFieldError).optional() },
  invalid_transition: {
    from: z.string().optional(),
    to: z.string().optional(),
    allowed: z.array(z.string()).optional().meta({ description: 'Where it may move from here' }),
    errors: z.array(ZFieldError).optional(),
  },
  rule_violation: {
    errors: z
      .array(
        z.looseObject({
          message: z.string(),
          path: z.string().optional().meta({ description: 'The field, for a rule about a request' }),
          line: z.number().int().optional().meta({ description: 'The line (CSV) or row (sheet), for an import' }),
          column: z.string().nullable().optional(),
          sheet: z.string().optional(),
        }),
      )
      .optional(),
    stage: z.string().optional(),
    errorCount: z.number().int().optional(),
    fileSha256: z.string().optional(),
    format: z.string().optional(),
    sheet: z.string().nullable().optional(),
    encoding: z.string().nullable().optional(),
    lineCount: z.number().int().optional(),
  },
  forbidden: { reason: z.string().optional().meta({ description: 'local_passwords_off when password sign-in is turned off' }) },
  too_many_requests: { retryAfterSeconds: z.number().int().meta({ description: 'The same as the Retry-After header' }) },
  method_not_allowed: { allow: z.array(z.string()).meta({ description: 'The methods the path has (the Allow header)' }) },
};

/** A title as the server writes it, for each problem's example. */
const exampleTitles: Record<ErrorCode, string> = {
  bad_request: 'The request cannot be read',
  malformed_json: 'The body is not valid JSON',
  validation_failed: 'The request has invalid fields',
  unauthenticated: 'Sign in first',
  invalid_credentials: 'The e-mail address or password is wrong',
  csrf_rejected: 'A write from another site was refused',
  forbidden: 'Only the owning bureau or an admin can change this project',
  not_found: 'Project not found',
  method_not_allowed: 'PUT is not allowed here',
  version_conflict: 'Someone else changed this first: reload and apply your change again',
  conflict: 'This release request is already approved',
  precondition_failed: 'Send If-Match with the version you read, or version in the body',
  payload_too_large: 'The body is larger than the limit',
  unsupported_media_type: 'Send the body as JSON, with Content-Type: application/json',
  gate_unmet: 'The project cannot move to 要件定義 yet',
  reason_required: 'Moving back needs a reason',
  invalid_transition: 'A project in 企画 cannot move to 運用',
  rule_violation: 'The expense file has 2 invalid lines',
  too_many_requests: 'Too many sign-in attempts: wait and try again',
  internal: 'Something went wrong on our side',
  database_unavailable: 'The database is not reachable: try again shortly',
};
/** The members a problem's example needs beyond the common ones (its schema requires them). */
const exampleExtensions: Partial<Record<ErrorCode, Record<string, unknown>>> = {
  validation_failed: { errors: [{ path: 'bureauCode', message: 'must be a bureau code (e.g. IND)' }] },
  version_conflict: { currentVersion: 4 },
  conflict: { currentStatus: 'approved' },
  gate_unmet: {
    from: 'planning',
    to: 'requirements',
    unmet: [{ gate: 'canvas_written', message: 'サービスキャンバスの重要項目が未記入です' }],
  },
  reason_required: { from: 'development', to: 'requirements' },
  invalid_transition: { from: 'planning', to: 'operation', allowed: ['requirements', 'retired'] },
  rule_violation: { errors: [{ line: 12, column: '金額', message: '金額が整数ではありません' }], errorCount: 2 },
  too_many_requests: { retryAfterSeconds: 60 },
  method_not_allowed: { allow: ['GET', 'HEAD', 'POST'] },
};

const pascal = (code: string) => code.replace(/(^|_)(\w)/g, (_, _u, ch: string) => ch.toUpperCase());

/** One named schema per problem code, its `code` an enum of that one value and its `status` that one number. */
export const problemSchemas = Object.fromEntries(
  (Object.keys(errorStatus) as ErrorCode[]).map((code) => [
    code,
    z.object({ ...problemBase, code: z.enum([code]), status: z.literal(errorStatus[code]), ...extensions[code] }).meta({
      id: `${pascal(code)}Problem`,
      description: `The problem answered with code \`${code}\``,
      example: {
        type: `https://psbook.example/problems/${code}`,
        code,
        title: exampleTitles[code],
        status: errorStatus[code],
        instance: '/api/v1/projects/6f0c2a7e-3b1d-4c8e-9a51-2d7f0e4b8c13',
        requestId: '4f1c2a9e-7d3b-4c1e-9a2f-0b6d5e8c1a23',
        ...exampleExtensions[code],
      },
    }),
  ]),
) as unknown as Record<ErrorCode, z.ZodType>;

const codesByStatus = new Map<number, ErrorCode[]>();
for (const [code, status] of Object.entries(errorStatus) as [ErrorCode, number][]) {
  codesByStatus.set(status, [...(codesByStatus.get(status) ?? []), code]);
}
const statusProblem = new Map<number, z.ZodType>(
  [...codesByStatus].map(([status, codes]) => [
    status,
    codes.length === 1
      ? (problemSchemas[codes[0] as ErrorCode] as z.ZodType)
      : z
          .union(codes.map((code) => problemSchemas[code]) as [z.ZodType, z.ZodType, ...z.ZodType[]])
          .meta({ id: `Status${status}Problem`, description: `Any problem answered with HTTP ${status}: ${codes.join(', ')}` }),
  ]),
);

const statusText: Record<number, string> = {
  400: 'Malformed JSON, or invalid fields (`errors` lists each field path)',
  401: 'Not signed in, or the session has ended',
  403: 'Signed in, but not allowed (a role, a bureau, a token scope or the cross-site check)',
  404: 'Not found',
  405: 'The path has no such method (the Allow header lists those it has)',
  409: 'A conflict: someone else changed it first (version_conflict), or it already exists or was already decided',
  412: 'No version given: send If-Match or `version`',
  413: 'The body is too large',
  415: 'The body is not of a media type this operation reads',
  422: 'A rule refuses it (gate_unmet, reason_required, invalid_transition, rule_violation)',
  429: 'Too many attempts: wait the seconds in Retry-After',
  500: 'Something went wrong on our side (logged under the request id)',
  503: 'The database is not reachable: retry after the seconds in Retry-After',
};

const problem = (status: number) => ({
  description: statusText[status] ?? 'A problem',
  headers: {
    'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' },
    'Cache-Control': { $ref: '#/components/headers/Cache-Control' },
    ...(status === 429 || status === 503 ? { 'Retry-After': { $ref: '#/components/headers/Retry-After' } } : {}),
  },
  content: { 'application/problem+json': { schema: statusProblem.get(status) as z.ZodType } },
});

/** Error responses every authenticated route can give. */
export const problems = {
  400: problem(400),
  401: problem(401),
  403: problem(403),
  404: problem(404),
  413: problem(413),
  503: problem(503),
} as const;
export const conflictProblems = { 409: problem(409), 412: problem(412), ...problems } as const;
export const ruleProblems = { 422: problem(422), ...problems } as const;
export const allProblems = { ...conflictProblems, ...ruleProblems } as const;

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});
/** A CSV answer (UTF-8 with a BOM for Excel, written by src/csv.ts): its body is text. */
export const csvContent = (description: string) => ({ description, content: { 'text/csv': { schema: z.string() } } });
export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/**
 * A JSON answer whose text is already written: what `c.json(value, status)` answers when `json` is
 * `JSON.stringify(value)` and value fits `schema`, typed as such. The writer of `json` proves that in its tests.
 */
export function jsonTextResponse<T extends z.ZodType, S extends ContentfulStatusCode>(c: Context, _schema: T, json: string, status: S) {
  return c.body(json, status, { 'Content-Type': 'application/json' }) as unknown as TypedResponse<JSONParsed<z.output<T>>, S, 'json'>;
}

/**
 * A query parameter that takes several values: one parameter, its values separated by commas
 * (`?stage=development,operation`: OpenAPI's `style: form, explode: false`), documented as an array
 * of `items` (a JSON schema), so a generated client passes an array. Repeating the parameter
 * (`?stage=development&stage=operation`) is read the same way. A bad value is reported on the
 * parameter itself (`query.stage`), with what is allowed.
 */
export function queryList<T extends string>(items: Record<string, unknown>, isItem: (item: string) => item is T, message: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((value) =>
      [value]
        .flat()
        .join(',')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((list) => list.join(',').length <= 500, 'at most 500 characters')
    .refine((list) => list.every(isItem), message)
    .transform((list) => list.filter(isItem))
    .openapi({
      type: 'array',
      items,
      description: message,
      param: { style: 'form', explode: false },
    });
}

/** A multi-value query parameter whose every value must match `pattern` (bureau codes, fiscal years …). */
export const commaSeparated = (pattern: RegExp, message: string) =>
  queryList({ type: 'string', pattern: pattern.source }, (item): item is string => pattern.test(item), message);

/** A multi-value query parameter of one of core's enums, typed as that enum; the document lists the values. */
export const commaSeparatedEnum = <T extends Readonly<Record<string, string>>>(values: z.ZodEnum<T>, message: string) =>
  queryList(
    { type: 'string', enum: values.options },
    (item): item is z.output<z.ZodEnum<T>> => values.safeParse(item).success,
    `${message}: ${values.options.join(', ')}`,
  );

/**
 * A true/false query parameter (`?isNew=true`): documented as a boolean, which a client sends as
 * `true` or `false`; anything else is a 400 on the parameter.
 */
export const queryBoolean = () =>
  z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .openapi({ type: 'boolean' });

export const ZIdParam = z.object({ id: z.uuid({ message: 'must be a UUID' }) });

/** Refuses an API token whose scopes the operation does not accept; sessions are limited by role in the domain. */
const requireScope = (operationId: OperationId) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const actor = c.get('actor');
    if (actor?.via === 'api_token') {
      const accepted: readonly z.infer<typeof ZTokenScope>[] = operations[operationId].scopes;
      if (!accepted.some((scope) => actor.scopes.includes(scope)))
        throw new AppError(
          'forbidden',
          accepted.length
            ? `This operation needs an API token with the scope ${accepted.join(' or ')}`
            : 'API tokens are read-only and cannot call this operation: sign in',
        );
    }
    await next();
  });

/** Headers a route sets on its own answers (not problems): ETag of what it read or wrote, Set-Cookie of a session or sign-on state. */
type ResponseHeaderName = 'ETag' | 'Set-Cookie' | 'Content-Disposition';

/** Media types answered as a download (Content-Disposition: attachment). */
const fileTypes = /^(text\/csv|application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet)$/;

/** Errors the gateway gives any authenticated operation, before it runs. */
const everywhere = [400, 401, 403, 415, 500, 503] as const;

/**
 * `createRoute` with the conventions filled in. The operationId must be a key of the operations table,
 * so an operation without scopes, tag or description does not compile.
 */
export function apiRoute<P extends string, R extends Omit<RouteConfig, 'path'> & { path: P; operationId: OperationId }>(
  config: R & { successHeaders?: ResponseHeaderName[] },
) {
  const { successHeaders = [], ...rest } = config;
  const op = operations[config.operationId];
  const isPublic = op.public === true;
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(config.responses)) {
    const code = Number(status);
    const isProblem = code >= 400 && (!('content' in response) || (response.content && 'application/problem+json' in response.content));
    if (isProblem) {
      responses[status] = problem(code);
      continue;
    }
    // A page answer (HTML) of a browser navigation can still be refused at the edge with a problem (a control character).
    const content =
      code >= 400 && 'content' in response && response.content && statusProblem.has(code)
        ? { ...response.content, 'application/problem+json': { schema: statusProblem.get(code) as z.ZodType } }
        : undefined;
    responses[status] = {
      ...response,
      ...(content ? { content } : {}),
      headers: {
        ...('headers' in response ? response.headers : {}),
        'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' },
        'Cache-Control': { $ref: '#/components/headers/Cache-Control' },
        ...(code === 429 || code === 503 ? { 'Retry-After': { $ref: '#/components/headers/Retry-After' } } : {}),
        ...Object.fromEntries(successHeaders.map((h) => [h, { $ref: `#/components/headers/${h}` }])),
        // A file (CSV, Excel) is sent as a download with its Japanese file name.
        ...(code < 300 && 'content' in response && Object.keys(response.content ?? {}).some((type) => fileTypes.test(type))
          ? { 'Content-Disposition': { $ref: '#/components/headers/Content-Disposition' } }
          : {}),
      },
    };
  }
  const statuses = [...(isPublic ? [400, 415, 500, 503] : everywhere), ...(config.path.includes('{') ? [404] : [])];
  if (config.method !== 'get' && config.method !== 'delete') statuses.push(413);
  for (const status of statuses) responses[String(status)] ??= problem(status);
  const route = createRoute({
    ...rest,
    tags: [op.tag],
    description: op.description ?? config.description ?? config.summary,
    security: isPublic ? [] : [{ session: [] }, { cookie: [] }, ...(op.scopes.length ? [{ apiToken: [...op.scopes] }] : [])],
    responses: responses as R['responses'],
  } as unknown as R);
  // Added after createRoute so the handler's types stay those of the route as written.
  const middleware = [requireScope(config.operationId), ...(config.middleware ? [config.middleware].flat() : [])];
  return Object.assign(route, { middleware }) as typeof route;
}

/** A router whose validation failures become our problem+json with field paths. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, _c) => {
      if (!result.success) {
        const where = (result as { target?: string }).target;
        throw validationError(fieldErrors(result.error, where === 'param' || where === 'query' ? [where] : []));
      }
    },
  });
}

/**
 * GET of a page of one project's rows (its documents, KPIs, consultations …): the project's id in the
 * path, `limit` and `cursor` in the query (decision 0023), the page or the usual problems back.
 */
export const projectPageRoute = <P extends string, S extends z.ZodType>(config: {
  operationId: OperationId;
  path: P;
  summary: string;
  description?: string;
  page: S;
  pageDescription: string;
}) =>
  apiRoute({
    operationId: config.operationId,
    method: 'get',
    path: config.path,
    summary: config.summary,
    description: config.description,
    request: { params: ZIdParam, query: ZPageQuery },
    responses: { 200: jsonContent(config.page, config.pageDescription), ...problems },
  });

import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';

/** Every error code the API can answer with, and its HTTP status. One table, one shape. */
export const errorStatus = {
  bad_request: 400,
  malformed_json: 400,
  validation_failed: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  csrf_rejected: 403,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  version_conflict: 409,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  gate_unmet: 422,
  reason_required: 422,
  invalid_transition: 422,
  rule_violation: 422,
  too_many_requests: 429,
  internal: 500,
  database_unavailable: 503,
} as const;
export type ErrorCode = keyof typeof errorStatus;

/** How long a client waits before retrying when the database is not reachable. */
export const databaseRetrySeconds = 5;

export type FieldError = { path: string; message: string };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly extra: Record<string, unknown>;
  /** Response headers the answer needs (Retry-After on 429). */
  readonly headers: Record<string, string>;
  constructor(code: ErrorCode, title: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    super(title);
    this.name = 'AppError';
    this.code = code;
    this.status = errorStatus[code];
    this.extra = extra;
    this.headers = headers;
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const forbidden = (why = 'You are not allowed to do this') => new AppError('forbidden', why);
export const versionConflict = (currentVersion: number, current?: unknown) =>
  new AppError('version_conflict', 'Someone else changed this first: reload and apply your change again', {
    currentVersion,
    ...(current === undefined ? {} : { current }),
  });

export function fieldErrors(error: ZodError, prefix: readonly PropertyKey[] = []): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = [...prefix, ...issue.path].map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: 'unknown field' }));
    }
    return [{ path: base.join('.'), message: issue.message }];
  });
}

export const validationError = (errors: FieldError[]) => new AppError('validation_failed', 'The request has invalid fields', { errors });

export function problemResponse(c: Context, error: AppError): Response {
  // The common members come last: an extension can never change `status` from the HTTP status.
  const body = {
    ...error.extra,
    type: `https://psbook.example/problems/${error.code}`,
    code: error.code,
    title: error.message,
    status: error.status,
    instance: c.req.path,
    requestId: c.get('requestId' as never) as string | undefined,
  };
  const headers: Record<string, string> = { ...error.headers, 'content-type': 'application/problem+json; charset=utf-8' };
  // A client told when to come back does not hammer a database that is starting again.
  if (error.status === 503) headers['Retry-After'] ??= String(databaseRetrySeconds);
  // The body of a refused upload is left unread; reading a keep-alive connection after it would take
  // the rest of that body for the next request, so the connection ends with this answer.
  if (error.status === 413) headers.connection = 'close';
  // c.body keeps the headers set before the error (X-Request-Id); a bare Response would drop them.
  return c.body(JSON.stringify(body), error.status as ContentfulStatusCode, headers);
}

const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '53300',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01',
  '57P02',
  '57P03',
  '08006',
  '08001',
  '08003',
]);

/**
 * node-postgres reports a connection lost or never made with a plain Error and no code; these are its
 * messages (pg/lib/client.js, pg-pool). A write cut off this way was rolled back by the server.
 */
const connectionLostMessage =
  /^(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect|timeout expired)/;

function isConnectionLost(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === undefined && connectionLostMessage.test(error.message);
}

/** Turn anything thrown into the problem we can tell a client; never a stack trace or SQL. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException) {
    if (error.status === 413) return new AppError('payload_too_large', 'The request body is too large');
    if (error.status === 400 && /json/i.test(error.message)) return new AppError('malformed_json', 'The request body is not valid JSON');
    if (error.status === 401) return new AppError('unauthenticated', 'Sign in first');
    return new AppError('bad_request', error.message || 'Bad request');
  }
  const code = (error as { code?: string } | null)?.code;
  if ((code && unavailableCodes.has(code)) || isConnectionLost(error))
    return new AppError('database_unavailable', 'The database is not reachable; try again shortly');
  if (code === '23505') return new AppError('conflict', 'That already exists');
  if (code === '23503') return new AppError('conflict', 'That refers to something that does not exist');
  if (code === '22P02' || code === '22003' || code === '22007' || code === '22008') {
    return new AppError('bad_request', 'A value is not in the expected form');
  }
  // A NUL or a character the database encoding cannot hold, past the edge checks: the client's input, not our failure.
  if (code === '22021' || code === '22P05') return new AppError('bad_request', 'A value holds a character that cannot be stored');
  if (code === '54000' || code === '54001') return new AppError('payload_too_large', 'A value is too large to store');
  return new AppError('internal', 'Something went wrong on our side; the error was logged');
}

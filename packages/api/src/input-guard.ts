import { hasControlCharacters } from '@psbook/core';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './context.ts';
import { type FieldError, validationError } from './errors.ts';

type Visit = { value: unknown; key: string | null; parent: Visit | null };

const pathOf = (visit: Visit, key?: string): string => {
  const keys = key === undefined ? [] : [key];
  for (let v: Visit | null = visit; v?.key != null; v = v.parent) keys.unshift(v.key);
  return keys.join('.');
};

/** Paths of the strings (and keys) holding NUL; a loop, not recursion, since a body may nest thousands deep. */
function nulPaths(body: unknown, errors: FieldError[]): void {
  const pending: Visit[] = [{ value: body, key: null, parent: null }];
  while (pending.length && errors.length < 20) {
    const visit = pending.pop()!;
    const { value } = visit;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) errors.push({ path: pathOf(visit), message: 'must not contain NUL characters' });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) errors.push({ path: pathOf(visit, key), message: 'must not contain NUL characters' });
        else pending.push({ value: item, key, parent: visit });
      }
    }
  }
}

/**
 * Refuses, before any route runs, the characters that have no meaning in this API and that
 * PostgreSQL cannot store: a control character in any query parameter (search text, filters, cursors), and a NUL anywhere in a JSON
 * body (text columns cannot hold it; free text may still hold tabs, line breaks and other controls,
 * and the schemas refuse them where they make no sense, such as e-mail addresses and URLs). The answer
 * is the usual 400 with field paths, instead of the database's error turning into a 500.
 */
export const refuseHostileCharacters = createMiddleware<AppEnv>(async (c, next) => {
  const errors: FieldError[] = [];
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (hasControlCharacters(name) || values.some(hasControlCharacters)) {
      errors.push({ path: `query.${name}`, message: 'must not contain control characters' });
    }
  }
  const isJson = /^application\/([\w.-]+\+)?json/i.test(c.req.header('content-type') ?? '');
  if (isJson && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    let body: unknown;
    try {
      // Hono keeps the parsed body, so the route's validator reads it from here without a second parse.
      body = await c.req.json();
    } catch (error) {
      // Malformed JSON is the validator's to report; a body over the size limit must reach bodyLimit.
      if (!(error instanceof SyntaxError)) throw error;
    }
    nulPaths(body, errors);
  }
  if (errors.length) throw validationError(errors);
  await next();
});

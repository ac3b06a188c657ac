import type { TRole } from '@psbook/core';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context.ts';
import type { Db } from '../db/database.ts';
import { touchApiToken } from '../db/queries/sessions.ts';
import { findActiveUserByApiTokenHash, findActiveUserBySessionHash } from '../db/queries/users.ts';
import { AppError } from '../errors.ts';
import type { Actor } from './actor.ts';
import type { ActorCache } from './actor-cache.ts';
import { apiTokenPrefix, hashToken } from './tokens.ts';

export const sessionCookieName = 'psbook_session';

function isSafeMethod(method: string) {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ?? null;
}

/**
 * Resolves `c.get('actor')` from `Authorization: Bearer` or the session cookie, and requires one.
 * Cookie-authenticated writes must come from our own origin (CSRF): browsers always send Origin on
 * such requests, and a cross-site page cannot forge it.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const { db, config, actorCache } = c.get('services');
  const bearer = bearerToken(c.req.header('authorization'));
  const cookie = bearer ? null : (getCookie(c, sessionCookieName) ?? null);
  const token = bearer ?? cookie;
  if (!token) throw new AppError('unauthenticated', 'Sign in first');

  const tokenHash = hashToken(token);
  const actor = actorCache.get(tokenHash) ?? (await resolveActor(db, token, tokenHash, actorCache));
  if (!actor) throw new AppError('unauthenticated', 'The session has ended or the token is not valid: sign in again');

  // What an API token may call is the operations table's (routes/operations.ts), checked per operation by apiRoute.

  if (cookie && !isSafeMethod(c.req.method)) {
    const origin = c.req.header('origin');
    const self = new URL(c.req.url).origin;
    const fetchSite = c.req.header('sec-fetch-site');
    const trusted = origin ? origin === self || config.trustedOrigins.includes(origin) : fetchSite === 'same-origin';
    if (!trusted) throw new AppError('csrf_rejected', 'Cross-site request refused');
  }

  c.set('actor', actor);
  try {
    await next();
  } finally {
    // Sign-out and changes to users or tokens may end or narrow someone's access: forget every
    // resolved actor of this process (other processes forget within the cache's few seconds).
    if (!isSafeMethod(c.req.method) && changesAccess.test(c.req.path)) actorCache.clear();
  }
});

const changesAccess = /^\/api\/v1\/(auth\/logout|admin\/users|tokens)(\/|$)/;

type UserRow = { id: string; email: string; displayName: string; role: string; bureauCodes: string[] };

const actorOf = (row: UserRow, via: Actor['via'], scopes: string[]): Actor => ({
  id: row.id,
  email: row.email,
  displayName: row.displayName,
  role: row.role as TRole,
  bureauCodes: row.bureauCodes,
  via,
  scopes,
});

async function resolveActor(db: Db, token: string, tokenHash: string, cache: ActorCache): Promise<Actor | null> {
  if (token.startsWith(apiTokenPrefix)) {
    const row = await findActiveUserByApiTokenHash(db, tokenHash);
    if (!row) return null;
    // Last use to the minute is enough and spares a write on every pull.
    if (!row.lastUsedAt || Date.now() - new Date(row.lastUsedAt).getTime() > 60_000) {
      await touchApiToken(db, row.tokenId);
    }
    const actor = actorOf(row, 'api_token', row.scopes);
    cache.set(tokenHash, actor, row.expiresAt ? new Date(row.expiresAt) : null);
    return actor;
  }
  const row = await findActiveUserBySessionHash(db, tokenHash);
  if (!row) return null;
  const actor = actorOf(row, 'session', []);
  cache.set(tokenHash, actor, new Date(row.expiresAt));
  return actor;
}

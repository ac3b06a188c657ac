import { createRoute } from '@hono/zod-openapi';
import { ZLoginRequest, ZRole } from '@psbook/core';
import { deleteCookie, getCookie } from 'hono/cookie';
import { sql } from 'kysely';
import { z } from 'zod';
import { requireActor } from '../auth/actor.ts';
import { authenticate, sessionCookieName } from '../auth/authenticate.ts';
import { dummyPasswordHash, verifyPassword } from '../auth/passwords.ts';
import { startSession } from '../auth/sessions.ts';
import { hashToken } from '../auth/tokens.ts';
import { findUserByEmail } from '../db/queries/users.ts';
import { requireLocalPasswordAllowed } from '../domain/sign-in-settings.ts';
import { AppError } from '../errors.ts';
import { createRouter, jsonBody, jsonContent, problems } from './openapi.ts';

export const ZUserResponse = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: ZRole,
  bureauCodes: z.array(z.string()),
});
const ZLoginResponse = z.object({ token: z.string(), expiresAt: z.string(), user: ZUserResponse });

/** Failed sign-ins allowed per account and per client address in the window before 429. */
const throttle = { windowMinutes: 15, perEmail: 5, perClient: 30 };

function clientAddress(c: { req: { header(name: string): string | undefined } }, fallback: string): string {
  return c.req.header('x-forwarded-for')?.split(',')[0]?.trim() || fallback;
}

const login = createRoute({
  method: 'post',
  path: '/login',
  tags: ['auth'],
  summary: 'Sign in with email and password',
  request: jsonBody(ZLoginRequest),
  responses: {
    200: jsonContent(ZLoginResponse, 'Signed in; the token also arrives as an httpOnly session cookie'),
    401: problems[401],
    400: problems[400],
    403: { description: 'Local passwords are turned off (single sign-on only); administrators may still sign in' },
    429: { description: 'Too many failed attempts' },
  },
});

const logout = createRoute({
  method: 'post',
  path: '/logout',
  tags: ['auth'],
  summary: 'End the current session',
  middleware: [authenticate] as const,
  responses: { 204: { description: 'Signed out' }, 401: problems[401] },
});

const me = createRoute({
  method: 'get',
  path: '/me',
  tags: ['auth'],
  summary: 'Who is signed in',
  middleware: [authenticate] as const,
  responses: { 200: jsonContent(ZUserResponse, 'The signed-in user'), 401: problems[401] },
});

export const authRoutes = createRouter()
  .openapi(login, async (c) => {
    const { db } = c.var.services;
    const { email, password } = c.req.valid('json');
    const client = clientAddress(c, 'local');
    const since = sql<Date>`now() - make_interval(mins => ${throttle.windowMinutes})`;
    const counts = await db
      .selectFrom('loginFailure')
      .select([
        sql<number>`count(*) filter (where lower(email) = ${email.trim().toLowerCase()})`.as('byEmail'),
        sql<number>`count(*) filter (where client = ${client})`.as('byClient'),
      ])
      .where('at', '>', since)
      .executeTakeFirstOrThrow();
    if (Number(counts.byEmail) >= throttle.perEmail || Number(counts.byClient) >= throttle.perClient) {
      c.header('Retry-After', String(throttle.windowMinutes * 60));
      throw new AppError('too_many_requests', 'Too many failed sign-ins: wait a while and try again');
    }

    const user = await findUserByEmail(db, email);
    // Always run the KDF, so an unknown email takes as long as a wrong password.
    const isValid = await verifyPassword(password, user?.passwordHash ?? dummyPasswordHash);
    if (!user || !isValid || !user.isActive) {
      await db
        .insertInto('loginFailure')
        .values({ email: email.slice(0, 254), client })
        .execute();
      throw new AppError('invalid_credentials', 'Email or password is wrong');
    }

    await requireLocalPasswordAllowed(db, user.role);
    const { token, expiresAt } = await startSession(c, user.id);
    await db.deleteFrom('loginFailure').where(sql`lower(email)`, '=', user.email.toLowerCase()).execute();
    const body = {
      token,
      expiresAt: expiresAt.toISOString(),
      user: { id: user.id, email: user.email, displayName: user.displayName, role: ZRole.parse(user.role), bureauCodes: user.bureauCodes },
    };
    return c.json(body, 200);
  })
  .openapi(logout, async (c) => {
    const actor = requireActor(c.var.actor);
    const token = c.req.header('authorization')?.replace(/^Bearer\s+/i, '') ?? getCookie(c, sessionCookieName);
    if (token && actor.via === 'session') {
      await c.var.services.db.updateTable('session').set({ revokedAt: new Date() }).where('tokenHash', '=', hashToken(token)).execute();
    }
    deleteCookie(c, sessionCookieName, { path: '/' });
    return c.body(null, 204);
  })
  .openapi(me, (c) => {
    const actor = requireActor(c.var.actor);
    return c.json(
      { id: actor.id, email: actor.email, displayName: actor.displayName, role: actor.role, bureauCodes: actor.bureauCodes },
      200,
    );
  });

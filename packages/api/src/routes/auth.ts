import { ZLoginRequest, ZRole } from '@psbook/core';
import { deleteCookie, getCookie } from 'hono/cookie';
import { z } from 'zod';
import { requireActor } from '../auth/actor.ts';
import { authenticate, sessionCookieName } from '../auth/authenticate.ts';
import { clientOf } from '../auth/client.ts';
import { dummyPasswordHash, verifyPassword } from '../auth/passwords.ts';
import { startSession } from '../auth/sessions.ts';
import { recordSignInFailure, recordSignInSuccess, takeSignInAttempt } from '../auth/sign-in-throttle.ts';
import { hashToken } from '../auth/tokens.ts';
import { revokeSession } from '../db/queries/sessions.ts';
import { findUserByEmail } from '../db/queries/users.ts';
import { requireLocalPasswordAllowed } from '../domain/sign-in-settings.ts';
import { AppError } from '../errors.ts';
import { apiRoute, createRouter, jsonBody, jsonContent, problems } from './openapi.ts';

export const ZUserResponse = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: ZRole,
  bureauCodes: z.array(z.string()),
});
export const ZLoginResponse = z.object({ token: z.string(), expiresAt: z.string(), user: ZUserResponse });

const login = apiRoute({
  operationId: 'signIn',
  successHeaders: ['Set-Cookie'],
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
    429: {
      description: 'Too many attempts: wait the seconds in Retry-After',
      headers: { 'Retry-After': { description: 'Seconds to wait before the next attempt', schema: { type: 'integer' } } },
      content: problems[401].content,
    },
  },
});

const logout = apiRoute({
  operationId: 'signOut',
  successHeaders: ['Set-Cookie'],
  method: 'post',
  path: '/logout',
  tags: ['auth'],
  summary: 'End the current session',
  middleware: [authenticate] as const,
  responses: { 204: { description: 'Signed out' }, 401: problems[401] },
});

const me = apiRoute({
  operationId: 'getCurrentUser',
  method: 'get',
  path: '/me',
  tags: ['auth'],
  summary: 'Who is signed in',
  middleware: [authenticate] as const,
  responses: { 200: jsonContent(ZUserResponse, 'The signed-in user'), 401: problems[401] },
});

export const authRoutes = createRouter()
  .openapi(login, async (c) => {
    const { db, trustProxy } = c.get('services');
    // The e-mail arrives canonical (ZSignInEmail): trimmed, case-folded, free of control characters.
    const { email, password } = c.req.valid('json');
    const client = clientOf(c, trustProxy);
    const wait = await takeSignInAttempt(db, email, client.address);
    if (wait !== null) {
      throw new AppError(
        'too_many_requests',
        'Too many sign-in attempts: wait a while and try again',
        { retryAfterSeconds: wait },
        {
          'Retry-After': String(wait),
        },
      );
    }

    const user = await findUserByEmail(db, email);
    // Always run the KDF, so an unknown email takes as long as a wrong password.
    const isValid = await verifyPassword(password, user?.passwordHash ?? dummyPasswordHash);
    if (!user || !isValid || !user.isActive) {
      await recordSignInFailure(db);
      throw new AppError('invalid_credentials', 'Email or password is wrong');
    }

    await requireLocalPasswordAllowed(db, user.role);
    const { token, expiresAt } = await startSession(c, user.id);
    await recordSignInSuccess(db, email, client.address);
    const body = {
      token,
      expiresAt: expiresAt.toISOString(),
      user: { id: user.id, email: user.email, displayName: user.displayName, role: ZRole.parse(user.role), bureauCodes: user.bureauCodes },
    };
    return c.json(body, 200);
  })
  .openapi(logout, async (c) => {
    const actor = requireActor(c.get('actor'));
    const token = c.req.header('authorization')?.replace(/^Bearer\s+/i, '') ?? getCookie(c, sessionCookieName);
    if (token && actor.via === 'session') {
      await revokeSession(c.get('services').db, hashToken(token));
    }
    deleteCookie(c, sessionCookieName, { path: '/' });
    return c.body(null, 204);
  })
  .openapi(me, (c) => {
    const actor = requireActor(c.get('actor'));
    return c.json(
      { id: actor.id, email: actor.email, displayName: actor.displayName, role: actor.role, bureauCodes: actor.bureauCodes },
      200,
    );
  });

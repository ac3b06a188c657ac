import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';
import type { AppEnv } from '../context.ts';
import { insertSession } from '../db/queries/sessions.ts';
import { sessionCookieName } from './authenticate.ts';
import { clientOf } from './client.ts';
import { hashToken, newToken, sessionTokenPrefix } from './tokens.ts';

/**
 * Start a PS Book session for a user who has proved who they are (password or OpenID Provider):
 * store the token's hash, and hand the token over as an httpOnly cookie. One place, so both ways of
 * signing in end in the same kind of session.
 */
export async function startSession(c: Context<AppEnv>, userId: string): Promise<{ token: string; expiresAt: Date }> {
  const { db, config, trustProxy } = c.get('services');
  const token = newToken(sessionTokenPrefix);
  const expiresAt = new Date(Date.now() + config.sessionTtlHours * 3600_000);
  await insertSession(db, { tokenHash: hashToken(token), userId, expiresAt });
  setCookie(c, sessionCookieName, token, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    // https as the browser sees it: behind a trusted TLS-terminating proxy too (auth/client.ts).
    secure: clientOf(c, trustProxy).isHttps,
    expires: expiresAt,
  });
  return { token, expiresAt };
}

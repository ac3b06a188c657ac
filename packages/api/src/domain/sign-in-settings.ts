import type { TRole } from '@psbook/core';
import { recordAudit } from '../audit.ts';
import { requirePermission } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { findInstanceSetting, lockInstanceSetting, writeInstanceSetting } from '../db/queries/settings.ts';
import { withTransaction } from '../db/transaction.ts';
import { AppError, versionConflict } from '../errors.ts';
import { whoOf } from './projects.ts';

/**
 * Whether people may sign in with a PS Book password (decision 0010). Passwords stay for the
 * embedded demo and for a break-glass administrator: once single sign-on is configured an admin may
 * turn them off for everyone else. Administrators keep their password sign-in, so a provider outage
 * or a broken group mapping never locks the book's owners out.
 */
const localPasswordsKey = 'sign_in.local_passwords';

/** Roles that keep password sign-in when local passwords are off. */
export const breakGlassRoles: readonly TRole[] = ['admin'];

export type SignInSettings = { localPasswords: boolean; version: number; updatedAt: string | null };

export async function getSignInSettings(db: Db): Promise<SignInSettings> {
  const row = await findInstanceSetting(db, localPasswordsKey);
  // Never set: passwords are on, at version 0 (the first change must say 0).
  if (!row) return { localPasswords: true, version: 0, updatedAt: null };
  return { localPasswords: row.value !== false, version: row.version, updatedAt: new Date(row.updatedAt).toISOString() };
}

export async function requireLocalPasswordAllowed(db: Db, role: string): Promise<void> {
  if ((breakGlassRoles as readonly string[]).includes(role)) return;
  const { localPasswords } = await getSignInSettings(db);
  if (!localPasswords) {
    throw new AppError('forbidden', 'Password sign-in is turned off: sign in with your organisation’s account', {
      reason: 'local_passwords_off',
    });
  }
}

/** Turn password sign-in on or off (admin), at the version the admin saw; refused without single sign-on. */
export async function updateSignInSettings(
  ctx: DomainContext,
  isSsoConfigured: boolean,
  input: { localPasswords: boolean; version: number },
): Promise<SignInSettings> {
  requirePermission(ctx.actor, 'signInSettings.manage');
  if (!input.localPasswords && !isSsoConfigured) {
    throw new AppError('rule_violation', 'Single sign-on is not configured: password sign-in is the only way in and stays on', {
      errors: [{ path: 'localPasswords', message: 'needs PSBOOK_OIDC_ISSUER and the other single sign-on settings' }],
    });
  }
  return withTransaction(ctx.db, async (tx) => {
    const before = await lockInstanceSetting(tx, localPasswordsKey);
    const current = before?.version ?? 0;
    if (current !== input.version) throw versionConflict(current);
    const row = await writeInstanceSetting(tx, localPasswordsKey, input.localPasswords, ctx.actor.id, before !== undefined);
    await recordAudit(tx, whoOf(ctx), {
      action: 'settings.sign_in',
      entityType: 'setting',
      entityId: localPasswordsKey,
      before: { localPasswords: before ? before.value !== false : true },
      after: { localPasswords: input.localPasswords },
    });
    return { localPasswords: input.localPasswords, version: row.version, updatedAt: new Date(row.updatedAt).toISOString() };
  });
}

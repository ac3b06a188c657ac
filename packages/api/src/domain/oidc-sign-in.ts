/**
 * Sign-in through the organisation's OpenID Provider (issue 17, decision 0010): from a validated
 * identity to a PS Book account. The provider's groups decide the role and bureaus at every sign-in
 * (a change of group takes effect at the next one); deactivation in PS Book always wins; claims that
 * map to no role are refused, never given a default role.
 */
import type { TRole } from '@psbook/core';
import { recordAudit } from '../audit.ts';
import type { OidcIdentity } from '../auth/oidc.ts';
import { type GroupMapping, mapClaimsToAccess } from '../auth/oidc-mapping.ts';
import type { Db } from '../db/database.ts';
import {
  existingBureauCodes,
  findEmailHolder,
  insertOidcAccount,
  lockAccountBySubject,
  lockUnlinkedAccountByEmail,
  replaceUserBureaus,
  updateLockedOidcAccount,
} from '../db/queries/users.ts';
import { withTransaction } from '../db/transaction.ts';

/** Roles that act for their own bureau: without one they could do nothing (as in domain/users.ts). */
const bureauBoundRoles: readonly TRole[] = ['staff', 'bureau_lead'];

export type OidcRefusal = 'no_email' | 'no_role' | 'no_bureau' | 'deactivated' | 'email_in_use';
export type OidcSignInOutcome = { ok: true; userId: string; created: boolean } | { ok: false; reason: OidcRefusal };

type AccountRow = {
  id: string;
  email: string;
  displayName: string;
  role: string;
  isActive: boolean;
  oidcSubject: string | null;
  bureauCodes: string[];
};

async function findAccount(tx: Db, identity: OidcIdentity): Promise<AccountRow | undefined> {
  const bySubject = await lockAccountBySubject(tx, identity.issuer, identity.subject);
  if (bySubject || !identity.email) return bySubject;
  // An account an administrator created before single sign-on (same address, not yet linked) is
  // linked at its first sign-in: the organisation's provider vouches for its own users' addresses.
  return lockUnlinkedAccountByEmail(tx, identity.email);
}

const accountState = (row: { id: string; email: string; displayName: string; role: string; bureauCodes: string[] }) => ({
  id: row.id,
  email: row.email,
  displayName: row.displayName,
  role: row.role,
  bureauCodes: row.bureauCodes,
});

/**
 * Two first sign-ins of the same new person at once (two tabs, a double click) both find no account
 * and both insert: the loser hits the unique e-mail or subject index. Its second attempt finds the
 * winner's account, so it is tried once more.
 */
export async function signInWithOidc(
  db: Db,
  identity: OidcIdentity,
  mapping: GroupMapping,
  requestId: string | null,
): Promise<OidcSignInOutcome> {
  try {
    return await attemptSignIn(db, identity, mapping, requestId);
  } catch (error) {
    if ((error as { code?: string } | null)?.code !== '23505') throw error;
    return attemptSignIn(db, identity, mapping, requestId);
  }
}

async function attemptSignIn(db: Db, identity: OidcIdentity, mapping: GroupMapping, requestId: string | null): Promise<OidcSignInOutcome> {
  return withTransaction(db, async (tx) => {
    const refuse = async (reason: OidcRefusal, detail: Record<string, unknown> = {}): Promise<OidcSignInOutcome> => {
      // Refusals are audited too: an administrator asked "why can't X sign in?" finds the answer here.
      await recordAudit(
        tx,
        { actor: { id: null, label: identity.email ?? `oidc:${identity.subject}` }, requestId },
        {
          action: 'user.sign_in_refused',
          entityType: 'user',
          entityId: identity.subject,
          after: { reason, issuer: identity.issuer, subject: identity.subject, email: identity.email, ...detail },
        },
      );
      return { ok: false, reason };
    };

    let account = await findAccount(tx, identity);
    if (!account && identity.email) {
      const holder = await findEmailHolder(tx, identity.email);
      // This very person, created by a sign-in that committed a moment ago (two tabs at once).
      if (holder && holder.oidcIssuer === identity.issuer && holder.oidcSubject === identity.subject)
        account = await findAccount(tx, identity);
      // Else the address belongs to an account linked to another provider subject (a reused
      // address, or a second provider): never merge the two people.
      else if (holder) return refuse('email_in_use', { userId: holder.id });
    }
    if (account && !account.isActive) return refuse('deactivated', { userId: account.id });
    if (!identity.email) return refuse('no_email');
    const access = mapClaimsToAccess(identity.claims, mapping);
    if (!access) return refuse('no_role', { groups: identity.claims[mapping.claim] ?? null });

    const known = await existingBureauCodes(tx, access.bureauCodes);
    const bureauCodes = access.bureauCodes.filter((code) => known.has(code));
    const unknownBureaus = access.bureauCodes.filter((code) => !known.has(code));
    if (bureauBoundRoles.includes(access.role) && !bureauCodes.length) {
      return refuse('no_bureau', { role: access.role, unknownBureaus });
    }

    const displayName = identity.displayName ?? account?.displayName ?? identity.email;
    const via = { source: 'oidc', issuer: identity.issuer, subject: identity.subject, groups: access.groups, unknownBureaus };
    if (!account) {
      const row = await insertOidcAccount(tx, {
        email: identity.email,
        displayName,
        role: access.role,
        oidcIssuer: identity.issuer,
        oidcSubject: identity.subject,
      });
      await replaceUserBureaus(tx, row.id, bureauCodes);
      await recordAudit(
        tx,
        { actor: { id: row.id, label: row.email }, requestId },
        { action: 'user.create', entityType: 'user', entityId: row.id, after: { ...accountState({ ...row, bureauCodes }), ...via } },
      );
      return { ok: true, userId: row.id, created: true };
    }

    const isSame =
      account.role === access.role &&
      account.displayName === displayName &&
      account.oidcSubject !== null &&
      account.bureauCodes.join(',') === bureauCodes.join(',');
    if (!isSame) {
      await updateLockedOidcAccount(tx, account.id, {
        role: access.role,
        displayName,
        oidcIssuer: identity.issuer,
        oidcSubject: identity.subject,
      });
      await replaceUserBureaus(tx, account.id, bureauCodes);
      await recordAudit(
        tx,
        { actor: { id: account.id, label: account.email }, requestId },
        {
          action: 'user.update',
          entityType: 'user',
          entityId: account.id,
          before: accountState(account),
          after: { ...accountState({ ...account, role: access.role, displayName, bureauCodes }), ...via },
        },
      );
    }
    return { ok: true, userId: account.id, created: false };
  });
}

import type { Insertable } from 'kysely';
import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { OidcSignInTable } from '../schema.ts';

/** A session's token is stored only as its hash (auth/tokens.ts). */
export const insertSession = (db: Db, session: { tokenHash: string; userId: string; expiresAt: Date }) =>
  db.insertInto('session').values(session).execute();

export const revokeSession = (db: Db, tokenHash: string) =>
  db.updateTable('session').set({ revokedAt: new Date() }).where('tokenHash', '=', tokenHash).execute();

export const touchApiToken = (db: Db, tokenId: string) =>
  db.updateTable('apiToken').set({ lastUsedAt: new Date() }).where('id', '=', tokenId).execute();

/** A sign-in begun at the OpenID Provider; expired ones are dropped as new ones start. */
export async function startOidcSignIn(db: Db, pending: Insertable<OidcSignInTable>): Promise<void> {
  await db.deleteFrom('oidcSignIn').where('expiresAt', '<', sql<Date>`now()`).execute();
  await db.insertInto('oidcSignIn').values(pending).execute();
}

/** Single use: the row goes whatever happens next, so a replayed callback finds nothing. */
export const takeOidcSignIn = (db: Db, stateHash: string) =>
  db.deleteFrom('oidcSignIn').where('stateHash', '=', stateHash).returningAll().executeTakeFirst();

import type { TRole } from '@psbook/core';
import { type SqlBool, sql } from 'kysely';
import type { Db } from '../database.ts';

export type UserWithBureaus = {
  id: string;
  email: string;
  displayName: string;
  role: string;
  isActive: boolean;
  version: number;
  passwordHash: string | null;
  bureauCodes: string[];
};

const bureauCodesOf = sql<
  string[]
>`coalesce((select array_agg(ub.bureau_code order by ub.bureau_code) from user_bureau ub where ub.user_id = app_user.id), '{}')`;

export const findUserByEmail = (db: Db, email: string) =>
  db
    .selectFrom('appUser')
    .select(['id', 'email', 'displayName', 'role', 'isActive', 'version', 'passwordHash'])
    .select(bureauCodesOf.as('bureauCodes'))
    .where(sql`lower(email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst() as Promise<UserWithBureaus | undefined>;

export const findUserById = (db: Db, id: string) =>
  db
    .selectFrom('appUser')
    .select(['id', 'email', 'displayName', 'role', 'isActive', 'version', 'passwordHash'])
    .select(bureauCodesOf.as('bureauCodes'))
    .where('id', '=', id)
    .executeTakeFirst() as Promise<UserWithBureaus | undefined>;

export const listUsers = (db: Db) =>
  db
    .selectFrom('appUser')
    .select(['id', 'email', 'displayName', 'role', 'isActive', 'version', 'createdAt'])
    .select(bureauCodesOf.as('bureauCodes'))
    .orderBy('email')
    .execute();

export async function findActiveUserBySessionHash(db: Db, tokenHash: string) {
  return db
    .selectFrom('session')
    .innerJoin('appUser', 'appUser.id', 'session.userId')
    .select(['appUser.id', 'appUser.email', 'appUser.displayName', 'appUser.role', 'session.id as sessionId', 'session.expiresAt'])
    .select(bureauCodesOf.as('bureauCodes'))
    .where('session.tokenHash', '=', tokenHash)
    .where('session.revokedAt', 'is', null)
    .where('session.expiresAt', '>', sql<Date>`now()`)
    .where('appUser.isActive', '=', true)
    .executeTakeFirst();
}

export async function findActiveUserByApiTokenHash(db: Db, tokenHash: string) {
  return db
    .selectFrom('apiToken')
    .innerJoin('appUser', 'appUser.id', 'apiToken.userId')
    .select([
      'appUser.id',
      'appUser.email',
      'appUser.displayName',
      'appUser.role',
      'apiToken.id as tokenId',
      'apiToken.scopes',
      'apiToken.lastUsedAt',
      'apiToken.expiresAt',
    ])
    .select(bureauCodesOf.as('bureauCodes'))
    .where('apiToken.tokenHash', '=', tokenHash)
    .where('apiToken.revokedAt', 'is', null)
    .where((eb) => eb.or([eb('apiToken.expiresAt', 'is', null), eb('apiToken.expiresAt', '>', sql<Date>`now()`)]))
    .where('appUser.isActive', '=', true)
    .executeTakeFirst();
}

/** Whether the book has any account yet (a new book gets the demo). */
export const hasAnyUser = async (db: Db) => (await db.selectFrom('appUser').select('id').limit(1).executeTakeFirst()) !== undefined;

export const listBureauRows = (db: Db) => db.selectFrom('bureau').select(['code', 'nameJa', 'nameEn']).orderBy('code').execute();

/** Which of `codes` name a bureau. */
export async function existingBureauCodes(db: Db, codes: readonly string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await db.selectFrom('bureau').select('code').where('code', 'in', codes).execute();
  return new Set(rows.map((b) => b.code));
}

/** The active accounts of the given roles in a bureau, except one person, by email. */
export function listActiveBureauMembers(db: Db, bureauCode: string, roles: readonly TRole[], exceptUserId?: string | null) {
  let query = db
    .selectFrom('appUser')
    .innerJoin('userBureau', 'userBureau.userId', 'appUser.id')
    .select(['appUser.id', 'appUser.email'])
    .where('appUser.isActive', '=', true)
    .where('appUser.role', 'in', roles)
    .where('userBureau.bureauCode', '=', bureauCode)
    .orderBy('appUser.email');
  if (exceptUserId) query = query.where('appUser.id', '<>', exceptUserId);
  return query.execute();
}

/** The active accounts of one role, by email: of one bureau when `bureauCode` is given, except one person. */
export function listActiveUsersOfRole(db: Db, role: TRole, bureauCode: string | null, exceptUserId?: string) {
  let query = db
    .selectFrom('appUser')
    .select(['id', 'email', 'displayName', 'role'])
    .where('isActive', '=', true)
    .where('role', '=', role)
    .orderBy('email');
  if (bureauCode !== null) {
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('userBureau')
          .select(sql`1`.as('one'))
          .whereRef('userBureau.userId', '=', 'appUser.id')
          .where('userBureau.bureauCode', '=', bureauCode),
      ),
    );
  }
  if (exceptUserId) query = query.where('id', '<>', exceptUserId);
  return query.execute();
}

// ---------------------------------------------------------------------------------------------------
// Accounts as an administrator manages them (domain/users.ts).

/** An account as the administration screens show it: never the password hash. */
export type UserRow = {
  id: string;
  email: string;
  displayName: string;
  role: TRole;
  isActive: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  bureauCodes: string[];
};
const userColumns = ['id', 'email', 'displayName', 'role', 'isActive', 'version', 'createdAt', 'updatedAt'] as const;

export const findBureau = (db: Db, code: string) => db.selectFrom('bureau').select('code').where('code', '=', code).executeTakeFirst();

export const insertBureau = (tx: Db, values: { code: string; nameJa: string; nameEn: string }) =>
  tx.insertInto('bureau').values(values).returning(['code', 'nameJa', 'nameEn']).executeTakeFirstOrThrow();

export type UserRowFilter = { q?: string; role?: TRole; bureau?: string; isActive?: boolean };

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** Accounts ordered by email, `limit` of them after lower(email) `after`, which the unique email index serves. */
export async function listUserRows(db: Db, filter: UserRowFilter, page: { limit: number; after: string | null }): Promise<UserRow[]> {
  let query = db.selectFrom('appUser').select(userColumns).select(bureauCodesOf.as('bureauCodes'));
  if (filter.role) query = query.where('role', '=', filter.role);
  if (filter.isActive !== undefined) query = query.where('isActive', '=', filter.isActive);
  if (filter.bureau) {
    const bureau = filter.bureau;
    query = query.where((eb) =>
      eb.exists(
        eb.selectFrom('userBureau').select('userId').whereRef('userBureau.userId', '=', 'appUser.id').where('bureauCode', '=', bureau),
      ),
    );
  }
  if (filter.q?.trim()) {
    const pattern = `%${escapeLike(filter.q.trim().toLowerCase())}%`;
    query = query.where(sql<SqlBool>`(lower(email) like ${pattern} or lower(display_name) like ${pattern})`);
  }
  if (page.after) query = query.where(sql<SqlBool>`lower(email) > ${page.after}`);
  return query.orderBy(sql`lower(email)`).limit(page.limit).execute();
}

export const findUserRow = (db: Db, id: string): Promise<UserRow | undefined> =>
  db.selectFrom('appUser').select(userColumns).select(bureauCodesOf.as('bureauCodes')).where('id', '=', id).executeTakeFirst();

/** The account locked for the rest of the transaction. */
export const lockUserRow = (tx: Db, id: string): Promise<UserRow | undefined> =>
  tx.selectFrom('appUser').select(userColumns).select(bureauCodesOf.as('bureauCodes')).where('id', '=', id).forUpdate().executeTakeFirst();

/** Whether an account has this email, whatever its case. */
export const isEmailTaken = async (db: Db, email: string) =>
  (await db.selectFrom('appUser').select('id').where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst()) !== undefined;

export const insertUser = (tx: Db, values: { email: string; displayName: string; role: TRole; passwordHash: string | null }) =>
  tx.insertInto('appUser').values(values).returning(userColumns).executeTakeFirstOrThrow();

/** Write `changes` to an account the caller has locked, counting its version up. */
export const updateLockedUser = (
  tx: Db,
  id: string,
  changes: { displayName?: string; role?: TRole; isActive?: boolean; passwordHash?: string },
) =>
  tx
    .updateTable('appUser')
    .set({ ...changes, version: sql`version + 1`, updatedAt: new Date() })
    .where('id', '=', id)
    .returning(userColumns)
    .executeTakeFirstOrThrow();

/** The active administrators, locked, so two of them cannot demote each other at the same moment. */
export const lockActiveAdmins = (tx: Db) =>
  tx.selectFrom('appUser').select('id').where('role', '=', 'admin').where('isActive', '=', true).forUpdate().execute();

export async function replaceUserBureaus(tx: Db, userId: string, codes: readonly string[]): Promise<void> {
  await tx.deleteFrom('userBureau').where('userId', '=', userId).execute();
  if (codes.length) {
    await tx
      .insertInto('userBureau')
      .values(codes.map((bureauCode) => ({ userId, bureauCode })))
      .execute();
  }
}

/** End every open session of an account; how many were open. */
export const revokeUserSessions = async (tx: Db, userId: string) =>
  (
    await tx
      .updateTable('session')
      .set({ revokedAt: new Date() })
      .where('userId', '=', userId)
      .where('revokedAt', 'is', null)
      .returning('id')
      .execute()
  ).length;

/** Whether `userId` is an active account of one of `roles` linked to the bureau. */
export const isActiveBureauMember = async (db: Db, bureauCode: string, userId: string, roles: readonly TRole[]) =>
  (await db
    .selectFrom('appUser')
    .innerJoin('userBureau', 'userBureau.userId', 'appUser.id')
    .select('appUser.id')
    .where('appUser.id', '=', userId)
    .where('appUser.isActive', '=', true)
    .where('appUser.role', 'in', roles)
    .where('userBureau.bureauCode', '=', bureauCode)
    .executeTakeFirst()) !== undefined;

// ---------------------------------------------------------------------------------------------------
// Accounts of single sign-on (domain/oidc-sign-in.ts).

const oidcAccountColumns = ['id', 'email', 'displayName', 'role', 'isActive', 'oidcSubject'] as const;

/** The account linked to this provider subject, locked. */
export const lockAccountBySubject = (tx: Db, issuer: string, subject: string) =>
  tx
    .selectFrom('appUser')
    .select(oidcAccountColumns)
    .select(bureauCodesOf.as('bureauCodes'))
    .where('oidcIssuer', '=', issuer)
    .where('oidcSubject', '=', subject)
    .forUpdate()
    .executeTakeFirst();

/** The account of this address not yet linked to any provider subject, locked. */
export const lockUnlinkedAccountByEmail = (tx: Db, email: string) =>
  tx
    .selectFrom('appUser')
    .select(oidcAccountColumns)
    .select(bureauCodesOf.as('bureauCodes'))
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .where('oidcSubject', 'is', null)
    .forUpdate()
    .executeTakeFirst();

/** Who holds this address (whatever its case), and the provider subject it is linked to. */
export const findEmailHolder = (db: Db, email: string) =>
  db
    .selectFrom('appUser')
    .select(['id', 'oidcIssuer', 'oidcSubject'])
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();

export const insertOidcAccount = (
  tx: Db,
  values: { email: string; displayName: string; role: TRole; oidcIssuer: string; oidcSubject: string },
) =>
  tx
    .insertInto('appUser')
    .values({ ...values, passwordHash: null })
    .returning(['id', 'email', 'displayName', 'role'])
    .executeTakeFirstOrThrow();

/** Bring a locked account in line with the provider's claims, counting its version up. */
export const updateLockedOidcAccount = (
  tx: Db,
  id: string,
  values: { role: TRole; displayName: string; oidcIssuer: string; oidcSubject: string },
) =>
  tx
    .updateTable('appUser')
    .set({ ...values, version: sql`version + 1`, updatedAt: new Date() })
    .where('id', '=', id)
    .execute();

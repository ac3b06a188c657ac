import { sql } from 'kysely';
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

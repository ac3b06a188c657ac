import { sql } from 'kysely';
import type { Db } from '../database.ts';

const tokenColumns = ['id', 'name', 'tokenPrefix', 'userId', 'scopes', 'createdAt', 'expiresAt', 'revokedAt', 'lastUsedAt'] as const;

/** A token stored by its hash; it expires `days` after the transaction's time. */
export const insertApiToken = (
  tx: Db,
  values: { name: string; tokenHash: string; tokenPrefix: string; userId: string; scopes: string[] },
  days: number,
) =>
  tx
    .insertInto('apiToken')
    .values({ ...values, expiresAt: sql<Date>`now() + make_interval(days => ${days})` })
    .returning(tokenColumns)
    .executeTakeFirstOrThrow();

/** Tokens newest first with their owner's email: one user's, or everyone's when `userId` is null. */
export function listApiTokenRows(db: Db, userId: string | null) {
  let query = db
    .selectFrom('apiToken as t')
    .innerJoin('appUser as u', 'u.id', 't.userId')
    .select([
      't.id',
      't.name',
      't.tokenPrefix',
      't.userId',
      't.scopes',
      't.createdAt',
      't.expiresAt',
      't.revokedAt',
      't.lastUsedAt',
      'u.email as ownerEmail',
    ])
    .orderBy('t.createdAt', 'desc')
    .orderBy('t.id', 'desc');
  if (userId !== null) query = query.where('t.userId', '=', userId);
  return query.execute();
}

export const lockApiToken = (tx: Db, id: string) =>
  tx.selectFrom('apiToken').select(['id', 'userId', 'name', 'revokedAt']).where('id', '=', id).forUpdate().executeTakeFirst();

export const revokeApiTokenRow = (tx: Db, id: string) =>
  tx.updateTable('apiToken').set({ revokedAt: sql<Date>`now()` }).where('id', '=', id).returning(['revokedAt']).executeTakeFirstOrThrow();

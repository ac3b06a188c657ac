import type { TNotificationCadence, TNotificationChannel, TNotificationKind, TOutboxStatus, TRole } from '@psbook/core';
import { type Insertable, sql } from 'kysely';
import type { Db } from '../database.ts';
import type { EmailOutboxTable, NotificationTable } from '../schema.ts';

/** Where a newest-first page resumes: after the row with this time and id. */
export type PageAfter = { createdAt: Date; id: string };

type Choice = { kind: TNotificationKind; channel: TNotificationChannel; cadence: TNotificationCadence };

// ---------------------------------------------------------------------------------------------------
// Writing notices and their mail

/** One notice per row, in the caller's transaction; returns each new id with its recipient. */
export const insertNotifications = (tx: Db, rows: Insertable<NotificationTable>[]) =>
  tx.insertInto('notification').values(rows).returning(['id', 'userId']).execute();

/** The outbox rows of mails to send at once, in the same transaction as their notices. */
export const insertOutboxMails = (tx: Db, rows: Insertable<EmailOutboxTable>[]) => tx.insertInto('emailOutbox').values(rows).execute();

// ---------------------------------------------------------------------------------------------------
// Recipients

/** Active users of the given roles, ordered by email, except one person when given. */
export function selectActiveUsersWithRole(db: Db, roles: TRole[], exceptUserId?: string | null) {
  let query = db.selectFrom('appUser').select(['id', 'email']).where('isActive', '=', true).where('role', 'in', roles).orderBy('email');
  if (exceptUserId) query = query.where('id', '<>', exceptUserId);
  return query.execute();
}

/** The user with this id, if active (none or one row). */
export const selectActiveUser = (db: Db, userId: string) =>
  db.selectFrom('appUser').select(['id', 'email']).where('id', '=', userId).where('isActive', '=', true).execute();

// ---------------------------------------------------------------------------------------------------
// Preferences and the administrators' defaults

export const selectNotificationDefault = (db: Db, kind: TNotificationKind) =>
  db.selectFrom('notificationDefault').select(['channel', 'cadence']).where('kind', '=', kind).executeTakeFirst();

export const selectNotificationDefaults = (db: Db) => db.selectFrom('notificationDefault').selectAll().execute();

/** The choices the given users made for one kind (call it with at least one user id). */
export const selectPreferencesForKind = (db: Db, kind: TNotificationKind, userIds: string[]) =>
  db
    .selectFrom('notificationPreference')
    .select(['userId', 'channel', 'cadence'])
    .where('kind', '=', kind)
    .where('userId', 'in', userIds)
    .execute();

/** Every choice one user made. */
export const selectPreferencesOfUser = (db: Db, userId: string) =>
  db.selectFrom('notificationPreference').selectAll().where('userId', '=', userId).execute();

export const upsertNotificationPreference = (tx: Db, userId: string, item: Choice) =>
  tx
    .insertInto('notificationPreference')
    .values({ userId, kind: item.kind, channel: item.channel, cadence: item.cadence })
    .onConflict((oc) => oc.columns(['userId', 'kind']).doUpdateSet({ channel: item.channel, cadence: item.cadence, updatedAt: new Date() }))
    .execute();

export const upsertNotificationDefault = (tx: Db, updatedBy: string, item: Choice) =>
  tx
    .insertInto('notificationDefault')
    .values({ kind: item.kind, channel: item.channel, cadence: item.cadence, updatedBy })
    .onConflict((oc) => oc.column('kind').doUpdateSet({ channel: item.channel, cadence: item.cadence, updatedBy, updatedAt: new Date() }))
    .execute();

// ---------------------------------------------------------------------------------------------------
// Reading and marking read

export const countUnreadNotifications = async (db: Db, userId: string): Promise<number> =>
  Number(
    (
      await db
        .selectFrom('notification')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('userId', '=', userId)
        .where('readAt', 'is', null)
        .executeTakeFirstOrThrow()
    ).n,
  );

/** One user's notices, newest first, up to `limit` rows after `after`. */
export function selectNotificationPage(db: Db, userId: string, page: { limit: number; after: PageAfter | null; unreadOnly: boolean }) {
  let query = db.selectFrom('notification').selectAll().where('userId', '=', userId);
  if (page.unreadOnly) query = query.where('readAt', 'is', null);
  const after = page.after;
  if (after) {
    query = query.where((eb) =>
      eb.or([eb('createdAt', '<', after.createdAt), eb.and([eb('createdAt', '=', after.createdAt), eb('id', '<', after.id)])]),
    );
  }
  return query.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

/** Mark one user's unread notices read: all of them, or only those with the given ids. Returns how many changed. */
export async function markUnreadNotificationsRead(db: Db, userId: string, ids: string[] | null): Promise<number> {
  let query = db.updateTable('notification').set({ readAt: sql<Date>`now()` }).where('userId', '=', userId).where('readAt', 'is', null);
  if (ids) query = query.where('id', 'in', ids);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// ---------------------------------------------------------------------------------------------------
// The outbox

/** Outbox mails newest first, of one status when given, up to `limit` rows after `after`. */
export function selectOutboxPage(db: Db, page: { limit: number; after: PageAfter | null; status?: TOutboxStatus }) {
  let query = db.selectFrom('emailOutbox').selectAll();
  if (page.status) query = query.where('status', '=', page.status);
  const after = page.after;
  if (after) {
    query = query.where((eb) =>
      eb.or([eb('createdAt', '<', after.createdAt), eb.and([eb('createdAt', '=', after.createdAt), eb('id', '<', after.id)])]),
    );
  }
  return query.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

import {
  notificationKindRegistry,
  type TMarkNotificationsReadRequest,
  type TNotification,
  type TNotificationCadence,
  type TNotificationChannel,
  type TNotificationKind,
  type TNotificationPreference,
  type TNotificationPreferencesRequest,
  type TOutboxMail,
  type TRole,
} from '@psbook/core';
import { recordAudit } from '../audit.ts';
import { auditActorOf, requirePermission } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import {
  countUnreadNotifications,
  insertNotifications,
  insertOutboxMails,
  markUnreadNotificationsRead,
  type PageAfter,
  selectActiveUser,
  selectActiveUsersWithRole,
  selectNotificationDefault,
  selectNotificationDefaults,
  selectNotificationPage,
  selectOutboxPage,
  selectPreferencesForKind,
  selectPreferencesOfUser,
  upsertNotificationDefault,
  upsertNotificationPreference,
} from '../db/queries/notifications.ts';
import { withTransaction } from '../db/transaction.ts';
import { validationError } from '../errors.ts';

/*
 * Notifications (issue 14, DESIGN §2.8; docs/decisions/0012-notifications-outbox.md). A domain verb
 * that asks someone to act calls `notify` with its own transaction and the people its routing rule
 * designates (never a second list): the in-app notice and, where the person wants mail, the outbox
 * row commit with the event or not at all. The mail worker (mail/worker.ts) delivers the outbox.
 */

export type Recipient = { id: string; email: string };

export type NotificationEvent = {
  kind: TNotificationKind;
  entityType: string;
  entityId: string;
  projectId?: string | null;
  /** The UI path of the screen to act on. */
  path: string;
  titleJa: string;
  titleEn: string;
  /** A sentence or two for the mail, under the title (Japanese first, English below). */
  detailJa?: string;
  detailEn?: string;
};

export type EffectivePreference = { channel: TNotificationChannel; cadence: TNotificationCadence };

/** The Message-ID of the mail for one notification: fixed when the notice is written, so a resend is the same message. */
export const messageIdOf = (notificationId: string) => `<notification.${notificationId}@psbook>`;

/** What a kind sends when no administrator default is stored: its registry channel, one mail a notice. */
const kindDefault = (kind: TNotificationKind): EffectivePreference => ({
  channel: notificationKindRegistry.get(kind).defaultChannel,
  cadence: 'immediate',
});

/** Each user's channel and cadence for `kind`: their own choice, else the administrators' default, else the kind's. */
export async function preferencesFor(tx: Db, kind: TNotificationKind, userIds: string[]): Promise<Map<string, EffectivePreference>> {
  const fallback = await selectNotificationDefault(tx, kind);
  const base: EffectivePreference = fallback ?? kindDefault(kind);
  const own = userIds.length ? await selectPreferencesForKind(tx, kind, userIds) : [];
  const byUser = new Map(own.map((p) => [p.userId, { channel: p.channel, cadence: p.cadence }]));
  return new Map(userIds.map((id) => [id, byUser.get(id) ?? base]));
}

/** The mail text as stored in the outbox: Japanese first, English below; the link is added at delivery (mail/mail.ts). */
function mailBody(event: NotificationEvent): string {
  return [event.titleJa, event.detailJa, '', '---', '', event.titleEn, event.detailEn].filter((line) => line !== undefined).join('\n');
}

/**
 * Write the notice for each recipient (one each, however often a person appears) and, for those who
 * want mail at once, the outbox row. Call it inside the transaction of the event.
 */
export async function notify(tx: Db, recipients: Recipient[], event: NotificationEvent): Promise<void> {
  await notifyEach(tx, [{ recipients, event }]);
}

export type Delivery = { recipients: Recipient[]; event: NotificationEvent };

/** Notices per insert: 8 values each, far below the 65,535 parameters of one statement. */
const noticesPerStatement = 2000;

/**
 * `notify` for many events at once, as a set-based write needs (an import requesting thousands of tier
 * decreases): every notice in one insert per 2,000, the mail preferences read once per kind, the
 * outbox rows in one insert per 2,000 — not three statements per event.
 */
export async function notifyEach(tx: Db, deliveries: Delivery[]): Promise<void> {
  const notices = deliveries.flatMap(({ recipients, event }) =>
    [...new Map(recipients.map((r) => [r.id, r])).values()].map((recipient) => ({ recipient, event })),
  );
  if (!notices.length) return;
  const written: { id: string; userId: string }[] = [];
  for (let i = 0; i < notices.length; i += noticesPerStatement) {
    const slice = notices.slice(i, i + noticesPerStatement);
    const rows = await insertNotifications(
      tx,
      slice.map(({ recipient, event }) => ({
        userId: recipient.id,
        kind: event.kind,
        entityType: event.entityType,
        entityId: event.entityId,
        projectId: event.projectId ?? null,
        path: event.path,
        titleJa: event.titleJa,
        titleEn: event.titleEn,
      })),
    );
    // RETURNING gives the rows of an INSERT … VALUES in the order of its values.
    written.push(...rows);
  }
  const preferences = new Map<TNotificationKind, Map<string, EffectivePreference>>();
  for (const kind of new Set(notices.map((n) => n.event.kind))) {
    const userIds = [...new Set(notices.filter((n) => n.event.kind === kind).map((n) => n.recipient.id))];
    preferences.set(kind, await preferencesFor(tx, kind, userIds));
  }
  const mails = notices.flatMap(({ recipient, event }, i) => {
    const p = preferences.get(event.kind)!.get(recipient.id)!;
    if (p.channel !== 'email' || p.cadence !== 'immediate') return [];
    const row = written[i]!;
    return [
      {
        notificationId: row.id,
        userId: row.userId,
        messageId: messageIdOf(row.id),
        toEmail: recipient.email,
        subject: `[PS Book] ${event.titleJa} / ${event.titleEn}`,
        body: mailBody(event),
        path: event.path,
      },
    ];
  });
  for (let i = 0; i < mails.length; i += noticesPerStatement) await insertOutboxMails(tx, mails.slice(i, i + noticesPerStatement));
}

/** Active users of the given roles (e.g. every administrator), except one person (the one who acted). */
export function activeUsersWithRole(db: Db, roles: TRole[], exceptUserId?: string | null): Promise<Recipient[]> {
  return selectActiveUsersWithRole(db, roles, exceptUserId);
}

/** One user, if still active: a decision on a request goes to the person who filed it. */
export async function activeUser(db: Db, userId: string | null): Promise<Recipient[]> {
  if (!userId) return [];
  return selectActiveUser(db, userId);
}

// ---------------------------------------------------------------------------------------------------
// Reading and marking read: each user sees only their own notices.

type Cursor = { createdAt: string; id: string };

export function encodeNotificationCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.createdAt, c.id]), 'utf8').toString('base64url');
}

export function decodeNotificationCursor(raw: string): Cursor | null {
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [createdAt, id] = value;
    if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) return null;
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) return null;
    return { createdAt, id };
  } catch {
    return null;
  }
}

export const countUnread = (db: Db, userId: string): Promise<number> => countUnreadNotifications(db, userId);

/**
 * One page of rows kept newest first by (createdAt, id), the inbox's and the outbox's: the cursor
 * decoded (a 400 when it is not one of ours), one row more read than the page shows (its presence says
 * there is a next page), and the next cursor from the page's last row.
 */
async function keysetPage<Row extends { createdAt: Date; id: string }>(
  page: { limit: number; cursor?: string },
  readRows: (after: PageAfter | null, limit: number) => Promise<Row[]>,
): Promise<{ rows: Row[]; nextCursor: string | null }> {
  const cursor = page.cursor ? decodeNotificationCursor(page.cursor) : null;
  if (page.cursor && !cursor) throw validationError([{ path: 'query.cursor', message: 'not a cursor from this API' }]);
  const read = await readRows(cursor ? { createdAt: new Date(cursor.createdAt), id: cursor.id } : null, page.limit + 1);
  const rows = read.slice(0, page.limit);
  const last = rows[rows.length - 1];
  const nextCursor =
    read.length > page.limit && last ? encodeNotificationCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null;
  return { rows, nextCursor };
}

export async function listNotifications(
  ctx: DomainContext,
  page: { limit: number; cursor?: string; unreadOnly?: boolean },
): Promise<{ items: TNotification[]; nextCursor: string | null; unread: number }> {
  const { db, actor } = ctx;
  const { rows, nextCursor } = await keysetPage(page, (after, limit) =>
    selectNotificationPage(db, actor.id, { limit, after, unreadOnly: page.unreadOnly ?? false }),
  );
  return {
    items: rows.map((n) => ({
      id: n.id,
      kind: n.kind,
      entityType: n.entityType,
      entityId: n.entityId,
      projectId: n.projectId,
      path: n.path,
      titleJa: n.titleJa,
      titleEn: n.titleEn,
      createdAt: n.createdAt.toISOString(),
      readAt: n.readAt?.toISOString() ?? null,
    })),
    nextCursor,
    unread: await countUnread(db, actor.id),
  };
}

/** Mark the actor's own notices read (ids of someone else's are ignored, not revealed). Returns how many changed. */
export async function markNotificationsRead(ctx: DomainContext, input: TMarkNotificationsReadRequest): Promise<number> {
  return markUnreadNotificationsRead(ctx.db, ctx.actor.id, 'ids' in input ? input.ids : null);
}

/** How many of the actor's own notices are unread (the bell's count). */
export const countOwnUnread = (ctx: DomainContext): Promise<number> => countUnread(ctx.db, ctx.actor.id);

/** The actor's channel and cadence for every kind, theirs or the default. */
export const listOwnPreferences = (ctx: DomainContext) => listPreferences(ctx.db, ctx.actor.id);

/** The administrators' defaults for every kind. */
export function listDefaultPreferences(ctx: DomainContext) {
  requirePermission(ctx.actor, 'notificationDefaults.manage');
  return listPreferences(ctx.db, null);
}

// ---------------------------------------------------------------------------------------------------
// Preferences

async function listPreferences(db: Db, userId: string | null): Promise<(TNotificationPreference & { isDefault: boolean })[]> {
  const defaults = new Map((await selectNotificationDefaults(db)).map((d) => [d.kind, d]));
  const own = userId ? new Map((await selectPreferencesOfUser(db, userId)).map((p) => [p.kind, p])) : new Map();
  return notificationKindRegistry.keys.map((kind) => {
    const mine = own.get(kind);
    const fallback = defaults.get(kind) ?? kindDefault(kind);
    const chosen = mine ?? fallback;
    return { kind, channel: chosen.channel, cadence: chosen.cadence, isDefault: !mine };
  });
}

export async function savePreferences(ctx: DomainContext, input: TNotificationPreferencesRequest) {
  await withTransaction(ctx.db, async (tx) => {
    for (const item of input.items) {
      await upsertNotificationPreference(tx, ctx.actor.id, item);
    }
    await recordAudit(
      tx,
      { actor: auditActorOf(ctx.actor), requestId: ctx.requestId },
      { action: 'notification_preference.update', entityType: 'app_user', entityId: ctx.actor.id, after: input.items },
    );
  });
  return listPreferences(ctx.db, ctx.actor.id);
}

/** The administrators' defaults: what every user gets for a kind they have not chosen themselves. */
export async function saveDefaultPreferences(ctx: DomainContext, input: TNotificationPreferencesRequest) {
  requirePermission(ctx.actor, 'notificationDefaults.manage');
  await withTransaction(ctx.db, async (tx) => {
    for (const item of input.items) {
      await upsertNotificationDefault(tx, ctx.actor.id, item);
    }
    await recordAudit(
      tx,
      { actor: auditActorOf(ctx.actor), requestId: ctx.requestId },
      { action: 'notification_default.update', entityType: 'notification_default', entityId: 'all', after: input.items },
    );
  });
  return listPreferences(ctx.db, null);
}

// ---------------------------------------------------------------------------------------------------
// The outbox, for administrators

export async function listOutbox(
  ctx: DomainContext,
  page: { limit: number; cursor?: string; status?: 'pending' | 'sent' | 'failed' },
  render: (row: { body: string; path: string }) => string,
): Promise<{ items: TOutboxMail[]; nextCursor: string | null }> {
  requirePermission(ctx.actor, 'notificationDefaults.manage');
  const { rows, nextCursor } = await keysetPage(page, (after, limit) => selectOutboxPage(ctx.db, { limit, after, status: page.status }));
  return {
    items: rows.map((m) => ({
      id: m.id,
      messageId: m.messageId,
      toEmail: m.toEmail,
      subject: m.subject,
      body: render(m),
      status: m.status,
      attempts: m.attempts,
      nextAttemptAt: m.nextAttemptAt.toISOString(),
      lastError: m.lastError,
      createdAt: m.createdAt.toISOString(),
      sentAt: m.sentAt?.toISOString() ?? null,
    })),
    nextCursor,
  };
}

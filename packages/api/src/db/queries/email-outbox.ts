import { type Insertable, type Selectable, sql } from 'kysely';
import type { Db } from '../database.ts';
import type { EmailOutboxTable } from '../schema.ts';

export type OutboxRow = Selectable<EmailOutboxTable>;

/**
 * Claim up to `limit` due mails for this process: FOR UPDATE SKIP LOCKED, and a lease of `leaseSeconds`
 * (next_attempt_at moved past the longest a send can take), so two processes never send one row at once.
 */
export async function claimDueMails(db: Db, limit: number, leaseSeconds: number): Promise<OutboxRow[]> {
  const result = await sql<OutboxRow>`
    update email_outbox
    set next_attempt_at = now() + make_interval(secs => ${leaseSeconds}), attempts = attempts + 1
    where id in (
      select id from email_outbox
      where status = 'pending' and next_attempt_at <= now()
      order by next_attempt_at, id
      limit ${limit}
      for update skip locked
    )
    returning id, notification_id as "notificationId", user_id as "userId", message_id as "messageId", to_email as "toEmail",
      subject, body, path, status, attempts, next_attempt_at as "nextAttemptAt", last_error as "lastError",
      created_at as "createdAt", sent_at as "sentAt"
  `.execute(db);
  return result.rows;
}

export const markMailSent = (db: Db, id: OutboxRow['id']) =>
  db.updateTable('emailOutbox').set({ status: 'sent', sentAt: sql<Date>`now()`, lastError: null }).where('id', '=', id).execute();

export const markMailFailed = (db: Db, id: OutboxRow['id'], lastError: string) =>
  db.updateTable('emailOutbox').set({ status: 'failed', lastError }).where('id', '=', id).execute();

/** Offer the mail again in `waitSeconds`. */
export const retryMailLater = (db: Db, id: OutboxRow['id'], waitSeconds: number, lastError: string) =>
  db
    .updateTable('emailOutbox')
    .set({ nextAttemptAt: sql<Date>`now() + make_interval(secs => ${waitSeconds})`, lastError })
    .where('id', '=', id)
    .execute();

export const insertOutboxMail = (tx: Db, values: Insertable<EmailOutboxTable>) => tx.insertInto('emailOutbox').values(values).execute();

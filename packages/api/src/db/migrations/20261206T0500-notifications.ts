import type { Kysely } from 'kysely';
import { executeScript } from '../sql-script.ts';

/**
 * Notifications in the app and by e-mail (issue 14; docs/decisions/0012-notifications-outbox.md).
 * `notification` and `email_outbox` are written in the transaction of the event that causes them, so a
 * committed event always has its notice and its mail, and a rolled-back one has neither. `message_id`
 * is fixed when the row is written: a mail sent again after a crash carries the same Message-ID.
 * `reminder_sent` holds one row per reminder (item + stage); inserting it with ON CONFLICT DO NOTHING
 * is what makes a reminder go out once however many API processes run the scheduler.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    create table notification (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references app_user(id) on delete cascade,
      kind text not null,
      entity_type text not null,
      entity_id text not null,
      project_id uuid references project(id) on delete cascade,
      path text not null,
      title_ja text not null,
      title_en text not null,
      created_at timestamptz not null default now(),
      read_at timestamptz
    );
    create index notification_user_created_idx on notification (user_id, created_at desc, id desc);
    create index notification_unread_idx on notification (user_id) where read_at is null;

    create table email_outbox (
      id uuid primary key default gen_random_uuid(),
      notification_id uuid references notification(id) on delete set null,
      user_id uuid not null references app_user(id) on delete cascade,
      message_id text not null unique,
      to_email text not null,
      subject text not null,
      body text not null,
      -- The screen to act on; the link in the mail is PSBOOK_PUBLIC_URL + path, composed at delivery.
      path text not null,
      status text not null default 'pending' check (status in ('pending','sent','failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      last_error text,
      created_at timestamptz not null default now(),
      sent_at timestamptz
    );
    create index email_outbox_due_idx on email_outbox (next_attempt_at) where status = 'pending';
    create index email_outbox_created_idx on email_outbox (created_at desc, id desc);

    create table notification_default (
      kind text primary key,
      channel text not null check (channel in ('in_app','email')),
      cadence text not null check (cadence in ('immediate','digest')),
      updated_by uuid references app_user(id),
      updated_at timestamptz not null default now()
    );

    create table notification_preference (
      user_id uuid not null references app_user(id) on delete cascade,
      kind text not null,
      channel text not null check (channel in ('in_app','email')),
      cadence text not null check (cadence in ('immediate','digest')),
      updated_at timestamptz not null default now(),
      primary key (user_id, kind)
    );

    create table reminder_sent (
      key text primary key,
      sent_at timestamptz not null default now()
    );
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    drop table reminder_sent;
    drop table notification_preference;
    drop table notification_default;
    drop table email_outbox;
    drop table notification;
  `,
  );
}

import type { Kysely } from 'kysely';
import { executeScript } from '../sql-script.ts';

/**
 * Sign-in throttling counts attempts in one row per key (an account, an address, an account at an
 * address; docs/decisions/0009-sign-in-throttling.md) instead of a row per failure: a single
 * INSERT … ON CONFLICT DO UPDATE both checks and counts, so parallel attempts cannot all pass the check.
 * The failure log it replaces held only throttling state, valid for 15 minutes, so nothing is carried over.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    create table login_throttle (
      key text primary key,
      attempts integer not null,
      window_started_at timestamptz not null,
      not_before timestamptz not null,
      expires_at timestamptz not null
    );
    create index login_throttle_expires_at_idx on login_throttle (expires_at);
    drop table login_failure;
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    create table login_failure (
      id bigserial primary key,
      email text not null,
      client text not null,
      at timestamptz not null default now()
    );
    create index login_failure_email_idx on login_failure (lower(email), at);
    create index login_failure_client_idx on login_failure (client, at);
    drop table login_throttle;
  `,
  );
}

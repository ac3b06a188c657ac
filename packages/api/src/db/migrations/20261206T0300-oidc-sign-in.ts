import type { Kysely } from 'kysely';
import { executeScript } from '../sql-script.ts';

/**
 * Sign-in through the organisation's OpenID Provider (issue 17, decision 0010).
 * - An account remembers the provider subject it was created or linked with; accounts created by
 *   single sign-on have no password (null), so they can never sign in locally.
 * - A sign-in in progress (state, nonce, PKCE verifier) lives in the database, not in the process,
 *   because the callback may reach another API process than the one that started it.
 * - Instance settings an administrator changes at run time (local passwords on or off) live in one
 *   key/value table with a version for concurrent edits.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    alter table app_user alter column password_hash drop not null;
    alter table app_user add column oidc_issuer text, add column oidc_subject text;
    alter table app_user add constraint app_user_oidc_pair check ((oidc_issuer is null) = (oidc_subject is null));
    create unique index app_user_oidc_key on app_user (oidc_issuer, oidc_subject) where oidc_subject is not null;

    create table oidc_sign_in (
      state_hash text primary key,
      nonce text not null,
      code_verifier text not null,
      return_to text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    );
    create index oidc_sign_in_expires_idx on oidc_sign_in (expires_at);

    create table instance_setting (
      key text primary key,
      value jsonb not null,
      version integer not null default 1,
      updated_at timestamptz not null default now(),
      updated_by uuid references app_user (id)
    );
    `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    drop table instance_setting;
    drop table oidc_sign_in;
    drop index app_user_oidc_key;
    alter table app_user drop constraint app_user_oidc_pair;
    alter table app_user drop column oidc_issuer, drop column oidc_subject;
    update app_user set password_hash = '!' where password_hash is null;
    alter table app_user alter column password_hash set not null;
    `,
  );
}

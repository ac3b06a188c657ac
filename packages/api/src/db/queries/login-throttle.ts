import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../database.ts';

/**
 * How one throttle key counts: at most `maxAttempts` attempts per window (null: no ceiling), and once
 * past `freeAttempts`, each attempt must wait 2, 4, 8… seconds after the previous one, at most `maxDelaySeconds`.
 */
export type ThrottleRule = { windowSeconds: number; maxAttempts: number | null; freeAttempts: number; maxDelaySeconds: number };

/** The delay after the n-th attempt; the exponent is capped so power() cannot overflow. */
const delayAfter = (rule: ThrottleRule, n: RawBuilder<number> | number) =>
  sql<number>`case when (${n})::int > ${rule.freeAttempts}::int
    then least(${rule.maxDelaySeconds}::float8, power(2::float8, least((${n})::int - ${rule.freeAttempts}::int, 30)))
    else 0 end`;

/**
 * Takes one attempt from `key`'s allowance and returns the attempt's number, or null when the key
 * allows none now. One statement, so the check and the count cannot be split by a parallel attempt on
 * either database: INSERT … ON CONFLICT locks the row, and PostgreSQL evaluates the update's WHERE on
 * the row as the previous attempt left it (PGlite runs one statement at a time anyway).
 */
export async function takeAttempt(db: Db, key: string, rule: ThrottleRule): Promise<number | null> {
  const window = sql`make_interval(secs => ${rule.windowSeconds})`;
  const expired = sql<boolean>`(t.window_started_at <= now() - ${window})`;
  const next = sql<number>`(case when ${expired} then 1 else t.attempts + 1 end)`;
  const { rows } = await sql<{ attempts: number }>`
    insert into login_throttle as t (key, attempts, window_started_at, not_before, expires_at)
    values (${key}, 1, now(), now() + make_interval(secs => ${delayAfter(rule, 1)}), now() + ${window})
    on conflict (key) do update set
      attempts = ${next},
      window_started_at = case when ${expired} then now() else t.window_started_at end,
      not_before = now() + make_interval(secs => ${delayAfter(rule, next)}),
      expires_at = case when ${expired} then now() else t.window_started_at end + ${window}
    where ${expired} or (t.attempts < coalesce(${rule.maxAttempts}::int, 2147483647) and t.not_before <= now())
    returning attempts`.execute(db);
  return rows[0]?.attempts ?? null;
}

/** Whole seconds until `key` allows an attempt again (at least 1: it was just refused). */
export async function secondsUntilAllowed(db: Db, key: string, rule: ThrottleRule): Promise<number> {
  const row = await db
    .selectFrom('loginThrottle')
    .select([
      'attempts',
      sql<number>`extract(epoch from window_started_at + make_interval(secs => ${rule.windowSeconds}) - now())::float8`.as('windowLeft'),
      sql<number>`extract(epoch from not_before - now())::float8`.as('delayLeft'),
    ])
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row) return 1;
  const atCeiling = rule.maxAttempts !== null && row.attempts >= rule.maxAttempts;
  return Math.max(1, Math.ceil(Math.max(Number(row.delayLeft), atCeiling ? Number(row.windowLeft) : 0)));
}

/** Gives back an attempt that never checked a password (refused by another key) or that succeeded. */
export async function giveBackAttempt(db: Db, key: string): Promise<void> {
  await db
    .updateTable('loginThrottle')
    .set({ attempts: sql`greatest(attempts - 1, 0)`, notBefore: sql`now()` })
    .where('key', '=', key)
    .execute();
}

export async function clearAttempts(db: Db, keys: string[]): Promise<void> {
  if (keys.length) await db.deleteFrom('loginThrottle').where('key', 'in', keys).execute();
}

/** Remembers `key` (an account at an address it signed in from) for `days`. */
export async function rememberKey(db: Db, key: string, days: number): Promise<void> {
  await sql`
    insert into login_throttle (key, attempts, window_started_at, not_before, expires_at)
    values (${key}, 0, now(), now(), now() + make_interval(days => ${days}))
    on conflict (key) do update set window_started_at = now(), expires_at = excluded.expires_at`.execute(db);
}

export async function isRemembered(db: Db, key: string): Promise<boolean> {
  const row = await db
    .selectFrom('loginThrottle')
    .select('key')
    .where('key', '=', key)
    .where('expiresAt', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row !== undefined;
}

/** Rows whose window or memory has passed; bounded, so a flood of failures cannot make one sign-in slow. */
export async function deleteExpiredThrottleRows(db: Db): Promise<void> {
  await sql`
    delete from login_throttle where key in (
      select key from login_throttle where expires_at < now() order by expires_at limit 500)`.execute(db);
}

import type { TNotificationKind } from '@psbook/core';
import type { Db } from '../db/database.ts';
import { activeUsersWithRole, notify, preferencesFor } from './notifications.ts';
import { designatedReviewers } from './reviewers.ts';

/*
 * Reminders for what is due soon or overdue, from a scheduler every API process runs
 * (docs/decisions/0012-notifications-outbox.md). Each reminder has a key (item + stage); inserting the
 * key into reminder_sent with ON CONFLICT DO NOTHING, in the transaction that writes the notices, is
 * what lets exactly one process send it: a second inserter waits for the first to commit and then
 * inserts nothing. Works the same on PGlite and a PostgreSQL server.
 */

/** A release request is "due soon" this many days before its deadline. */
export const releaseDueSoonDays = 3;
/** Tech reviews are "due soon" this many days before the cycle's evaluation deadline. */
export const techReviewDueSoonDays = 7;

/** Run `write` once for `key`: in one transaction with the key, or not at all if the key was taken. */
async function once(db: Db, key: string, write: (tx: Db) => Promise<void>): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const claimed = await tx
      .insertInto('reminderSent')
      .values({ key })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!claimed) return false;
    await write(tx);
    return true;
  });
}

async function remindReleaseRequests(db: Db, now: Date): Promise<number> {
  const soon = new Date(now.getTime() + releaseDueSoonDays * 86_400_000);
  const due = await db
    .selectFrom('releaseRequest as r')
    .innerJoin('project as p', 'p.id', 'r.projectId')
    .select(['r.id', 'r.tier', 'r.reviewerRole', 'r.requestedBy', 'r.dueAt', 'p.id as projectId', 'p.code', 'p.name', 'p.bureauCode'])
    .where('r.status', '=', 'pending')
    .where('r.dueAt', '<=', soon)
    .orderBy('r.dueAt')
    .limit(1000)
    .execute();
  let sent = 0;
  for (const r of due) {
    const stage = r.dueAt.getTime() <= now.getTime() ? 'overdue' : 'due';
    const kind: TNotificationKind = stage === 'overdue' ? 'release_request_overdue' : 'release_request_due';
    const done = await once(db, `release_request:${r.id}:${stage}`, async (tx) => {
      const reviewers = await designatedReviewers(tx, { bureauCode: r.bureauCode, reviewerRole: r.reviewerRole }, r.requestedBy);
      const day = r.dueAt.toISOString().slice(0, 10);
      await notify(tx, reviewers, {
        kind,
        entityType: 'release_request',
        entityId: r.id,
        projectId: r.projectId,
        path: `/release-requests/${r.id}`,
        titleJa: `${stage === 'overdue' ? '期限超過' : '期限間近'}: リリース判定 ${r.code} ${r.name}（期限 ${day}）`,
        titleEn: `${stage === 'overdue' ? 'Overdue' : 'Due soon'}: release request ${r.code} ${r.name} (due ${day})`,
      });
    });
    if (done) sent++;
  }
  return sent;
}

async function remindTechReviews(db: Db, now: Date): Promise<number> {
  const cycles = await db
    .selectFrom('budgetCycle as c')
    .select(['c.fiscalYear', 'c.evaluationDeadline'])
    .select((eb) =>
      eb
        .selectFrom('techReview as t')
        .whereRef('t.fiscalYear', '=', 'c.fiscalYear')
        .where('t.status', '<>', 'submitted')
        .select((e) => e.fn.countAll<string>().as('n'))
        .as('open'),
    )
    .where('c.submittedAt', 'is', null)
    .execute();
  let sent = 0;
  for (const c of cycles) {
    const open = Number(c.open ?? 0);
    if (!open) continue;
    const [y, m, d] = c.evaluationDeadline.split('-').map(Number);
    const deadline = new Date(y!, m! - 1, d!, 23, 59, 59, 999);
    const daysLeft = (deadline.getTime() - now.getTime()) / 86_400_000;
    if (daysLeft > techReviewDueSoonDays) continue;
    const stage = daysLeft < 0 ? 'overdue' : 'due';
    const done = await once(db, `budget_cycle:${c.fiscalYear}:evaluation_${stage}`, async (tx) => {
      await notify(tx, await activeUsersWithRole(tx, ['admin']), {
        kind: 'tech_reviews_due',
        entityType: 'budget_cycle',
        entityId: String(c.fiscalYear),
        path: '/budget-review',
        titleJa: `${stage === 'overdue' ? '期限超過' : '期限間近'}: ${c.fiscalYear}年度 技術的評価 ${open}件（期限 ${c.evaluationDeadline}）`,
        titleEn: `${stage === 'overdue' ? 'Overdue' : 'Due soon'}: fiscal ${c.fiscalYear}, ${open} tech reviews (due ${c.evaluationDeadline})`,
      });
    });
    if (done) sent++;
  }
  return sent;
}

const localDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/**
 * The daily digest: one mail per user with yesterday's notices of the kinds they take as a digest.
 * Sent once per user and day (key digest:user:day), after the day has ended in the server's time zone.
 */
async function sendDigests(db: Db, now: Date): Promise<number> {
  const end = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const start = new Date(end.getFullYear(), end.getMonth(), end.getDate() - 1);
  const day = localDay(start);
  const rows = await db
    .selectFrom('notification as n')
    .innerJoin('appUser as u', 'u.id', 'n.userId')
    .select(['n.userId', 'u.email', 'n.kind', 'n.titleJa', 'n.titleEn'])
    .where('u.isActive', '=', true)
    .where('n.createdAt', '>=', start)
    .where('n.createdAt', '<', end)
    .orderBy('n.createdAt')
    .execute();
  const byKind = new Map<TNotificationKind, Set<string>>();
  for (const row of rows) byKind.set(row.kind, (byKind.get(row.kind) ?? new Set()).add(row.userId));
  const wantsDigest = new Set<string>();
  for (const [kind, users] of byKind) {
    for (const [userId, p] of await preferencesFor(db, kind, [...users])) {
      if (p.channel === 'email' && p.cadence === 'digest') wantsDigest.add(`${userId}:${kind}`);
    }
  }
  const perUser = new Map<string, { email: string; lines: { ja: string; en: string }[] }>();
  for (const row of rows) {
    if (!wantsDigest.has(`${row.userId}:${row.kind}`)) continue;
    const entry = perUser.get(row.userId) ?? { email: row.email, lines: [] };
    entry.lines.push({ ja: row.titleJa, en: row.titleEn });
    perUser.set(row.userId, entry);
  }
  let sent = 0;
  for (const [userId, entry] of perUser) {
    const done = await once(db, `digest:${userId}:${day}`, async (tx) => {
      await tx
        .insertInto('emailOutbox')
        .values({
          userId,
          messageId: `<digest.${userId}.${day}@psbook>`,
          toEmail: entry.email,
          subject: `[PS Book] ${day} のお知らせ（${entry.lines.length}件） / Notifications of ${day}`,
          body: [
            `${day} のお知らせ（${entry.lines.length}件）`,
            ...entry.lines.map((l) => `・${l.ja}`),
            '',
            '---',
            '',
            `Notifications of ${day} (${entry.lines.length})`,
            ...entry.lines.map((l) => `- ${l.en}`),
          ].join('\n'),
          path: '/notifications',
        })
        .execute();
    });
    if (done) sent++;
  }
  return sent;
}

/** One pass of the scheduler: every reminder that is due and not yet sent, then yesterday's digests. */
export async function runReminders(db: Db, now = new Date()): Promise<{ reminders: number; digests: number }> {
  const reminders = (await remindReleaseRequests(db, now)) + (await remindTechReviews(db, now));
  const digests = await sendDigests(db, now);
  return { reminders, digests };
}

import type { TStage } from '@psbook/core';
import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { selectSupervisedProjects } from './supervision.ts';

/*
 * The reminder scheduler's statements (domain/reminders.ts): what is due or overdue and not yet
 * reminded, and the reminder_sent keys that let exactly one process send each reminder.
 */

/**
 * Claim many reminder keys at once: the ones this call inserted (a key already sent, or being sent by
 * another process, is not among them). Keys are inserted in sorted order, so two processes claiming
 * overlapping sets wait for each other instead of deadlocking.
 */
export async function claimReminderKeys(db: Db, keys: readonly string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await db
    .insertInto('reminderSent')
    .values([...new Set(keys)].sort().map((key) => ({ key })))
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .execute();
  return new Set(rows.map((row) => row.key));
}

/** Take `key` for this process: false when another took it first (it waits for that one to commit). */
export const claimReminderKey = async (db: Db, key: string) => (await claimReminderKeys(db, [key])).has(key);

/** Pending release requests due by `soon` whose reminder for their current stage (due, overdue) is not sent yet. */
export const listDueReleaseRequests = (db: Db, now: Date, soon: Date) =>
  db
    .selectFrom('releaseRequest as r')
    .innerJoin('project as p', 'p.id', 'r.projectId')
    .select(['r.id', 'r.tier', 'r.reviewerRole', 'r.requestedBy', 'r.dueAt', 'p.id as projectId', 'p.code', 'p.name', 'p.bureauCode'])
    .where('r.status', '=', 'pending')
    .where('r.dueAt', '<=', soon)
    // Only those whose reminder for the current stage is not sent yet, so a long backlog cannot hide new ones.
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('reminderSent as k')
            .select(sql`1`.as('one'))
            .whereRef(
              'k.key',
              '=',
              sql<string>`'release_request:' || r.id || case when r.due_at <= ${now} then ':overdue' else ':due' end`,
            ),
        ),
      ),
    )
    .orderBy('r.dueAt')
    .limit(1000)
    .execute();

/** Budget cycles whose evaluation report is not submitted, with how many reviews are still open. */
export const listUnsubmittedCycles = (db: Db) =>
  db
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

/** The notifications of active accounts created in [start, end), oldest first. */
export const listNotificationsBetween = (db: Db, start: Date, end: Date) =>
  db
    .selectFrom('notification as n')
    .innerJoin('appUser as u', 'u.id', 'n.userId')
    .select(['n.userId', 'u.email', 'n.kind', 'n.titleJa', 'n.titleEn'])
    .where('u.isActive', '=', true)
    .where('n.createdAt', '>=', start)
    .where('n.createdAt', '<', end)
    .orderBy('n.createdAt')
    .execute();

/** Open consultations past their due day whose overdue reminder for that due day is not sent yet. */
export const listLateConsultations = (db: Db, today: string) =>
  db
    .selectFrom('consultation as c')
    .innerJoin('project as p', 'p.id', 'c.projectId')
    .select(['c.id', 'c.subject', 'c.reviewerRole', 'c.openedBy', 'c.dueOn', 'p.id as projectId', 'p.code', 'p.bureauCode'])
    .where('c.status', '=', 'open')
    .where('c.dueOn', '<', today)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('reminderSent as k')
            .select(sql`1`.as('one'))
            .whereRef('k.key', '=', sql<string>`'consultation:' || c.id || ':' || c.due_on::text || ':overdue'`),
        ),
      ),
    )
    .orderBy('c.dueOn')
    .limit(1000)
    .execute();

/** Approved exemptions ending between `today` and `soon` whose reminder is not sent yet. */
export const listExpiringExemptions = (db: Db, today: string, soon: string) =>
  db
    .selectFrom('exemption as e')
    .innerJoin('project as p', 'p.id', 'e.projectId')
    .select(['e.id', 'e.target', 'e.expiresOn', 'e.requestedBy', 'p.id as projectId', 'p.code'])
    .where('e.status', '=', 'approved')
    .where('e.expiresOn', '>=', today)
    .where('e.expiresOn', '<=', soon)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('reminderSent as k').select(sql`1`.as('one')).whereRef('k.key', '=', sql<string>`'exemption:' || e.id || ':expiring'`),
        ),
      ),
    )
    .limit(1000)
    .execute();

/** Projects with a tier in the supervised stages, by id after `after`, with when supervision began and their latest report period. */
export function listSupervisedProjectsPage(db: Db, stages: readonly TStage[], after: string | null, limit: number) {
  let query = selectSupervisedProjects(db, stages).select(
    sql<string | null>`(select max(r.period) from status_report r where r.project_id = p.id)`.as('latestPeriod'),
  );
  if (after) query = query.where('p.id', '>', after);
  return query.orderBy('p.id').limit(limit).execute();
}

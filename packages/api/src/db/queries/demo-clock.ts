import { sql } from 'kysely';
import type { Db } from '../database.ts';

/**
 * The demo seed's only direct writes. The seed creates every row through the domain verbs (the same
 * checks and audit events as the API), but a verb stamps the time it runs, and the demo's stories
 * happened over the past months and years: these move the stamps back. Nothing else calls them; the
 * audit events keep the real time the seed ran.
 */

/** A project registered at `at`: its creation time and the first tier history row written with it. */
export async function backdateRegistration(db: Db, projectId: string, at: Date): Promise<void> {
  await db.updateTable('project').set({ createdAt: at }).where('id', '=', projectId).execute();
  const first = await db
    .selectFrom('tierHistory')
    .select('id')
    .where('projectId', '=', projectId)
    .orderBy('id')
    .limit(1)
    .executeTakeFirstOrThrow();
  await db.updateTable('tierHistory').set({ at }).where('id', '=', first.id).execute();
}

/** Projects registered, and moved between stages, a year earlier than they were. */
export async function backdateProjectsOneYear(db: Db, projectIds: string[]): Promise<void> {
  await db.updateTable('project').set({ createdAt: sql<Date>`created_at - interval '1 year'` }).where('id', 'in', projectIds).execute();
  await db.updateTable('stageTransition').set({ at: sql<Date>`at - interval '1 year'` }).where('projectId', 'in', projectIds).execute();
}

export const backdateBudgetCycleSubmission = (db: Db, fiscalYear: number, submittedAt: string) =>
  db.updateTable('budgetCycle').set({ submittedAt }).where('fiscalYear', '=', fiscalYear).execute();

export const backdateReflections = (db: Db, techReviewIds: string[], recordedAt: string) =>
  db.updateTable('techReviewReflection').set({ recordedAt }).where('techReviewId', 'in', techReviewIds).execute();

/** A consultation opened `days` ago and due on `dueOn`. */
export const backdateConsultation = (db: Db, id: string, days: number, dueOn: string) =>
  db
    .updateTable('consultation')
    .set({ openedAt: sql<Date>`now() - make_interval(days => ${days})`, dueOn })
    .where('id', '=', id)
    .execute();

/** An approved exemption whose expiry has come: the verbs refuse an expiry in the past. */
export const backdateExemptionExpiry = (db: Db, id: string, expiresOn: string) =>
  db.updateTable('exemption').set({ expiresOn }).where('id', '=', id).execute();

import { type Insertable, type SelectQueryBuilder, sql, type Updateable } from 'kysely';
import type { ReviewerReach } from '../../domain/reviewers.ts';
import type { Db } from '../database.ts';
import type { Database, ReleaseRequestTable } from '../schema.ts';
import { projectHeading } from './project-heading.ts';

/** A release request with what every view of it shows: its project and the names of the people involved. */
function selectReleaseRequests(db: Db) {
  return db
    .selectFrom('releaseRequest as rr')
    .innerJoin('project as p', 'p.id', 'rr.projectId')
    .innerJoin('appUser as applicant', 'applicant.id', 'rr.requestedBy')
    .leftJoin('appUser as decider', 'decider.id', 'rr.decidedBy')
    .selectAll('rr')
    .select([...projectHeading, 'applicant.displayName as requestedByName', 'decider.displayName as decidedByName']);
}

type ReleaseQuery = ReturnType<typeof selectReleaseRequests>;
export type ReleaseRequestView = ReleaseQuery extends SelectQueryBuilder<Database, any, infer O> ? O : never;

export const findReleaseRequest = (db: Db, id: string) => selectReleaseRequests(db).where('rr.id', '=', id).executeTakeFirst();

/** Lock one release request for the rest of the transaction (after its project: the same order as tier changes). */
export const lockReleaseRequest = (tx: Db, id: string) =>
  tx.selectFrom('releaseRequest').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const findReleaseRequestProjectId = (db: Db, id: string) =>
  db.selectFrom('releaseRequest').select('projectId').where('id', '=', id).executeTakeFirst();

export const findPendingReleaseRequestOf = (db: Db, projectId: string) =>
  db.selectFrom('releaseRequest').select(['id']).where('projectId', '=', projectId).where('status', '=', 'pending').executeTakeFirst();

/** Every release request of a project, newest first. */
export const listReleaseRequestsOfProject = (db: Db, projectId: string) =>
  selectReleaseRequests(db).where('rr.projectId', '=', projectId).orderBy('rr.requestedAt', 'desc').orderBy('rr.id', 'desc').execute();

export const listRoutingOf = (db: Db, releaseRequestId: string) =>
  db.selectFrom('releaseRequestRouting').selectAll().where('releaseRequestId', '=', releaseRequestId).orderBy('id').execute();

/**
 * Pending release requests an actor may judge: routed to their reviewer role, in bureaus they cover,
 * not filed by themselves. The same rule as `decisionRefusal`, as SQL, oldest first.
 */
export function listPendingForReviewer(db: Db, reach: ReviewerReach, actorId: string, limit: number) {
  if (reach.bureauCodes !== 'all' && reach.bureauCodes.length === 0) return Promise.resolve([]);
  let query = selectReleaseRequests(db)
    .where('rr.status', '=', 'pending')
    .where('rr.reviewerRole', '=', reach.reviewerRole)
    .where('rr.tier', 'is not', null)
    .where('rr.requestedBy', '<>', actorId);
  if (reach.bureauCodes !== 'all') query = query.where('p.bureauCode', 'in', reach.bureauCodes);
  return query.orderBy('rr.requestedAt').orderBy('rr.id').limit(limit).execute();
}

/**
 * Returned release requests their bureau still has to act on: the project is still in development and
 * nothing was filed after the return (a newer request supersedes it).
 */
export function listReturnedForBureaus(db: Db, bureauCodes: string[], limit: number) {
  if (bureauCodes.length === 0) return Promise.resolve([]);
  return selectReleaseRequests(db)
    .where('rr.status', '=', 'returned')
    .where('p.bureauCode', 'in', bureauCodes)
    .where('p.stage', '=', 'development')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('releaseRequest as later')
            .select(sql`1`.as('one'))
            .whereRef('later.projectId', '=', 'rr.projectId')
            .whereRef('later.requestedAt', '>', 'rr.requestedAt'),
        ),
      ),
    )
    .orderBy('rr.decidedAt')
    .orderBy('rr.id')
    .limit(limit)
    .execute();
}

/** A new release request, due `reviewDays` after the transaction's time. */
export const insertReleaseRequest = (tx: Db, values: Omit<Insertable<ReleaseRequestTable>, 'dueAt'>, reviewDays: number) =>
  tx
    .insertInto('releaseRequest')
    .values({ ...values, dueAt: sql<Date>`now() + make_interval(days => ${reviewDays})` })
    .returningAll()
    .executeTakeFirstOrThrow();

/**
 * Write `changes` to a release request the caller has locked, counting its version up; `decided`
 * stamps the decision with the transaction's time.
 */
export const updateLockedReleaseRequest = (
  tx: Db,
  id: string,
  changes: Updateable<ReleaseRequestTable>,
  options: { decided?: boolean } = {},
) =>
  tx
    .updateTable('releaseRequest')
    .set({ ...changes, ...(options.decided ? { decidedAt: sql<Date>`now()` } : {}), version: sql<number>`version + 1` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();

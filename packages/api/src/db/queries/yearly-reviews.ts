import type { TReviewerRole } from '@psbook/core';
import { type Expression, type Insertable, type SqlBool, sql } from 'kysely';
import type { Db } from '../database.ts';
import type { YearlyReviewTable } from '../schema.ts';

/** A project's decision for a fiscal year; undefined when that year's decision is already recorded. */
export const insertYearlyReviewOnce = (tx: Db, values: Insertable<YearlyReviewTable>) =>
  tx
    .insertInto('yearlyReview')
    .values(values)
    .onConflict((oc) => oc.columns(['projectId', 'fiscalYear']).doNothing())
    .returningAll()
    .executeTakeFirst();

export const lockYearlyReview = (tx: Db, projectId: string, fiscalYear: number) =>
  tx
    .selectFrom('yearlyReview')
    .selectAll()
    .where('projectId', '=', projectId)
    .where('fiscalYear', '=', fiscalYear)
    .forUpdate()
    .executeTakeFirst();

/** Record the retirement decision on a yearly review the caller has locked, at the transaction's time. */
export const decideLockedRetirement = (
  tx: Db,
  projectId: string,
  fiscalYear: number,
  decision: { retirementStatus: 'confirmed' | 'withdrawn'; retirementReason: string; retirementDecidedBy: string },
) =>
  tx
    .updateTable('yearlyReview')
    .set({ ...decision, retirementDecidedAt: sql<Date>`now()` })
    .where('projectId', '=', projectId)
    .where('fiscalYear', '=', fiscalYear)
    .returningAll()
    .executeTakeFirstOrThrow();

/** A project's yearly reviews, latest year first, with the names of who decided. */
export const listYearlyReviewRows = (db: Db, projectId: string) =>
  db
    .selectFrom('yearlyReview as y')
    .leftJoin('appUser as u', 'u.id', 'y.decidedBy')
    .leftJoin('appUser as r', 'r.id', 'y.retirementDecidedBy')
    .selectAll('y')
    .select(['u.displayName as decidedByName', 'r.displayName as retirementDecidedByName'])
    .where('y.projectId', '=', projectId)
    .orderBy('y.fiscalYear', 'desc')
    .execute();

export type OutstandingRowScope =
  | { kind: 'all' }
  | { kind: 'bureaus'; bureauCodes: string[] }
  | { kind: 'reviewer'; reviewerRole: TReviewerRole; bureauCodes: string[] | 'all' };

/**
 * Operation-stage projects whose yearly review for `fiscalYear` is incomplete (a KPI without a
 * measurement for that year, or no keep-or-retire decision), by project code after `cursor`.
 */
export function listOutstandingYearlyReviewRows(
  db: Db,
  scope: OutstandingRowScope,
  fiscalYear: number,
  page: { limit: number; cursor?: string },
) {
  const unmeasured = sql<SqlBool>`exists (
    select 1 from kpi k where k.project_id = p.id
      and not exists (select 1 from kpi_measurement m where m.kpi_id = k.id and m.fiscal_year = ${fiscalYear}))`;
  const decided = sql<boolean>`exists (select 1 from yearly_review y where y.project_id = p.id and y.fiscal_year = ${fiscalYear})`;

  let q = db
    .selectFrom('project as p')
    .select(['p.id', 'p.code', 'p.name', 'p.bureauCode', 'p.tier', 'p.reviewerRole'])
    .select([
      sql<number>`(select count(*)::int from kpi k where k.project_id = p.id)`.as('kpiCount'),
      sql<{ id: string; name: string }[]>`coalesce((
        select jsonb_agg(jsonb_build_object('id', k.id, 'name', k.name) order by k.created_at, k.id) from kpi k
        where k.project_id = p.id
          and not exists (select 1 from kpi_measurement m where m.kpi_id = k.id and m.fiscal_year = ${fiscalYear})
      ), '[]'::jsonb)`.as('unmeasuredKpis'),
      decided.as('hasDecision'),
    ])
    .where('p.stage', '=', 'operation')
    .where((eb) => eb.or([eb.not(decided as Expression<SqlBool>), unmeasured]));
  if (scope.kind === 'bureaus') q = q.where('p.bureauCode', 'in', scope.bureauCodes);
  if (scope.kind === 'reviewer') {
    q = q.where('p.reviewerRole', '=', scope.reviewerRole);
    if (scope.bureauCodes !== 'all') q = q.where('p.bureauCode', 'in', scope.bureauCodes);
  }
  if (page.cursor) q = q.where('p.code', '>', page.cursor);
  return q.orderBy('p.code').limit(page.limit).execute();
}

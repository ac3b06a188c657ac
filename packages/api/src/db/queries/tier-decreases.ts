import type { TReviewerRole, TTier } from '@psbook/core';
import { type Insertable, type RawBuilder, sql, type Updateable } from 'kysely';
import type { Db } from '../database.ts';
import type { ProjectTable, TierDecreaseTable, TierHistoryTable } from '../schema.ts';
import { withExplanation } from './oversight-table.ts';
import { projectHeading, requesterAndDecider } from './project-heading.ts';

/** The decrease waiting on a project, locked (at most one waits at a time). */
export const lockPendingTierDecreaseOfProject = (tx: Db, projectId: string) =>
  tx
    .selectFrom('tierDecrease')
    .selectAll()
    .where('projectId', '=', projectId)
    .where('status', '=', 'pending')
    .forUpdate()
    .executeTakeFirst();

export const supersedeTierDecrease = (tx: Db, id: string, by: NonNullable<TierDecreaseTable['supersededBy']>) =>
  tx.updateTable('tierDecrease').set({ status: 'superseded', supersededBy: by, version: sql`version + 1` }).where('id', '=', id).execute();

/** Write a new evaluation's columns to a project the caller has locked (not a user's edit: no version). */
export const setProjectOversight = async (tx: Db, projectId: string, columns: Updateable<ProjectTable>) =>
  withExplanation(tx, await tx.updateTable('project').set(columns).where('id', '=', projectId).returningAll().executeTakeFirstOrThrow());

export const insertTierDecrease = (tx: Db, values: Insertable<TierDecreaseTable>) =>
  tx
    .insertInto('tierDecrease')
    .values(values)
    .returning(['id', 'fromTier', 'fromReviewerRole', 'toTier', 'requestedBy'])
    .executeTakeFirstOrThrow();

export const insertTierHistory = (tx: Db, values: Insertable<TierHistoryTable>) => tx.insertInto('tierHistory').values(values).execute();

/** Waiting decreases of projects not yet on ruleset `version`, locked, in project order. */
export const lockPendingTierDecreasesBehindRuleset = (tx: Db, version: string) =>
  tx
    .selectFrom('tierDecrease as d')
    .innerJoin('project as p', 'p.id', 'd.projectId')
    .select(['d.id', 'd.projectId', 'd.fromInputs', 'd.fromReviewerRole', 'd.requestedBy'])
    .where('d.status', '=', 'pending')
    .where('p.rulesetVersion', '<>', version)
    .orderBy('p.id')
    .forUpdate()
    .execute();

/**
 * Run `statement` once per 5,000 rows, `column(key)` giving that batch's values of one key as one array
 * parameter (for `unnest`): a few arrays per statement, whatever the number of rows.
 */
async function inBatches<R>(rows: R[], statement: (column: <K extends keyof R>(key: K) => RawBuilder<R[K][]>) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += 5_000) {
    const batch = rows.slice(i, i + 5_000);
    await statement((key) => sql.val(batch.map((row) => row[key])));
  }
}

/** The oversight columns of many projects at once (a ruleset change's re-evaluation of waiting decreases). */
export async function setOversightOfProjects(
  tx: Db,
  rows: {
    id: string;
    tier: TTier | null;
    tierLowerBound: TTier;
    reviewerRole: TReviewerRole | null;
    oversight: string;
    rulesetVersion: string;
  }[],
): Promise<void> {
  await inBatches(rows, (column) =>
    sql`
      update project p set tier = v.tier, tier_lower_bound = v.tier_lower_bound, reviewer_role = v.reviewer_role,
        oversight = v.oversight::jsonb, ruleset_version = v.ruleset_version
      from unnest(${column('id')}::uuid[], ${column('tier')}::smallint[], ${column('tierLowerBound')}::smallint[],
        ${column('reviewerRole')}::text[], ${column('oversight')}::text[], ${column('rulesetVersion')}::text[])
        as v(id, tier, tier_lower_bound, reviewer_role, oversight, ruleset_version)
      where p.id = v.id`.execute(tx),
  );
}

/** Many waiting decreases re-routed after a ruleset change at once, as `rerouteTierDecrease` does one. */
export async function rerouteTierDecreases(
  tx: Db,
  rows: {
    id: string;
    fromTier: TTier;
    fromReviewerRole: TReviewerRole;
    toTier: TTier | null;
    toReviewerRole: TReviewerRole | null;
    toEvaluation: string;
    rulesetVersion: string;
  }[],
): Promise<void> {
  await inBatches(rows, (column) =>
    sql`
      update tier_decrease d set from_tier = v.from_tier, from_reviewer_role = v.from_reviewer_role, to_tier = v.to_tier,
        to_reviewer_role = v.to_reviewer_role, to_evaluation = v.to_evaluation::jsonb, ruleset_version = v.ruleset_version,
        version = d.version + 1
      from unnest(${column('id')}::uuid[], ${column('fromTier')}::smallint[], ${column('fromReviewerRole')}::text[],
        ${column('toTier')}::smallint[], ${column('toReviewerRole')}::text[], ${column('toEvaluation')}::text[],
        ${column('rulesetVersion')}::text[])
        as v(id, from_tier, from_reviewer_role, to_tier, to_reviewer_role, to_evaluation, ruleset_version)
      where d.id = v.id`.execute(tx),
  );
}

/** A waiting decrease re-routed after a ruleset change (from, to and ruleset), counting its version up. */
export const rerouteTierDecrease = (tx: Db, id: string, changes: Updateable<TierDecreaseTable>) =>
  tx
    .updateTable('tierDecrease')
    .set({ ...changes, version: sql`version + 1` })
    .where('id', '=', id)
    .execute();

function selectTierDecreases(db: Db) {
  return db
    .selectFrom('tierDecrease as d')
    .innerJoin('project as p', 'p.id', 'd.projectId')
    .leftJoin('appUser as requester', 'requester.id', 'd.requestedBy')
    .leftJoin('appUser as decider', 'decider.id', 'd.decidedBy')
    .selectAll('d')
    .select([...projectHeading, ...requesterAndDecider]);
}
/** A tier decrease with its project's code, name and bureau and the names of who requested and decided it. */
export type TierDecreaseView = Awaited<ReturnType<ReturnType<typeof selectTierDecreases>['executeTakeFirstOrThrow']>>;

export const listTierDecreaseViewsOfProject = (db: Db, projectId: string) =>
  selectTierDecreases(db).where('d.projectId', '=', projectId).orderBy('d.requestedAt', 'desc').execute();

export const findTierDecreaseView = (db: Db, id: string) => selectTierDecreases(db).where('d.id', '=', id).executeTakeFirst();

/**
 * Pending decreases waiting for `reviewerRole` in `bureauCodes` (or every bureau) that `actorId` did not
 * request, oldest first.
 */
export function listPendingTierDecreaseViewsFor(
  db: Db,
  reviewerRole: TReviewerRole,
  bureauCodes: readonly string[] | 'all',
  actorId: string,
  limit: number,
) {
  let query = selectTierDecreases(db)
    .where('d.status', '=', 'pending')
    .where('d.fromReviewerRole', '=', reviewerRole)
    .where((eb) => eb.or([eb('d.requestedBy', 'is', null), eb('d.requestedBy', '<>', actorId)]));
  if (bureauCodes !== 'all') query = query.where('p.bureauCode', 'in', bureauCodes);
  return query.orderBy('d.requestedAt').orderBy('d.id').limit(limit).execute();
}

export const findTierDecreaseProjectId = (db: Db, id: string) =>
  db.selectFrom('tierDecrease').select('projectId').where('id', '=', id).executeTakeFirst();

export const lockTierDecrease = (tx: Db, id: string) =>
  tx.selectFrom('tierDecrease').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const recordTierDecreaseDecision = (
  tx: Db,
  id: string,
  decision: { status: 'approved' | 'refused'; decidedBy: string; decisionComment: string | null },
) =>
  tx
    .updateTable('tierDecrease')
    .set({
      status: decision.status,
      decidedBy: decision.decidedBy,
      decidedAt: new Date(),
      decisionComment: decision.decisionComment,
      version: sql`version + 1`,
    })
    .where('id', '=', id)
    .execute();

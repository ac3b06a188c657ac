import type { TRulesetActivationStep, TRulesetName } from '@psbook/core';
import { type Insertable, sql } from 'kysely';
import type { Db } from '../database.ts';
import type { RulesetActivationTable, RulesetVersionTable } from '../schema.ts';

/* ------------------------------------------------------------------ the active versions */

export const listActiveRulesetContents = (db: Db) =>
  db.selectFrom('rulesetVersion').select(['id', 'ruleset', 'content']).where('status', '=', 'active').execute();

export const listActiveRulesetVersions = (db: Db) =>
  db.selectFrom('rulesetVersion').select(['ruleset', 'version']).where('status', '=', 'active').execute();

/** The rulesets the database has any version of. */
export const listRulesetsWithVersions = (db: Db) => db.selectFrom('rulesetVersion').select('ruleset').distinct().execute();

/** A first version from rules/, active at once; undefined when another process's first version stands. */
export const insertFirstActiveRulesetVersion = (tx: Db, values: Insertable<RulesetVersionTable>) =>
  tx
    .insertInto('rulesetVersion')
    .values(values)
    // Two processes starting on a new database: the first one's version stands.
    // A literal, not a parameter: PostgreSQL must see the predicate to pick the partial unique index.
    .onConflict((oc) => oc.column('ruleset').where('status', '=', sql.lit('active')).doNothing())
    .returning('id')
    .executeTakeFirst();

/** Jobs a stop cut off while running. */
export const interruptRunningActivations = (db: Db) =>
  db
    .updateTable('rulesetActivation')
    .set({ status: 'interrupted', finishedAt: new Date(), error: 'the server stopped during the activation; the next start completed it' })
    .where('status', '=', 'running')
    .execute();

/* ------------------------------------------------------------------ reading */

function versionQuery(db: Db) {
  return db
    .selectFrom('rulesetVersion as v')
    .leftJoin('appUser as pu', 'pu.id', 'v.proposedBy')
    .leftJoin('appUser as du', 'du.id', 'v.decidedBy')
    .leftJoin('rulesetActivation as a', 'a.rulesetVersionId', 'v.id')
    .selectAll('v')
    .select([
      'pu.displayName as proposerName',
      'du.displayName as deciderName',
      'a.id as activationId',
      'a.status as activationStatus',
      'a.runAt',
      'a.step',
      'a.stepsDone',
      'a.stepsTotal',
      'a.projectsChanged',
      'a.error',
      'a.startedAt',
      'a.finishedAt',
    ]);
}
/** A version with the names of its proposer and decider and its activation job, if any. */
export type RulesetVersionView = NonNullable<Awaited<ReturnType<ReturnType<typeof versionQuery>['executeTakeFirst']>>>;

/** Every version, newest first (optionally of one ruleset). */
export function listRulesetVersionViews(db: Db, ruleset?: TRulesetName) {
  let query = versionQuery(db).orderBy('v.proposedAt', 'desc').orderBy('v.id');
  if (ruleset) query = query.where('v.ruleset', '=', ruleset);
  return query.execute();
}

export const findRulesetVersionView = (db: Db, id: string) => versionQuery(db).where('v.id', '=', id).executeTakeFirst();

export const findRulesetVersionViewByActivation = (db: Db, activationId: string) =>
  versionQuery(db).where('a.id', '=', activationId).executeTakeFirst();

/**
 * Pending reviews (release requests waiting for a decision, consultations not closed) with their
 * project's oversight inputs and the inputs in force of a waiting tier decrease.
 */
export async function listPendingReviewsWithInputs(db: Db) {
  const { rows } = await sql<{
    kind: 'release_request' | 'consultation';
    id: string;
    projectCode: string;
    projectName: string;
    bureauCode: string;
    fromReviewer: string | null;
    fromTier: number | null;
    budgetJpy: number | null;
    maxDowntimeHours: number | null;
    confidentiality: string | null;
    fromInputs: string | null;
  }>`
    select r.kind, r.id, p.code as project_code, p.name as project_name, p.bureau_code, r.reviewer_role as from_reviewer, r.tier as from_tier,
      p.budget_jpy, p.max_downtime_hours, p.confidentiality, d.from_inputs::text as from_inputs
    from (
      select 'release_request' as kind, id, project_id, tier, reviewer_role from release_request where status = 'pending'
      union all
      select 'consultation', id, project_id, tier, reviewer_role from consultation where status <> 'closed'
    ) r
    join project p on p.id = r.project_id
    left join tier_decrease d on d.project_id = p.id and d.status = 'pending'
    order by p.bureau_code, p.code, r.kind, r.id`.execute(db);
  return rows;
}

/* ------------------------------------------------------------------ proposing and deciding */

export const findActiveRulesetVersion = (db: Db, ruleset: TRulesetName) =>
  db
    .selectFrom('rulesetVersion')
    .select(['id', 'version', 'cases'])
    .where('ruleset', '=', ruleset)
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();

export const insertRulesetVersion = (tx: Db, values: Insertable<RulesetVersionTable>) =>
  tx.insertInto('rulesetVersion').values(values).returning('id').executeTakeFirstOrThrow();

export const lockRulesetVersion = (tx: Db, id: string) =>
  tx.selectFrom('rulesetVersion').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const rejectLockedRulesetVersion = (tx: Db, id: string, decidedBy: string, decidedAt: Date, decisionComment: string | null) =>
  tx
    .updateTable('rulesetVersion')
    .set({ status: 'rejected', decidedBy, decidedAt, decisionComment, revision: sql`revision + 1` })
    .where('id', '=', id)
    .execute();

export const lockActiveRulesetVersion = (tx: Db, ruleset: TRulesetName) =>
  tx
    .selectFrom('rulesetVersion')
    .select(['id', 'version'])
    .where('ruleset', '=', ruleset)
    .where('status', '=', 'active')
    .forUpdate()
    .executeTakeFirst();

/** The version of a ruleset approved and waiting for its date, if any. */
export const findApprovedRulesetVersion = (tx: Db, ruleset: TRulesetName) =>
  tx
    .selectFrom('rulesetVersion')
    .select(['id', 'version', 'activateAt'])
    .where('ruleset', '=', ruleset)
    .where('status', '=', 'approved')
    .executeTakeFirst();

export const approveLockedRulesetVersion = (
  tx: Db,
  id: string,
  decision: { decidedBy: string; decidedAt: Date; decisionComment: string | null; activateAt: Date },
) =>
  tx
    .updateTable('rulesetVersion')
    .set({
      status: 'approved',
      decidedBy: decision.decidedBy,
      decidedAt: decision.decidedAt,
      decisionComment: decision.decisionComment,
      activateAt: decision.activateAt,
      revision: sql`revision + 1`,
    })
    .where('id', '=', id)
    .execute();

export const insertRulesetActivation = (tx: Db, values: Insertable<RulesetActivationTable>) =>
  tx.insertInto('rulesetActivation').values(values).returning('id').executeTakeFirstOrThrow();

/** Cancel a version's job if it is still queued; undefined once it has started. */
export const cancelQueuedActivation = (tx: Db, rulesetVersionId: string, comment: string) =>
  tx
    .updateTable('rulesetActivation')
    .set({ status: 'cancelled', step: 'cancelled', finishedAt: new Date(), error: comment })
    .where('rulesetVersionId', '=', rulesetVersionId)
    .where('status', '=', 'queued')
    .returning('id')
    .executeTakeFirst();

export const cancelLockedRulesetVersion = (tx: Db, id: string) =>
  tx.updateTable('rulesetVersion').set({ status: 'cancelled', revision: sql`revision + 1` }).where('id', '=', id).execute();

/* ------------------------------------------------------------------ activating */

export const setActivationProgress = (db: Db, jobId: string, step: TRulesetActivationStep, stepsDone: number) =>
  db.updateTable('rulesetActivation').set({ step, stepsDone }).where('id', '=', jobId).execute();

export const failActivation = (tx: Db, jobId: string, message: string) =>
  tx.updateTable('rulesetActivation').set({ status: 'failed', error: message, finishedAt: new Date() }).where('id', '=', jobId).execute();

/** A version still approved becomes failed (its cases failed before the switch). */
export const failApprovedRulesetVersion = (tx: Db, id: string) =>
  tx
    .updateTable('rulesetVersion')
    .set({ status: 'failed', revision: sql`revision + 1` })
    .where('id', '=', id)
    .where('status', '=', 'approved')
    .execute();

export const getRulesetVersionRow = (db: Db, id: string) =>
  db.selectFrom('rulesetVersion').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** The active version of a ruleset becomes superseded; returns it (undefined for a ruleset's first version). */
export const supersedeActiveRulesetVersion = (tx: Db, ruleset: TRulesetName) =>
  tx
    .updateTable('rulesetVersion')
    .set({ status: 'superseded', supersededAt: new Date(), revision: sql`revision + 1` })
    .where('ruleset', '=', ruleset)
    .where('status', '=', 'active')
    .returning(['id', 'version'])
    .executeTakeFirst();

export const activateRulesetVersionRow = (tx: Db, id: string) =>
  tx
    .updateTable('rulesetVersion')
    .set({ status: 'active', activatedAt: new Date(), revision: sql`revision + 1` })
    .where('id', '=', id)
    .execute();

export const finishActivation = (db: Db, jobId: string, stepsDone: number, projectsChanged: number) =>
  db
    .updateTable('rulesetActivation')
    .set({ status: 'succeeded', step: 'finished', stepsDone, projectsChanged, finishedAt: new Date() })
    .where('id', '=', jobId)
    .execute();

/**
 * Claim the next due job, oldest first, with SKIP LOCKED: several processes (or a request and the
 * scheduler) never run the same one twice.
 */
export const claimDueActivation = (db: Db) =>
  db
    .updateTable('rulesetActivation')
    .set({ status: 'running', startedAt: new Date(), step: 'cases' })
    .where(
      'id',
      '=',
      (eb) =>
        eb
          .selectFrom('rulesetActivation')
          .select('id')
          .where('status', '=', 'queued')
          .where('runAt', '<=', new Date())
          .orderBy('runAt')
          .limit(1)
          .forUpdate()
          .skipLocked() as never,
    )
    .returning(['id', 'rulesetVersionId'])
    .executeTakeFirst();

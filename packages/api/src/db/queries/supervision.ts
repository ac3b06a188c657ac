import type { TReviewerRole, TStage, TTier } from '@psbook/core';
import { type Insertable, type NotNull, type SelectQueryBuilder, sql, type Updateable } from 'kysely';
import type { ReviewerReach } from '../../domain/reviewers.ts';
import type { Db } from '../database.ts';
import type {
  ConsultationMessageTable,
  ConsultationTable,
  Database,
  ExemptionTable,
  FollowUpActionTable,
  StatusReportTable,
} from '../schema.ts';
import { projectHeading, requesterAndDecider } from './project-heading.ts';

/* Consultations (協議) */

const selectConsultations = (db: Db) =>
  db
    .selectFrom('consultation as c')
    .innerJoin('project as p', 'p.id', 'c.projectId')
    .innerJoin('appUser as opener', 'opener.id', 'c.openedBy')
    .selectAll('c')
    .select([...projectHeading, 'opener.displayName as openedByName']);
type ConsultationQuery = ReturnType<typeof selectConsultations>;
export type ConsultationView = ConsultationQuery extends SelectQueryBuilder<Database, any, infer O> ? O : never;

export const findConsultation = (db: Db, id: string) => selectConsultations(db).where('c.id', '=', id).executeTakeFirst();
export const findConsultationProjectId = (db: Db, id: string) =>
  db.selectFrom('consultation').select('projectId').where('id', '=', id).executeTakeFirst();
export const lockConsultation = (tx: Db, id: string) =>
  tx.selectFrom('consultation').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
export const listConsultationsOfProject = (db: Db, projectId: string) =>
  selectConsultations(db).where('c.projectId', '=', projectId).orderBy('c.openedAt', 'desc').orderBy('c.id', 'desc').execute();

export const listMessagesOf = (db: Db, consultationId: string) =>
  db
    .selectFrom('consultationMessage as m')
    .innerJoin('appUser as a', 'a.id', 'm.authorId')
    .selectAll('m')
    .select('a.displayName as authorName')
    .where('m.consultationId', '=', consultationId)
    .orderBy('m.createdAt')
    .orderBy('m.id')
    .execute();

export const listConsultationRoutingOf = (db: Db, consultationId: string) =>
  db.selectFrom('consultationRouting').selectAll().where('consultationId', '=', consultationId).orderBy('id').execute();

/** Consultations waiting on a consultee's answer: the same reach as release requests, never one they opened. */
export function listOpenConsultationsForReviewer(db: Db, reach: ReviewerReach, actorId: string, limit: number) {
  if (reach.bureauCodes !== 'all' && reach.bureauCodes.length === 0) return Promise.resolve([]);
  let query = selectConsultations(db)
    .where('c.status', '=', 'open')
    .where('c.reviewerRole', '=', reach.reviewerRole)
    .where('c.openedBy', '<>', actorId);
  if (reach.bureauCodes !== 'all') query = query.where('p.bureauCode', 'in', reach.bureauCodes);
  return query.orderBy('c.dueOn').orderBy('c.id').limit(limit).execute();
}

/* Status reports (状況報告) */

const selectReports = (db: Db) =>
  db
    .selectFrom('statusReport as r')
    .innerJoin('appUser as filer', 'filer.id', 'r.filedBy')
    .leftJoin('appUser as assessor', 'assessor.id', 'r.assessedBy')
    .selectAll('r')
    .select(['filer.displayName as filedByName', 'assessor.displayName as assessedByName']);
type ReportQuery = ReturnType<typeof selectReports>;
export type StatusReportView = ReportQuery extends SelectQueryBuilder<Database, any, infer O> ? O : never;

export const listStatusReportsOfProject = (db: Db, projectId: string) =>
  selectReports(db).where('r.projectId', '=', projectId).orderBy('r.period', 'desc').execute();
export const findStatusReport = (db: Db, projectId: string, period: string) =>
  selectReports(db).where('r.projectId', '=', projectId).where('r.period', '=', period).executeTakeFirst();
export const lockStatusReport = (tx: Db, projectId: string, period: string) =>
  tx.selectFrom('statusReport').selectAll().where('projectId', '=', projectId).where('period', '=', period).forUpdate().executeTakeFirst();

/** Reports waiting for the consultee's assessment: the project's reviewer now, never the filer. */
export function listUnassessedReportsForReviewer(db: Db, reach: ReviewerReach, actorId: string, limit: number) {
  if (reach.bureauCodes !== 'all' && reach.bureauCodes.length === 0) return Promise.resolve([]);
  let query = db
    .selectFrom('statusReport as r')
    .innerJoin('project as p', 'p.id', 'r.projectId')
    .select(['r.id', 'r.projectId', 'r.period', 'r.filedAt', ...projectHeading, 'p.tier'])
    .where('r.assessment', 'is', null)
    .where('p.reviewerRole', '=', reach.reviewerRole)
    .where('r.filedBy', '<>', actorId);
  if (reach.bureauCodes !== 'all') query = query.where('p.bureauCode', 'in', reach.bureauCodes);
  return query.orderBy('r.filedAt').orderBy('r.id').limit(limit).execute();
}

/* Follow-up actions (フォローアップ措置) */

const selectActions = (db: Db) =>
  db
    .selectFrom('followUpAction as a')
    .innerJoin('project as p', 'p.id', 'a.projectId')
    .innerJoin('appUser as owner', 'owner.id', 'a.ownerId')
    .innerJoin('appUser as raiser', 'raiser.id', 'a.raisedBy')
    .selectAll('a')
    .select([...projectHeading, 'owner.displayName as ownerName', 'raiser.displayName as raisedByName']);
type ActionQuery = ReturnType<typeof selectActions>;
export type ActionView = ActionQuery extends SelectQueryBuilder<Database, any, infer O> ? O : never;

export const findAction = (db: Db, id: string) => selectActions(db).where('a.id', '=', id).executeTakeFirst();
export const findActionProjectId = (db: Db, id: string) =>
  db.selectFrom('followUpAction').select('projectId').where('id', '=', id).executeTakeFirst();
export const lockAction = (tx: Db, id: string) =>
  tx.selectFrom('followUpAction').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
export const listActionsOfProject = (db: Db, projectId: string) =>
  selectActions(db).where('a.projectId', '=', projectId).orderBy('a.raisedAt', 'desc').orderBy('a.id', 'desc').execute();

/** Who may own an action of a bureau's project: its active staff and bureau leads, by name. */
export const listBureauOwners = (db: Db, bureauCode: string) =>
  db
    .selectFrom('appUser')
    .innerJoin('userBureau', 'userBureau.userId', 'appUser.id')
    .select(['appUser.id', 'appUser.displayName', 'appUser.role'])
    .where('userBureau.bureauCode', '=', bureauCode)
    .where('appUser.isActive', '=', true)
    .where('appUser.role', 'in', ['staff', 'bureau_lead'])
    .orderBy('appUser.displayName')
    .execute();

/** What waits on a person: open actions they own, and done actions they raised and must verify. */
export const listActionsWaitingOn = (db: Db, userId: string, limit: number) =>
  selectActions(db)
    .where(({ or, and, eb }) =>
      or([
        and([eb('a.status', '=', 'open'), eb('a.ownerId', '=', userId)]),
        and([eb('a.status', '=', 'done'), eb('a.raisedBy', '=', userId)]),
      ]),
    )
    .orderBy('a.dueDate')
    .orderBy('a.id')
    .limit(limit)
    .execute();

/* Exemptions (免除) */

const selectExemptions = (db: Db) =>
  db
    .selectFrom('exemption as e')
    .innerJoin('project as p', 'p.id', 'e.projectId')
    .innerJoin('appUser as requester', 'requester.id', 'e.requestedBy')
    .leftJoin('appUser as decider', 'decider.id', 'e.decidedBy')
    .selectAll('e')
    .select([
      ...projectHeading,
      ...requesterAndDecider,
      sql<boolean>`e.status = 'approved' and e.expires_on >= current_date`.as('isActive'),
    ]);
type ExemptionQuery = ReturnType<typeof selectExemptions>;
export type ExemptionView = ExemptionQuery extends SelectQueryBuilder<Database, any, infer O> ? O : never;

export const findExemption = (db: Db, id: string) => selectExemptions(db).where('e.id', '=', id).executeTakeFirst();
export const findExemptionProjectId = (db: Db, id: string) =>
  db.selectFrom('exemption').select('projectId').where('id', '=', id).executeTakeFirst();
export const lockExemption = (tx: Db, id: string) =>
  tx.selectFrom('exemption').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
export const listExemptionsOfProject = (db: Db, projectId: string) =>
  selectExemptions(db).where('e.projectId', '=', projectId).orderBy('e.requestedAt', 'desc').orderBy('e.id', 'desc').execute();

/** Release-checklist items of a project waived today by an approved, unexpired exemption. */
export const listActiveChecklistExemptions = (db: Db, projectId: string) =>
  db
    .selectFrom('exemption')
    .select(['target', 'reason', sql<string>`expires_on::text`.as('expiresOn')])
    .where('projectId', '=', projectId)
    .where('targetKind', '=', 'checklist_item')
    .where('status', '=', 'approved')
    .where(sql<boolean>`expires_on >= current_date`)
    .execute();

/** Exemption requests waiting on the project's consultee, never on the requester. */
export function listRequestedExemptionsForReviewer(db: Db, reach: ReviewerReach, actorId: string, limit: number) {
  if (reach.bureauCodes !== 'all' && reach.bureauCodes.length === 0) return Promise.resolve([]);
  let query = selectExemptions(db)
    .where('e.status', '=', 'requested')
    .where('p.reviewerRole', '=', reach.reviewerRole)
    .where('e.requestedBy', '<>', actorId);
  if (reach.bureauCodes !== 'all') query = query.where('p.bureauCode', 'in', reach.bureauCodes);
  return query.orderBy('e.requestedAt').orderBy('e.id').limit(limit).execute();
}

/** When supervision of project `p` began: its last move into its current stage, else its registration (a date). */
export const supervisedSince = sql<string>`coalesce((select max(t.at) from stage_transition t where t.project_id = p.id and t.to_stage = p.stage), p.created_at)::date::text`;

/**
 * The projects under supervision: in a supervised stage and with a tier, with what names them and when
 * supervision began. The portfolio and the status-report reminders both start from it.
 */
export const selectSupervisedProjects = (db: Db, stages: readonly TStage[]) =>
  db
    .selectFrom('project as p')
    .select(['p.id', 'p.code', 'p.name', 'p.bureauCode', 'p.stage', 'p.tier', supervisedSince.as('supervisedSince')])
    .where('p.stage', 'in', [...stages])
    .where('p.tier', 'is not', null)
    .$narrowType<{ tier: NotNull }>();

/* Portfolio (ポートフォリオ) */

export type PortfolioScope = { reviewerRole: TReviewerRole; bureauCodes: string[] | 'all' } | 'all';

/**
 * The supervised projects in a scope, with what the portfolio shows besides the reports: open actions,
 * open consultations, when supervision began (the last move into the current stage, else creation).
 */
export function listPortfolioProjects(db: Db, scope: PortfolioScope, stages: readonly TStage[], filter: { bureau?: string; tier?: TTier }) {
  if (scope !== 'all' && scope.bureauCodes !== 'all' && scope.bureauCodes.length === 0) return Promise.resolve([]);
  let query = selectSupervisedProjects(db, stages).select([
    'p.reviewerRole',
    sql<number>`(select count(*) from follow_up_action a where a.project_id = p.id and a.status <> 'verified')`.as('openActions'),
    sql<number>`(select count(*) from follow_up_action a where a.project_id = p.id and a.status <> 'verified' and a.blocking)`.as(
      'openBlockingActions',
    ),
    sql<number>`(select count(*) from consultation c where c.project_id = p.id and c.status <> 'closed')`.as('openConsultations'),
    sql<number>`(select count(*) from consultation c where c.project_id = p.id and c.status = 'open' and c.due_on < current_date)`.as(
      'overdueConsultations',
    ),
  ]);
  if (scope !== 'all') {
    query = query.where('p.reviewerRole', '=', scope.reviewerRole);
    if (scope.bureauCodes !== 'all') query = query.where('p.bureauCode', 'in', scope.bureauCodes);
  }
  if (filter.bureau) query = query.where('p.bureauCode', '=', filter.bureau);
  if (filter.tier) query = query.where('p.tier', '=', filter.tier);
  return query.orderBy('p.code').execute();
}

/**
 * A query per slice of ids: an IN list is one bind parameter per id, and PostgreSQL takes at most
 * 65,535 per statement, so a portfolio of every project (the chief's, an admin's) is read in slices.
 */
async function bySlices<T>(ids: string[], read: (slice: string[]) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for (let i = 0; i < ids.length; i += idSlice) rows.push(...(await read(ids.slice(i, i + idSlice))));
  return rows;
}
const idSlice = 5000;

/** Every report of the given projects, newest period first: divergence needs the latest two assessed. */
export const listReportRatingsOf = (db: Db, projectIds: string[]) =>
  bySlices(projectIds, (slice) =>
    db
      .selectFrom('statusReport')
      .select(['projectId', 'period', 'selfRating', 'assessment'])
      .where('projectId', 'in', slice)
      .orderBy('projectId')
      .orderBy('period', 'desc')
      .execute(),
  );

/** The KPIs and measurements of the given projects, for each project's KPI status. */
export async function listKpisOf(db: Db, projectIds: string[]) {
  const [kpis, measurements] = await Promise.all([
    bySlices(projectIds, (slice) => db.selectFrom('kpi').selectAll().where('projectId', 'in', slice).execute()),
    bySlices(projectIds, (slice) =>
      db
        .selectFrom('kpiMeasurement')
        .innerJoin('kpi', 'kpi.id', 'kpiMeasurement.kpiId')
        .selectAll('kpiMeasurement')
        .where('kpi.projectId', 'in', slice)
        .orderBy('kpiMeasurement.fiscalYear')
        .execute(),
    ),
  ]);
  return { kpis, measurements };
}

/* Writes of follow-up actions and exemptions (domain/follow-up-actions.ts) */

export const insertAction = (tx: Db, values: Insertable<FollowUpActionTable>) =>
  tx.insertInto('followUpAction').values(values).returningAll().executeTakeFirstOrThrow();

/**
 * Write `changes` to an action the caller has locked, counting its version up; `done` and `verified`
 * stamp who and the transaction's time, `reopened` clears the done stamp.
 */
export const updateLockedAction = (
  tx: Db,
  id: string,
  changes: Updateable<FollowUpActionTable>,
  step: { done?: string; verified?: string; reopened?: boolean } = {},
) =>
  tx
    .updateTable('followUpAction')
    .set({
      ...changes,
      ...(step.done ? { doneBy: step.done, doneAt: sql<Date>`now()` } : {}),
      ...(step.verified ? { verifiedBy: step.verified, verifiedAt: sql<Date>`now()` } : {}),
      ...(step.reopened ? { doneBy: null, doneAt: null } : {}),
      version: sql<number>`version + 1`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();

/** The exemption of this gate or item still waiting for a decision, if any. */
export const findRequestedExemption = (db: Db, projectId: string, targetKind: ExemptionTable['targetKind'], target: string) =>
  db
    .selectFrom('exemption')
    .select('id')
    .where('projectId', '=', projectId)
    .where('targetKind', '=', targetKind)
    .where('target', '=', target)
    .where('status', '=', 'requested')
    .executeTakeFirst();

export const insertExemption = (tx: Db, values: Insertable<ExemptionTable>) =>
  tx.insertInto('exemption').values(values).returningAll().executeTakeFirstOrThrow();

/** Record the decision on an exemption the caller has locked, at the transaction's time. */
export const decideLockedExemption = (
  tx: Db,
  id: string,
  decision: { status: 'approved' | 'refused'; decidedBy: string; decisionComment: string | null },
) =>
  tx
    .updateTable('exemption')
    .set({ ...decision, decidedAt: sql<Date>`now()`, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .execute();

/* Writes of consultations and status reports (domain/supervision.ts) */

/** Which of `documentIds` are documents of the project. */
export async function projectDocumentIds(db: Db, projectId: string, documentIds: string[]): Promise<Set<string>> {
  if (documentIds.length === 0) return new Set();
  const rows = await db.selectFrom('document').select('id').where('projectId', '=', projectId).where('id', 'in', documentIds).execute();
  return new Set(rows.map((d) => d.id));
}

export const insertConsultation = (tx: Db, values: Insertable<ConsultationTable>) =>
  tx.insertInto('consultation').values(values).returningAll().executeTakeFirstOrThrow();

export const insertConsultationMessage = (tx: Db, values: Insertable<ConsultationMessageTable>) =>
  tx.insertInto('consultationMessage').values(values).returning('id').executeTakeFirstOrThrow();

/** The follow-up action a message of guidance raised. */
export const linkMessageAction = (tx: Db, messageId: string, actionId: string) =>
  tx.updateTable('consultationMessage').set({ actionId }).where('id', '=', messageId).execute();

/**
 * Write `changes` to a consultation the caller has locked, counting its version up; `answered` and
 * `closedBy` stamp the transaction's time.
 */
export const updateLockedConsultation = (
  tx: Db,
  id: string,
  changes: Updateable<ConsultationTable>,
  step: { answered?: boolean; closedBy?: string } = {},
) =>
  tx
    .updateTable('consultation')
    .set({
      ...changes,
      ...(step.answered ? { answeredAt: sql<Date>`now()` } : {}),
      ...(step.closedBy ? { status: 'closed' as const, closedBy: step.closedBy, closedAt: sql<Date>`now()` } : {}),
      version: sql<number>`version + 1`,
    })
    .where('id', '=', id)
    .execute();

export const insertStatusReport = (tx: Db, values: Insertable<StatusReportTable>) =>
  tx.insertInto('statusReport').values(values).returning(['id', 'version']).executeTakeFirstOrThrow();

/** Record the consultee's assessment on a report the caller has locked, at the transaction's time. */
export const assessLockedStatusReport = (
  tx: Db,
  id: string,
  assessment: { assessment: string; assessmentComment: string | null; assessedBy: string },
) =>
  tx
    .updateTable('statusReport')
    .set({ ...assessment, assessedAt: sql<Date>`now()`, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .execute();

/** The day (text, yyyy-mm-dd) the project last entered `stage`; undefined at when it never moved there. */
export const lastEnteredStageOn = (db: Db, projectId: string, stage: TStage) =>
  db
    .selectFrom('stageTransition')
    .select(sql<string>`max(at)::date::text`.as('at'))
    .where('projectId', '=', projectId)
    .where('toStage', '=', stage)
    .executeTakeFirst();

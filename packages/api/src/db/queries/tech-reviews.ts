import type { TReflectionOutcome, TTechReviewStatus } from '@psbook/core';
import { type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from '../database.ts';
import type { Database } from '../schema.ts';
import { projectHeading } from './project-heading.ts';

/** A tech review with its project, bureau and reviewer names: what the list, the CSV and the inbox show. */
function selectTechReviews(db: Db) {
  return db
    .selectFrom('techReview as tr')
    .innerJoin('project as p', 'p.id', 'tr.projectId')
    .innerJoin('bureau as b', 'b.code', 'p.bureauCode')
    .innerJoin('budgetCycle as bc', 'bc.fiscalYear', 'tr.fiscalYear')
    .leftJoin('appUser as reviewer', 'reviewer.id', 'tr.reviewerId')
    .leftJoin('techReviewReflection as rf', 'rf.techReviewId', 'tr.id')
    .leftJoin('appUser as recorder', 'recorder.id', 'rf.recordedBy')
    .selectAll('tr')
    .select([
      ...projectHeading,
      'b.nameJa as bureauName',
      'bc.evaluationDeadline',
      'bc.viewpoints as cycleViewpoints',
      'reviewer.displayName as reviewerName',
      'rf.outcome as reflectionOutcome',
      'rf.amountChangeJpy as reflectionAmountChangeJpy',
      'rf.comment as reflectionComment',
      'rf.recordedAt as reflectionRecordedAt',
      'rf.version as reflectionVersion',
      'recorder.displayName as reflectionRecordedByName',
    ]);
}
type TechReviewQuery = ReturnType<typeof selectTechReviews>;
export type TechReviewView = TechReviewQuery extends SelectQueryBuilder<Database, any, infer O> ? O : never;

export type TechReviewFilter = {
  fiscalYear?: number;
  status?: TTechReviewStatus[];
  /** Only these bureaus' projects (staff and bureau leads); undefined for everyone else. */
  bureauCodes?: string[];
  /** Only cycles whose evaluation report was submitted (the budget office's view, slide 83's 評価書提出). */
  submittedOnly?: boolean;
};
export type TechReviewCursor = { fiscalYear: number; projectCode: string };

export function encodeTechReviewCursor(row: { fiscalYear: number; projectCode: string }): string {
  return Buffer.from(`${row.fiscalYear}|${row.projectCode}`).toString('base64url');
}
export function decodeTechReviewCursor(cursor: string): TechReviewCursor | null {
  const [year, code] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!year || !code || !/^\d{4}$/.test(year) || !/^[A-Za-z0-9_-]{1,40}$/.test(code)) return null;
  return { fiscalYear: Number(year), projectCode: code };
}

/** Latest fiscal year first, then by project code; keyset-paged on that order. */
export async function listTechReviews(db: Db, filter: TechReviewFilter, page: { limit: number; cursor: TechReviewCursor | null }) {
  if (filter.bureauCodes && filter.bureauCodes.length === 0) return { rows: [], nextCursor: null };
  let query = selectTechReviews(db);
  if (filter.fiscalYear !== undefined) query = query.where('tr.fiscalYear', '=', filter.fiscalYear);
  if (filter.status?.length) query = query.where('tr.status', 'in', filter.status);
  if (filter.bureauCodes) query = query.where('p.bureauCode', 'in', filter.bureauCodes);
  if (filter.submittedOnly) query = query.where('bc.submittedAt', 'is not', null);
  if (page.cursor) {
    const { fiscalYear, projectCode } = page.cursor;
    query = query.where(sql<SqlBool>`(tr.fiscal_year < ${fiscalYear} or (tr.fiscal_year = ${fiscalYear} and p.code > ${projectCode}))`);
  }
  const rows = await query
    .orderBy('tr.fiscalYear', 'desc')
    .orderBy('p.code')
    .limit(page.limit + 1)
    .execute();
  const hasMore = rows.length > page.limit;
  const items = hasMore ? rows.slice(0, page.limit) : rows;
  return { rows: items, nextCursor: hasMore ? encodeTechReviewCursor(items[items.length - 1]!) : null };
}

export const findTechReview = (db: Db, id: string) => selectTechReviews(db).where('tr.id', '=', id).executeTakeFirst();

export const lockTechReview = (tx: Db, id: string) =>
  tx.selectFrom('techReview').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

/** Tech reviews still being worked on (the DSB reviewers' inbox), oldest extraction first. */
export const listOpenTechReviews = (db: Db, limit: number) =>
  selectTechReviews(db)
    .where('tr.status', 'in', ['extracted', 'in_review'])
    .orderBy('tr.extractedAt')
    .orderBy('tr.id')
    .limit(limit)
    .execute();

export const findBudgetCycle = (db: Db, fiscalYear: number) =>
  db.selectFrom('budgetCycle').selectAll().where('fiscalYear', '=', fiscalYear).executeTakeFirst();

/** Lock a budget cycle: extraction and submission serialise on it, so a submitted list stays frozen. */
export const lockBudgetCycle = (tx: Db, fiscalYear: number) =>
  tx.selectFrom('budgetCycle').selectAll().where('fiscalYear', '=', fiscalYear).forUpdate().executeTakeFirst();

export type CycleProgress = {
  counts: { extracted: number; in_review: number; submitted: number };
  /** Reviews lacking a rating of one of the cycle's viewpoints or the overall opinion. */
  incomplete: number;
  /** Submitted reviews without a reflection recorded by the budget office. */
  unreflected: number;
};
export const noProgress: CycleProgress = { counts: { extracted: 0, in_review: 0, submitted: 0 }, incomplete: 0, unreflected: 0 };

/** Each cycle's review counts by status, the incomplete ones and the submitted ones still unreflected. */
export async function budgetCycleProgress(db: Db, fiscalYears: number[]) {
  const progress = new Map<number, CycleProgress>();
  if (fiscalYears.length === 0) return progress;
  const rows = await db
    .selectFrom('techReview as tr')
    .innerJoin('budgetCycle as bc', 'bc.fiscalYear', 'tr.fiscalYear')
    .leftJoin('techReviewReflection as rf', 'rf.techReviewId', 'tr.id')
    .select([
      'tr.fiscalYear',
      'tr.status',
      sql<number>`count(*)::int`.as('count'),
      sql<number>`count(*) filter (where btrim(tr.overall_opinion) = '' or exists (
        select 1 from jsonb_array_elements(bc.viewpoints->'viewpoints') v
        where tr.viewpoints->(v->>'id')->>'rating' is null))::int`.as('incomplete'),
      sql<number>`count(*) filter (where tr.status = 'submitted' and rf.tech_review_id is null)::int`.as('unreflected'),
    ])
    .where('tr.fiscalYear', 'in', fiscalYears)
    .groupBy(['tr.fiscalYear', 'tr.status'])
    .execute();
  for (const row of rows) {
    const entry = progress.get(row.fiscalYear) ?? { ...noProgress, counts: { ...noProgress.counts } };
    entry.counts[row.status as keyof CycleProgress['counts']] = row.count;
    entry.incomplete += row.incomplete;
    entry.unreflected += row.unreflected;
    progress.set(row.fiscalYear, entry);
  }
  return progress;
}

/** Projects on a cycle's list, for the year-on-year comparison. */
export const listExtractedProjects = (db: Db, fiscalYear: number) =>
  db
    .selectFrom('techReview as tr')
    .innerJoin('project as p', 'p.id', 'tr.projectId')
    .select(['p.id', 'p.code', 'p.name', 'p.bureauCode'])
    .where('tr.fiscalYear', '=', fiscalYear)
    .orderBy('p.code')
    .execute();

export const lockTechReviewReflection = (tx: Db, techReviewId: string) =>
  tx.selectFrom('techReviewReflection').selectAll().where('techReviewId', '=', techReviewId).forUpdate().executeTakeFirst();

/**
 * Reflection outcomes per fiscal year of the submitted cycles (the year-on-year list): how many
 * reviews were reflected, partly, not, or are still unrecorded, and the amount changes they led to.
 */
export async function listReflectionOutcomesByYear(db: Db, bureauCodes: string[] | undefined) {
  if (bureauCodes && bureauCodes.length === 0) return [];
  let query = db
    .selectFrom('techReview as tr')
    .innerJoin('budgetCycle as bc', 'bc.fiscalYear', 'tr.fiscalYear')
    .innerJoin('project as p', 'p.id', 'tr.projectId')
    .leftJoin('techReviewReflection as rf', 'rf.techReviewId', 'tr.id')
    .select([
      'tr.fiscalYear',
      sql<number>`count(*)::int`.as('submitted'),
      sql<number>`count(*) filter (where rf.outcome = 'reflected')::int`.as('reflected'),
      sql<number>`count(*) filter (where rf.outcome = 'partly_reflected')::int`.as('partlyReflected'),
      sql<number>`count(*) filter (where rf.outcome = 'not_reflected')::int`.as('notReflected'),
      sql<number>`count(*) filter (where rf.tech_review_id is null)::int`.as('unrecorded'),
      // bigint sum: parsed exactly by parseInt8, never through floating point.
      sql<number>`coalesce(sum(rf.amount_change_jpy), 0)::bigint`.as('amountChangeJpy'),
    ])
    .where('bc.submittedAt', 'is not', null);
  if (bureauCodes) query = query.where('p.bureauCode', 'in', bureauCodes);
  return query.groupBy('tr.fiscalYear').orderBy('tr.fiscalYear', 'desc').execute();
}

/** Write an evaluation to a review the caller has locked, by `reviewerId`, counting its version up. */
export const updateLockedTechReview = (
  tx: Db,
  id: string,
  changes: { viewpoints?: string; overallOpinion?: string; status: TTechReviewStatus; reviewerId: string },
) =>
  tx
    .updateTable('techReview')
    .set({ ...changes, updatedAt: sql<Date>`now()`, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();

export type ReflectionValues = { outcome: TReflectionOutcome; amountChangeJpy: number; comment: string; recordedBy: string };

/** Record how a review was reflected in the budget: the first time, or a correction of the one locked. */
export const writeTechReviewReflection = (tx: Db, techReviewId: string, values: ReflectionValues, exists: boolean) =>
  exists
    ? tx
        .updateTable('techReviewReflection')
        .set({ ...values, recordedAt: sql<Date>`now()`, version: sql<number>`version + 1` })
        .where('techReviewId', '=', techReviewId)
        .returningAll()
        .executeTakeFirstOrThrow()
    : tx
        .insertInto('techReviewReflection')
        .values({ ...values, techReviewId })
        .returningAll()
        .executeTakeFirstOrThrow();

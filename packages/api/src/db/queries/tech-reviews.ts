import type { TTechReviewStatus } from '@psbook/core';
import { type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from '../database.ts';
import type { Database } from '../schema.ts';

/** A tech review with its project, bureau and reviewer names: what the list, the CSV and the inbox show. */
function selectTechReviews(db: Db) {
  return db
    .selectFrom('techReview as tr')
    .innerJoin('project as p', 'p.id', 'tr.projectId')
    .innerJoin('bureau as b', 'b.code', 'p.bureauCode')
    .innerJoin('budgetCycle as bc', 'bc.fiscalYear', 'tr.fiscalYear')
    .leftJoin('appUser as reviewer', 'reviewer.id', 'tr.reviewerId')
    .selectAll('tr')
    .select([
      'p.code as projectCode',
      'p.name as projectName',
      'p.bureauCode',
      'b.nameJa as bureauName',
      'bc.evaluationDeadline',
      'reviewer.displayName as reviewerName',
    ]);
}
type TechReviewQuery = ReturnType<typeof selectTechReviews>;
export type TechReviewView = TechReviewQuery extends SelectQueryBuilder<Database, any, infer O> ? O : never;

export type TechReviewFilter = {
  fiscalYear?: number;
  status?: TTechReviewStatus[];
  /** Only these bureaus' projects (staff and bureau leads); undefined for everyone else. */
  bureauCodes?: string[];
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

export async function countTechReviewsByStatus(db: Db, fiscalYears: number[]) {
  if (fiscalYears.length === 0) return new Map<number, Record<string, number>>();
  const rows = await db
    .selectFrom('techReview')
    .select(['fiscalYear', 'status', sql<number>`count(*)::int`.as('count')])
    .where('fiscalYear', 'in', fiscalYears)
    .groupBy(['fiscalYear', 'status'])
    .execute();
  const counts = new Map<number, Record<string, number>>();
  for (const row of rows) {
    const entry = counts.get(row.fiscalYear) ?? {};
    entry[row.status] = row.count;
    counts.set(row.fiscalYear, entry);
  }
  return counts;
}

/** Project codes on a cycle's list, for the year-on-year comparison. */
export const listExtractedProjects = (db: Db, fiscalYear: number) =>
  db
    .selectFrom('techReview as tr')
    .innerJoin('project as p', 'p.id', 'tr.projectId')
    .select(['p.id', 'p.code'])
    .where('tr.fiscalYear', '=', fiscalYear)
    .orderBy('p.code')
    .execute();

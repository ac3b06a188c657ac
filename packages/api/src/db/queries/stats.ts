/**
 * Book-wide statistics. Each is one GROUP BY — (stage, tier) is covered by an index, so that one is
 * an index-only scan — so the database does the counting and only a few thousand grouped rows at
 * most reach JavaScript, whatever the size of the book.
 */
import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { type ProjectListFilter, projectFilterConditions } from './projects.ts';

/**
 * Registration dates are Japanese calendar dates: Japan has no daylight saving time, so JST is
 * UTC+9 all year and needs no time-zone database (PGlite and every server agree).
 */
export const jstOffsetHours = 9;
const jstDate = sql<string>`((project.created_at at time zone 'UTC') + interval '9 hours')::date`;

/** The Japanese date of the first registration that matches the filter, or null for an empty book. */
export async function firstRegistrationDate(db: Db, filter: ProjectListFilter): Promise<string | null> {
  const row = await db
    .selectFrom('project')
    .select(jstDate.as('day'))
    .where(projectFilterConditions(filter))
    .orderBy('project.createdAt')
    .limit(1)
    .executeTakeFirst();
  return row ? String(row.day) : null;
}

/**
 * Registrations by Japanese date and current tier, up to `before` (exclusive): one GROUP BY on the
 * exact date expression, a few thousand rows at most (days × tiers). Grouping on a bare expression
 * rather than one wrapped in greatest()/casts lets PostgreSQL estimate the groups and aggregate in
 * parallel; measured about 1.5–2× faster at 1,000,000 projects.
 */
export async function registrationsByDay(db: Db, filter: ProjectListFilter, before: Date) {
  return db
    .selectFrom('project')
    .select([jstDate.as('day'), 'project.tier', sql<number>`count(*)::bigint`.as('count')])
    .where(projectFilterConditions(filter))
    .where('project.createdAt', '<', before)
    .groupBy([jstDate, 'project.tier'])
    .execute();
}

/** Projects by lifecycle stage and current tier. */
export async function projectsByStageAndTier(db: Db, filter: ProjectListFilter) {
  return db
    .selectFrom('project')
    .select(['project.stage', 'project.tier', sql<number>`count(*)::bigint`.as('count')])
    .where(projectFilterConditions(filter))
    .groupBy(['project.stage', 'project.tier'])
    .execute();
}

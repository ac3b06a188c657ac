import type { Kysely } from 'kysely';
import { executeScript } from '../sql-script.ts';

/**
 * project_created_tier_idx (20261122T0130) was meant for index-only scans of the registration
 * statistics, but that query groups by a date computed from every row and PostgreSQL rightly reads
 * the table instead (measured at 1,000,000 projects). An index nobody reads still costs every
 * project insert and tier change, so it goes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await executeScript(db, 'drop index if exists project_created_tier_idx;');
}

export async function down(db: Kysely<any>): Promise<void> {
  await executeScript(db, 'create index project_created_tier_idx on project (created_at, tier);');
}

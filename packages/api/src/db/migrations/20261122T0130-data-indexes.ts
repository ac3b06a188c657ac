import type { Kysely } from 'kysely';
import { executeScript } from '../sql-script.ts';

/**
 * Indexes for procurement lists, the expense import's project matching and the book statistics.
 * Frozen in time like every migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    -- Keyset cursors carry created_at through JavaScript's Date: milliseconds compare exactly (as for project).
    alter table procurement alter column created_at set default date_trunc('milliseconds', now());
    create index procurement_list_idx on procurement (created_at desc, id desc);
    create index procurement_startup_idx on procurement (is_startup, created_at desc, id desc);

    -- The expense import finds "the project of this bureau, fiscal year and name" for every line.
    create index project_import_key_idx on project (bureau_code, fiscal_year, name);

    -- Statistics group the whole book by these columns; covering indexes allow index-only scans.
    create index project_stage_tier_idx on project (stage, tier);
    create index project_created_tier_idx on project (created_at, tier);

    create index expense_import_sha_idx on expense_import (file_sha256, created_at);
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    drop index expense_import_sha_idx;
    drop index project_created_tier_idx;
    drop index project_stage_tier_idx;
    drop index project_import_key_idx;
    drop index procurement_startup_idx;
    drop index procurement_list_idx;
    alter table procurement alter column created_at set default now();
  `,
  );
}

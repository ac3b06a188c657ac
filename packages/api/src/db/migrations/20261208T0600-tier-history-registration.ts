import type { Kysely } from 'kysely';
import { executeScript } from '../sql-script.ts';

/**
 * A project's first tier-history row records the tier it was registered with, and its cause is
 * `created` however it was registered: by a form, the API, or an expense import (which wrote `import`
 * until now; `import` now means only "an import changed the inputs"). So the registration chart's
 * tier-as-of-each-week (domain/stats.ts) reads the rare later changes through a small partial index
 * instead of joining every project's first row to find which rows are not first: 14 s → well under a
 * second at 1,000,000 projects (docs/performance.md §4.4).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    update tier_history h set cause = 'created'
    where h.cause = 'import'
      and not exists (select 1 from tier_history f where f.project_id = h.project_id and f.id < h.id);
    create index tier_history_change_idx on tier_history (project_id, id) where cause <> 'created';
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  // The relabelled rows stay `created`: which of them an import wrote is in the audit (project.create by the import).
  await executeScript(db, 'drop index tier_history_change_idx;');
}

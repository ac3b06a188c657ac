import type { Kysely } from 'kysely';
import { executeScript } from '../sql-script.ts';

/**
 * Let a project's budget change without touching its indexes (a HOT update), as the expense import
 * changes tens of thousands at a time (performance §4.6).
 * - project_oversight_inputs_idx indexed budget, downtime and confidentiality for the re-tier's
 *   distinct inputs; the re-tier now joins the decision relation over the whole book (decision 0014),
 *   and no query reads the index. As long as the budget was indexed, every budget change wrote a new
 *   entry into all nine project indexes, the GIN search index among them.
 * - A HOT update needs room on the row's own page: new pages are filled to 90%, so an edit of a
 *   project that changes no indexed column (budget, downtime, confidentiality, summary, the canvas
 *   flag; not its name, stage, tier or reviewer) stays on its page.
 *   Pages written before this migration keep their fill until they are rewritten (VACUUM FULL).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    drop index if exists project_oversight_inputs_idx;
    alter table project set (fillfactor = 90);
    `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    alter table project reset (fillfactor);
    create index project_oversight_inputs_idx on project (budget_jpy, max_downtime_hours, confidentiality);
    `,
  );
}

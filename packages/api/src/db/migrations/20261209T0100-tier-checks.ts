import type { Kysely } from 'kysely';
import { executeScript } from '../sql-script.ts';

/**
 * Every column holding a tier allows only 1, 2 or 3 (or null where a tier can be missing), as
 * project.tier and tier_decrease's columns already did: db/schema.ts types them all with core's
 * `TTier`, and the type is true only if the database refuses a 4 (db/enum-columns.ts lists them,
 * tier-checks.test.ts compares). Every value written so far came from an evaluation, so no row holds
 * another; were one to, the migration stops on it and changes nothing.
 */
const columns: [table: string, column: string][] = [
  ['project', 'tier_lower_bound'],
  ['tier_history', 'from_tier'],
  ['tier_history', 'to_tier'],
  ['release_request', 'tier'],
  ['release_request_routing', 'from_tier'],
  ['release_request_routing', 'to_tier'],
  ['consultation', 'tier'],
  ['consultation_routing', 'from_tier'],
  ['consultation_routing', 'to_tier'],
  ['status_report', 'tier'],
  ['tech_review', 'tier_at_extraction'],
];

export async function up(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    columns.map(([t, c]) => `alter table ${t} add constraint ${t}_${c}_check check (${c} between 1 and 3);`).join('\n'),
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await executeScript(db, columns.map(([t, c]) => `alter table ${t} drop constraint ${t}_${c}_check;`).join('\n'));
}

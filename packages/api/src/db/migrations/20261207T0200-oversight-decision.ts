import type { Kysely } from 'kysely';
import { executeScript } from '../sql-script.ts';

/**
 * The compiled oversight ruleset as a relation (DESIGN §2.1 "Compiled, not re-run"): one row per band
 * combination of a ruleset version, with the tier, lower bound, reviewer and the explanation as JSON
 * text cut where each factor's value goes. A re-tier or an import tiers projects by joining it on the
 * band keys a CASE computes from their inputs. Rows are written when a version is first used and never
 * change (a version is a content hash).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    create table oversight_decision (
      ruleset_version text not null,
      -- Band index in the ruleset's factor, -1 when the input is given but no band holds, -2 when not given.
      budget_band smallint not null,
      downtime_band smallint not null,
      confidentiality_band smallint not null,
      tier smallint check (tier between 1 and 3),
      lower_bound smallint not null check (lower_bound between 1 and 3),
      reviewer_role text,
      -- 3 × factors + 1 pieces: per factor, around its value as JSON, its value in the reason, in reasonJa.
      explanation text[] not null,
      primary key (ruleset_version, budget_band, downtime_band, confidentiality_band)
    );
    `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await executeScript(db, 'drop table oversight_decision;');
}

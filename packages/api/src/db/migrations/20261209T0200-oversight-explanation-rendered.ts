import type { Kysely } from 'kysely';
import { executeScript } from '../sql-script.ts';

/**
 * The explanation of a project's tier is rendered when the project is read instead of stored per
 * project (decision 0028, performance §4.1): storing a 1 kB explanation for every project was most of
 * what separated the re-tier from one UPDATE. A project whose `oversight` is null is explained by the
 * decision table of its `ruleset_version` applied to its inputs; the table is compiled again from the
 * ruleset kept here, so an explanation stays the one of the version its tier was decided under.
 *
 * No row changes: every stored explanation stays and is read as before, until the project is next
 * tiered by the re-tier or an import (which then stop storing it).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    alter table project alter column oversight drop not null;
    -- The oversight ruleset of each version whose decision rows were stored, as its JSON text (text, not
    -- jsonb: the version is a hash of the content, kept as it was hashed).
    create table oversight_decision_source (
      ruleset_version text primary key,
      content text not null
    );
    `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  // Going back needs every explanation stored; SQL alone cannot render one (the compiler is JavaScript),
  // so the way back refuses while any project relies on rendering rather than invent an explanation.
  await executeScript(
    db,
    `
    do $$ begin
      if exists (select 1 from project where oversight is null) then
        raise exception 'projects without a stored explanation: re-tier with the newer release before going back';
      end if;
    end $$;
    drop table oversight_decision_source;
    alter table project alter column oversight set not null;
    `,
  );
}

import type { Kysely } from 'kysely';
import { executeScript } from '../sql-script.ts';

/**
 * A tier never falls through the project's own bureau's edit alone (issue 10 §1): an edit of the
 * oversight inputs that would lower the tier keeps the tier in force and asks the reviewer of that
 * tier to agree. `from_inputs` are the inputs the tier in force was evaluated from, so a ruleset
 * change can re-evaluate both sides of a pending decrease.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    create table tier_decrease (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references project(id) on delete cascade,
      status text not null default 'pending' check (status in ('pending','approved','refused','superseded')),
      cause text not null check (cause in ('inputs_changed','import')),
      from_tier smallint not null check (from_tier between 1 and 3),
      from_reviewer_role text not null,
      from_inputs jsonb not null,
      to_tier smallint check (to_tier between 1 and 3),
      to_reviewer_role text,
      to_evaluation jsonb not null,
      ruleset_version text not null,
      requested_by uuid references app_user(id),
      requested_at timestamptz not null default now(),
      decided_by uuid references app_user(id),
      decided_at timestamptz,
      decision_comment text,
      -- Why a request ended without a decision: a later edit or import, or a ruleset change.
      superseded_by text check (superseded_by in ('inputs_changed','import','ruleset_changed')),
      version integer not null default 1
    );
    -- At most one decrease waits per project: a later edit replaces it.
    create unique index tier_decrease_pending_project_idx on tier_decrease (project_id) where status = 'pending';
    create index tier_decrease_pending_reviewer_idx on tier_decrease (from_reviewer_role, requested_at) where status = 'pending';
    create index tier_decrease_project_idx on tier_decrease (project_id, requested_at);

    alter table tier_history drop constraint if exists tier_history_cause_check;
    alter table tier_history add constraint tier_history_cause_check check (cause in
      ('created','inputs_changed','ruleset_changed','import','decrease_requested','decrease_approved','decrease_refused'));
    alter table tier_history add column tier_decrease_id uuid references tier_decrease(id) on delete set null;
    `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    alter table tier_history drop column tier_decrease_id;
    delete from tier_history where cause like 'decrease_%';
    alter table tier_history drop constraint if exists tier_history_cause_check;
    alter table tier_history add constraint tier_history_cause_check check (cause in ('created','inputs_changed','ruleset_changed','import'));
    drop table tier_decrease;
    `,
  );
}

import type { Kysely } from 'kysely';
import { executeScript } from '../sql-script.ts';

/**
 * Rulesets as versions in the database (issue 15, "Rules that change safely"; decision 0017).
 * rules/ in the repository seeds the first version of each ruleset; after that a version is
 * proposed by an admin (its cases must pass; its impact is simulated and kept), approved by a
 * second person, and activated at a chosen time by a job whose progress is readable.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    create table ruleset_version (
      id uuid primary key default gen_random_uuid(),
      -- The names are the code's (rulesetNames in packages/core): a new ruleset needs no migration here.
      ruleset text not null,
      -- The content hash (sha256:…), as rulesets are identified everywhere else.
      version text not null,
      content jsonb not null,
      cases jsonb not null,
      case_count integer not null,
      status text not null check (status in ('proposed','rejected','approved','cancelled','active','superseded','failed')),
      note text not null default '',
      -- The whole-book simulation at proposal time (oversight-tier only), and the version it was compared with.
      impact jsonb,
      base_version_id uuid references ruleset_version(id),
      -- Null when the version came from rules/ (the first version) rather than a person.
      proposed_by uuid references app_user(id),
      proposed_at timestamptz not null default now(),
      decided_by uuid references app_user(id),
      decided_at timestamptz,
      decision_comment text,
      activate_at timestamptz,
      activated_at timestamptz,
      superseded_at timestamptz,
      revision integer not null default 1,
      check (decided_by is null or proposed_by is null or decided_by <> proposed_by)
    );
    -- One active version per ruleset, and at most one approved and waiting for its date.
    create unique index ruleset_version_active_idx on ruleset_version (ruleset) where status = 'active';
    create unique index ruleset_version_approved_idx on ruleset_version (ruleset) where status = 'approved';
    create index ruleset_version_ruleset_idx on ruleset_version (ruleset, proposed_at desc);

    create table ruleset_activation (
      id uuid primary key default gen_random_uuid(),
      ruleset_version_id uuid not null unique references ruleset_version(id),
      status text not null default 'queued' check (status in ('queued','running','succeeded','failed','interrupted','cancelled')),
      run_at timestamptz not null,
      step text not null default 'queued',
      steps_done integer not null default 0,
      steps_total integer not null,
      projects_changed integer,
      error text,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz
    );
    create index ruleset_activation_due_idx on ruleset_activation (run_at) where status = 'queued';
    `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await executeScript(db, `drop table ruleset_activation; drop table ruleset_version;`);
}

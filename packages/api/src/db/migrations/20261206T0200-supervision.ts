import type { Kysely } from 'kysely';
import { executeScript } from '../sql-script.ts';

/**
 * Supervision (DESIGN §2.8, issue 13): consultations with their messages and routing history, status
 * reports with the consultee's assessment, follow-up actions and exemptions. Consultations carry the
 * tier and reviewer they are routed to, like release requests, so a tier change re-routes both alike.
 * Lists in check constraints are frozen here as they were when written (core's registries may grow;
 * a later migration widens them).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    create table consultation (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references project(id) on delete cascade,
      topic text not null check (topic in ('requirements','procurement_spec','design','security','ux','other')),
      subject text not null,
      status text not null default 'open' check (status in ('open','answered','closed')),
      tier smallint,
      reviewer_role text,
      document_ids jsonb not null default '[]',
      opened_by uuid not null references app_user(id),
      opened_at timestamptz not null default now(),
      due_on date not null,
      answered_at timestamptz,
      closed_by uuid references app_user(id),
      closed_at timestamptz,
      version integer not null default 1
    );
    create index consultation_project_idx on consultation (project_id, opened_at);
    create index consultation_waiting_idx on consultation (reviewer_role, due_on) where status <> 'closed';

    create table consultation_routing (
      id bigserial primary key,
      consultation_id uuid not null references consultation(id) on delete cascade,
      from_tier smallint,
      to_tier smallint,
      from_reviewer_role text,
      to_reviewer_role text,
      at timestamptz not null default now()
    );
    create index consultation_routing_consultation_idx on consultation_routing (consultation_id);

    create table follow_up_action (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references project(id) on delete cascade,
      title text not null,
      owner_id uuid not null references app_user(id),
      due_date date not null,
      source_kind text not null check (source_kind in ('checklist_item','guidance','tech_review','status_report_risk')),
      source_ref text,
      source_detail text,
      blocking boolean not null,
      status text not null default 'open' check (status in ('open','done','verified')),
      note text,
      raised_by uuid not null references app_user(id),
      raised_at timestamptz not null default now(),
      done_by uuid references app_user(id),
      done_at timestamptz,
      verified_by uuid references app_user(id),
      verified_at timestamptz,
      version integer not null default 1
    );
    create index follow_up_action_project_idx on follow_up_action (project_id, raised_at);
    create index follow_up_action_open_idx on follow_up_action (project_id) where status <> 'verified';
    create index follow_up_action_owner_idx on follow_up_action (owner_id) where status = 'open';

    create table consultation_message (
      id uuid primary key default gen_random_uuid(),
      consultation_id uuid not null references consultation(id) on delete cascade,
      author_id uuid not null references app_user(id),
      side text not null check (side in ('bureau','consultee')),
      body text not null,
      action_id uuid references follow_up_action(id),
      created_at timestamptz not null default now()
    );
    create index consultation_message_consultation_idx on consultation_message (consultation_id, created_at);

    create table status_report (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references project(id) on delete cascade,
      period text not null check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      stage text not null,
      tier smallint,
      milestones jsonb not null,
      budget_jpy bigint check (budget_jpy >= 0),
      contract_jpy bigint check (contract_jpy >= 0),
      spent_jpy bigint check (spent_jpy >= 0),
      forecast_jpy bigint check (forecast_jpy >= 0),
      self_rating jsonb not null,
      risks jsonb not null default '[]',
      narrative text not null,
      filed_by uuid not null references app_user(id),
      filed_at timestamptz not null default now(),
      assessment jsonb,
      assessment_comment text,
      assessed_by uuid references app_user(id),
      assessed_at timestamptz,
      version integer not null default 1,
      unique (project_id, period)
    );

    create table exemption (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references project(id) on delete cascade,
      target_kind text not null check (target_kind in ('gate','checklist_item')),
      target text not null,
      reason text not null,
      expires_on date not null,
      status text not null default 'requested' check (status in ('requested','approved','refused')),
      requested_by uuid not null references app_user(id),
      requested_at timestamptz not null default now(),
      decided_by uuid references app_user(id),
      decided_at timestamptz,
      decision_comment text,
      version integer not null default 1
    );
    create index exemption_project_idx on exemption (project_id, target_kind, target);
    -- One request at a time per gate or item: a second is a conflict, not a duplicate to judge.
    create unique index exemption_one_requested_idx on exemption (project_id, target_kind, target) where status = 'requested';
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    drop table exemption;
    drop table status_report;
    drop table consultation_message;
    drop table follow_up_action;
    drop table consultation_routing;
    drop table consultation;
  `,
  );
}

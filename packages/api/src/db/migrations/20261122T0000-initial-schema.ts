import type { Kysely } from 'kysely';
import { executeScript } from '../sql-script.ts';

/**
 * The whole PS Book domain (DESIGN.md §1–2). Frozen in time: later changes get their own migration.
 * Raw SQL on purpose: it is the same text on PGlite and on a PostgreSQL server, and reads like the
 * schema a DBA would review.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    create table bureau (
      code text primary key check (code ~ '^[A-Z][A-Z0-9]{1,7}$'),
      name_ja text not null,
      name_en text not null,
      created_at timestamptz not null default now()
    );

    create table app_user (
      id uuid primary key default gen_random_uuid(),
      email text not null,
      display_name text not null,
      role text not null check (role in ('staff','bureau_lead','cio_advisor','chief_cio_advisor','budget_office','admin')),
      password_hash text not null,
      is_active boolean not null default true,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index app_user_email_key on app_user (lower(email));

    -- Staff and bureau leads belong to bureaus; CIO advisors are assigned to the bureaus they advise.
    create table user_bureau (
      user_id uuid not null references app_user(id) on delete cascade,
      bureau_code text not null references bureau(code),
      primary key (user_id, bureau_code)
    );
    create index user_bureau_bureau_idx on user_bureau (bureau_code);

    create table session (
      id uuid primary key default gen_random_uuid(),
      token_hash text not null unique,
      user_id uuid not null references app_user(id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz
    );
    create index session_user_idx on session (user_id);

    create table api_token (
      id uuid primary key default gen_random_uuid(),
      name text not null,
      token_hash text not null unique,
      token_prefix text not null,
      user_id uuid not null references app_user(id) on delete cascade,
      scopes text[] not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz
    );
    create index api_token_user_idx on api_token (user_id);

    create table login_failure (
      id bigserial primary key,
      email text not null,
      client text not null,
      at timestamptz not null default now()
    );
    create index login_failure_email_idx on login_failure (lower(email), at);
    create index login_failure_client_idx on login_failure (client, at);

    create sequence project_code_seq;
    create table project (
      id uuid primary key default gen_random_uuid(),
      code text not null unique default ('PS' || lpad(nextval('project_code_seq')::text, 7, '0')),
      name text not null,
      bureau_code text not null references bureau(code),
      fiscal_year integer not null,
      summary text,
      is_new boolean not null default true,
      registration_trigger text check (registration_trigger in ('measure_planned','initial_budget','supplementary_budget')),
      stage text not null default 'planning' check (stage in ('planning','requirements','development','operation','retired')),
      budget_jpy bigint check (budget_jpy >= 0),
      max_downtime_hours double precision check (max_downtime_hours >= 0),
      confidentiality text check (confidentiality in ('A','B','C')),
      tier smallint check (tier between 1 and 3),
      tier_lower_bound smallint not null default 1,
      reviewer_role text,
      oversight jsonb not null,
      ruleset_version text not null,
      canvas_written boolean not null default false,
      search_text text not null default '',
      search_grams text[] not null default '{}',
      version integer not null default 1,
      created_by uuid references app_user(id),
      updated_by uuid references app_user(id),
      -- Milliseconds, so a keyset cursor carried through JavaScript's Date compares exactly.
      created_at timestamptz not null default date_trunc('milliseconds', now()),
      updated_at timestamptz not null default now()
    );
    -- Keyset pagination orders by (created_at desc, id desc); each list filter leads an index.
    create index project_list_idx on project (created_at desc, id desc);
    create index project_bureau_stage_idx on project (bureau_code, stage, created_at desc, id desc);
    create index project_stage_idx on project (stage, created_at desc, id desc);
    create index project_tier_idx on project (tier, created_at desc, id desc);
    create index project_fiscal_year_idx on project (fiscal_year, created_at desc, id desc);
    create index project_reviewer_idx on project (reviewer_role, created_at desc, id desc);
    create index project_oversight_inputs_idx on project (budget_jpy, max_downtime_hours, confidentiality);
    create index project_search_grams_idx on project using gin (search_grams);

    create table tier_history (
      id bigserial primary key,
      project_id uuid not null references project(id) on delete cascade,
      from_tier smallint,
      to_tier smallint,
      from_reviewer_role text,
      to_reviewer_role text,
      ruleset_version text not null,
      cause text not null check (cause in ('created','inputs_changed','ruleset_changed','import')),
      actor_id uuid references app_user(id),
      at timestamptz not null default now()
    );
    create index tier_history_project_idx on tier_history (project_id, id);

    create table canvas_revision (
      project_id uuid not null references project(id) on delete cascade,
      revision integer not null,
      fields jsonb not null,
      is_written boolean not null,
      created_by uuid references app_user(id),
      created_at timestamptz not null default now(),
      primary key (project_id, revision)
    );

    create table kpi (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references project(id) on delete cascade,
      name text not null,
      unit text,
      direction text not null check (direction in ('increase','decrease')),
      baseline_value double precision,
      baseline_year integer,
      target_value double precision,
      target_text text,
      target_fiscal_year integer not null,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (target_value is not null or target_text is not null)
    );
    create index kpi_project_idx on kpi (project_id, created_at);

    create table kpi_measurement (
      id uuid primary key default gen_random_uuid(),
      kpi_id uuid not null references kpi(id) on delete cascade,
      fiscal_year integer not null,
      value double precision,
      achieved boolean,
      comment text,
      recorded_by uuid references app_user(id),
      recorded_at timestamptz not null default now(),
      unique (kpi_id, fiscal_year)
    );

    create table document (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references project(id) on delete cascade,
      kind text not null check (kind in ('requirements_definition','procurement_spec','user_test_report','other')),
      title text not null,
      url text not null,
      created_by uuid references app_user(id),
      created_at timestamptz not null default now()
    );
    create index document_project_idx on document (project_id, kind);

    create table stage_transition (
      id bigserial primary key,
      project_id uuid not null references project(id) on delete cascade,
      from_stage text not null,
      to_stage text not null,
      direction text not null check (direction in ('forward','backward','retire')),
      reason text,
      actor_id uuid references app_user(id),
      at timestamptz not null default now()
    );
    create index stage_transition_project_idx on stage_transition (project_id, id);

    create table release_request (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references project(id) on delete cascade,
      status text not null default 'pending' check (status in ('pending','approved','returned','withdrawn')),
      planned_release_date date not null,
      notes text,
      evidence jsonb not null default '[]',
      tier smallint,
      reviewer_role text,
      checklist jsonb not null,
      ruleset_version text not null,
      requested_by uuid not null references app_user(id),
      requested_at timestamptz not null default now(),
      due_at timestamptz not null,
      decided_by uuid references app_user(id),
      decided_at timestamptz,
      decision_comment text,
      decision_items jsonb,
      version integer not null default 1
    );
    create index release_request_project_idx on release_request (project_id, requested_at);
    create index release_request_pending_idx on release_request (reviewer_role, requested_at) where status = 'pending';

    create table release_request_routing (
      id bigserial primary key,
      release_request_id uuid not null references release_request(id) on delete cascade,
      from_tier smallint,
      to_tier smallint,
      from_reviewer_role text,
      to_reviewer_role text,
      at timestamptz not null default now()
    );

    create table budget_cycle (
      fiscal_year integer primary key,
      request_date date not null,
      request_deadline date not null,
      evaluation_deadline date not null,
      submission_date date not null,
      submitted_at timestamptz,
      submitted_by uuid references app_user(id),
      version integer not null default 1,
      created_at timestamptz not null default now()
    );

    create table tech_review (
      id uuid primary key default gen_random_uuid(),
      fiscal_year integer not null references budget_cycle(fiscal_year),
      project_id uuid not null references project(id) on delete cascade,
      status text not null default 'extracted' check (status in ('extracted','in_review','submitted')),
      tier_at_extraction smallint,
      budget_jpy_at_extraction bigint,
      extraction_ruleset_version text not null,
      technical_rating smallint check (technical_rating between 1 and 5),
      technical_comment text not null default '',
      usability_rating smallint check (usability_rating between 1 and 5),
      usability_comment text not null default '',
      security_rating smallint check (security_rating between 1 and 5),
      security_comment text not null default '',
      overall_opinion text not null default '',
      reviewer_id uuid references app_user(id),
      extracted_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version integer not null default 1,
      unique (fiscal_year, project_id)
    );

    create table procurement (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references project(id) on delete cascade,
      title text not null,
      method text not null check (method in ('general_competitive','best_value','proposal','negotiated','policy_negotiated','other')),
      status text not null check (status in ('planned','spec_published','awarded','contracted','completed','cancelled')),
      spec_document_id uuid references document(id) on delete set null,
      vendor_name text,
      corporate_number text check (corporate_number ~ '^[0-9]{13}$'),
      is_startup boolean not null default false,
      contract_amount_jpy bigint check (contract_amount_jpy >= 0),
      contract_start date,
      contract_end date,
      version integer not null default 1,
      created_by uuid references app_user(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index procurement_project_idx on procurement (project_id);
    create index procurement_method_status_idx on procurement (method, status);

    create table yearly_review (
      project_id uuid not null references project(id) on delete cascade,
      fiscal_year integer not null,
      decision text not null check (decision in ('continue','improve','retire')),
      rationale text not null,
      decided_by uuid references app_user(id),
      decided_at timestamptz not null default now(),
      primary key (project_id, fiscal_year)
    );

    create table expense_import (
      id uuid primary key default gen_random_uuid(),
      file_sha256 text not null,
      line_count integer not null,
      summary jsonb not null,
      created_by uuid references app_user(id),
      created_at timestamptz not null default now()
    );

    create table expense_line (
      id uuid primary key default gen_random_uuid(),
      external_id text not null unique,
      import_id uuid references expense_import(id),
      bureau_code text not null references bureau(code),
      project_id uuid references project(id) on delete set null,
      project_name text not null,
      fiscal_year integer not null,
      categories text[] not null,
      amount_kyen bigint not null check (amount_kyen >= 0),
      updated_at timestamptz not null default now()
    );
    create index expense_line_fiscal_year_idx on expense_line (fiscal_year, bureau_code);
    create index expense_line_project_idx on expense_line (project_id, fiscal_year);

    create table ruleset_state (
      name text primary key,
      version text not null,
      content jsonb not null,
      activated_at timestamptz not null default now()
    );

    create table audit_event (
      id bigserial primary key,
      at timestamptz not null default now(),
      actor_id uuid,
      actor_label text not null,
      action text not null,
      entity_type text not null,
      entity_id text not null,
      project_id uuid,
      before jsonb,
      after jsonb,
      request_id text
    );
    create index audit_event_project_idx on audit_event (project_id, id);
    create index audit_event_at_idx on audit_event (at);

    -- Audit events are evidence: the database itself refuses to change or remove them.
    create function reject_audit_change() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_event is append-only' using errcode = '42501';
    end
    $$;
    create trigger audit_event_append_only before update or delete on audit_event
      for each row execute function reject_audit_change();
    create trigger audit_event_no_truncate before truncate on audit_event
      for each statement execute function reject_audit_change();
  `,
  );
}

export async function down(): Promise<void> {
  throw new Error('the initial schema is not reversible; restore a backup instead');
}

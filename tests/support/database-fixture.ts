/**
 * Rows in every table of the schema, with the values a backup most easily gets wrong: quotes,
 * backslashes, newlines, emoji and NFKC-sensitive Japanese in text; commas, braces, the word NULL and
 * real NULLs inside arrays; nested jsonb with exact decimals; bigint beyond 2^53; doubles that are
 * not short decimals; timestamps with microseconds; NULL in every nullable column at least once.
 * It expects the demo accounts (seedDemo) and writes with plain SQL, so it covers tables whose API
 * routes do not exist yet.
 */
import { type Kysely, sql } from 'kysely';

export const trickyText = `引用符 ' と " とバックスラッシュ \\ と改行\nタブ\t絵文字🏯 ﾊﾝｶｸ ＡＢＣ 𠮷野家 e\u0301`;

export async function fillEveryTable(db: Kysely<any>): Promise<void> {
  const admin = await sql<{ id: string }>`select id from app_user where email = 'admin@example.jp'`.execute(db);
  const staff = await sql<{ id: string }>`select id from app_user where email = 'staff.ind@example.jp'`.execute(db);
  const adminId = admin.rows[0]!.id;
  const staffId = staff.rows[0]!.id;

  await sql`insert into bureau (code, name_ja, name_en) values ('TST9', ${trickyText}, 'Test "bureau", with \\ backslash')`.execute(db);
  await sql`insert into user_bureau (user_id, bureau_code) values (${adminId}, 'TST9')`.execute(db);
  await sql`
    insert into session (token_hash, user_id, created_at, expires_at, revoked_at)
    values ('hash-a', ${adminId}, '2025-04-01 09:00:00.123456+09', '2025-04-01 21:00:00.654321+09', null),
           ('hash-b', ${staffId}, now(), now() + interval '1 hour', now())
  `.execute(db);
  await sql`
    insert into api_token (name, token_hash, token_prefix, user_id, scopes, expires_at, last_used_at)
    values (${trickyText}, 'tok-hash', 'psb_abcd', ${adminId}, ${sql.val(['projects:read', 'a,b', '{x}', 'NULL', '"quoted"', ''])}::text[], null, '1999-12-31 23:59:59.999999+00')
  `.execute(db);
  await sql`
    insert into login_throttle (key, attempts, window_started_at, not_before, expires_at)
    values ('account:x@example.jp', 3, '2024-02-29 12:00:00.123456+00', '2024-02-29 12:00:02+00', '2024-02-29 12:15:00.123456+00'),
           ('account-at:::1 y@example.jp', 0, now(), now(), now() + interval '30 days')
  `.execute(db);

  const project = await sql<{ id: string }>`
    insert into project (name, bureau_code, fiscal_year, summary, is_new, registration_trigger, stage, budget_jpy, max_downtime_hours,
      confidentiality, tier, tier_lower_bound, reviewer_role, oversight, ruleset_version, canvas_written, search_text, search_grams, created_by, updated_by, created_at)
    values (${trickyText}, 'TST9', 2026, null, false, null, 'operation', 9007199254740993, 0.1, null, null, 2, null,
      ${JSON.stringify({ nested: { ja: 'データ', list: [1, null, 'x', 0.1] } })}::jsonb, 'sha256:test', true,
      ${trickyText}, ${sql.val(['引用', 'a,b', 'NULL', '', '{'])}::text[], ${adminId}, null, '1970-01-01 00:00:00.001+00')
    returning id
  `.execute(db);
  // jsonb keeps decimals exactly (numeric); a JavaScript literal could not hold this one.
  const projectId = project.rows[0]!.id;
  await sql`update project set oversight = oversight || '{"exactDecimal": 12345678901234567890.123456789}'::jsonb where id = ${projectId}`.execute(
    db,
  );
  await sql`update project set max_downtime_hours = 1e-300 where id = (select id from project where bureau_code <> 'TST9' order by code limit 1)`.execute(
    db,
  );

  await sql`
    insert into tier_history (project_id, from_tier, to_tier, from_reviewer_role, to_reviewer_role, ruleset_version, cause, actor_id)
    values (${projectId}, null, null, null, null, 'sha256:test', 'import', null)
  `.execute(db);
  await sql`
    insert into canvas_revision (project_id, revision, fields, is_written, created_by)
    values (${projectId}, 1, ${JSON.stringify({ users: trickyText, solution: '' })}::jsonb, false, null),
           (${projectId}, 2, '{}'::jsonb, true, ${adminId})
  `.execute(db);
  const kpi = await sql<{ id: string }>`
    insert into kpi (project_id, name, unit, direction, baseline_value, baseline_year, target_value, target_text, target_fiscal_year)
    values (${projectId}, ${trickyText}, '件', 'increase', -0.0, null, 1.7976931348623157e308, null, 2030)
    returning id
  `.execute(db);
  await sql`
    insert into kpi_measurement (kpi_id, fiscal_year, value, achieved, comment, recorded_by)
    values (${kpi.rows[0]!.id}, 2025, 3.141592653589793, null, null, null), (${kpi.rows[0]!.id}, 2026, null, true, ${trickyText}, ${adminId})
  `.execute(db);
  const document = await sql<{ id: string }>`
    insert into document (project_id, kind, title, url, created_by)
    values (${projectId}, 'procurement_spec', ${trickyText}, 'https://example.jp/spec?a=1&b=%E3%81%82', null)
    returning id
  `.execute(db);
  await sql`
    insert into stage_transition (project_id, from_stage, to_stage, direction, reason, actor_id)
    values (${projectId}, 'development', 'operation', 'forward', null, ${adminId}), (${projectId}, 'operation', 'development', 'backward', ${trickyText}, null)
  `.execute(db);
  const release = await sql<{ id: string }>`
    insert into release_request (project_id, status, planned_release_date, notes, evidence, tier, reviewer_role, checklist, ruleset_version,
      requested_by, due_at, decided_by, decided_at, decision_comment, decision_items)
    values (${projectId}, 'returned', '2026-02-28', ${trickyText}, '[{"itemId":"security","url":"https://example.jp/"}]'::jsonb, 2, 'cio_advisor',
      '[{"id":"customer_view"}]'::jsonb, 'sha256:test', ${staffId}, '2026-03-01 00:00:00+09', ${adminId}, now(), '', '[]'::jsonb)
    returning id
  `.execute(db);
  await sql`
    insert into release_request_routing (release_request_id, from_tier, to_tier, from_reviewer_role, to_reviewer_role)
    values (${release.rows[0]!.id}, 1, 2, 'bureau_lead', 'cio_advisor'), (${release.rows[0]!.id}, 2, null, 'cio_advisor', null)
  `.execute(db);
  await sql`
    insert into budget_cycle (fiscal_year, request_date, request_deadline, evaluation_deadline, submission_date, budget_announcement_date,
      viewpoints, submitted_at, submitted_by)
    values (2026, '2025-07-25', '2025-09-30', '2025-10-31', '2025-11-14', '2026-01-23',
      ${JSON.stringify({
        rulesetVersion: 'sha256:x',
        viewpoints: [{ id: 'technical', label: { ja: '技術面', en: 'Technical' }, guidance: { ja: trickyText, en: 'x' } }],
        ratingScale: [1, 2, 3, 4, 5].map((value) => ({ value, label: { ja: String(value), en: String(value) } })),
      })}::jsonb, now(), ${adminId})
  `.execute(db);
  const techReview = await sql<{ id: string }>`
    insert into tech_review (fiscal_year, project_id, status, tier_at_extraction, budget_jpy_at_extraction, extraction_ruleset_version,
      viewpoints, is_tier_not_set, is_canvas_missing, overall_opinion, reviewer_id)
    values (2026, ${projectId}, 'submitted', null, 9007199254740993, 'sha256:x',
      ${JSON.stringify({ technical: { rating: 5, comment: trickyText } })}::jsonb, true, true, '', ${adminId})
    returning id
  `.execute(db);
  await sql`
    insert into tech_review_reflection (tech_review_id, outcome, amount_change_jpy, comment, recorded_by)
    values (${techReview.rows[0]!.id}, 'partly_reflected', -9007199254740993, ${trickyText}, ${adminId})
  `.execute(db);
  await sql`
    insert into procurement (project_id, title, method, status, spec_document_id, vendor_name, corporate_number, is_startup, contract_amount_jpy,
      contract_start, contract_end, created_by)
    values (${projectId}, ${trickyText}, 'policy_negotiated', 'contracted', ${document.rows[0]!.id}, '株式会社テスト', '7000012050002', true,
      123456789012, '2026-04-01', null, null)
  `.execute(db);
  await sql`
    insert into yearly_review (project_id, fiscal_year, decision, rationale, decided_by)
    values (${projectId}, 2025, 'improve', ${trickyText}, null)
  `.execute(db);
  const expenseImport = await sql<{ id: string }>`
    insert into expense_import (file_sha256, line_count, summary, created_by)
    values (repeat('ab', 32), 2, '{"categories":{"スマート東京":1}}'::jsonb, ${adminId})
    returning id
  `.execute(db);
  await sql`
    insert into expense_line (external_id, import_id, bureau_code, project_id, project_name, fiscal_year, categories, amount_kyen)
    values ('EXT-1', ${expenseImport.rows[0]!.id}, 'TST9', ${projectId}, ${trickyText}, 2026, ${sql.val(['system_maintenance', 'shin_tosei'])}::text[], 157800000),
           ('EXT-2', null, 'TST9', null, 'x', 2026, '{}'::text[], 0)
  `.execute(db);
  await sql`
    insert into oversight_decision (ruleset_version, budget_band, downtime_band, confidentiality_band, tier, lower_bound, reviewer_role, explanation)
    values ('sha256:fixture', -2, 0, 1, null, 2, null, ${sql.val(['{"given":false}', trickyText, '未設定'])}::text[])
  `.execute(db);
  await sql`insert into oversight_decision_source (ruleset_version, content) values ('sha256:fixture', ${trickyText})`.execute(db);
  const rulesetVersion = await sql<{ id: string }>`
    insert into ruleset_version (ruleset, version, content, cases, case_count, status, note)
    values ('supervision', 'sha256:fixture', ${JSON.stringify({ title: { ja: trickyText } })}::jsonb, '[]'::jsonb, 0, 'rejected', ${trickyText})
    returning id
  `.execute(db);
  await sql`
    insert into ruleset_activation (ruleset_version_id, status, run_at, step, steps_done, steps_total, error)
    values (${rulesetVersion.rows[0]!.id}, 'failed', '2999-01-01T00:00:00Z', 'cases', 1, 4, ${trickyText})
  `.execute(db);
  await sql`
    insert into audit_event (actor_id, actor_label, action, entity_type, entity_id, project_id, before, after, request_id)
    values (null, ${trickyText}, 'fixture.write', 'project', ${projectId}, ${projectId}, null, '{"big": 9007199254740993}'::jsonb, null)
  `.execute(db);
  // A consultation of the demo book, re-routed (the demo has none re-routed).
  await sql`
    insert into consultation_routing (consultation_id, from_tier, to_tier, from_reviewer_role, to_reviewer_role, at)
    select id, 1, 3, 'bureau_lead', null, '2026-01-01 00:00:00.000001+00' from consultation order by id limit 1
  `.execute(db);
  await sql`
    insert into oidc_sign_in (state_hash, nonce, code_verifier, return_to, created_at, expires_at)
    values ('state-hash', ${trickyText}, 'verifier', '/projects?q=%E3%83%86', '2026-12-06 10:00:00.123456+00', '2026-12-06 10:10:00.654321+00')
  `.execute(db);
  await sql`
    insert into instance_setting (key, value, updated_by)
    values ('fixture.setting', ${JSON.stringify({ ja: trickyText, n: 0.1, list: [null, true] })}::jsonb, ${adminId}),
           ('fixture.empty', '{}'::jsonb, null)
  `.execute(db); // Notifications (decision 0012): a read and an unread notice, a mail that failed with a reason, a
  // digest mail without a notice, a preference, a default and reminder keys.
  const notice = await sql<{ id: string }>`
    insert into notification (user_id, kind, entity_type, entity_id, project_id, path, title_ja, title_en, created_at, read_at)
    values (${staffId}, 'release_request_decided', 'release_request', 'x', ${projectId}, '/projects?q=%E3%83%86', ${trickyText}, 'Title "en"', '2026-12-06 10:00:00.123456+00', '2026-12-06 11:00:00.000001+00'),
           (${adminId}, 'tech_reviews_to_write', 'budget_cycle', '2027', null, '/budget-review', '技術的評価', 'Tech reviews', now(), null)
    returning id
  `.execute(db);
  await sql`
    insert into email_outbox (notification_id, user_id, message_id, to_email, subject, body, path, status, attempts, next_attempt_at, last_error, sent_at)
    values (${notice.rows[0]!.id}, ${staffId}, '<fixture.1@psbook>', 'staff.ind@example.jp', ${trickyText}, ${trickyText}, '/x', 'failed', 8, '2026-12-06 10:00:00.5+00', ${trickyText}, null),
           (null, ${adminId}, '<digest.fixture@psbook>', 'admin@example.jp', '件名', '本文\n---\nbody', '/notifications', 'sent', 1, now(), null, now())
  `.execute(db);
  await sql`
    insert into notification_preference (user_id, kind, channel, cadence) values (${staffId}, 'release_request_decided', 'email', 'digest')
  `.execute(db);
  await sql`
    insert into notification_default (kind, channel, cadence, updated_by) values ('tier_decrease_decided', 'in_app', 'immediate', ${adminId})
  `.execute(db);
  await sql`insert into reminder_sent (key, sent_at) values ('release_request:fixture:overdue', '2026-12-06 10:00:00.000001+00'), (${trickyText}, now())`.execute(
    db,
  );
}

/**
 * Every row of every table as canonical text (`to_jsonb` with the time zone fixed), sorted: a path
 * independent of the backup's own per-column text, so equal dumps mean equal data.
 */
export async function dumpEveryTable(db: Kysely<any>): Promise<Record<string, string[]>> {
  return db.transaction().execute(async (tx) => {
    await sql`set local timezone = 'UTC'`.execute(tx);
    const tables = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%' order by table_name
    `.execute(tx);
    const dump: Record<string, string[]> = {};
    for (const { name } of tables.rows) {
      const rows = await sql<{ row: string }>`select to_jsonb(t)::text as row from ${sql.table(name)} t`.execute(tx);
      dump[name] = rows.rows.map((r) => r.row).sort();
    }
    return dump;
  });
}

/** Every sequence's state, so a restored database hands out the same next values. */
export async function dumpSequences(db: Kysely<any>): Promise<Record<string, string>> {
  const names = await sql<{ name: string }>`
    select sequence_name as name from information_schema.sequences where sequence_schema = 'public' order by sequence_name
  `.execute(db);
  const state: Record<string, string> = {};
  for (const { name } of names.rows) {
    const row = await sql<{ v: string }>`select last_value::text || '/' || is_called::text as v from ${sql.table(name)}`.execute(db);
    state[name] = row.rows[0]!.v;
  }
  return state;
}

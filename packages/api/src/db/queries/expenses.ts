/**
 * SQL of the expense import (デジタル関連経費情報) and the expense totals. Every statement is set-based:
 * the import stages its rows in a temporary table and works on them with a handful of statements,
 * whatever the number of lines. Temporary tables live in the importing transaction (`on commit drop`),
 * so a dry run or a rejected file leaves nothing behind.
 */
import { type TConfidentiality, type TReviewerRole, type TTier, ZExpenseCategory } from '@psbook/core';
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../database.ts';

/** Category names ↔ bit positions in the staged mask (the order of ZExpenseCategory). */
export const expenseCategoryBits = ZExpenseCategory.options.map((category, i) => ({ category, bit: 1 << i }));

/** The columns of a file the import reads, in the order they are staged (expense_raw). */
export const rawColumnKeys = [
  'externalId',
  'bureauCode',
  'projectName',
  'fiscalYear',
  'category',
  'amountKyen',
  'projectCode',
  'registrationTrigger',
] as const;
export type RawColumnKey = (typeof rawColumnKeys)[number];
const rawColumn: Record<RawColumnKey, string> = {
  externalId: 'external_id',
  bureauCode: 'bureau_code',
  projectName: 'project_name',
  fiscalYear: 'fiscal_year',
  category: 'category',
  amountKyen: 'amount_kyen',
  projectCode: 'project_code',
  registrationTrigger: 'registration_trigger',
};
/**
 * What `copyInto` fills: the record's line, its number of fields, each known column's text as the
 * reader normalised it (see `normalizeCell` in expense-import.ts), and the fiscal year and amount as
 * written, which their error messages quote (and the registration trigger as written).
 */
export const rawStageColumns = [
  'line',
  'field_count',
  ...rawColumnKeys.map((k) => rawColumn[k]),
  'fiscal_year_raw',
  'amount_kyen_raw',
  'registration_trigger_raw',
];

const categoriesFromMask = (mask: RawBuilder<unknown>) =>
  sql`array_remove(array[${sql.join(
    expenseCategoryBits.map(({ category, bit }) => sql`case when (${mask} & ${sql.lit(bit)}) <> 0 then ${sql.lit(category)} end`),
  )}]::text[], null)`;

/**
 * The temporary tables of one import, dropped when its transaction ends: the records as read
 * (expense_raw, filled by COPY), every row error found (expense_error), the rows that passed every
 * check (expense_stage), the projects the import creates and the new budgets.
 */
export async function createImportStage(tx: Db): Promise<void> {
  await sql`
    create temp table expense_raw (
      line integer not null,
      field_count integer not null,
      ${sql.join(rawColumnKeys.map((k) => sql`${sql.ref(rawColumn[k])} text not null`))},
      fiscal_year_raw text not null,
      amount_kyen_raw text not null,
      registration_trigger_raw text not null
    ) on commit drop`.execute(tx);
  await sql`
    create temp table expense_error (
      line integer not null,
      -- the order of the checks within a line
      ordinal integer not null,
      column_name text,
      message text not null
    ) on commit drop`.execute(tx);
  await sql`
    create temp table expense_stage (
      line integer not null,
      external_id text not null,
      bureau_code text not null,
      project_name text not null,
      fiscal_year integer not null,
      categories text[] not null,
      amount_kyen bigint not null,
      project_code text,
      -- 登録の契機 of the line; null: not given (当初予算要求時)
      registration_trigger text
    ) on commit drop`.execute(tx);
  await sql`create temp table expense_created (id uuid primary key) on commit drop`.execute(tx);
  await sql`
    create temp table expense_budget (
      project_id uuid primary key,
      -- numeric: a sum of many lines may exceed bigint before we get to refuse it
      budget_jpy numeric not null
    ) on commit drop`.execute(tx);
}

/** Order of the checks within one line, so that a line's errors read as they always did. */
const checkOrder = {
  /** Errors of reading (header, CSV syntax) come first on their line, in the order found: ordinals below 0. */
  reading: 0,
  fieldCount: 1,
  encoding: 2,
  externalId: 20,
  duplicate: 21,
  bureauCode: 30,
  projectName: 40,
  fiscalYear: 50,
  category: 60,
  amountKyen: 70,
  projectCode: 80,
  registrationTrigger: 85,
  projectCodeInBook: 90,
  foreignLine: 95,
  projectTotal: 100,
  projectTrigger: 101,
} as const;

export type RowErrorRow = { line: number; column: string | null; message: string };

/** Errors found outside SQL (the header, CSV syntax): recorded beside the others, so one query reports them all. */
export async function recordErrors(tx: Db, errors: RowErrorRow[]): Promise<void> {
  if (!errors.length) return;
  await sql`
    insert into expense_error (line, ordinal, column_name, message)
    select * from unnest(${sql.val(errors.map((e) => e.line))}::integer[], ${sql.val(errors.map((_, i) => checkOrder.reading - errors.length + i))}::integer[],
      ${sql.val(errors.map((e) => e.column))}::text[], ${sql.val(errors.map((e) => e.message))}::text[])`.execute(tx);
}

/** How many errors there are, and the first `limit` of them by line and by the order of the checks. */
export async function errorReport(tx: Db, limit: number): Promise<{ count: number; errors: RowErrorRow[] }> {
  const count = await sql<{ n: number }>`select count(*)::bigint as n from expense_error`.execute(tx);
  const rows = await sql<RowErrorRow>`
    select line, column_name as column, message from expense_error order by line, ordinal limit ${limit}`.execute(tx);
  return { count: Number(count.rows[0]?.n ?? 0), errors: rows.rows };
}

/**
 * JavaScript's String.prototype.trim() set (WhiteSpace and LineTerminator), so that the category names
 * split in SQL are trimmed as the reader trims cells: ideographic space (U+3000) is padding too.
 */
const jsWhitespace =
  '\t\n\u000b\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';
const trimmed = (value: RawBuilder<unknown>) => sql`btrim(${value}, ${jsWhitespace}::text)`;
const controlChars = String.raw`[\x01-\x1f\x7f]`;

export type RawCheckSpec = {
  /** Fields in the header: a record with another number of fields is refused. */
  fieldCount: number;
  /** Each column the header maps, in the order of the header, with the name the file gives it. */
  mapped: { key: RawColumnKey; name: string }[];
  /** The name an error reports for each column (the file's header, or the canonical name when absent). */
  columnNames: Record<RawColumnKey, string>;
  /** The message for bytes the decoder could not read (it depends on the encoding). */
  brokenEncodingMessage: string;
  /** Bureaus the importer may write, and the message when a line is of another one; null: every bureau. */
  writableBureaus: string[] | null;
  notWritableMessage: string;
  /** The accepted category names (codes and Japanese labels, NFKC) with their bit, and the hint an error gives. */
  categoryNames: { name: string; bit: number }[];
  categoryHint: string;
  /** The accepted registration-trigger names (normalised: NFKC, no spaces, lower case) with their code, and the hint. */
  triggerNames: { name: string; code: string }[];
  triggerHint: string;
  maxAmountKyen: number;
  maxAmountMessage: string;
};

/**
 * Check every staged record in a few set-based statements: each row error goes to expense_error with
 * its line, the rows that pass go to expense_stage. The messages and the order of the checks are those
 * of the reader that checked rows one by one in JavaScript, which this replaces.
 */
export async function checkRawRows(tx: Db, spec: RawCheckSpec): Promise<void> {
  const raw = (key: RawColumnKey) => sql.ref(`r.${rawColumn[key]}`);
  const name = (key: RawColumnKey) => sql`${spec.columnNames[key]}::text`;
  const replacement = sql`U&'\\FFFD'`;
  const anyMapped = spec.mapped.length
    ? sql.join(
        spec.mapped.map((m) => raw(m.key)),
        sql` || `,
      )
    : sql`''`;

  // Records that cannot be read as a row: a wrong number of fields, or bytes the decoder could not read.
  await sql`
    insert into expense_error (line, ordinal, column_name, message)
    select r.line, e.ordinal, e.column_name, e.message
    from expense_raw r
    cross join lateral (values
      (${checkOrder.fieldCount}::integer, null::text,
        case when r.field_count <> ${spec.fieldCount}::integer then 'expected ' || ${spec.fieldCount}::integer || ' fields, found ' || r.field_count end)
      ${sql.join(
        spec.mapped.map(
          (m, i) =>
            sql`, (${checkOrder.encoding + i}::integer, ${m.name}::text, case when position(${replacement} in ${raw(m.key)}) > 0 then ${spec.brokenEncodingMessage}::text end)`,
        ),
        sql``,
      )}
    ) as e(ordinal, column_name, message)
    where (r.field_count <> ${spec.fieldCount}::integer or position(${replacement} in ${anyMapped}) > 0) and e.message is not null`.execute(
    tx,
  );

  // Each distinct category cell once: a file has a handful of them, whatever its length.
  await sql`
    create temp table expense_category_value on commit drop as
    with names(name, bit) as (values ${sql.join(spec.categoryNames.map((c) => sql`(${c.name}::text, ${c.bit}::integer)`))})
    select d.raw, x.mask,
      case when x.parts = 0 then 'is required'
        else 'unknown category "' || left(x.unknown, 40) || '" (one or more of ' || ${spec.categoryHint}::text || ', separated by ;)' end as error
    from (select distinct category as raw from expense_raw) d
    cross join lateral (
      select count(*) as parts, bit_or(coalesce(k1.bit, k2.bit)) as mask,
        (array_agg(p.name order by p.ord) filter (where coalesce(k1.bit, k2.bit) is null))[1] as unknown
      from (
        select ${trimmed(sql`u.part`)} as name, u.ord
        from unnest(string_to_array(d.raw, ';')) with ordinality as u(part, ord)
      ) p
      left join names k1 on k1.name = p.name
      left join names k2 on k2.name = lower(p.name)
      where p.name <> ''
    ) x`.execute(tx);

  const writable = spec.writableBureaus ? sql`not (w.bureau_code = any(${sql.val(spec.writableBureaus)}::text[]))` : sql`false`;
  // The default 4 MB made the sort for duplicate ids and the join spill to temporary files at
  // 100,000 rows (on PGlite, files in memory written through its file system layer).
  await sql`set local work_mem = '32MB'`.execute(tx);
  await sql`
    create temp table expense_checked on commit drop as
    -- Materialized: inlined, each reference to a column of w would compute its expression again.
    with v as (
      select r.line, r.external_id, r.bureau_code, r.project_name, r.fiscal_year, r.fiscal_year_raw, r.category,
        r.amount_kyen as amount, r.amount_kyen_raw as amount_raw, r.project_code,
        r.registration_trigger as trigger_name, r.registration_trigger_raw as trigger_raw
      from expense_raw r
      where r.field_count = ${spec.fieldCount}::integer and position(${replacement} in ${anyMapped}) = 0
    ),
    w as materialized (
      select v.*, case when v.amount ~ '^[0-9]{1,3}(,[0-9]{3})+$' then replace(v.amount, ',', '') else v.amount end as digits
      from v
    ),
    e as (
      select w.line, w.external_id, w.bureau_code, w.project_name, w.fiscal_year, w.digits, w.project_code, c.mask,
        tn.code as registration_trigger,
        case when w.external_id = '' then 'is required'
          when length(w.external_id) > 100 or w.external_id ~ ${controlChars}::text then 'must be at most 100 printable characters' end
          as e_external_id,
        case when w.bureau_code = '' then 'is required'
          when b.code is null then 'unknown bureau "' || left(w.bureau_code, 20) || '"'
          when ${writable} then ${spec.notWritableMessage}::text end as e_bureau_code,
        case when w.project_name = '' then 'is required'
          when length(w.project_name) > 200 or w.project_name ~ ${controlChars}::text then 'must be at most 200 printable characters' end
          as e_project_name,
        case when w.fiscal_year !~ '^[0-9]{4}$' then 'is not a fiscal year (YYYY): "' || left(w.fiscal_year_raw, 40) || '"'
          when w.fiscal_year::integer not between 1990 and 2100 then 'must be between 1990 and 2100' end as e_fiscal_year,
        c.error as e_category,
        case when w.amount = '' then 'is required'
          when w.amount ~ '^[-\u2212\u25b3\u25b2]\\s*[0-9,.]+$' then 'must not be negative'
          when w.digits ~ '^[0-9]+\\.[0-9]*$' then 'must be a whole number of thousand yen'
          when w.digits !~ '^[0-9]+$' then 'is not a number: "' || left(w.amount_raw, 40) || '"'
          when w.digits::numeric > ${spec.maxAmountKyen}::numeric then ${spec.maxAmountMessage}::text end as e_amount_kyen,
        case when w.project_code <> '' and w.project_code !~ '^PS[0-9]{7}$'
          then 'is not a project number (PS + 7 digits): "' || left(w.project_code, 20) || '"' end as e_project_code,
        case when w.trigger_name <> '' and tn.code is null
          then 'unknown registration trigger "' || left(${trimmed(sql`w.trigger_raw`)}, 40) || '" (one of ' || ${spec.triggerHint}::text || ')' end
          as e_registration_trigger
      from w
      left join (values ${sql.join(spec.triggerNames.map((t) => sql`(${t.name}::text, ${t.code}::text)`))}) as tn(name, code)
        on tn.name = w.trigger_name
      left join bureau b on b.code = w.bureau_code
      left join expense_category_value c on c.raw = w.category
    )
    select e.*,
      -- The first line of an external id among the lines that have a valid one: every later line is a duplicate.
      case when e.e_external_id is null and e.line > min(e.line) over (partition by e.external_id)
        then 'duplicate external id "' || e.external_id || '" (first on line ' || min(e.line) over (partition by e.external_id) || ')'
      end as e_duplicate
    from e`.execute(tx);
  await sql`reset work_mem`.execute(tx);

  const checks: [number, RawColumnKey, string][] = [
    [checkOrder.externalId, 'externalId', 'e_external_id'],
    [checkOrder.duplicate, 'externalId', 'e_duplicate'],
    [checkOrder.bureauCode, 'bureauCode', 'e_bureau_code'],
    [checkOrder.projectName, 'projectName', 'e_project_name'],
    [checkOrder.fiscalYear, 'fiscalYear', 'e_fiscal_year'],
    [checkOrder.category, 'category', 'e_category'],
    [checkOrder.amountKyen, 'amountKyen', 'e_amount_kyen'],
    [checkOrder.projectCode, 'projectCode', 'e_project_code'],
    [checkOrder.registrationTrigger, 'registrationTrigger', 'e_registration_trigger'],
  ];
  const anyError = sql.join(
    checks.map(([, , column]) => sql`${sql.ref(`c.${column}`)} is not null`),
    sql` or `,
  );
  await sql`
    insert into expense_error (line, ordinal, column_name, message)
    select c.line, e.ordinal, e.column_name, e.message
    from expense_checked c
    cross join lateral (values ${sql.join(
      checks.map(([ordinal, key, column]) => sql`(${ordinal}::integer, ${name(key)}, ${sql.ref(`c.${column}`)})`),
    )}) as e(ordinal, column_name, message)
    where (${anyError}) and e.message is not null`.execute(tx);
  const mask = sql`c.mask`;
  await sql`
    insert into expense_stage (line, external_id, bureau_code, project_name, fiscal_year, categories, amount_kyen, project_code,
      registration_trigger)
    select c.line, c.external_id, c.bureau_code, c.project_name, c.fiscal_year::integer, ${categoriesFromMask(mask)}, c.digits::bigint,
      nullif(c.project_code, ''), c.registration_trigger
    from expense_checked c
    where not (${anyError})`.execute(tx);
}

/** Temporary tables are never auto-analysed; without statistics the planner picks nested loops over 100,000 rows. */
export async function analyzeStage(tx: Db, table: 'expense_stage' | 'expense_plan'): Promise<void> {
  await sql`analyze ${sql.table(table)}`.execute(tx);
}

/**
 * Rows whose references the book refuses: a project code that is unknown or of another bureau than
 * the line's, and (for an importer of some bureaus only) an external id that is already a line of a
 * bureau the importer may not write.
 */
export async function checkStagedReferences(tx: Db, writableBureaus: string[] | null): Promise<void> {
  await sql`
    insert into expense_error (line, ordinal, column_name, message)
    select s.line, ${checkOrder.projectCodeInBook}::integer, 'projectCode',
      case when p.id is null then 'unknown project code ' || s.project_code
        else 'project ' || s.project_code || ' belongs to bureau ' || p.bureau_code || ', not to this line''s bureau' end
    from expense_stage s left join project p on p.code = s.project_code
    where s.project_code is not null and (p.id is null or p.bureau_code <> s.bureau_code)`.execute(tx);
  if (writableBureaus) {
    await sql`
      insert into expense_error (line, ordinal, column_name, message)
      select s.line, ${checkOrder.foreignLine}::integer, 'externalId',
        'external id ' || s.external_id || ' is a line of bureau ' || l.bureau_code || ', which you may not change'
      from expense_stage s join expense_line l on l.external_id = s.external_id
      where not (l.bureau_code = any(${sql.val(writableBureaus)}::text[]))`.execute(tx);
  }
}

/** A dry run goes on past row errors: drop the rows the checks above refused, so the preview counts only good rows. */
export async function dropRefusedStagedRows(tx: Db): Promise<void> {
  await sql`delete from expense_stage s using expense_error e where e.line = s.line`.execute(tx);
}

/**
 * The projects the file creates, numbered in the order of their first line: one per bureau + fiscal
 * year + name that no project has yet, with the total of its lines (all of them are in the file, so
 * this is its final budget). A total beyond what the book stores exactly is a row error on that line.
 */
export async function planNewProjects(tx: Db, maxJpy: number, tooLarge: string): Promise<number> {
  await sql`
    create temp table expense_new_project on commit drop as
    select row_number() over (order by min(s.line)) as ordinal, s.bureau_code, s.fiscal_year, s.project_name,
      sum(s.amount_kyen) * 1000 as budget_jpy, min(s.line) as first_line,
      min(s.registration_trigger) as registration_trigger, count(distinct s.registration_trigger) as trigger_count
    from expense_stage s
    where s.project_code is null
      and not exists (
        select 1 from project p where p.bureau_code = s.bureau_code and p.fiscal_year = s.fiscal_year and p.name = s.project_name)
    group by s.bureau_code, s.fiscal_year, s.project_name`.execute(tx);
  await sql`
    insert into expense_error (line, ordinal, column_name, message)
    select k.first_line, ${checkOrder.projectTotal}::integer, null, 'the lines of "' || k.project_name || '" total more than ' || ${tooLarge}::text
    from expense_new_project k where k.budget_jpy > ${maxJpy}::numeric`.execute(tx);
  // The trigger is a fact of the registration: one project is registered at one moment.
  await sql`
    insert into expense_error (line, ordinal, column_name, message)
    select k.first_line, ${checkOrder.projectTrigger}::integer, 'registrationTrigger',
      'the lines of "' || k.project_name || '" name different registration triggers: a project is registered at one moment'
    from expense_new_project k where k.trigger_count > 1`.execute(tx);
  const result = await sql<{ n: number }>`select count(*)::bigint as n from expense_new_project`.execute(tx);
  return Number(result.rows[0]?.n ?? 0);
}

export type NewProjectKey = {
  bureauCode: string;
  fiscalYear: number;
  projectName: string;
  budgetJpy: string;
  registrationTrigger: string | null;
};

/** One page of the projects to create, by their ordinal (1-based, inclusive). */
export async function newProjectPage(tx: Db, fromOrdinal: number, toOrdinal: number): Promise<NewProjectKey[]> {
  const result = await sql<NewProjectKey>`
    select bureau_code, fiscal_year, project_name, budget_jpy::text as budget_jpy, registration_trigger
    from expense_new_project where ordinal between ${fromOrdinal} and ${toOrdinal} order by ordinal`.execute(tx);
  return result.rows;
}

export type Evaluated = { tier: number | null; lowerBound: number; reviewerRole: TReviewerRole | null; oversight: string };
type WriteContext = { rulesetVersion: string; actorId: string; actorLabel: string; requestId: string | null; importId: string };

/**
 * Create the new projects with their final budget and tier in one statement, with their tier history
 * and audit events as data-modifying CTEs. A project's evaluation comes from the decision relation
 * (`decision`, built for the alias `n`: budget, no downtime, no confidentiality) where its budget is
 * written exactly, otherwise from `evaluations`, which holds the others' (once per distinct budget).
 */
export async function insertImportedProjects(
  tx: Db,
  keys: {
    bureauCode: string;
    fiscalYear: number;
    projectName: string;
    budgetJpy: number;
    /** null: 当初予算要求時, the moment an expense list stands for. */
    registrationTrigger: string | null;
    searchText: string;
    searchGrams: string;
  }[],
  evaluations: Map<number, Evaluated>,
  decision: { on: RawBuilder<boolean>; exact: RawBuilder<boolean> } | null,
  context: WriteContext,
): Promise<number> {
  if (!keys.length) return 0;
  // Without a decision relation every budget has its evaluation in `evaluations`.
  const fromTable = decision ?? { on: sql<boolean>`false`, exact: sql<boolean>`false` };
  const budgets = [...evaluations.keys()];
  const e = budgets.map((b) => evaluations.get(b)!);
  const result = await sql<{ created: number }>`
    with k as (
      select * from unnest(
        ${sql.val(keys.map((k) => k.projectName))}::text[],
        ${sql.val(keys.map((k) => k.bureauCode))}::text[],
        ${sql.val(keys.map((k) => k.fiscalYear))}::integer[],
        ${sql.val(keys.map((k) => k.budgetJpy))}::bigint[],
        ${sql.val(keys.map((k) => k.registrationTrigger))}::text[],
        ${sql.val(keys.map((k) => k.searchText))}::text[],
        ${sql.val(keys.map((k) => k.searchGrams))}::text[]
      ) with ordinality as t(name, bureau_code, fiscal_year, budget_jpy, registration_trigger, search_text, search_grams, ordinal)
    ),
    v as (
      select * from unnest(
        ${sql.val(budgets)}::bigint[],
        ${sql.val(e.map((x) => x.tier))}::smallint[],
        ${sql.val(e.map((x) => x.lowerBound))}::smallint[],
        ${sql.val(e.map((x) => x.reviewerRole))}::text[],
        ${sql.val(e.map((x) => x.oversight))}::text[]
      ) as t(budget_jpy, tier, lower_bound, reviewer_role, oversight)
    ),
    e as (
      select k.ordinal, v.tier, v.lower_bound, v.reviewer_role, v.oversight::jsonb as oversight
      from k join v on v.budget_jpy = k.budget_jpy
      union all
      -- No explanation stored: readers render it from the version's decision table (decision 0028).
      select k.ordinal, d.tier, d.lower_bound, d.reviewer_role, null::jsonb
      from k
      cross join lateral (select k.budget_jpy, null::double precision as max_downtime_hours, null::text as confidentiality) n
      join oversight_decision d on ${fromTable.on}
      where ${fromTable.exact} and not exists (select 1 from v where v.budget_jpy = k.budget_jpy)
    ),
    created as (
      insert into project (name, bureau_code, fiscal_year, is_new, registration_trigger, budget_jpy, tier, tier_lower_bound,
        reviewer_role, oversight, ruleset_version, search_text, search_grams, created_by, updated_by)
      select k.name, k.bureau_code, k.fiscal_year, true, coalesce(k.registration_trigger, 'initial_budget'), k.budget_jpy, e.tier, e.lower_bound, e.reviewer_role,
        e.oversight, ${context.rulesetVersion}::text, k.search_text,
        coalesce(string_to_array(nullif(k.search_grams, ''), E'\\x1f'), '{}'), ${context.actorId}::uuid, ${context.actorId}::uuid
      from k join e on e.ordinal = k.ordinal
      order by k.ordinal
      returning id, code, name, bureau_code, fiscal_year, budget_jpy, tier, reviewer_role, version, is_new, registration_trigger
    ),
    remembered as (
      insert into expense_created (id) select id from created
    ),
    history as (
      insert into tier_history (project_id, from_tier, to_tier, from_reviewer_role, to_reviewer_role, ruleset_version, cause, actor_id)
      select id, null, tier, null, reviewer_role, ${context.rulesetVersion}, 'created', ${context.actorId}::uuid from created
    ),
    audit as (
      insert into audit_event (actor_id, actor_label, action, entity_type, entity_id, project_id, before, after, request_id)
      select ${context.actorId}::uuid, ${context.actorLabel}, 'project.create', 'project', c.id::text, c.id, null,
        ${projectAuditState(sql`c`, context.importId)}, ${context.requestId}::text
      from created c
    )
    select count(*)::bigint as created from created`.execute(tx);
  return Number(result.rows[0]?.created ?? 0);
}

const projectAuditState = (row: RawBuilder<unknown>, importId: string) =>
  sql`jsonb_build_object('code', ${row}.code, 'name', ${row}.name, 'bureauCode', ${row}.bureau_code, 'fiscalYear', ${row}.fiscal_year,
    'budgetJpy', ${row}.budget_jpy, 'tier', ${row}.tier, 'reviewerRole', ${row}.reviewer_role, 'version', ${row}.version,
    'isNew', ${row}.is_new, 'registrationTrigger', ${row}.registration_trigger, 'expenseImportId', ${importId}::text)`;

/**
 * The plan, in one pass over the staged rows: the project each line goes to (by code, or the oldest
 * project of the same bureau, fiscal year and name), and how it compares with the stored line of the
 * same external id ('new', 'changed' or 'same').
 */
export async function buildImportPlan(tx: Db): Promise<{ created: number; updated: number; unchanged: number }> {
  await sql`
    create temp table expense_plan on commit drop as
    with named as (
      select distinct on (p.bureau_code, p.fiscal_year, p.name) p.id, p.bureau_code, p.fiscal_year, p.name
      from project p
      join (select distinct bureau_code, fiscal_year, project_name from expense_stage where project_code is null) k
        on p.bureau_code = k.bureau_code and p.fiscal_year = k.fiscal_year and p.name = k.project_name
      order by p.bureau_code, p.fiscal_year, p.name, p.created_at, p.id
    ),
    resolved as (
      select s.*, case when s.project_code is null then n.id else c.id end as project_id
      from expense_stage s
      left join project c on s.project_code is not null and c.code = s.project_code and c.bureau_code = s.bureau_code
      left join named n on s.project_code is null and n.bureau_code = s.bureau_code and n.fiscal_year = s.fiscal_year
        and n.name = s.project_name
    )
    select r.line, r.external_id, r.bureau_code, r.project_name, r.fiscal_year, r.categories, r.amount_kyen, r.project_id,
      l.id as line_id, l.project_id as old_project_id,
      case
        when l.id is null then 'new'
        when r.project_id is null
          or l.bureau_code <> r.bureau_code or l.project_id is distinct from r.project_id or l.project_name <> r.project_name
          or l.fiscal_year <> r.fiscal_year or l.categories <> r.categories or l.amount_kyen <> r.amount_kyen
        then 'changed'
        else 'same'
      end as line_state
    from resolved r left join expense_line l on l.external_id = r.external_id`.execute(tx);
  await analyzeStage(tx, 'expense_plan');
  const result = await sql<{ created: number; updated: number; unchanged: number }>`
    select count(*) filter (where line_state = 'new')::bigint as created,
      count(*) filter (where line_state = 'changed')::bigint as updated,
      count(*) filter (where line_state = 'same')::bigint as unchanged
    from expense_plan`.execute(tx);
  const row = result.rows[0]!;
  return { created: Number(row.created), updated: Number(row.updated), unchanged: Number(row.unchanged) };
}

/**
 * The budget of every existing project a changed line touches, as it will be after the import: the
 * total of its lines of the latest fiscal year it has lines for, from the stored lines the file does
 * not replace plus the file's lines. A project left without lines keeps its budget. Projects this
 * import creates already have their final budget.
 */
export async function computeProjectBudgets(tx: Db): Promise<void> {
  await sql`
    with affected as (
      select project_id from expense_plan where project_id is not null and line_state <> 'same'
      union
      select old_project_id from expense_plan where old_project_id is not null and line_state = 'changed'
    ),
    existing as (
      select a.project_id from affected a where not exists (select 1 from expense_created c where c.id = a.project_id)
    ),
    merged as (
      select s.project_id, s.fiscal_year, s.amount_kyen from expense_plan s join existing e on e.project_id = s.project_id
      union all
      select l.project_id, l.fiscal_year, l.amount_kyen
      from expense_line l join existing e on e.project_id = l.project_id
      where not exists (select 1 from expense_plan s where s.external_id = l.external_id)
    ),
    latest as (select project_id, max(fiscal_year) as fiscal_year from merged group by project_id)
    insert into expense_budget (project_id, budget_jpy)
    select m.project_id, sum(m.amount_kyen) * 1000
    from merged m join latest on latest.project_id = m.project_id and latest.fiscal_year = m.fiscal_year
    group by m.project_id`.execute(tx);
}

/** Existing projects whose new total is beyond what the book stores exactly: a row error on their first line in the file. */
export async function checkBudgetTotals(tx: Db, maxJpy: number, tooLarge: string): Promise<void> {
  await sql`
    insert into expense_error (line, ordinal, column_name, message)
    select min(s.line), ${checkOrder.projectTotal}::integer, null, 'the lines of project ' || p.code || ' total more than ' || ${tooLarge}::text
    from expense_budget b join project p on p.id = b.project_id join expense_plan s on s.project_id = b.project_id
    where b.budget_jpy > ${maxJpy}::numeric
    group by p.code`.execute(tx);
}

export type BudgetCombo = {
  budgetJpy: number;
  maxDowntimeHours: number | null;
  confidentiality: string | null;
  tier: number | null;
  reviewerRole: TReviewerRole | null;
  projects: number;
};

/**
 * The oversight inputs of the existing projects whose budget changes, grouped (the engine runs once per
 * combination) and ranked by their inputs, so that they can be read a page at a time. Returns the
 * number of distinct inputs.
 */
export async function planBudgetCombos(tx: Db, maxJpy: number): Promise<number> {
  await sql`
    create temp table expense_combo on commit drop as
    select dense_rank() over (order by g.budget_jpy, g.max_downtime_hours, g.confidentiality) as input_rank, g.*
    from (
      select b.budget_jpy::bigint as budget_jpy, p.max_downtime_hours, p.confidentiality, p.tier, p.reviewer_role, count(*)::bigint as projects
      from expense_budget b join project p on p.id = b.project_id
      where p.budget_jpy is distinct from b.budget_jpy and b.budget_jpy <= ${maxJpy}::numeric
      group by 1, 2, 3, 4, 5
    ) g`.execute(tx);
  const result = await sql<{ n: number }>`select coalesce(max(input_rank), 0)::bigint as n from expense_combo`.execute(tx);
  return Number(result.rows[0]?.n ?? 0);
}

/** The combinations whose input rank is in [from, to]. */
export async function budgetComboPage(tx: Db, from: number, to: number): Promise<BudgetCombo[]> {
  const result = await sql<BudgetCombo>`
    select budget_jpy, max_downtime_hours, confidentiality, tier, reviewer_role, projects
    from expense_combo where input_rank between ${from} and ${to}`.execute(tx);
  return result.rows;
}

/** Lock the projects the import changes, so no edit slips between reading their inputs and writing. */
export async function lockBudgetProjects(tx: Db): Promise<void> {
  await sql`select p.id from project p join expense_budget b on b.project_id = p.id order by p.id for update of p`.execute(tx);
}

export type ComboEvaluation = Evaluated & { budgetJpy: number; maxDowntimeHours: number | null; confidentiality: string | null };
export type RerouteRow = {
  id: string;
  oldTier: TTier | null;
  oldReviewerRole: TReviewerRole | null;
  tier: TTier | null;
  reviewerRole: TReviewerRole | null;
};

/** What a budget write did: counts, the requests to re-route, decreases settled or requested, explanations in force to keep. */
type BudgetWrite = {
  updated: number;
  tierChanged: number;
  reroute: RerouteRow[];
  settle: SettleRow[];
  requested: RequestedDecrease[];
  unstored: UnstoredInForce[];
};

/**
 * Write new budgets and tiers of existing projects for one chunk of evaluated combinations in one
 * statement (see `applyBudgetEvaluations`). The path for inputs the decision relation does not tier
 * exactly, and for a ruleset the compiler left to the engine.
 */
export async function applyBudgetChunk(tx: Db, chunk: ComboEvaluation[], context: WriteContext): Promise<BudgetWrite> {
  const values = sql.join(
    chunk.map(
      (e) =>
        sql`(${e.budgetJpy}::numeric, ${e.maxDowntimeHours}::double precision, ${e.confidentiality}::text, ${e.tier}::smallint, ${e.lowerBound}::smallint, ${e.reviewerRole}::text, ${e.oversight}::jsonb)`,
    ),
  );
  return applyBudgetEvaluations(
    tx,
    sql`
      select b.project_id, v.tier, v.lower_bound, v.reviewer_role, v.oversight, false as rendered
      from expense_budget b
      join project p on p.id = b.project_id
      join (values ${values}) as v(budget_jpy, max_downtime_hours, confidentiality, tier, lower_bound, reviewer_role, oversight)
        on v.budget_jpy = b.budget_jpy
        and p.max_downtime_hours is not distinct from v.max_downtime_hours
        and p.confidentiality is not distinct from v.confidentiality`,
    context,
  );
}

/**
 * Write new budgets and tiers of every existing project whose budget changes, in one statement, with
 * each evaluation read from the compiled decision relation (`decision`, built for the alias `n`: the
 * project's inputs with its new budget). Projects whose values SQL does not write as JavaScript does
 * are left for `applyBudgetChunk` (their budget is still the old one). A decrease of a project that
 * does not already wait on one is requested by the same statement (`requested`, for the caller to
 * notify the reviewers).
 */
export async function applyBudgetsFromDecisions(
  tx: Db,
  decision: { on: RawBuilder<boolean>; exact: RawBuilder<boolean>; explanation: RawBuilder<unknown> },
  maxJpy: number,
  context: WriteContext,
): Promise<BudgetWrite> {
  return applyBudgetEvaluations(
    tx,
    sql`
      -- The explanation goes only to a decrease this statement requests (the project stores none, decision
      -- 0028), so it is built only for a lower tier: a kilobyte per project, carried through the statement,
      -- spilled to disk for every budget that changes (performance §4.6).
      select b.project_id, d.tier, d.lower_bound, d.reviewer_role,
        case when coalesce(d.tier, 0) < coalesce(p.tier, 0) then ${decision.explanation} end as oversight, true as rendered
      from expense_budget b
      join project p on p.id = b.project_id
      -- The cast only where it fits: a total beyond it is a row error and never written.
      cross join lateral (
        select case when b.budget_jpy <= ${maxJpy}::numeric then b.budget_jpy::bigint end as budget_jpy,
          p.max_downtime_hours, p.confidentiality
      ) n
      join oversight_decision d on ${decision.on}
      where b.budget_jpy <= ${maxJpy}::numeric and ${decision.exact}`,
    context,
    { requestDecreases: true },
  );
}

/**
 * Write new budgets and tiers of existing projects in one statement, from `evaluated` (project_id,
 * tier, lower_bound, reviewer_role, oversight jsonb: the evaluation of the project's inputs with its
 * new budget), with tier history and audit events as data-modifying CTEs (no per-project round trips).
 * Projects with pending release requests get no history row here: the caller re-routes them with
 * recordTierChange, which writes it. A project whose new tier would be lower than the tier in force,
 * or that already waits on a tier decrease, gets only its new budget here: the caller settles its tier
 * one by one (`settle`), as an edit would (a decrease waits for the reviewer's consent).
 */
async function applyBudgetEvaluations(
  tx: Db,
  evaluated: RawBuilder<unknown>,
  context: WriteContext,
  options: { requestDecreases: boolean } = { requestDecreases: false },
): Promise<BudgetWrite> {
  const changed = sql`(not u.settle and (u.old_tier is distinct from u.tier or u.old_reviewer_role is distinct from u.reviewer_role))`;
  // A lower tier with no decrease waiting yet: the request is made here (settleEvaluation's second
  // branch, set-based); the rest of `settle` goes project by project.
  const requestHere = options.requestDecreases ? sql`(t.lower and not t.waiting)` : sql`false`;
  const result = await sql<{
    updated: number;
    tierChanged: number;
    reroute: RerouteRow[] | string;
    settle: SettleRow[] | string;
    requested: RequestedDecrease[] | string;
    unstored: UnstoredInForce[] | string;
  }>`
    with e as (${evaluated}),
    target0 as (
      select p.id, p.tier as old_tier, p.reviewer_role as old_reviewer_role, p.budget_jpy as old_budget_jpy,
        p.max_downtime_hours, p.confidentiality,
        b.budget_jpy, e.tier, e.lower_bound, e.reviewer_role, e.oversight, e.rendered, p.oversight is null as unstored,
        p.ruleset_version as old_ruleset_version,
        exists (select 1 from release_request rr where rr.project_id = p.id and rr.status = 'pending') as has_pending,
        coalesce(e.tier, 0) < coalesce(p.tier, 0) as lower,
        exists (select 1 from tier_decrease d where d.project_id = p.id and d.status = 'pending') as waiting
      from e
      join expense_budget b on b.project_id = e.project_id
      join project p on p.id = e.project_id
      where p.budget_jpy is distinct from b.budget_jpy
    ),
    target as (
      select t.*, (t.lower or t.waiting) as settle, ${requestHere} as request_here from target0 t
    ),
    requested as (
      insert into tier_decrease (project_id, cause, from_tier, from_reviewer_role, from_inputs, to_tier, to_reviewer_role,
        to_evaluation, ruleset_version, requested_by)
      select t.id, 'import', t.old_tier, t.old_reviewer_role,
        -- The inputs the tier in force was evaluated from; numbers written as JavaScript writes them.
        jsonb_build_object('budgetJpy', t.old_budget_jpy, 'maxDowntimeHours', t.max_downtime_hours, 'confidentiality', t.confidentiality),
        t.tier, t.reviewer_role, t.oversight, ${context.rulesetVersion}, ${context.actorId}::uuid
      from target t where t.request_here
      returning id, project_id, from_tier, from_reviewer_role, to_tier, to_reviewer_role
    ),
    requested_history as (
      insert into tier_history (project_id, from_tier, to_tier, from_reviewer_role, to_reviewer_role, ruleset_version, cause, actor_id,
        tier_decrease_id)
      select r.project_id, r.from_tier, r.to_tier, r.from_reviewer_role, r.to_reviewer_role, ${context.rulesetVersion},
        'decrease_requested', ${context.actorId}::uuid, r.id
      from requested r
    ),
    requested_audit as (
      insert into audit_event (actor_id, actor_label, action, entity_type, entity_id, project_id, before, after, request_id)
      select ${context.actorId}::uuid, ${context.actorLabel}, 'tier_decrease.request', 'tier_decrease', r.id::text, r.project_id,
        jsonb_build_object('tier', r.from_tier, 'reviewerRole', r.from_reviewer_role),
        jsonb_build_object('tier', r.to_tier, 'reviewerRole', r.to_reviewer_role, 'cause', 'import'), ${context.requestId}::text
      from requested r
    ),
    upd as (
      update project p set
        budget_jpy = t.budget_jpy::bigint,
        tier = case when t.settle then p.tier else t.tier end,
        tier_lower_bound = case when t.settle then p.tier_lower_bound else t.lower_bound end,
        reviewer_role = case when t.settle then p.reviewer_role else t.reviewer_role end,
        oversight = case when t.settle then p.oversight when t.rendered then null else t.oversight end,
        ruleset_version = case when t.settle then p.ruleset_version else ${context.rulesetVersion} end,
        version = p.version + 1, updated_at = now(), updated_by = ${context.actorId}::uuid
      from target t
      where p.id = t.id
      returning p.id, p.code, p.name, p.bureau_code, p.fiscal_year, p.budget_jpy, p.tier, p.reviewer_role, p.version, p.is_new,
        p.registration_trigger, t.old_tier, t.old_reviewer_role, t.old_budget_jpy, t.has_pending, t.settle, t.request_here,
        t.unstored, t.old_ruleset_version, t.max_downtime_hours, t.confidentiality
    ),
    history as (
      insert into tier_history (project_id, from_tier, to_tier, from_reviewer_role, to_reviewer_role, ruleset_version, cause, actor_id)
      select u.id, u.old_tier, u.tier, u.old_reviewer_role, u.reviewer_role, ${context.rulesetVersion}, 'import', ${context.actorId}::uuid
      from upd u
      where not u.has_pending and ${changed}
    ),
    audit as (
      insert into audit_event (actor_id, actor_label, action, entity_type, entity_id, project_id, before, after, request_id)
      select ${context.actorId}::uuid, ${context.actorLabel}, 'project.update', 'project', u.id::text, u.id,
        jsonb_build_object('budgetJpy', u.old_budget_jpy, 'tier', u.old_tier, 'reviewerRole', u.old_reviewer_role),
        ${projectAuditState(sql`u`, context.importId)}, ${context.requestId}::text
      from upd u
    )
    select count(*)::bigint as updated,
      count(*) filter (where ${changed})::bigint as tier_changed,
      coalesce(json_agg(json_build_object('id', u.id, 'oldTier', u.old_tier, 'oldReviewerRole', u.old_reviewer_role,
        'tier', u.tier, 'reviewerRole', u.reviewer_role)) filter (where u.has_pending and ${changed}), '[]'::json) as reroute,
      coalesce(json_agg(json_build_object('id', u.id, 'oldBudgetJpy', u.old_budget_jpy::text))
        filter (where u.settle and not u.request_here), '[]'::json) as settle,
      (select coalesce(json_agg(json_build_object('id', r.id, 'fromTier', r.from_tier, 'fromReviewerRole', r.from_reviewer_role,
          'toTier', r.to_tier, 'project', json_build_object('id', p.id, 'code', p.code, 'name', p.name, 'bureauCode', p.bureau_code))),
        '[]'::json)
        from requested r join project p on p.id = r.project_id) as requested,
      -- Projects keeping their tier in force whose explanation was rendered from the inputs now changed.
      coalesce(json_agg(json_build_object('id', u.id, 'rulesetVersion', u.old_ruleset_version, 'budgetJpy', u.old_budget_jpy::text,
        'maxDowntimeHours', u.max_downtime_hours, 'confidentiality', u.confidentiality)) filter (where u.settle and u.unstored), '[]'::json)
        as unstored
    from upd u`.execute(tx);
  const row = result.rows[0]!;
  const parse = <T>(value: T[] | string): T[] => (typeof value === 'string' ? (JSON.parse(value) as T[]) : value);
  return {
    updated: Number(row.updated),
    tierChanged: Number(row.tierChanged),
    reroute: parse(row.reroute),
    settle: parse(row.settle),
    requested: parse(row.requested),
    unstored: parse(row.unstored),
  };
}

/** A tier decrease the import requested set-based: the caller tells the reviewers. */
export type RequestedDecrease = {
  id: string;
  fromTier: number;
  fromReviewerRole: TReviewerRole;
  toTier: number | null;
  project: { id: string; code: string; name: string; bureauCode: string };
};

/**
 * A project that keeps its tier in force (a decrease waits) while its budget changed, and stored no
 * explanation: the caller stores the one of these inputs, its inputs in force (bigint as text).
 */
export type UnstoredInForce = {
  id: string;
  rulesetVersion: string;
  budgetJpy: string | null;
  maxDowntimeHours: number | null;
  confidentiality: TConfidentiality | null;
};

/** A project of the import whose tier is settled one by one; its budget before the import (bigint as text). */
export type SettleRow = { id: string; oldBudgetJpy: string | null };

/** Insert the new lines and update the changed ones, one statement each; unchanged lines keep their row and import id. */
export async function writePlannedLines(tx: Db, importId: string): Promise<void> {
  await sql`
    insert into expense_line (external_id, import_id, bureau_code, project_id, project_name, fiscal_year, categories, amount_kyen)
    select external_id, ${importId}::uuid, bureau_code, project_id, project_name, fiscal_year, categories, amount_kyen
    from expense_plan
    where line_state = 'new'`.execute(tx);
  await sql`
    update expense_line l set
      import_id = ${importId}::uuid, bureau_code = s.bureau_code, project_id = s.project_id, project_name = s.project_name,
      fiscal_year = s.fiscal_year, categories = s.categories, amount_kyen = s.amount_kyen, updated_at = now()
    from expense_plan s
    where s.line_state = 'changed' and l.id = s.line_id`.execute(tx);
}

export async function lockExpenseImports(tx: Db): Promise<void> {
  // One import at a time: two files creating "the same project" concurrently would otherwise both create it.
  await sql`select pg_advisory_xact_lock(7023001)`.execute(tx);
}

export const findImportBySha = (db: Db, sha256: string) =>
  db.selectFrom('expenseImport').select('id').where('fileSha256', '=', sha256).orderBy('createdAt', 'desc').limit(1).executeTakeFirst();

/* ------------------------------------------------------------------ totals */

export async function expenseFiscalYears(db: Db): Promise<number[]> {
  const rows = await db.selectFrom('expenseLine').select('fiscalYear').distinct().orderBy('fiscalYear', 'desc').execute();
  return rows.map((r) => r.fiscalYear);
}

/**
 * Totals of one fiscal year in thousand yen: each line once (the de-duplicated total), and the sum of
 * line amounts times their number of categories (what adding up the category totals gives).
 */
export async function expenseTotals(db: Db, fiscalYear: number) {
  const byBureau = await sql<{ bureauCode: string; nameJa: string | null; lines: number; amountKyen: number; categorySumKyen: number }>`
    select l.bureau_code, b.name_ja, count(*)::bigint as lines, sum(l.amount_kyen)::bigint as amount_kyen,
      sum(l.amount_kyen * cardinality(l.categories))::bigint as category_sum_kyen
    from expense_line l left join bureau b on b.code = l.bureau_code
    where l.fiscal_year = ${fiscalYear}
    group by l.bureau_code, b.name_ja
    order by l.bureau_code`.execute(db);
  const byCategory = await sql<{ category: string; lines: number; amountKyen: number }>`
    select c.category, count(*)::bigint as lines, sum(l.amount_kyen)::bigint as amount_kyen
    from expense_line l cross join lateral unnest(l.categories) as c(category)
    where l.fiscal_year = ${fiscalYear}
    group by c.category`.execute(db);
  return { byBureau: byBureau.rows, byCategory: byCategory.rows };
}

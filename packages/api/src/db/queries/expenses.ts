/**
 * SQL of the expense import (デジタル関連経費情報) and the expense totals. Every statement is set-based:
 * the import stages its rows in a temporary table and works on them with a handful of statements,
 * whatever the number of lines. Temporary tables live in the importing transaction (`on commit drop`),
 * so a dry run or a rejected file leaves nothing behind.
 */
import { type TReviewerRole, ZExpenseCategory } from '@psbook/core';
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../database.ts';

/** Category names ↔ bit positions in the staged mask (the order of ZExpenseCategory). */
export const expenseCategoryBits = ZExpenseCategory.options.map((category, i) => ({ category, bit: 1 << i }));

/** The parsed rows of a file, column by column (compact: no object per line). */
export type StagedColumns = {
  line: number[];
  externalId: string[];
  bureauCode: string[];
  projectName: string[];
  fiscalYear: number[];
  categoryMask: number[];
  amountKyen: number[];
  projectCode: (string | null)[];
};

export const emptyStagedColumns = (): StagedColumns => ({
  line: [],
  externalId: [],
  bureauCode: [],
  projectName: [],
  fiscalYear: [],
  categoryMask: [],
  amountKyen: [],
  projectCode: [],
});

const categoriesFromMask = (mask: RawBuilder<unknown>) =>
  sql`array_remove(array[${sql.join(
    expenseCategoryBits.map(({ category, bit }) => sql`case when (${mask} & ${sql.lit(bit)}) <> 0 then ${sql.lit(category)} end`),
  )}]::text[], null)`;

export async function createImportStage(tx: Db): Promise<void> {
  await sql`
    create temp table expense_stage (
      line integer not null,
      external_id text not null,
      bureau_code text not null,
      project_name text not null,
      fiscal_year integer not null,
      categories text[] not null,
      amount_kyen bigint not null,
      project_code text
    ) on commit drop`.execute(tx);
  await sql`create temp table expense_created (id uuid primary key) on commit drop`.execute(tx);
  await sql`
    create temp table expense_budget (
      project_id uuid primary key,
      -- numeric: a sum of many lines may exceed bigint before we get to refuse it
      budget_jpy numeric not null
    ) on commit drop`.execute(tx);
}

/** Stage rows [from, to) with one INSERT … SELECT FROM unnest(…): eight array parameters, no per-row SQL. */
export async function stageRows(tx: Db, rows: StagedColumns, from: number, to: number): Promise<void> {
  const mask = sql`t.mask`;
  await sql`
    insert into expense_stage (line, external_id, bureau_code, project_name, fiscal_year, categories, amount_kyen, project_code)
    select t.line, t.external_id, t.bureau_code, t.project_name, t.fiscal_year, ${categoriesFromMask(mask)}, t.amount_kyen, t.project_code
    from unnest(
      ${sql.val(rows.line.slice(from, to))}::integer[],
      ${sql.val(rows.externalId.slice(from, to))}::text[],
      ${sql.val(rows.bureauCode.slice(from, to))}::text[],
      ${sql.val(rows.projectName.slice(from, to))}::text[],
      ${sql.val(rows.fiscalYear.slice(from, to))}::integer[],
      ${sql.val(rows.categoryMask.slice(from, to))}::integer[],
      ${sql.val(rows.amountKyen.slice(from, to))}::bigint[],
      ${sql.val(rows.projectCode.slice(from, to))}::text[]
    ) as t(line, external_id, bureau_code, project_name, fiscal_year, mask, amount_kyen, project_code)
  `.execute(tx);
}

/** Temporary tables are never auto-analysed; without statistics the planner picks nested loops over 100,000 rows. */
export async function analyzeStage(tx: Db, table: 'expense_stage' | 'expense_plan'): Promise<void> {
  await sql`analyze ${sql.table(table)}`.execute(tx);
}

export type StageProblem = { line: number; value: string; detail: string | null };

/** Lines naming a project code that is unknown, or that belongs to another bureau than the line's. */
export async function projectCodeProblems(tx: Db): Promise<StageProblem[]> {
  const result = await sql<{ line: number; projectCode: string; projectBureau: string | null }>`
    select s.line, s.project_code, p.bureau_code as project_bureau
    from expense_stage s left join project p on p.code = s.project_code
    where s.project_code is not null and (p.id is null or p.bureau_code <> s.bureau_code)
    order by s.line
    limit 1000`.execute(tx);
  return result.rows.map((r) => ({ line: r.line, value: r.projectCode, detail: r.projectBureau }));
}

/** Lines whose external id already belongs to a line of a bureau the importer may not write. */
export async function foreignLines(tx: Db, bureaus: string[]): Promise<StageProblem[]> {
  const result = await sql<{ line: number; externalId: string; bureauCode: string }>`
    select s.line, s.external_id, l.bureau_code
    from expense_stage s join expense_line l on l.external_id = s.external_id
    where not (l.bureau_code = any(${sql.val(bureaus)}::text[]))
    order by s.line
    limit 1000`.execute(tx);
  return result.rows.map((r) => ({ line: r.line, value: r.externalId, detail: r.bureauCode }));
}

/** A dry run goes on past row errors: drop the rows the checks above refused, so the preview counts only good rows. */
export async function dropRefusedStagedRows(tx: Db, writableBureaus: string[] | null): Promise<void> {
  await sql`
    delete from expense_stage s
    where s.project_code is not null
      and not exists (select 1 from project p where p.code = s.project_code and p.bureau_code = s.bureau_code)`.execute(tx);
  if (writableBureaus) {
    await sql`
      delete from expense_stage s using expense_line l
      where l.external_id = s.external_id and not (l.bureau_code = any(${sql.val(writableBureaus)}::text[]))`.execute(tx);
  }
}

export type NewProjectKey = { bureauCode: string; fiscalYear: number; projectName: string; budgetJpy: string; firstLine: number };

/**
 * The projects the file creates: one per bureau + fiscal year + name that no project has yet, with the
 * total of its lines (all of them are in the file, so this is its final budget).
 */
export async function newProjectKeys(tx: Db): Promise<NewProjectKey[]> {
  const result = await sql<NewProjectKey>`
    select s.bureau_code, s.fiscal_year, s.project_name, (sum(s.amount_kyen) * 1000)::text as budget_jpy, min(s.line) as first_line
    from expense_stage s
    where s.project_code is null
      and not exists (
        select 1 from project p where p.bureau_code = s.bureau_code and p.fiscal_year = s.fiscal_year and p.name = s.project_name)
    group by s.bureau_code, s.fiscal_year, s.project_name
    order by first_line`.execute(tx);
  return result.rows;
}

export type Evaluated = { tier: number | null; lowerBound: number; reviewerRole: TReviewerRole | null; oversight: string };
type WriteContext = { rulesetVersion: string; actorId: string; actorLabel: string; requestId: string | null; importId: string };

/**
 * Create the new projects with their final budget and tier in one statement, with their tier history
 * and audit events as data-modifying CTEs. Evaluations come once per distinct budget.
 */
export async function insertImportedProjects(
  tx: Db,
  keys: { bureauCode: string; fiscalYear: number; projectName: string; budgetJpy: number; searchText: string; searchGrams: string }[],
  evaluations: Map<number, Evaluated>,
  context: WriteContext,
): Promise<number> {
  if (!keys.length) return 0;
  const budgets = [...evaluations.keys()];
  const e = budgets.map((b) => evaluations.get(b)!);
  const result = await sql<{ created: number }>`
    with k as (
      select * from unnest(
        ${sql.val(keys.map((k) => k.projectName))}::text[],
        ${sql.val(keys.map((k) => k.bureauCode))}::text[],
        ${sql.val(keys.map((k) => k.fiscalYear))}::integer[],
        ${sql.val(keys.map((k) => k.budgetJpy))}::bigint[],
        ${sql.val(keys.map((k) => k.searchText))}::text[],
        ${sql.val(keys.map((k) => k.searchGrams))}::text[]
      ) with ordinality as t(name, bureau_code, fiscal_year, budget_jpy, search_text, search_grams, ordinal)
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
    created as (
      insert into project (name, bureau_code, fiscal_year, is_new, registration_trigger, budget_jpy, tier, tier_lower_bound,
        reviewer_role, oversight, ruleset_version, search_text, search_grams, created_by, updated_by)
      select k.name, k.bureau_code, k.fiscal_year, true, 'initial_budget', k.budget_jpy, v.tier, v.lower_bound, v.reviewer_role,
        v.oversight::jsonb, ${context.rulesetVersion}::text, k.search_text,
        coalesce(string_to_array(nullif(k.search_grams, ''), E'\\x1f'), '{}'), ${context.actorId}::uuid, ${context.actorId}::uuid
      from k join v on v.budget_jpy = k.budget_jpy
      order by k.ordinal
      returning id, code, name, bureau_code, fiscal_year, budget_jpy, tier, reviewer_role, version, is_new, registration_trigger
    ),
    remembered as (
      insert into expense_created (id) select id from created
    ),
    history as (
      insert into tier_history (project_id, from_tier, to_tier, from_reviewer_role, to_reviewer_role, ruleset_version, cause, actor_id)
      select id, null, tier, null, reviewer_role, ${context.rulesetVersion}, 'import', ${context.actorId}::uuid from created
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

/** Existing projects whose new total is beyond what the book stores exactly (¥9,000,000,000,000,000). */
export async function oversizedBudgets(tx: Db, maxJpy: number): Promise<{ code: string; line: number }[]> {
  const result = await sql<{ code: string; line: number }>`
    select p.code, min(s.line) as line
    from expense_budget b join project p on p.id = b.project_id join expense_plan s on s.project_id = b.project_id
    where b.budget_jpy > ${maxJpy}::numeric
    group by p.code
    order by line
    limit 100`.execute(tx);
  return result.rows;
}

export type BudgetCombo = {
  budgetJpy: number;
  maxDowntimeHours: number | null;
  confidentiality: string | null;
  tier: number | null;
  reviewerRole: TReviewerRole | null;
  projects: number;
};

/** The oversight inputs of the existing projects whose budget changes, grouped: the engine runs once per combination. */
export async function changedBudgetCombos(tx: Db, maxJpy: number): Promise<BudgetCombo[]> {
  const result = await sql<BudgetCombo>`
    select b.budget_jpy::bigint as budget_jpy, p.max_downtime_hours, p.confidentiality, p.tier, p.reviewer_role,
      count(*)::bigint as projects
    from expense_budget b join project p on p.id = b.project_id
    where p.budget_jpy is distinct from b.budget_jpy and b.budget_jpy <= ${maxJpy}::numeric
    group by 1, 2, 3, 4, 5`.execute(tx);
  return result.rows;
}

/** Lock the projects the import changes, so no edit slips between reading their inputs and writing. */
export async function lockBudgetProjects(tx: Db): Promise<void> {
  await sql`select p.id from project p join expense_budget b on b.project_id = p.id order by p.id for update of p`.execute(tx);
}

export type ComboEvaluation = Evaluated & { budgetJpy: number; maxDowntimeHours: number | null; confidentiality: string | null };
export type RerouteRow = {
  id: string;
  oldTier: number | null;
  oldReviewerRole: TReviewerRole | null;
  tier: number | null;
  reviewerRole: TReviewerRole | null;
};

/**
 * Write new budgets and tiers of existing projects for one chunk of evaluated combinations in one
 * statement, with tier history and audit events as data-modifying CTEs (no per-project round trips).
 * Projects with pending release requests get no history row here: the caller re-routes them with
 * recordTierChange, which writes it. A project whose new tier would be lower than the tier in force,
 * or that already waits on a tier decrease, gets only its new budget here: the caller settles its tier
 * one by one (`settle`), as an edit would (a decrease waits for the reviewer's consent).
 */
export async function applyBudgetChunk(
  tx: Db,
  chunk: ComboEvaluation[],
  context: WriteContext,
): Promise<{ updated: number; tierChanged: number; reroute: RerouteRow[]; settle: SettleRow[] }> {
  const values = sql.join(
    chunk.map(
      (e) =>
        sql`(${e.budgetJpy}::numeric, ${e.maxDowntimeHours}::double precision, ${e.confidentiality}::text, ${e.tier}::smallint, ${e.lowerBound}::smallint, ${e.reviewerRole}::text, ${e.oversight}::jsonb)`,
    ),
  );
  const changed = sql`(not u.settle and (u.old_tier is distinct from u.tier or u.old_reviewer_role is distinct from u.reviewer_role))`;
  const result = await sql<{ updated: number; tierChanged: number; reroute: RerouteRow[] | string; settle: SettleRow[] | string }>`
    with v(budget_jpy, max_downtime_hours, confidentiality, tier, lower_bound, reviewer_role, oversight) as (values ${values}),
    target as (
      select p.id, p.tier as old_tier, p.reviewer_role as old_reviewer_role, p.budget_jpy as old_budget_jpy,
        v.budget_jpy, v.tier, v.lower_bound, v.reviewer_role, v.oversight,
        exists (select 1 from release_request rr where rr.project_id = p.id and rr.status = 'pending') as has_pending,
        (coalesce(v.tier, 0) < coalesce(p.tier, 0)
          or exists (select 1 from tier_decrease d where d.project_id = p.id and d.status = 'pending')) as settle
      from expense_budget b
      join project p on p.id = b.project_id
      join v on v.budget_jpy = b.budget_jpy
        and p.max_downtime_hours is not distinct from v.max_downtime_hours
        and p.confidentiality is not distinct from v.confidentiality
      where p.budget_jpy is distinct from b.budget_jpy
    ),
    upd as (
      update project p set
        budget_jpy = t.budget_jpy::bigint,
        tier = case when t.settle then p.tier else t.tier end,
        tier_lower_bound = case when t.settle then p.tier_lower_bound else t.lower_bound end,
        reviewer_role = case when t.settle then p.reviewer_role else t.reviewer_role end,
        oversight = case when t.settle then p.oversight else t.oversight end,
        ruleset_version = case when t.settle then p.ruleset_version else ${context.rulesetVersion} end,
        version = p.version + 1, updated_at = now(), updated_by = ${context.actorId}::uuid
      from target t
      where p.id = t.id
      returning p.id, p.code, p.name, p.bureau_code, p.fiscal_year, p.budget_jpy, p.tier, p.reviewer_role, p.version, p.is_new,
        p.registration_trigger, t.old_tier, t.old_reviewer_role, t.old_budget_jpy, t.has_pending, t.settle
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
        filter (where u.settle), '[]'::json) as settle
    from upd u`.execute(tx);
  const row = result.rows[0]!;
  const parse = <T>(value: T[] | string): T[] => (typeof value === 'string' ? (JSON.parse(value) as T[]) : value);
  return { updated: Number(row.updated), tierChanged: Number(row.tierChanged), reroute: parse(row.reroute), settle: parse(row.settle) };
}

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

import type { Kysely } from 'kysely';
import { executeScript } from '../sql-script.ts';

/**
 * Summaries for the book statistics (GET /stats/registrations, /stats/stages, /stats/expenses), kept by
 * triggers so every write path — API, expense import, ruleset re-tier, bulk loads with COPY — keeps
 * them exact without knowing about them. Frozen in time like every migration.
 *
 * - stats.project_counts: projects by Japanese registration day, one column per current tier (unset =
 *   未設定), grouped by none of the statistics' filters (bureau, fiscal year, new or not, stage), each
 *   alone, all but the bureau, and all four. `dims` says which of the four a row keeps (bureau 1,
 *   fiscal year 2, is_new 4, stage 8: 0 = none, 14 = all but the bureau, 15 = all); the others are
 *   null. A request reads the smallest grouping that has its filters: days × a few rows.
 * - stats.expense_totals: expense lines by fiscal year × bureau, once per line (category null) and once
 *   per category of the line.
 *
 * Statement triggers with transition tables aggregate each statement once (a 20,000-project import or
 * a million-row re-tier is one GROUP BY, not one per row) and only append to the *_changes tables,
 * which have no key: writers never wait for each other on a summary row, so a long import cannot hold
 * up registrations and no two writers can deadlock on it. stats.fold_changes() moves the appended rows
 * into the keyed totals; readers call it, then sum totals and changes, so an answer is exact whether
 * or not a fold ran. The summaries live outside `public`: they are derived data, so a backup leaves
 * them out and a restore rebuilds them through these triggers as it inserts the rows.
 */
const registrationDay = (row: string) => `((${row}.created_at at time zone 'UTC') + interval '9 hours')::date`;
export const projectKey = (row: string) =>
  `${registrationDay(row)}, ${row}.bureau_code, ${row}.fiscal_year, ${row}.is_new, ${row}.stage, ${row}.tier`;
export const projectCountColumns = 'dims, day, bureau_code, fiscal_year, is_new, stage, tier1, tier2, tier3, unset';
const tierSums = ['tier = 1', 'tier = 2', 'tier = 3', 'tier is null'].map((t) => `coalesce(sum(projects) filter (where ${t}), 0)`);

/** `delta` gives (day, bureau_code, fiscal_year, is_new, stage, tier, projects ±n): the rows of every stored grouping. */
export const groupProjectDelta = (delta: string) => `
  select 15 - grouping(stage, is_new, fiscal_year, bureau_code), day, bureau_code, fiscal_year, is_new, stage, ${tierSums.join(', ')}
  from (${delta}) d (day, bureau_code, fiscal_year, is_new, stage, tier, projects)
  group by day, grouping sets (
    (), (bureau_code), (fiscal_year), (is_new), (stage), (fiscal_year, is_new, stage), (bureau_code, fiscal_year, is_new, stage))
  having ${tierSums.map((sum) => `${sum} <> 0`).join(' or ')}`;

export const expenseKey = (row: string) => `${row}.fiscal_year, ${row}.bureau_code, ${row}.categories, ${row}.amount_kyen`;
export const expenseTotalColumns = 'fiscal_year, bureau_code, category, lines, amount_kyen, category_sum_kyen';

/** `delta` gives (fiscal_year, bureau_code, categories, amount_kyen, sign ±1): one row per line and one per category of it. */
export const groupExpenseDelta = (delta: string) => `
  with d (fiscal_year, bureau_code, categories, amount_kyen, sign) as (${delta})
  select fiscal_year, bureau_code, category, sum(sign), sum(sign * amount_kyen), sum(sign * category_kyen)
  from (
    select fiscal_year, bureau_code, null::text, sign, amount_kyen, amount_kyen * cardinality(categories) from d
    union all
    select d.fiscal_year, d.bureau_code, c.category, d.sign, d.amount_kyen, 0 from d cross join lateral unnest(d.categories) c (category)
    where c.category is not null
  ) x (fiscal_year, bureau_code, category, sign, amount_kyen, category_kyen)
  group by fiscal_year, bureau_code, category
  having sum(sign) <> 0 or sum(sign * amount_kyen) <> 0 or sum(sign * category_kyen) <> 0`;

export async function up(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    create schema stats;

    create table stats.project_counts (
      dims smallint not null check (dims in (0, 1, 2, 4, 8, 14, 15)),
      day date not null,
      bureau_code text,
      fiscal_year integer,
      is_new boolean,
      stage text,
      tier1 bigint not null,
      tier2 bigint not null,
      tier3 bigint not null,
      unset bigint not null,
      -- Leads with the filters a request gives, so one request reads one range of its grouping, and
      -- carries the counts: an index-only scan, however the rows lie in the table.
      unique nulls not distinct (dims, bureau_code, stage, fiscal_year, is_new, day) include (tier1, tier2, tier3, unset)
    );
    create table stats.project_count_changes (like stats.project_counts);

    create table stats.expense_totals (
      fiscal_year integer not null,
      bureau_code text not null,
      -- null: each line once; otherwise each line once per category it is in.
      category text,
      lines bigint not null,
      amount_kyen bigint not null,
      -- Lines rows only: amount × number of categories, what adding up the category totals gives.
      category_sum_kyen bigint not null,
      unique nulls not distinct (fiscal_year, bureau_code, category)
    );
    create table stats.expense_total_changes (like stats.expense_totals);

    -- jit off: transition tables have no statistics, so the planner takes a join of two for millions
    -- of rows and compiles it (about 0.8 s), ten times what the statement itself takes.
    create function stats.count_project_changes() returns trigger language plpgsql set jit = off as $$
    begin
      if tg_op = 'INSERT' then
        insert into stats.project_count_changes (${projectCountColumns})
        ${groupProjectDelta(`select ${projectKey('n')}, 1 from new_rows n`)};
      elsif tg_op = 'DELETE' then
        insert into stats.project_count_changes (${projectCountColumns})
        ${groupProjectDelta(`select ${projectKey('o')}, -1 from old_rows o`)};
      else
        -- Only the rows whose counted columns changed (ids never change); most updates have none.
        insert into stats.project_count_changes (${projectCountColumns})
        ${groupProjectDelta(`
          select k.* from old_rows o join new_rows n on n.id = o.id
          cross join lateral (values (${projectKey('o')}, -1), (${projectKey('n')}, 1)) k
          where (${projectKey('o')}) is distinct from (${projectKey('n')})`)};
      end if;
      return null;
    end $$;
    create trigger project_counts_insert after insert on project
      referencing new table as new_rows for each statement execute function stats.count_project_changes();
    create trigger project_counts_update after update on project
      referencing old table as old_rows new table as new_rows for each statement execute function stats.count_project_changes();
    create trigger project_counts_delete after delete on project
      referencing old table as old_rows for each statement execute function stats.count_project_changes();

    create function stats.total_expense_changes() returns trigger language plpgsql set jit = off as $$
    begin
      if tg_op = 'INSERT' then
        insert into stats.expense_total_changes (${expenseTotalColumns})
        ${groupExpenseDelta(`select ${expenseKey('n')}, 1 from new_rows n`)};
      elsif tg_op = 'DELETE' then
        insert into stats.expense_total_changes (${expenseTotalColumns})
        ${groupExpenseDelta(`select ${expenseKey('o')}, -1 from old_rows o`)};
      else
        insert into stats.expense_total_changes (${expenseTotalColumns})
        ${groupExpenseDelta(`
          select k.* from old_rows o join new_rows n on n.id = o.id
          cross join lateral (values (${expenseKey('o')}, -1), (${expenseKey('n')}, 1)) k
          where (${expenseKey('o')}) is distinct from (${expenseKey('n')})`)};
      end if;
      return null;
    end $$;
    create trigger expense_totals_insert after insert on expense_line
      referencing new table as new_rows for each statement execute function stats.total_expense_changes();
    create trigger expense_totals_update after update on expense_line
      referencing old table as old_rows new table as new_rows for each statement execute function stats.total_expense_changes();
    create trigger expense_totals_delete after delete on expense_line
      referencing old table as old_rows for each statement execute function stats.total_expense_changes();

    -- TRUNCATE has no transition table: it empties the summary (project and expense_line are
    -- referenced by foreign keys, so truncating one truncates the other too, or fails).
    create function stats.forget_truncated() returns trigger language plpgsql as $$
    begin
      if tg_table_name = 'project' then
        delete from stats.project_counts;
        delete from stats.project_count_changes;
      else
        delete from stats.expense_totals;
        delete from stats.expense_total_changes;
      end if;
      return null;
    end $$;
    create trigger project_counts_truncate after truncate on project for each statement execute function stats.forget_truncated();
    create trigger expense_totals_truncate after truncate on expense_line for each statement execute function stats.forget_truncated();

    -- Move the appended changes into the totals, one key at a time in key order. One fold at a
    -- time: a caller that finds another one running returns at once (it reads the changes as they are).
    create function stats.fold_changes() returns void language plpgsql as $$
    begin
      if not pg_try_advisory_xact_lock(7023002) then
        return;
      end if;
      with moved as (delete from stats.project_count_changes returning *)
      insert into stats.project_counts as t (${projectCountColumns})
      select dims, day, bureau_code, fiscal_year, is_new, stage, sum(tier1), sum(tier2), sum(tier3), sum(unset) from moved
      group by dims, bureau_code, stage, fiscal_year, is_new, day
      order by dims, bureau_code, stage, fiscal_year, is_new, day
      on conflict (dims, bureau_code, stage, fiscal_year, is_new, day) do update set
        tier1 = t.tier1 + excluded.tier1, tier2 = t.tier2 + excluded.tier2, tier3 = t.tier3 + excluded.tier3, unset = t.unset + excluded.unset;

      with moved as (delete from stats.expense_total_changes returning *)
      insert into stats.expense_totals as t (${expenseTotalColumns})
      select fiscal_year, bureau_code, category, sum(lines), sum(amount_kyen), sum(category_sum_kyen) from moved
      group by fiscal_year, bureau_code, category
      order by fiscal_year, bureau_code, category
      on conflict (fiscal_year, bureau_code, category) do update set
        lines = t.lines + excluded.lines,
        amount_kyen = t.amount_kyen + excluded.amount_kyen,
        category_sum_kyen = t.category_sum_kyen + excluded.category_sum_kyen;
    end $$;

    -- The book as it is now.
    insert into stats.project_counts (${projectCountColumns})
    ${groupProjectDelta(`select ${projectKey('p')}, 1 from project p`)}
    order by 1, 3, 6, 4, 5, 2;
    insert into stats.expense_totals (${expenseTotalColumns})
    ${groupExpenseDelta(`select ${expenseKey('l')}, 1 from expense_line l`)};
    analyze stats.project_counts;
    analyze stats.expense_totals;
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    drop trigger expense_totals_truncate on expense_line;
    drop trigger project_counts_truncate on project;
    drop trigger expense_totals_delete on expense_line;
    drop trigger expense_totals_update on expense_line;
    drop trigger expense_totals_insert on expense_line;
    drop trigger project_counts_delete on project;
    drop trigger project_counts_update on project;
    drop trigger project_counts_insert on project;
    drop schema stats cascade;
  `,
  );
}

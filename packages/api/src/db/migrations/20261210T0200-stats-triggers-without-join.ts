import type { Kysely } from 'kysely';
import { executeScript } from '../sql-script.ts';
import {
  expenseKey,
  expenseTotalColumns,
  groupExpenseDelta,
  groupProjectDelta,
  projectCountColumns,
  projectKey,
} from './20261122T0150-stats-summaries.ts';

/**
 * The statistics triggers count an UPDATE without joining its old rows to its new ones. They joined
 * the two transition tables on id to keep only rows whose counted columns changed; transition tables
 * have no statistics, so that join of two copies of every row the statement wrote (2.5 kB each for a
 * project) was planned blind. After an import, a re-tier of 220,000 projects ran it for minutes,
 * spilling both sides to disk (performance §4.1). Now each old row counts −1 and each new row +1 in
 * the one GROUP BY the trigger already ran: a row whose counted columns did not change cancels out,
 * and the HAVING clause already drops groups that sum to nothing. Same rows appended, one pass over
 * each transition table, no join to plan.
 */
const countChanges = (projectUpdate: string, expenseUpdate: string) => `
  create or replace function stats.count_project_changes() returns trigger language plpgsql set jit = off as $$
  begin
    if tg_op = 'INSERT' then
      insert into stats.project_count_changes (${projectCountColumns})
      ${groupProjectDelta(`select ${projectKey('n')}, 1 from new_rows n`)};
    elsif tg_op = 'DELETE' then
      insert into stats.project_count_changes (${projectCountColumns})
      ${groupProjectDelta(`select ${projectKey('o')}, -1 from old_rows o`)};
    else
      insert into stats.project_count_changes (${projectCountColumns})
      ${groupProjectDelta(projectUpdate)};
    end if;
    return null;
  end $$;

  create or replace function stats.total_expense_changes() returns trigger language plpgsql set jit = off as $$
  begin
    if tg_op = 'INSERT' then
      insert into stats.expense_total_changes (${expenseTotalColumns})
      ${groupExpenseDelta(`select ${expenseKey('n')}, 1 from new_rows n`)};
    elsif tg_op = 'DELETE' then
      insert into stats.expense_total_changes (${expenseTotalColumns})
      ${groupExpenseDelta(`select ${expenseKey('o')}, -1 from old_rows o`)};
    else
      insert into stats.expense_total_changes (${expenseTotalColumns})
      ${groupExpenseDelta(expenseUpdate)};
    end if;
    return null;
  end $$;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    countChanges(
      `select ${projectKey('o')}, -1 from old_rows o union all select ${projectKey('n')}, 1 from new_rows n`,
      `select ${expenseKey('o')}, -1 from old_rows o union all select ${expenseKey('n')}, 1 from new_rows n`,
    ),
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    countChanges(
      `select k.* from old_rows o join new_rows n on n.id = o.id
        cross join lateral (values (${projectKey('o')}, -1), (${projectKey('n')}, 1)) k
        where (${projectKey('o')}) is distinct from (${projectKey('n')})`,
      `select k.* from old_rows o join new_rows n on n.id = o.id
        cross join lateral (values (${expenseKey('o')}, -1), (${expenseKey('n')}, 1)) k
        where (${expenseKey('o')}) is distinct from (${expenseKey('n')})`,
    ),
  );
}

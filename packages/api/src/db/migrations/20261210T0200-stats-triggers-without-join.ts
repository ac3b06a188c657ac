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
type Summary = { name: string; changes: string; columns: string; group: (delta: string) => string; key: (row: string) => string };

const projectCounts: Summary = {
  name: 'count_project_changes',
  changes: 'project_count_changes',
  columns: projectCountColumns,
  group: groupProjectDelta,
  key: projectKey,
};
const expenseTotals: Summary = {
  name: 'total_expense_changes',
  changes: 'expense_total_changes',
  columns: expenseTotalColumns,
  group: groupExpenseDelta,
  key: expenseKey,
};

/** The trigger function of a summary, counting an UPDATE from `update(key)`, a delta over old_rows and new_rows. */
const countFunction = ({ name, changes, columns, group, key }: Summary, update: (key: Summary['key']) => string) => `
  create or replace function stats.${name}() returns trigger language plpgsql set jit = off as $$
  begin
    if tg_op = 'INSERT' then
      insert into stats.${changes} (${columns}) ${group(`select ${key('n')}, 1 from new_rows n`)};
    elsif tg_op = 'DELETE' then
      insert into stats.${changes} (${columns}) ${group(`select ${key('o')}, -1 from old_rows o`)};
    else
      insert into stats.${changes} (${columns}) ${group(update(key))};
    end if;
    return null;
  end $$;
`;

const withoutJoin = (key: Summary['key']) => `select ${key('o')}, -1 from old_rows o union all select ${key('n')}, 1 from new_rows n`;
// As migration 20261122T0150 wrote it.
const joined = (key: Summary['key']) => `select k.* from old_rows o join new_rows n on n.id = o.id
  cross join lateral (values (${key('o')}, -1), (${key('n')}, 1)) k
  where (${key('o')}) is distinct from (${key('n')})`;

export async function up(db: Kysely<any>): Promise<void> {
  await executeScript(db, countFunction(projectCounts, withoutJoin) + countFunction(expenseTotals, withoutJoin));
}

export async function down(db: Kysely<any>): Promise<void> {
  await executeScript(db, countFunction(projectCounts, joined) + countFunction(expenseTotals, joined));
}

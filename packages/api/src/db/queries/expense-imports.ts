import type { Insertable } from 'kysely';
import type { Db } from '../database.ts';
import type { ExpenseImportTable } from '../schema.ts';

export const insertExpenseImport = (tx: Db, values: Insertable<ExpenseImportTable>) =>
  tx.insertInto('expenseImport').values(values).execute();

/** The import's summary, written once its lines are. */
export const setExpenseImportSummary = (tx: Db, id: string, summary: string) =>
  tx.updateTable('expenseImport').set({ summary }).where('id', '=', id).execute();

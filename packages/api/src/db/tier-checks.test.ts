/**
 * Every tier column is typed with core's TTier in db/schema.ts (enum-columns.ts's `tierColumns` does not
 * compile otherwise); these tests hold the database to the same: each such column refuses anything but
 * 1, 2, 3 (or null), and no tier column exists that the list, and so the type check, leaves out.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openTestDatabase, testDatabases } from '../testing/harness.ts';
import { migrateToLatest } from './database.ts';
import { tierColumns } from './enum-columns.ts';

const keyOf = (c: { table: string; column: string }) => `${c.table}.${c.column}`;

/**
 * The decision relation's tier is checked by its own migration but typed `number` in db/schema.ts: it is
 * the perf lane's table (docs/performance.md §4.1) and is read only through db/queries/oversight-table.ts.
 */
const typedElsewhere = ['oversight_decision.tier'];

describe.each(testDatabases())('tier columns on %s', (kind) => {
  it('are the ones typed TTier, and each allows exactly 1 to 3', async () => {
    const { db, close } = await openTestDatabase(kind);
    try {
      await migrateToLatest(db);
      // Every smallint column named for a tier (the statistics' tier1…tier3 are bigint counts, not tiers).
      const { rows: columns } = await sql<{ table: string; column: string }>`
        select c.table_name as "table", c.column_name as "column"
        from information_schema.columns c
        where c.table_schema = current_schema() and c.data_type = 'smallint' and c.column_name like '%tier%'
        order by 1, 2`.execute(db);
      expect(columns.map(keyOf).sort()).toEqual([...tierColumns.map(keyOf), ...typedElsewhere].sort());

      const { rows: checks } = await sql<{ table: string; column: string; definition: string }>`
        select t.relname as "table", a.attname as "column", pg_get_constraintdef(c.oid) as "definition"
        from pg_constraint c
        join pg_class t on t.oid = c.conrelid
        join pg_namespace n on n.oid = t.relnamespace
        join pg_attribute a on a.attrelid = t.oid and a.attnum = c.conkey[1]
        where c.contype = 'c' and n.nspname = current_schema() and cardinality(c.conkey) = 1`.execute(db);
      for (const column of columns) {
        const definitions = checks.filter((c) => keyOf(c) === keyOf(column)).map((c) => c.definition);
        expect({ column: keyOf(column), definitions }).toEqual({
          column: keyOf(column),
          definitions: [`CHECK (((${column.column} >= 1) AND (${column.column} <= 3)))`],
        });
      }
    } finally {
      await close();
    }
  });

  it('refuse a tier of 4 in a column that had no check before migration 20261209T0100', async () => {
    const { db, close } = await openTestDatabase(kind);
    try {
      await migrateToLatest(db);
      // A check is evaluated before the foreign keys, so the made-up project id is never reached.
      await expect(
        sql`insert into tech_review (fiscal_year, project_id, tier_at_extraction, extraction_ruleset_version)
            values (2026, gen_random_uuid(), 4, 'x')`.execute(db),
      ).rejects.toThrow(/tech_review_tier_at_extraction_check/);
    } finally {
      await close();
    }
  });
});

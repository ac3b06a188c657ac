import { type Kysely, sql } from 'kysely';
import { type EnumColumn, enumColumns } from './enum-columns.ts';

/** An enum-shaped check constraint as the database holds it. */
export type EnumCheck = { table: string; column: string; name: string; shape: EnumColumn['shape']; values: string[] };

const quoted = /'((?:[^']|'')*)'::text/g;

/**
 * Every single-column check constraint of the current schema that lists text values — `col = any
 * (array[…])` as PostgreSQL prints `col in (…)`, or `col <@ array[…]` — with the values it allows.
 */
export async function readEnumChecks(db: Kysely<any>): Promise<EnumCheck[]> {
  const { rows } = await sql<{ table: string; column: string; name: string; definition: string }>`
    select t.relname as "table", a.attname as "column", c.conname as "name", pg_get_constraintdef(c.oid) as "definition"
    from pg_constraint c
    join pg_class t on t.oid = c.conrelid
    join pg_namespace n on n.oid = t.relnamespace
    join pg_attribute a on a.attrelid = t.oid and a.attnum = c.conkey[1]
    where c.contype = 'c' and n.nspname = current_schema() and cardinality(c.conkey) = 1
    order by 1, 2, 3`.execute(db);
  return rows.flatMap((row) => {
    const shape = / = ANY \(ARRAY\[/.test(row.definition) ? 'scalar' : / <@ ARRAY\[/.test(row.definition) ? 'array' : null;
    if (!shape || !row.definition.includes("'::text")) return [];
    const values = [...row.definition.matchAll(quoted)].map((m) => m[1]!.replace(/''/g, "'"));
    return [{ table: row.table, column: row.column, name: row.name, shape, values }];
  });
}

const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

export function enumCheckSql(column: EnumColumn): string {
  const list = column.values.map(literal).join(', ');
  return column.shape === 'scalar' ? `${column.column} in (${list})` : `${column.column} <@ array[${list}]::text[]`;
}

const sameValues = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');

/**
 * Make the database's enum checks say what core's enums say: where a column's constraint is missing or
 * lists other values, drop it and add `<table>_<column>_check` from `enumColumns`. Runs after the
 * migrations, so a role or a document kind added to a registry needs no hand-written migration. Rows
 * holding a value the registry no longer has make the new constraint fail, and the start with it: a
 * value is removed by migrating its rows first.
 */
export async function syncEnumChecks(db: Kysely<any>, columns: readonly EnumColumn[] = enumColumns): Promise<string[]> {
  return db.transaction().execute(async (tx) => {
    // Two processes starting at once would otherwise both drop and add.
    await sql`select pg_advisory_xact_lock(hashtext('psbook.sync_enum_checks'))`.execute(tx);
    const existing = await readEnumChecks(tx);
    const changed: string[] = [];
    for (const column of columns) {
      const current = existing.filter((c) => c.table === column.table && c.column === column.column);
      if (current.length === 1 && current[0]!.shape === column.shape && sameValues(current[0]!.values, column.values)) continue;
      for (const check of current) await sql.raw(`alter table ${column.table} drop constraint ${check.name}`).execute(tx);
      const name = `${column.table}_${column.column}_check`;
      await sql.raw(`alter table ${column.table} add constraint ${name} check (${enumCheckSql(column)})`).execute(tx);
      changed.push(name);
    }
    return changed;
  });
}

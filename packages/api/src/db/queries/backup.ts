/**
 * The backup's statements (backup.ts): it reads and writes every table by name from the catalog, so
 * these take a table's description rather than a typed table, and run on `Kysely<any>` (a backup may
 * be of a database whose schema is older or newer than this build's).
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { BackupSequence, BackupTable } from '../../backup.ts';

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The public schema's tables, their columns, primary-key columns and foreign-key references, from the catalog. */
export async function readCatalog(db: Kysely<any>) {
  const tables = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by c.relname
  `.execute(db);
  const columns = await sql<{ table: string; name: string; type: string }>`
    select c.relname as table, a.attname as name, format_type(a.atttypid, a.atttypmod) as type
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
    order by c.relname, a.attnum
  `.execute(db);
  const keys = await sql<{ table: string; name: string }>`
    select c.relname as table, a.attname as name
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
    cross join lateral unnest(k.conkey) with ordinality as u(attnum, ord)
    join pg_attribute a on a.attrelid = c.oid and a.attnum = u.attnum
    where n.nspname = 'public' and k.contype = 'p'
    order by c.relname, u.ord
  `.execute(db);
  const references = await sql<{ table: string; references: string }>`
    select c.relname as table, r.relname as references
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class r on r.oid = k.confrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and k.contype = 'f'
  `.execute(db);
  return { tables: tables.rows, columns: columns.rows, keys: keys.rows, references: references.rows };
}

/** The names of the migrations applied, oldest first; none when the database has no migration table. */
export async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  const exists = await sql<{ ok: boolean }>`select to_regclass('public.kysely_migration') is not null as ok`.execute(db);
  if (!exists.rows[0]?.ok) return [];
  const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}

/**
 * Make the transaction one read-only snapshot, with times, dates and floats written the same way on
 * every server. Must be the transaction's first statement; PGlite has one connection, so this also
 * documents the guarantee there.
 */
export async function startBackupSnapshot(tx: Kysely<any>): Promise<void> {
  await sql`set transaction isolation level repeatable read, read only`.execute(tx);
  await sql`set local timezone = 'UTC'`.execute(tx);
  await sql`set local datestyle = 'ISO, YMD'`.execute(tx);
  await sql`set local extra_float_digits = 1`.execute(tx);
}

/**
 * One page of a table by its primary key (keyset, after the key values `after`), each row one JSON
 * array of text values (`line`) with its key values as text (`k0`, `k1`, …).
 */
export async function readTablePage(tx: Kysely<any>, table: BackupTable, after: (string | null)[] | null, pageRows: number) {
  const values = sql.raw(table.columns.map((c) => `${quoteIdent(c.name)}::text`).join(', '));
  const from = sql.raw(quoteIdent(table.name));
  // Without a primary key the physical row id is a stable key inside one snapshot.
  const key = table.primaryKey.length ? table.primaryKey : ['ctid'];
  const keyTypes = table.primaryKey.length ? table.primaryKey.map((k) => table.columns.find((c) => c.name === k)?.type ?? 'text') : ['tid'];
  const keyList = sql.raw(key.map((k) => (k === 'ctid' ? 'ctid' : quoteIdent(k))).join(', '));
  const keySelect = sql.raw(key.map((k, i) => `${k === 'ctid' ? 'ctid' : quoteIdent(k)}::text as k${i}`).join(', '));
  const where: RawBuilder<unknown> = after
    ? sql`where (${keyList}) > (${sql.join(after.map((v, i) => sql`${v}::${sql.raw(keyTypes[i]!)}`))})`
    : sql``;
  const page = await sql<Record<string, string | null>>`
      select json_build_array(${values})::text as line, ${keySelect}
      from ${from} ${where} order by ${keyList} limit ${pageRows}
    `.execute(tx);
  return page.rows;
}

/** Every sequence of the public schema with its state. */
export async function readSequences(tx: Kysely<any>): Promise<BackupSequence[]> {
  const names = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'S' order by c.relname
  `.execute(tx);
  const sequences: BackupSequence[] = [];
  for (const { name } of names.rows) {
    const state = await sql<{ lastValue: string; isCalled: boolean }>`
      select last_value::text as "lastValue", is_called as "isCalled" from ${sql.raw(quoteIdent(name))}
    `.execute(tx);
    const row = state.rows[0]!;
    sequences.push({ name, lastValue: row.lastValue, isCalled: row.isCalled });
  }
  return sequences;
}

export async function tableHasRows(tx: Kysely<any>, table: BackupTable): Promise<boolean> {
  const row = await sql<{ any: boolean }>`select exists (select from ${sql.raw(quoteIdent(table.name))}) as any`.execute(tx);
  return row.rows[0]?.any === true;
}

export async function setSequence(tx: Kysely<any>, s: BackupSequence): Promise<void> {
  await sql`select setval(${s.name}::regclass, ${s.lastValue}::bigint, ${s.isCalled})`.execute(tx);
}

/** One set-based INSERT for a batch: the rows travel as one JSON parameter and are cast in SQL. */
export async function insertBatch(tx: Kysely<any>, table: BackupTable, rowsJson: string): Promise<void> {
  const columns = sql.raw(table.columns.map((c) => quoteIdent(c.name)).join(', '));
  const values = sql.raw(table.columns.map((c, i) => `(r->>${i})::${c.type}`).join(', '));
  await sql`
    insert into ${sql.raw(quoteIdent(table.name))} (${columns}) overriding system value
    select ${values} from json_array_elements(${rowsJson}::json) as r
  `.execute(tx);
}

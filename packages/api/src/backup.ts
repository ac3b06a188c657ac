/**
 * `psbook backup` / `psbook restore`: a logical backup of our own, portable between the embedded
 * database (PGlite) and a PostgreSQL server.
 *
 * Format (format version 1): gzip'ed JSON lines.
 *   {"format":"psbook-backup","formatVersion":1,…,"migrations":[…],"tables":[{name,columns,primaryKey}]}
 *   {"table":"bureau"}            then one JSON array per row: every value as PostgreSQL's own text
 *   ["DSB","デジタルサービス局",…]   form (or null), so bigint, numeric, timestamps and arrays stay exact
 *   {"end":"bureau","rows":5}
 *   … every table in foreign-key order …
 *   {"sequences":[{"name":"project_code_seq","lastValue":"42","isCalled":true}]}
 *   {"complete":true,"rows":{"bureau":5,…}}
 * The trailer makes a truncated file detectable; gzip's CRC catches a corrupted one.
 *
 * The backup reads everything in one REPEATABLE READ READ ONLY transaction, so on a server it is a
 * consistent snapshot while the API keeps writing. Restore needs an empty database, migrates it to the
 * backup's schema, inserts every table in one transaction, sets the sequences, then applies the
 * migrations this version has beyond the backup.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { Config } from './config.ts';
import { DataDirLockedError, type OpenDatabase, openDatabase } from './db/database.ts';
import { syncEnumChecks } from './db/enum-checks.ts';
import { migrations } from './db/migrations/index.ts';
import {
  appliedMigrations,
  insertBatch,
  readCatalog,
  readSequences,
  readTablePage,
  setSequence,
  startBackupSnapshot,
  tableHasRows,
} from './db/queries/backup.ts';
import { withTransaction } from './db/transaction.ts';

export const backupFormat = 'psbook-backup';
export const backupFormatVersion = 1;

/** Kysely's own bookkeeping: recorded as the migration list in the header, never copied as data. */
const migrationTables = new Set(['kysely_migration', 'kysely_migration_lock']);
/** Rows per SELECT page while writing and per INSERT while restoring. */
const pageRows = 2000;
/** A restore INSERT also flushes at this many bytes of row text, so wide rows do not make huge statements. */
const batchBytes = 4 * 1024 * 1024;

export type BackupColumn = { name: string; type: string };
export type BackupTable = { name: string; columns: BackupColumn[]; primaryKey: string[] };
export type BackupHeader = {
  format: typeof backupFormat;
  formatVersion: number;
  createdAt: string;
  source: string;
  migrations: string[];
  tables: BackupTable[];
};
export type BackupSequence = { name: string; lastValue: string; isCalled: boolean };
export type BackupSummary = { tables: Record<string, number>; sequences: number; migrations: string[] };

/** Something the operator must fix (wrong file, non-empty target…): the CLI prints the message alone. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** User tables of the public schema with their columns, primary keys and foreign-key order. */
export async function describeTables(db: Kysely<any>): Promise<BackupTable[]> {
  const catalog = await readCatalog(db);

  const names = catalog.tables.map((t) => t.name).filter((name) => !migrationTables.has(name));
  const byName = new Map<string, BackupTable>(names.map((name) => [name, { name, columns: [], primaryKey: [] }]));
  for (const c of catalog.columns) byName.get(c.table)?.columns.push({ name: c.name, type: c.type });
  for (const k of catalog.keys) byName.get(k.table)?.primaryKey.push(k.name);

  // Parents before children (Kahn's algorithm, alphabetical among equals so the order is stable).
  // A table referring to itself needs no ordering between tables; a cycle between tables is refused.
  const parents = new Map<string, Set<string>>(names.map((name) => [name, new Set()]));
  for (const r of catalog.references) if (r.table !== r.references && byName.has(r.references)) parents.get(r.table)?.add(r.references);
  const ordered: BackupTable[] = [];
  const done = new Set<string>();
  while (ordered.length < names.length) {
    const ready = names.filter((name) => !done.has(name) && [...parents.get(name)!].every((p) => done.has(p)));
    if (!ready.length) {
      const left = names.filter((name) => !done.has(name));
      throw new BackupError(`the foreign keys between ${left.join(', ')} form a cycle: this backup format cannot order them`);
    }
    for (const name of ready) {
      done.add(name);
      ordered.push(byName.get(name)!);
    }
  }
  return ordered;
}

async function writeLine(out: Writable, line: string): Promise<void> {
  if (!out.write(`${line}\n`)) await once(out, 'drain');
}

/**
 * Write a backup of `db` to `out` (gzip is applied here). One read-only snapshot: rows written by
 * others while it runs are either wholly in the backup or wholly absent.
 */
export async function writeBackup(db: Kysely<any>, out: Writable, options: { source: string }): Promise<BackupSummary> {
  const gzip = createGzip({ level: 6 });
  const piped = gzip.pipe(out);
  const finished = once(piped, 'finish');
  const counts: Record<string, number> = {};
  let sequenceCount = 0;
  let migrationNames: string[] = [];
  await withTransaction(db, async (tx) => {
    // Must be the first statement of the transaction.
    await startBackupSnapshot(tx);
    migrationNames = await appliedMigrations(tx);
    if (!migrationNames.length) throw new BackupError('the database has no PS Book schema (no migrations applied): nothing to back up');
    const tables = await describeTables(tx);
    const header: BackupHeader = {
      format: backupFormat,
      formatVersion: backupFormatVersion,
      createdAt: new Date().toISOString(),
      source: options.source,
      migrations: migrationNames,
      tables,
    };
    await writeLine(gzip, JSON.stringify(header));
    for (const table of tables) {
      await writeLine(gzip, JSON.stringify({ table: table.name }));
      counts[table.name] = await writeTableRows(tx, gzip, table);
      await writeLine(gzip, JSON.stringify({ end: table.name, rows: counts[table.name] }));
    }
    // Read after the rows: sequences are not transactional, so this value is at least every value
    // the snapshot's rows used.
    const sequences = await readSequences(tx);
    sequenceCount = sequences.length;
    await writeLine(gzip, JSON.stringify({ sequences }));
    await writeLine(gzip, JSON.stringify({ complete: true, rows: counts }));
  });
  gzip.end();
  await finished;
  return { tables: counts, sequences: sequenceCount, migrations: migrationNames };
}

/** Page through a table by its primary key (keyset), each row one JSON array of text values. */
async function writeTableRows(tx: Kysely<any>, out: Writable, table: BackupTable): Promise<number> {
  const keyCount = Math.max(table.primaryKey.length, 1);
  let after: (string | null)[] | null = null;
  let count = 0;
  for (;;) {
    const page = await readTablePage(tx, table, after, pageRows);
    for (const row of page) await writeLine(out, row.line!);
    count += page.length;
    if (page.length < pageRows) return count;
    const last = page[page.length - 1]!;
    after = Array.from({ length: keyCount }, (_k, i) => last[`k${i}`] ?? null);
  }
}

/** Back up into `file`, written beside it first and renamed at the end, so a failed run leaves no file that looks whole. */
export async function backupToFile(db: Kysely<any>, file: string, options: { source: string }): Promise<BackupSummary> {
  const partial = `${file}.partial`;
  const out = createWriteStream(partial, { flags: 'w', mode: 0o600 });
  try {
    const summary = await writeBackup(db, out, options);
    renameSync(partial, file);
    return summary;
  } catch (error) {
    out.destroy();
    rmSync(partial, { force: true });
    throw error;
  }
}

type Control =
  | { table: string }
  | { end: string; rows: number }
  | { sequences: BackupSequence[] }
  | { complete: true; rows: Record<string, number> };

/** The lines of a backup file, gunzipped; the first is the header. */
async function* backupLines(file: string): AsyncGenerator<string> {
  const input = createReadStream(file);
  const gunzip = createGunzip();
  input.on('error', (error) => gunzip.destroy(error));
  const lines = createInterface({ input: input.pipe(gunzip), crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) yield line;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BackupError(`${file}: no such file`);
    if (code?.startsWith('Z_')) throw new BackupError(`${file} is not a PS Book backup or is damaged (gzip: ${(error as Error).message})`);
    throw error;
  } finally {
    lines.close();
    input.destroy();
  }
}

function parseHeader(file: string, line: string | undefined): BackupHeader {
  let header: Partial<BackupHeader> | null = null;
  try {
    header = line ? (JSON.parse(line) as Partial<BackupHeader>) : null;
  } catch {
    header = null;
  }
  if (!header || header.format !== backupFormat) throw new BackupError(`${file} is not a PS Book backup (no ${backupFormat} header)`);
  if (header.formatVersion !== backupFormatVersion) {
    throw new BackupError(
      `${file} has backup format version ${header.formatVersion}; this PS Book reads version ${backupFormatVersion}: use the PS Book version that wrote it`,
    );
  }
  if (!Array.isArray(header.migrations) || !Array.isArray(header.tables)) throw new BackupError(`${file}: the backup header is incomplete`);
  return header as BackupHeader;
}

/** Read only the header of a backup file. */
export async function readBackupHeader(file: string): Promise<BackupHeader> {
  for await (const line of backupLines(file)) return parseHeader(file, line);
  return parseHeader(file, undefined);
}

/** Bring an empty database to exactly the backup's schema, or refuse. */
async function prepareSchema(db: Kysely<any>, header: BackupHeader, file: string): Promise<void> {
  const known = Object.keys(migrations).sort();
  const unknown = header.migrations.filter((name) => !known.includes(name));
  if (unknown.length) {
    throw new BackupError(
      `${file} was written by a newer PS Book (migrations ${unknown.join(', ')} are unknown here): restore it with that version or later`,
    );
  }
  if (header.migrations.some((name, i) => known[i] !== name)) {
    throw new BackupError(`${file} has migrations ${header.migrations.join(', ')}, which are not a prefix of this version's migrations`);
  }
  const applied = await appliedMigrations(db);
  const target = header.migrations[header.migrations.length - 1]!;
  if (applied.length === 0) {
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateTo(target);
    if (error) throw new Error(`could not create the schema of the backup (up to ${target}): ${(error as Error).message}`);
    return;
  }
  if (applied.length !== header.migrations.length || applied.some((name, i) => header.migrations[i] !== name)) {
    throw new BackupError(
      `the target database is at migration ${applied[applied.length - 1]} but the backup at ${target}: ` +
        'restore into a new, empty database (psbook restore creates the schema itself)',
    );
  }
}

async function nonEmptyTables(tx: Kysely<any>, tables: BackupTable[]): Promise<string[]> {
  const found: string[] = [];
  for (const table of tables) {
    if (await tableHasRows(tx, table)) found.push(table.name);
  }
  return found;
}

/**
 * Restore `file` into `db`, which must be empty (no rows in any table; schema absent or at the
 * backup's migration). Everything is inserted in one transaction: on any error nothing stays.
 */
export async function restoreFromFile(db: Kysely<any>, file: string): Promise<BackupSummary> {
  const lines = backupLines(file);
  try {
    return await restoreLines(db, file, lines);
  } finally {
    await lines.return(undefined);
  }
}

async function restoreLines(db: Kysely<any>, file: string, lines: AsyncGenerator<string>): Promise<BackupSummary> {
  const first = await lines.next();
  const header = parseHeader(file, first.done ? undefined : first.value);
  await prepareSchema(db, header, file);

  const counts: Record<string, number> = {};
  let sequenceCount = 0;
  let complete = false;
  await withTransaction(db, async (tx) => {
    const targetTables = new Map((await describeTables(tx)).map((t) => [t.name, t]));
    const occupied = await nonEmptyTables(tx, [...targetTables.values()]);
    if (occupied.length) {
      throw new BackupError(
        `the target database is not empty (rows in ${occupied.join(', ')}): restore only into a new database, never over data`,
      );
    }
    const headerTables = new Map(header.tables.map((t) => [t.name, t]));
    for (const table of header.tables) {
      const target = targetTables.get(table.name);
      if (!target) throw new BackupError(`${file}: table ${table.name} does not exist in the target database`);
      for (const column of table.columns) {
        const targetColumn = target.columns.find((c) => c.name === column.name);
        if (!targetColumn || targetColumn.type !== column.type) {
          throw new BackupError(
            `${file}: column ${table.name}.${column.name} (${column.type}) does not match the target (${targetColumn?.type ?? 'missing'})`,
          );
        }
      }
    }

    let current: BackupTable | null = null;
    let batch: string[] = [];
    let bytes = 0;
    let rowsInTable = 0;
    const flush = async () => {
      if (!current || !batch.length) return;
      await insertBatch(tx, current, `[${batch.join(',')}]`);
      rowsInTable += batch.length;
      batch = [];
      bytes = 0;
    };
    for await (const line of lines) {
      if (line.startsWith('[')) {
        if (!current) throw new BackupError(`${file}: a row outside any table section`);
        batch.push(line);
        bytes += line.length;
        if (batch.length >= pageRows || bytes >= batchBytes) await flush();
        continue;
      }
      let control: Control;
      try {
        control = JSON.parse(line) as Control;
      } catch {
        throw new BackupError(`${file}: unreadable line (${line.slice(0, 60)}…)`);
      }
      if ('table' in control) {
        current = headerTables.get(control.table) ?? null;
        if (!current) throw new BackupError(`${file}: rows of ${control.table}, which the header does not list`);
        rowsInTable = 0;
      } else if ('end' in control) {
        await flush();
        if (!current || control.end !== current.name || control.rows !== rowsInTable) {
          throw new BackupError(`${file}: table ${control.end} should have ${control.rows} rows, read ${rowsInTable}`);
        }
        counts[current.name] = rowsInTable;
        current = null;
      } else if ('sequences' in control) {
        for (const s of control.sequences) {
          await setSequence(tx, s);
        }
        sequenceCount = control.sequences.length;
      } else if ('complete' in control) {
        for (const table of header.tables) {
          if (counts[table.name] !== control.rows[table.name]) throw new BackupError(`${file}: table ${table.name} is incomplete`);
        }
        complete = true;
      }
    }
    // Throwing here rolls everything back: a truncated file restores nothing.
    if (!complete) throw new BackupError(`${file} is truncated (no end marker): nothing was restored`);
  });
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateToLatest();
  if (error) throw new Error(`restored, but applying newer migrations failed: ${(error as Error).message}`);
  await syncEnumChecks(db);
  return { tables: counts, sequences: sequenceCount, migrations: header.migrations };
}

/** Open the configured database for a backup or restore; a data directory held by a server is a clear refusal. */
async function openForCommand(config: Config, verb: 'backup' | 'restore'): Promise<OpenDatabase> {
  if (!config.databaseUrl && verb === 'backup' && !existsSync(join(config.dataDir, 'pgdata'))) {
    throw new BackupError(`there is no embedded database at ${config.dataDir} (set PSBOOK_DATA_DIR, or DATABASE_URL for a server)`);
  }
  try {
    return await openDatabase(config);
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      const pid = /\(pid (\d+)\)/.exec(error.message)?.[1] ?? '?';
      const what = verb === 'backup' ? 'back up' : 'restore into';
      throw new BackupError(
        `cannot ${what} ${config.dataDir}: PS Book process ${pid} is using it, and the embedded database allows one process per data directory.\n` +
          `Stop that server (its data stays), run psbook ${verb} again, then start it again. ` +
          'To back up while the API keeps running, use a PostgreSQL server (DATABASE_URL): there psbook backup reads one consistent snapshot.',
      );
    }
    throw error;
  }
}

const totalRows = (summary: BackupSummary) => Object.values(summary.tables).reduce((a, b) => a + b, 0);

/** `psbook backup <file>` */
export async function runBackupCommand(config: Config, file: string, log: (line: string) => void): Promise<BackupSummary> {
  const target = resolve(file);
  const database = await openForCommand(config, 'backup');
  try {
    const started = Date.now();
    const summary = await backupToFile(database.db, target, { source: `${database.kind} ${database.location}` });
    log(
      `backup of ${database.location} written to ${target}: ${totalRows(summary)} rows in ${Object.keys(summary.tables).length} tables, ` +
        `schema at ${summary.migrations[summary.migrations.length - 1]}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return summary;
  } finally {
    await database.close();
  }
}

/** `psbook restore <file>` */
export async function runRestoreCommand(config: Config, file: string, log: (line: string) => void): Promise<BackupSummary> {
  const source = resolve(file);
  if (!existsSync(source)) throw new BackupError(`${source}: no such file`);
  await readBackupHeader(source);
  const database = await openForCommand(config, 'restore');
  try {
    const started = Date.now();
    const summary = await restoreFromFile(database.db, source);
    log(
      `restored ${source} into ${database.location}: ${totalRows(summary)} rows in ${Object.keys(summary.tables).length} tables, ` +
        `${summary.sequences} sequences, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return summary;
  } finally {
    await database.close();
  }
}

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, PGliteDialect, PostgresDialect, type Transaction } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { acceptCopyFromStdin, withCopyFromStdin } from './copy.ts';
import { migrations } from './migrations/index.ts';
import { readFreshCluster, restoreFreshCluster } from './pglite-cluster.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
export type DatabaseKind = 'pglite' | 'postgres';

export type OpenDatabase = {
  db: Db;
  kind: DatabaseKind;
  /** Where the data lives: the data directory or the server URL without its password. */
  location: string;
  close(): Promise<void>;
};

/**
 * bigint columns hold integer yen and counts. Both drivers hand them over as text; we turn them into
 * numbers only when that is exact, so money never passes through floating point by accident.
 */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`integer ${text} is beyond the exact range of a number`);
  return value;
}
const INT8 = 20;
const DATE = 1082;
const identity = (text: string) => text;

export class DataDirLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The data directory ${dataDir} is in use by another PS Book process (pid ${pid}). ` +
        'The embedded database allows one process per directory: stop that process, or set PSBOOK_DATA_DIR to another directory, or use DATABASE_URL for a PostgreSQL server.',
    );
    this.name = 'DataDirLockedError';
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One process per embedded data directory: PGlite would corrupt it otherwise. The lock file holds the
 * owner's pid, so a lock left by a killed process is taken over instead of blocking for ever.
 */
function lockDataDir(dataDir: string): () => void {
  const lockPath = join(dataDir, 'psbook.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isProcessAlive(owner)) {
        throw new DataDirLockedError(dataDir, owner);
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

/**
 * PostgreSQL's 128 MB default of shared_buffers is memory the process keeps for good once touched
 * (WebAssembly memory never shrinks); 16 MB keeps a demo-sized book and its indexes cached and saved
 * 100–140 MB of resident memory. The server's file reads behind it are the OS page cache's.
 */
const pgliteStartParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/**
 * V8 compiles PGlite's 9 MB of WebAssembly at once with its baseline compiler (Liftoff), then by
 * default recompiles every function that turns hot with its optimising compiler (TurboFan) on
 * background threads. Postgres turns hundreds of functions hot while it migrates and seeds, so that
 * recompiling cost more CPU than the rest of a first start (migrations 2.3 s of CPU → 0.6 s without
 * it) and kept ~100 MB of code and compiler memory resident. Measured without it: ready in about half
 * the time, 90–110 MB less memory; indexed reads as fast, scans and aggregates in Postgres 20–40%
 * slower. The flag is process-wide but only PGlite runs WebAssembly here, and it has to be set before
 * the first PGlite compiles its module.
 */
function useBaselineWasmCompilerOnly() {
  setFlagsFromString('--liftoff-only');
}

/**
 * Create the cluster of a new data directory. From the shipped fresh cluster when there is one for
 * the installed PGlite (no initdb); otherwise PGlite's own initdb, after which that instance is closed,
 * so the memory initdb grew leaves with it instead of staying resident for the life of the server.
 */
async function createPgliteCluster(pgdata: string): Promise<void> {
  if (restoreFreshCluster(pgdata)) return;
  const initdb = await PGlite.create(pgdata, { startParams: pgliteStartParams });
  await initdb.close();
}

export async function openPglite(dataDir: string | null): Promise<OpenDatabase> {
  useBaselineWasmCompilerOnly();
  let unlock = () => {};
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  try {
    const options = { parsers: { [INT8]: parseInt8, [DATE]: identity }, startParams: pgliteStartParams };
    let pglite: PGlite;
    if (dataDir) {
      const pgdata = join(dataDir, 'pgdata');
      if (!existsSync(join(pgdata, 'PG_VERSION'))) await createPgliteCluster(pgdata);
      pglite = await PGlite.create(pgdata, options);
    } else {
      const fresh = readFreshCluster();
      pglite = await PGlite.create('memory://', fresh ? { ...options, loadDataDir: new Blob([fresh]) } : options);
    }
    const db = new Kysely<Database>({
      dialect: new PGliteDialect({ pglite: withCopyFromStdin(pglite) }),
      plugins: [new CamelCasePlugin()],
    });
    return {
      db,
      kind: 'pglite',
      location: dataDir ?? 'memory',
      async close() {
        await db.destroy();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

/**
 * A PostgreSQL server through node-postgres (decision 0007: postgres.js crashed the process and kept
 * dead connections when the server restarted). Types: bigint through `parseInt8`, dates as text; json
 * and jsonb are parsed by pg itself, and we hand it JSON text for jsonb parameters.
 */
export function openPostgres(url: string, options: { poolSize?: number; onError?: (error: Error) => void } = {}): OpenDatabase {
  const parsers = new Map<number, (text: string) => unknown>([
    [INT8, parseInt8],
    [DATE, identity],
  ]);
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      parsers.get(oid) ?? pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // A request waits at most this long for a connection, so an unreachable server means a prompt 503.
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 60_000,
    keepAlive: true,
    types,
  });
  // The operator's one sign of an outage: requests meanwhile answer 503 and are not logged one by one.
  const report = options.onError ?? ((error: Error) => console.error(`[psbook] database connection: ${error.message}`));
  pool.on('connect', (client) => {
    // A connection the server drops emits 'error'. The pool listens while a connection is idle; while
    // Kysely holds it nobody would, and an unheard 'error' event ends the process. The query in flight
    // is rejected anyway (→ 503), and pg-pool discards the broken connection when it is released.
    client.on('error', report);
    prepareStatements(client);
    // After prepareStatements, so a marked COPY is never prepared (copy.ts).
    acceptCopyFromStdin(client);
  });
  pool.on('error', report);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
  const parsed = new URL(url);
  parsed.password = '';
  return {
    db,
    kind: 'postgres',
    location: parsed.toString(),
    close: () => db.destroy(),
  };
}

const statementNames = new Map<string, string>();
/** Longer statements (bulk VALUES lists) are rare and would pin server memory per connection. */
const maxPreparedLength = 4096;
const maxPreparedPerConnection = 500;

/**
 * Kysely hands node-postgres bare text, which it sends as an unnamed statement: parsed and planned on
 * every call. Naming a statement by its text makes pg prepare it once per connection, as postgres.js
 * did; the list benchmark lost a third of its throughput without it (performance.md §4.2). Bounded per
 * connection, and only for statements of ordinary length.
 */
function prepareStatements(client: pg.PoolClient) {
  const query = client.query.bind(client) as (config: pg.QueryConfig) => Promise<pg.QueryResult>;
  const prepared = new Set<string>();
  client.query = ((text: unknown, values?: unknown) => {
    if (typeof text !== 'string' || !Array.isArray(values) || text.length > maxPreparedLength) {
      return (query as (...args: unknown[]) => unknown)(text, values);
    }
    let name = statementNames.get(text);
    if (!name) {
      name = `psb_${createHash('sha1').update(text).digest('base64url')}`;
      if (statementNames.size >= 10_000) statementNames.clear();
      statementNames.set(text, name);
    }
    if (!prepared.has(name)) {
      if (prepared.size >= maxPreparedPerConnection) return query({ text, values });
      prepared.add(name);
    }
    return query({ name, text, values });
  }) as typeof client.query;
}

export async function openDatabase(config: { databaseUrl: string | null; dataDir: string; dbPoolSize?: number }): Promise<OpenDatabase> {
  return config.databaseUrl ? openPostgres(config.databaseUrl, { poolSize: config.dbPoolSize }) : openPglite(config.dataDir);
}

function createMigrator(db: Kysely<any>) {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/** Apply every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results } = await createMigrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${(error as Error).message}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of migrations not yet applied (empty when the schema is current). */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const all = await createMigrator(db).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}

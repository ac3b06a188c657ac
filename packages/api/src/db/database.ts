import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, PGliteDialect, type Transaction } from 'kysely';
import { Migrator } from 'kysely/migration';
import { PostgresJSDialect } from 'kysely-postgres-js';
import postgres from 'postgres';
import { migrations } from './migrations/index.ts';
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
const JSON_OID = 114;
const JSONB = 3802;
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

export async function openPglite(dataDir: string | null): Promise<OpenDatabase> {
  let unlock = () => {};
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  try {
    const pglite = await PGlite.create(dataDir ? join(dataDir, 'pgdata') : 'memory://', {
      parsers: { [INT8]: parseInt8, [DATE]: identity },
    });
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), plugins: [new CamelCasePlugin()] });
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

export function openPostgres(url: string, options: { poolSize?: number } = {}): OpenDatabase {
  const client = postgres(url, {
    max: options.poolSize ?? 10,
    connect_timeout: 5,
    idle_timeout: 60,
    onnotice: () => {},
    types: {
      int8: { to: INT8, from: [INT8], serialize: (v: number) => String(v), parse: parseInt8 },
      date: { to: DATE, from: [DATE], serialize: (v: string) => v, parse: identity },
      // We hand jsonb columns JSON text (PGlite takes text as is); postgres.js would encode it again.
      json: {
        to: JSONB,
        from: [JSON_OID, JSONB],
        serialize: (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v)),
        parse: (v: string) => JSON.parse(v),
      },
    },
  });
  const db = new Kysely<Database>({ dialect: new PostgresJSDialect({ postgres: client }), plugins: [new CamelCasePlugin()] });
  const parsed = new URL(url);
  parsed.password = '';
  return {
    db,
    kind: 'postgres',
    location: parsed.toString(),
    close: () => db.destroy(),
  };
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

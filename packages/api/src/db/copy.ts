/**
 * `COPY … FROM STDIN` through a Kysely transaction, on both databases (decision 0015).
 *
 * Kysely has no COPY, and the connection a transaction holds is private to it. So the statement goes
 * through the transaction like any other, carrying a marker; the driver layer below Kysely recognises
 * the marker and feeds the statement from the registered source:
 * - node-postgres: `pg-copy-streams` turns the statement into a writable stream on the transaction's
 *   own connection, and the source is piped into it (back-pressure included: the source is pulled only
 *   as fast as the server takes rows);
 * - PGlite: its COPY reads from the virtual file `/dev/blob`, one whole Blob per statement, so the
 *   source is cut into blobs of at most `pgliteBlobBytes` and each is one `COPY … FROM '/dev/blob'`
 *   in the same transaction.
 * Either way, at most one blob (PGlite) or one stream buffer (PostgreSQL) of the source is in memory.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from './database.ts';

/** Chunks of COPY text (`FORMAT text`), each ending at the end of a row. */
export type CopySource = AsyncIterable<string>;

const sources = new Map<string, CopySource>();
const markerPattern = /\/\* psbook-copy:([0-9a-f-]{36}) \*\/$/;
/** Large enough that a COPY's fixed cost is amortised, small enough to stay a few MB of memory. */
const pgliteBlobBytes = 4 * 1024 * 1024;

function takeSource(text: string): CopySource | null {
  const token = markerPattern.exec(text)?.[1];
  if (!token) return null;
  const source = sources.get(token) ?? null;
  sources.delete(token);
  return source;
}

/**
 * COPY the rows of `source` into `table` (its `columns`, in order) on the connection of `db`, which
 * is a transaction or the database itself. Returns the number of rows copied.
 */
export async function copyInto(db: Db, table: string, columns: string[], source: CopySource): Promise<number> {
  const token = randomUUID();
  sources.set(token, source);
  try {
    const statement = `copy ${table} (${columns.join(', ')}) from stdin /* psbook-copy:${token} */`;
    const result = await sql<{ count: number }>`${sql.raw(statement)}`.execute(db);
    return Number(result.rows[0]?.count ?? 0);
  } finally {
    sources.delete(token);
  }
}

/** The text form of one COPY field: backslash, tab and line ends escaped; NUL, which text cannot hold, as U+001A (substitute). */
export function copyField(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters COPY's text format reserves
  return /[\\\t\n\r\u0000]/.test(value) ? value.replace(/[\\\t\n\r\u0000]/g, (c) => copyEscapes[c]!) : value;
}
const copyEscapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\u0000': '\u001a' };

/* ---------------------------------------------------------------- node-postgres */

type QueryFn = (text: unknown, values?: unknown) => unknown;

/** Called once per new pool connection: its `query` accepts the marked COPY statements. */
export function acceptCopyFromStdin(client: pg.PoolClient): void {
  const query = client.query.bind(client) as QueryFn;
  client.query = ((text: unknown, values?: unknown) => {
    const source = typeof text === 'string' ? takeSource(text) : null;
    if (!source) return query(text, values);
    return copyThroughStream(query, text as string, source);
  }) as typeof client.query;
}

async function copyThroughStream(query: QueryFn, text: string, source: CopySource) {
  const stream = query(copyFrom(text)) as ReturnType<typeof copyFrom>;
  await pipeline(Readable.from(source), stream);
  return { command: 'COPY', rowCount: stream.rowCount, rows: [{ count: stream.rowCount }], fields: [] };
}

/* ---------------------------------------------------------------- PGlite */

type PgliteQuery = (text: string, params?: unknown[], options?: Record<string, unknown>) => Promise<{ affectedRows?: number }>;

/** Cut the source into Blobs of about `pgliteBlobBytes`, at row ends. */
async function* blobsOf(source: CopySource): AsyncGenerator<Blob> {
  let pieces: string[] = [];
  let size = 0;
  for await (const chunk of source) {
    pieces.push(chunk);
    size += chunk.length;
    if (size >= pgliteBlobBytes) {
      yield new Blob(pieces);
      pieces = [];
      size = 0;
    }
  }
  if (size > 0) yield new Blob(pieces);
}

function copyThroughBlobs(query: PgliteQuery): PgliteQuery {
  return async (text, params, options) => {
    const source = takeSource(text);
    if (!source) return query(text, params, options);
    const statement = text.replace(markerPattern, '').replace(/ from stdin\s*$/, " from '/dev/blob'");
    let count = 0;
    for await (const blob of blobsOf(source)) {
      const result = await query(statement, [], { ...options, blob });
      count += result.affectedRows ?? 0;
    }
    return { rows: [{ count }], affectedRows: count, fields: [] };
  };
}

/**
 * The PGlite instance as Kysely's dialect should see it: the same instance, whose `query` and whose
 * transactions' `query` accept the marked COPY statements.
 */
export function withCopyFromStdin(pglite: PGlite): PGlite {
  return new Proxy(pglite, {
    get(target, property) {
      if (property === 'query') return copyThroughBlobs(target.query.bind(target) as PgliteQuery);
      if (property === 'transaction') {
        return <T>(fn: (tx: object) => Promise<T>) =>
          target.transaction((tx) =>
            fn(
              new Proxy(tx, {
                get: (t, p) => (p === 'query' ? copyThroughBlobs(t.query as PgliteQuery) : Reflect.get(t, p)),
              }),
            ),
          );
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

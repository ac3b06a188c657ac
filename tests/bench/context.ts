import type postgres from 'postgres';
import type { HttpClient } from '../support/http.ts';
import type { ServerProcess } from '../support/server.ts';

/** What every benchmark gets: the loaded book on a PostgreSQL server, the real API server on it, and clients for both. */
export type BenchContext = {
  /** Projects in the book. */
  n: number;
  databaseUrl: string;
  /** A direct postgres.js client for the limits (enough connections for the load tests). */
  sql: postgres.Sql;
  /** The real server process (`psbook serve`) on databaseUrl. */
  api: ServerProcess;
  http: HttpClient;
  /** Bearer token of a reader of the whole book (the chief CIO advisor). */
  readerToken: string;
  /** Bearer token of an admin (writes anywhere). */
  adminToken: string;
  /** Closed-loop load duration per measured path. */
  durationMs: number;
  /** Concurrency of the load tests. */
  clients: number;
  retierCapSeconds: number;
  log(message: string): void;
};

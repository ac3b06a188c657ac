import type { Db } from './database.ts';

/**
 * The one way code outside db/ opens a transaction (decision 0022). `work` runs in the caller's
 * transaction when `db` already is one, in a new one otherwise, so domain verbs compose: the demo
 * seed, the CLI or a bulk job calls several verbs inside one transaction and they commit together.
 * Opening a transaction inside a transaction is not possible (Kysely refuses it; PGlite, with one
 * connection, would wait for itself for ever), which is why nothing calls `.transaction()` itself.
 */
export function withTransaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

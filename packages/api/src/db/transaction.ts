import { sql } from 'kysely';
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

/**
 * Run `work` in a new READ ONLY transaction at REPEATABLE READ: one consistent snapshot of the book, and
 * the database itself refuses any write (the rules simulation). Setting the isolation level must be a
 * transaction's first statement, so this never joins the caller's transaction: called inside one, it
 * fails (Kysely refuses a transaction inside a transaction) rather than run on a snapshot it did not set.
 */
export function withReadOnlySnapshot<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`set transaction isolation level repeatable read, read only`.execute(tx);
    return work(tx);
  });
}

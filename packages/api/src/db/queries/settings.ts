import { sql } from 'kysely';
import type { Db } from '../database.ts';

/** The instance settings (key → JSON value), each with its own version for concurrent edits. */
export const findInstanceSetting = (db: Db, key: string) =>
  db.selectFrom('instanceSetting').select(['value', 'version', 'updatedAt']).where('key', '=', key).executeTakeFirst();

/** The setting locked for the rest of the transaction (undefined when it was never set). */
export const lockInstanceSetting = (tx: Db, key: string) =>
  tx.selectFrom('instanceSetting').select(['value', 'version']).where('key', '=', key).forUpdate().executeTakeFirst();

/** Set a setting the caller has locked (or found unset), counting its version up; its new version and time. */
export const writeInstanceSetting = (tx: Db, key: string, value: unknown, updatedBy: string, exists: boolean) =>
  exists
    ? tx
        .updateTable('instanceSetting')
        .set({ value: JSON.stringify(value), version: sql`version + 1`, updatedAt: new Date(), updatedBy })
        .where('key', '=', key)
        .returning(['version', 'updatedAt'])
        .executeTakeFirstOrThrow()
    : tx
        .insertInto('instanceSetting')
        .values({ key, value: JSON.stringify(value), updatedBy })
        .returning(['version', 'updatedAt'])
        .executeTakeFirstOrThrow();

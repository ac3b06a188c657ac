import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openTestDatabase, testDatabases } from '../testing/harness.ts';
import { migrateToLatest, pendingMigrations } from './database.ts';
import { migrations } from './migrations/index.ts';

describe.each(testDatabases())('migrations on %s', (kind) => {
  it('apply from empty, then have nothing pending, and re-running is a no-op', async () => {
    const { db, close } = await openTestDatabase(kind);
    try {
      expect(await pendingMigrations(db)).toEqual(Object.keys(migrations));
      expect(await migrateToLatest(db)).toEqual(Object.keys(migrations));
      expect(await pendingMigrations(db)).toEqual([]);
      expect(await migrateToLatest(db)).toEqual([]);
      const tables = await sql<{
        tablename: string;
      }>`select tablename from pg_tables where schemaname = 'public' order by tablename`.execute(db);
      expect(tables.rows.map((r) => r.tablename)).toEqual(
        expect.arrayContaining([
          'project',
          'audit_event',
          'canvas_revision',
          'kpi_measurement',
          'release_request',
          'tech_review',
          'expense_line',
          'tier_history',
          'procurement',
        ]),
      );
    } finally {
      await close();
    }
  });

  it('make audit events append-only in the database itself', async () => {
    const { db, close } = await openTestDatabase(kind);
    try {
      await migrateToLatest(db);
      await db.insertInto('auditEvent').values({ actorLabel: 'test', action: 'x', entityType: 'y', entityId: 'z' }).execute();
      await expect(db.updateTable('auditEvent').set({ action: 'changed' }).execute()).rejects.toThrow(/append-only/);
      await expect(db.deleteFrom('auditEvent').execute()).rejects.toThrow(/append-only/);
      await expect(sql`truncate audit_event`.execute(db)).rejects.toThrow(/append-only/);
      const rows = await db.selectFrom('auditEvent').select('action').execute();
      expect(rows).toEqual([{ action: 'x' }]);
    } finally {
      await close();
    }
  });
});

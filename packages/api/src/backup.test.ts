import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupError, backupToFile, readBackupHeader, restoreFromFile } from './backup.ts';
import type { Db } from './db/database.ts';
import { createProject } from './domain/projects.ts';
import { createTestApp, openTestDatabase, type TestApp, testDatabases } from './testing/harness.ts';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'psbook-backup-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const countRows = async (db: Db, table: string) =>
  Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db)).rows[0]!.n);

/** Rewrite a backup's JSON lines (to damage it on purpose) and gzip it again. */
function rewrite(file: string, edit: (lines: string[]) => string[]): string {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').trimEnd().split('\n');
  const out = `${file}.edited-${Math.random().toString(36).slice(2)}`;
  writeFileSync(out, gzipSync(`${edit(lines).join('\n')}\n`));
  return out;
}

describe.each(testDatabases())('backup and restore [%s]', (kind) => {
  let source: TestApp;
  let file = '';
  beforeAll(async () => {
    source = await createTestApp(kind, { demoProjects: true });
    file = join(dir, `${kind}.psbackup`);
    await backupToFile(source.database.db, file, { source: kind });
  }, 60_000);
  afterAll(async () => {
    await source?.close();
  });

  it('writes a header naming the format version, the migrations and every table in foreign-key order', async () => {
    const header = await readBackupHeader(file);
    expect(header.formatVersion).toBe(1);
    expect(header.migrations[0]).toBe('20261122T0000-initial-schema');
    const order = header.tables.map((t) => t.name);
    expect(order.indexOf('bureau')).toBeLessThan(order.indexOf('project'));
    expect(order.indexOf('app_user')).toBeLessThan(order.indexOf('project'));
    expect(order.indexOf('project')).toBeLessThan(order.indexOf('tier_history'));
    expect(order.indexOf('release_request')).toBeLessThan(order.indexOf('release_request_routing'));
    expect(order).not.toContain('kysely_migration');
  });

  it('refuses to restore over data and leaves that data as it was', async () => {
    const before = await countRows(source.database.db, 'project');
    await expect(restoreFromFile(source.database.db, file)).rejects.toThrow(/not empty \(rows in .*project/);
    expect(await countRows(source.database.db, 'project')).toBe(before);
  });

  it('restores nothing from a truncated file', async () => {
    const truncated = rewrite(file, (lines) => lines.slice(0, Math.floor(lines.length * 0.8)));
    const target = await openTestDatabase(kind);
    try {
      await expect(restoreFromFile(target.db, truncated)).rejects.toThrow(BackupError);
      for (const table of ['bureau', 'app_user', 'project', 'audit_event']) expect(await countRows(target.db, table), table).toBe(0);
      // The schema it created is empty, so the whole file can still be restored into it.
      const summary = await restoreFromFile(target.db, file);
      expect(summary.tables.project).toBe(await countRows(source.database.db, 'project'));
    } finally {
      await target.close();
    }
  });

  it('refuses a table whose row count does not match its end marker', async () => {
    const target = await openTestDatabase(kind);
    try {
      const dropped = rewrite(file, (lines) => {
        const start = lines.indexOf('{"table":"project"}');
        return lines.filter((_, i) => i !== start + 1);
      });
      await expect(restoreFromFile(target.db, dropped)).rejects.toThrow(/table project should have \d+ rows, read \d+/);
      expect(await countRows(target.db, 'bureau')).toBe(0);
    } finally {
      await target.close();
    }
  });

  it('refuses files that are not backups, damaged files and backups of a newer version', async () => {
    const target = await openTestDatabase(kind);
    try {
      const text = join(dir, 'not-a-backup.txt');
      writeFileSync(text, 'hello');
      await expect(restoreFromFile(target.db, text)).rejects.toThrow(/not a PS Book backup/);
      const damaged = join(dir, 'damaged.psbackup');
      const bytes = readFileSync(file);
      const middle = Math.floor(bytes.length / 2);
      bytes.writeUInt8(bytes.readUInt8(middle) ^ 0xff, middle);
      writeFileSync(damaged, bytes);
      // Depending on where the flipped byte lands, gzip or PostgreSQL notices first; either way nothing stays.
      await expect(restoreFromFile(target.db, damaged)).rejects.toThrow();
      const newer = rewrite(file, ([header, ...rest]) => {
        const h = JSON.parse(header!);
        h.migrations.push('29991231T2359-from-the-future');
        return [JSON.stringify(h), ...rest];
      });
      await expect(restoreFromFile(target.db, newer)).rejects.toThrow(/newer PS Book \(migrations 29991231T2359-from-the-future/);
      const future = rewrite(file, ([header, ...rest]) => [JSON.stringify({ ...JSON.parse(header!), formatVersion: 2 }), ...rest]);
      await expect(restoreFromFile(target.db, future)).rejects.toThrow(/format version 2/);
      for (const table of ['bureau', 'project']) expect(await countRows(target.db, table)).toBe(0);
    } finally {
      await target.close();
    }
  });

  it('keeps the audit trail append-only after a restore', async () => {
    const target = await openTestDatabase(kind);
    try {
      await restoreFromFile(target.db, file);
      expect(await countRows(target.db, 'audit_event')).toBe(await countRows(source.database.db, 'audit_event'));
      await expect(sql`delete from audit_event`.execute(target.db)).rejects.toThrow(/append-only/);
    } finally {
      await target.close();
    }
  });
});

describe.skipIf(!testDatabases().includes('postgres'))('a backup while the API keeps writing [postgres]', () => {
  it('is one snapshot: every project in it has its history and audit event, and none without a project', async () => {
    const source = await createTestApp('postgres', { demoProjects: false });
    const target = await openTestDatabase('postgres');
    try {
      const db = source.database.db;
      const admin = await db
        .selectFrom('appUser')
        .select(['id', 'email', 'displayName'])
        .where('email', '=', 'admin@example.jp')
        .executeTakeFirstOrThrow();
      const ctx = {
        db,
        policy: source.policy,
        actor: { ...admin, role: 'admin' as const, bureauCodes: ['DSB'], via: 'session' as const, scopes: [] },
        requestId: null,
      };
      // Enough audit rows that the backup takes many pages, so writes land between its pages.
      await sql`
        insert into audit_event (actor_label, action, entity_type, entity_id)
        select 'bulk', 'test.filler', 'filler', g::text from generate_series(1, 60000) g
      `.execute(db);

      let writing = true;
      let written = 0;
      const writers = Array.from({ length: 4 }, async () => {
        const deadline = Date.now() + 30_000;
        while (writing && Date.now() < deadline) {
          await createProject(ctx, { name: `同時書き込み ${written}`, bureauCode: 'IND', fiscalYear: 2026, budgetJpy: 1_000_000 });
          written++;
        }
      });
      while (written < 20) await new Promise((r) => setTimeout(r, 10));
      const atStart = written;
      const backupFile = join(dir, 'under-load.psbackup');
      await backupToFile(db, backupFile, { source: 'postgres' });
      const atEnd = written;
      writing = false;
      await Promise.all(writers);
      // Writes committed while the backup ran: otherwise this test would prove nothing.
      expect(atEnd - atStart).toBeGreaterThan(5);

      await restoreFromFile(target.db, backupFile);
      const projects = await countRows(target.db, 'project');
      const created = await target.db
        .selectFrom('tierHistory')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('cause', '=', 'created')
        .executeTakeFirstOrThrow();
      const audited = await target.db
        .selectFrom('auditEvent')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('action', '=', 'project.create')
        .executeTakeFirstOrThrow();
      expect(projects).toBeGreaterThanOrEqual(atStart);
      expect(projects).toBeLessThanOrEqual(atEnd + 4);
      expect(created.n).toBe(projects);
      expect(audited.n).toBe(projects);
    } finally {
      await source.close();
      await target.close();
    }
  }, 120_000);
});

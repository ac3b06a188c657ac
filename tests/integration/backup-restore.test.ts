/**
 * Backup and restore across both databases: a backup of PGlite restores into PostgreSQL and the other
 * way round, and every table comes back row for row (compared through to_jsonb, a different path from
 * the backup's own text values), with sequences that continue where the source stopped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../packages/api/src/app.ts';
import { backupToFile, restoreFromFile } from '../../packages/api/src/backup.ts';
import { loadConfig } from '../../packages/api/src/config.ts';
import { createServices } from '../../packages/api/src/context.ts';
import { demoPassword } from '../../packages/api/src/seed/demo.ts';
import { createTestApp, openTestDatabase, testDatabases, testPolicy } from '../../packages/api/src/testing/harness.ts';
import { dumpEveryTable, dumpSequences, fillEveryTable } from '../support/database-fixture.ts';
import { HttpClient } from '../support/http.ts';
import { runPsbook, startServer } from '../support/server.ts';

const kinds = testDatabases();
const pairs = kinds.flatMap((from) => kinds.map((to) => [from, to] as const));

let workDir = '';
beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'psbook-backup-it-'));
});
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe.each(pairs)('a backup taken from %s restores into an empty %s database', (from, to) => {
  it('with every table equal row by row and sequences continuing', async () => {
    const source = await createTestApp(from, { demoProjects: true });
    const target = await openTestDatabase(to);
    try {
      await fillEveryTable(source.database.db);
      const before = await dumpEveryTable(source.database.db);
      const empty = Object.entries(before)
        .filter(([, rows]) => rows.length === 0)
        .map(([name]) => name);
      // A table without rows here would be compared empty to empty and prove nothing:
      // add rows for it to tests/support/database-fixture.ts.
      expect(empty, 'tables the fixture leaves empty').toEqual([]);
      const sequencesBefore = await dumpSequences(source.database.db);

      const file = join(workDir, `${from}-to-${to}.psbackup`);
      const written = await backupToFile(source.database.db, file, { source: from });
      for (const [table, rows] of Object.entries(before)) expect(written.tables[table], table).toBe(rows.length);

      const restored = await restoreFromFile(target.db, file);
      expect(restored.tables).toEqual(written.tables);
      const after = await dumpEveryTable(target.db);
      expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
      for (const table of Object.keys(before)) expect(after[table], table).toEqual(before[table]);
      expect(await dumpSequences(target.db)).toEqual(sequencesBefore);

      // bigint beyond 2^53 came back exactly (JavaScript numbers could not have carried it).
      const big = await sql<{ v: string }>`select budget_jpy::text as v from project where bureau_code = 'TST9'`.execute(target.db);
      expect(big.rows[0]?.v).toBe('9007199254740993');

      // The restored book works: the demo accounts sign in, and new rows continue the sequences.
      const app = createApp(createServices(target, loadConfig({}), testPolicy()), { logError: () => {} });
      const login = await app.request('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'staff.ind@example.jp', password: demoPassword }),
      });
      expect(login.status).toBe(200);
      const { token } = (await login.json()) as { token: string };
      const created = await app.request('/api/v1/projects', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ name: '復元後の新規事業', bureauCode: 'IND', fiscalYear: 2026 }),
      });
      expect(created.status).toBe(201);
      const { code } = (await created.json()) as { code: string };
      const maxCode = await sql<{ v: string }>`select max(code) as v from project where code <> ${code}`.execute(target.db);
      expect(code > maxCode.rows[0]!.v).toBe(true);
    } finally {
      await source.close();
      await target.close();
    }
  });
});

describe('psbook backup / restore commands', () => {
  it('refuse a data directory a running server holds, name the process, and leave the server serving', async () => {
    const dataDir = join(workDir, 'held');
    const server = await startServer({ env: { PSBOOK_DATA_DIR: dataDir, PSBOOK_DEMO: 'true' } });
    try {
      const result = await runPsbook(['backup', join(workDir, 'held.psbackup')], { PSBOOK_DATA_DIR: dataDir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`PS Book process ${server.pid} is using it`);
      expect(result.stderr).toContain('Stop that server');
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it.skipIf(!inject('postgresUrl'))('move an embedded book to a PostgreSQL server, which then serves it', async () => {
    const dataDir = join(workDir, 'move');
    const file = join(workDir, 'move.psbackup');
    // Create the demo book, then stop the server so the data directory is free.
    const first = await startServer({ env: { PSBOOK_DATA_DIR: dataDir, PSBOOK_DEMO: 'true' } });
    const client = new HttpClient(first.url);
    const token = await client.login('chief@example.jp', demoPassword);
    const listed = (await client.request('GET', '/api/v1/projects?limit=200', { token })).json<{ items: { code: string }[] }>();
    client.close();
    await first.stop();

    const backup = await runPsbook(['backup', file], { PSBOOK_DATA_DIR: dataDir });
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/written to .*move\.psbackup/);

    const databaseUrl = await createServerDatabase(inject('postgresUrl')!);
    const restore = await runPsbook(['restore', file], { DATABASE_URL: databaseUrl });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    const again = await runPsbook(['restore', file], { DATABASE_URL: databaseUrl });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('not empty');

    const second = await startServer({ env: { DATABASE_URL: databaseUrl } });
    const client2 = new HttpClient(second.url);
    try {
      const token2 = await client2.login('chief@example.jp', demoPassword);
      const relisted = (await client2.request('GET', '/api/v1/projects?limit=200', { token: token2 })).json<{
        items: { code: string }[];
      }>();
      expect(relisted.items.map((p) => p.code)).toEqual(listed.items.map((p) => p.code));
      expect(listed.items.length).toBeGreaterThan(0);
    } finally {
      client2.close();
      await second.stop();
    }
  });
});

async function createServerDatabase(adminUrl: string): Promise<string> {
  const admin = (await import('../../packages/api/src/db/database.ts')).openPostgres(adminUrl, { poolSize: 1 });
  const name = `it_restore_${Date.now()}`;
  try {
    await sql.raw(`create database ${name}`).execute(admin.db);
  } finally {
    await admin.close();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

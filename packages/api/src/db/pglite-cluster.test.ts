import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openPglite } from './database.ts';
import { clusterArchivePath, pgliteVersion, readTar, restoreFreshCluster, writeTar } from './pglite-cluster.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'psbook-cluster-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the shipped fresh PGlite cluster', () => {
  it('was made by the installed PGlite (after an upgrade: node --import tsx packages/api/scripts/make-pglite-cluster.ts)', () => {
    expect(existsSync(clusterArchivePath()), `no ${clusterArchivePath()} for PGlite ${pgliteVersion()}`).toBe(true);
  });

  it('fills a new data directory, which then keeps its data across restarts', async () => {
    const dataDir = tempDir();
    const first = await openPglite(dataDir);
    try {
      expect(readdirSync(dataDir).sort()).toEqual(['pgdata', 'psbook.lock']);
      expect(readFileSync(join(dataDir, 'pgdata', 'PG_VERSION'), 'utf8').trim()).toMatch(/^\d+$/);
      await migrateToLatest(first.db);
      await first.db.insertInto('bureau').values({ code: 'TST', nameJa: '試験局', nameEn: 'Test Bureau' }).execute();
    } finally {
      await first.close();
    }
    const again = await openPglite(dataDir);
    try {
      const bureaus = await again.db.selectFrom('bureau').select('code').execute();
      expect(bureaus).toEqual([{ code: 'TST' }]);
      const settings = await sql<{ setting: string }>`select current_setting('shared_buffers') as setting`.execute(again.db);
      expect(settings.rows[0]?.setting).toBe('16MB');
    } finally {
      await again.close();
    }
  });

  it('leaves a directory with files in it alone', () => {
    const pgdata = join(tempDir(), 'pgdata');
    mkdirSync(pgdata);
    writeFileSync(join(pgdata, 'something'), 'x');
    expect(restoreFreshCluster(pgdata)).toBe(false);
    expect(readdirSync(pgdata)).toEqual(['something']);
  });

  it('archives a directory as ustar and reads it back', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'base', 'empty'), { recursive: true });
    writeFileSync(join(dir, 'PG_VERSION'), '18\n');
    writeFileSync(join(dir, 'base', 'page'), Buffer.alloc(8192, 7));
    const entries = readTar(writeTar(dir)).map((e) => ({ name: e.name, isDirectory: e.isDirectory, size: e.data.length }));
    expect(entries).toEqual([
      { name: 'PG_VERSION', isDirectory: false, size: 3 },
      { name: 'base', isDirectory: true, size: 0 },
      { name: 'base/empty', isDirectory: true, size: 0 },
      { name: 'base/page', isDirectory: false, size: 8192 },
    ]);
  });
});

/**
 * Writes src/db/pglite-cluster/pgdata-<PGlite version>.tar.br: a fresh cluster from the installed
 * PGlite's initdb, which new embedded data directories are filled from (see src/db/pglite-cluster.ts).
 * Run after upgrading @electric-sql/pglite, and commit the new file:
 *
 *   node --import tsx packages/api/scripts/make-pglite-cluster.ts
 *
 * The output differs from run to run (initdb stamps a system identifier and times in pg_control); any
 * run's output is as good as another's.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import {
  clusterArchivePath,
  compressCluster,
  pgliteVersion,
  readFreshCluster,
  restoreFreshCluster,
  writeTar,
} from '../src/db/pglite-cluster.ts';

const work = mkdtempSync(join(tmpdir(), 'psbook-pglite-cluster-'));
try {
  const pgdata = join(work, 'pgdata');
  // wal_recycle=off: the checkpoint after the WAL switch deletes initdb's 7 MB of WAL instead of
  // keeping it as the next segment, so the archive holds one all-zero segment.
  const pglite = await PGlite.create(pgdata, { startParams: [...PGlite.defaultStartParams, '-c', 'wal_recycle=off'] });
  await pglite.exec('SELECT pg_switch_wal(); CHECKPOINT;');
  await pglite.close();
  rmSync(join(pgdata, 'postmaster.pid'), { force: true });

  const tar = writeTar(pgdata);
  const archive = clusterArchivePath();
  for (const old of readdirSync(dirname(archive)).filter((f) => /^pgdata-.*\.tar\.br$/.test(f))) rmSync(join(dirname(archive), old));
  writeFileSync(archive, compressCluster(tar));

  // Check the written file: restored into a new directory, PGlite starts on it without initdb.
  const restored = join(work, 'restored');
  if (!readFreshCluster() || !restoreFreshCluster(restored)) throw new Error('the written cluster cannot be read back');
  const check = await PGlite.create(restored);
  const { rows } = await check.query<{ version: string }>('SELECT version()');
  await check.close();
  console.log(`${basename(archive)}: ${(tar.length / 2 ** 20).toFixed(1)} MB of files, PGlite ${pgliteVersion()}, ${rows[0]?.version}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

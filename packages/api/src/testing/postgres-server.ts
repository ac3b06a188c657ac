/**
 * A throwaway PostgreSQL server for tests and benchmarks: initdb in a temporary directory, pg_ctl on a
 * free port, removed afterwards. initdb refuses to run as root, so as root it runs as `postgres`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type PostgresServer = {
  url: string;
  port: number;
  dataDir: string;
  /** Connection URL for another database on the same server, created empty. */
  createDatabase(name: string): string;
  stop(): void;
  start(): void;
  /** Stop and delete everything. */
  destroy(): void;
};

export function findPostgresBinDir(): string | null {
  const candidates: string[] = [];
  if (process.env.PSBOOK_PG_BINDIR) candidates.push(process.env.PSBOOK_PG_BINDIR);
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // pg_config missing: fall back to the Debian layout.
  }
  for (const v of ['17', '16', '15']) candidates.push(`/usr/lib/postgresql/${v}/bin`);
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) ?? null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function asPostgresUser(bin: string, args: string[]): { cmd: string; args: string[] } {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return isRoot ? { cmd: 'runuser', args: ['-u', 'postgres', '--', bin, ...args] } : { cmd: bin, args };
}

function run(bin: string, args: string[]): void {
  const { cmd, args: fullArgs } = asPostgresUser(bin, args);
  const result = spawnSync(cmd, fullArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: tmpdir() });
  if (result.status !== 0) {
    throw new Error(`${bin} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const binDir = findPostgresBinDir();
  if (!binDir)
    throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found: install postgresql (Debian) or set PSBOOK_PG_BINDIR');
  const root = mkdtempSync(join(tmpdir(), 'psbook-pg-'));
  chmodSync(root, 0o755);
  const dataDir = join(root, 'data');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(root, uid, gid);
  }
  const port = await freePort();
  run(join(binDir, 'initdb'), ['-D', dataDir, '-U', 'psbook', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '-N']);
  const pgCtl = join(binDir, 'pg_ctl');
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=256MB`;
  const start = () => run(pgCtl, ['-D', dataDir, '-o', options, '-l', join(root, 'server.log'), '-w', '-t', '60', 'start']);
  const stop = () => run(pgCtl, ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  start();
  const url = `postgres://psbook@127.0.0.1:${port}/postgres`;
  const psql = join(binDir, 'psql');
  let stopped = false;
  return {
    url,
    port,
    dataDir,
    createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      execFileSync(psql, [url, '-v', 'ON_ERROR_STOP=1', '-qc', `create database ${name}`], { stdio: 'pipe' });
      return `postgres://psbook@127.0.0.1:${port}/${name}`;
    },
    start() {
      start();
      stopped = false;
    },
    stop() {
      stop();
      stopped = true;
    },
    destroy() {
      try {
        if (!stopped) stop();
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Whether tests that need a real server should run. Under CI a missing server is a failure, not a
 * skip; locally the suite skips them with a loud message.
 */
export function requirePostgresServer(): boolean {
  if (findPostgresBinDir()) return true;
  if (process.env.CI === 'true') {
    throw new Error('CI=true but the PostgreSQL server binaries are missing: .ci/run must install them');
  }
  console.warn(
    '\n!!! PostgreSQL server binaries not found: SKIPPING the PostgreSQL-server half of these tests. Install postgresql to run them.\n',
  );
  return false;
}

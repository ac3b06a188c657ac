/**
 * Stop and start a test PostgreSQL server without blocking the event loop (the server's own
 * stop()/start() use spawnSync, which would freeze the clients whose timings a fault test measures).
 * `pg_ctl restart` on a stopped server starts it with the options it last ran with (postmaster.opts).
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findPostgresBinDir, type PostgresServer } from '../../packages/api/src/testing/postgres-server.ts';

async function pgCtl(args: string[]): Promise<void> {
  const binDir = findPostgresBinDir();
  if (!binDir) throw new Error('no PostgreSQL binaries');
  const pgCtlBin = join(binDir, 'pg_ctl');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const [cmd, fullArgs] = isRoot ? ['runuser', ['-u', 'postgres', '--', pgCtlBin, ...args]] : [pgCtlBin, args];
  // stdio ignored: the server started by pg_ctl would otherwise hold our pipes open for its lifetime.
  const child = spawn(cmd as string, fullArgs as string[], { cwd: tmpdir(), stdio: 'ignore' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`pg_ctl ${args.join(' ')} failed (${code})`);
}

/** Fast shutdown: open connections are terminated, as when an operator restarts the server. */
export const stopPostgres = (server: PostgresServer) => pgCtl(['-D', server.dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
export const startPostgres = (server: PostgresServer) =>
  pgCtl(['-D', server.dataDir, '-l', join(dirname(server.dataDir), 'server.log'), '-m', 'fast', '-w', '-t', '60', 'restart']);

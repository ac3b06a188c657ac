/**
 * The real server process, as operators run it: `node packages/api/bin/psbook.mjs serve`, on a free
 * port of 127.0.0.1, with the environment given and nothing inherited by accident (no DATABASE_URL
 * from the developer's shell, no `.env` from the working directory).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../packages/api/src/testing/postgres-server.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const psbookBin = fileURLToPath(new URL('../../packages/api/bin/psbook.mjs', import.meta.url));

export type ServerOptions = {
  /** PSBOOK_* / DATABASE_URL settings; PORT and HOST are chosen here. */
  env?: Record<string, string | undefined>;
  /** How long /readyz may take to answer 200. */
  readyTimeoutMs?: number;
  /** Do not wait for readiness (for processes expected to refuse to start). */
  waitForReady?: boolean;
  /** A port chosen beforehand (e.g. when an OpenID Provider must know the server's address first). */
  port?: number;
  /** Node flags before the script (e.g. `--cpu-prof`, which NODE_OPTIONS does not allow). */
  nodeArgs?: string[];
};

export type ServerProcess = {
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** stdout and stderr so far (the last 64 kB), for failure messages. */
  output(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  /** Milliseconds from spawn to the first /readyz 200 (NaN when not waited for). */
  readyAfterMs: number;
  /** Resident memory of the server process in bytes (Linux /proc). */
  rssBytes(): number;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
  /** SIGKILL at once: what a crash or the OOM killer does. */
  kill(): Promise<number | string>;
};

/** The environment for child processes: the basics of this one plus `extra`, nothing else. */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'NODE_OPTIONS'])
    if (process.env[key] !== undefined) env[key] = process.env[key];
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

export async function waitForReady(url: string, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`the server exited before it was ready (${last})`);
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url}/readyz did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}

export async function startServer(options: ServerOptions = {}): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), psbookBin, 'serve'], {
    cwd: tmpdir(),
    env: childEnv({ PSBOOK_DEMO: 'false', ...options.env, PORT: String(port), HOST: '127.0.0.1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-65_536);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let alive = true;
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      alive = false;
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    url,
    port,
    pid: child.pid!,
    child,
    output: () => output,
    exited,
    readyAfterMs: Number.NaN,
    rssBytes() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      if (!kb) throw new Error('no VmRSS for the server process');
      return Number(kb) * 1024;
    },
    async stop(graceMs = 10_000) {
      if (!alive) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
    async kill() {
      if (!alive) return exited;
      child.kill('SIGKILL');
      return exited;
    },
  };
  if (options.waitForReady === false) return server;
  try {
    await waitForReady(url, options.readyTimeoutMs ?? 60_000, () => alive);
  } catch (error) {
    await server.kill();
    throw new Error(`${(error as Error).message}\n--- server output ---\n${output}`);
  }
  server.readyAfterMs = performance.now() - started;
  return server;
}

/** Run a psbook CLI command to completion (bounded) and return its exit code and output. */
export async function runPsbook(
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs = 300_000,
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [psbookBin, ...args], { cwd: tmpdir(), env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | string>((resolve) => child.on('exit', (c, s) => resolve(c ?? s ?? 'unknown')));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

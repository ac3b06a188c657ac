/**
 * startup: `psbook serve` (what `npm start` runs after building the UI) on an empty embedded data
 * directory, from spawn to the first /readyz 200 — migrations, rules and the demo book included —
 * against a target of 5 s; then the resident memory of the server after 1,000 list requests against
 * a target of 300 MB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient } from '../support/http.ts';
import { startServer } from '../support/server.ts';
import { type BenchResult, closedLoop, machineLoad, round, summarizeRun } from './measure.ts';

const listRequests = 1000;

/** Serve on `dataDir`, then 1,000 list requests; the time to ready and the resident memory after them. */
async function serveAndList(dataDir: string, log: (message: string) => void, label: string) {
  const server = await startServer({ env: { PSBOOK_DATA_DIR: dataDir, PSBOOK_DEMO: 'true' }, readyTimeoutMs: 120_000 });
  const http = new HttpClient(server.url);
  try {
    const startupSeconds = server.readyAfterMs / 1000;
    const rssAtReady = server.rssBytes();
    log(`  ${label}: ready after ${round(startupSeconds, 2)} s, ${round(rssAtReady / 2 ** 20, 1)} MB resident`);
    const token = await http.login('chief@example.jp', 'psbook-demo');
    let cursor: string | null = null;
    const run = await closedLoop({
      clients: 4,
      durationMs: 120_000,
      maxRequests: listRequests,
      op: async () => {
        const res = await http.request('GET', `/api/v1/projects?limit=20${cursor ? `&cursor=${cursor}` : ''}`, { token });
        if (res.status !== 200) throw new Error(`list → ${res.status}`);
        cursor = res.json<{ nextCursor: string | null }>().nextCursor;
      },
    });
    if (run.requests + run.errors < listRequests) throw new Error(`only ${run.requests} list requests completed in the time allowed`);
    return { startupSeconds, rssAtReadyMb: rssAtReady / 2 ** 20, rssMb: server.rssBytes() / 2 ** 20, run };
  } finally {
    http.close();
    await server.stop();
  }
}

export async function benchStartup(options: { log(message: string): void }): Promise<BenchResult[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'psbook-startup-'));
  const loadBefore = machineLoad();
  try {
    // What `npm start` does the first time: create the embedded database, migrate, load the rules, seed the demo.
    const first = await serveAndList(dataDir, options.log, 'first start');
    // And every start after that, on the same data directory.
    const again = await serveAndList(dataDir, options.log, 'restart');
    const result = (
      name: string,
      value: number,
      unit: string,
      limit: number,
      target: string,
      pass: boolean,
      details: Record<string, unknown>,
    ): BenchResult => ({
      name,
      value: round(value, 3),
      unit,
      limit,
      ratio: round(value / limit, 3),
      n: 0,
      better: 'lower',
      limitKind: 'target',
      target,
      pass,
      details,
    });
    return [
      result('startup', first.startupSeconds, 's', 5, 'ready < 5 s on an empty embedded data directory', first.startupSeconds < 5, {
        loadBefore,
        rssAtReadyMb: round(first.rssAtReadyMb, 1),
      }),
      result(
        'startup-memory',
        first.rssMb,
        'MB',
        300,
        `resident memory < 300 MB after ${listRequests} list requests (first start)`,
        first.run.errors === 0 && first.rssMb < 300,
        { requests: summarizeRun(first.run) },
      ),
      result('restart', again.startupSeconds, 's', 5, 'ready < 5 s on an existing embedded data directory', again.startupSeconds < 5, {
        rssAtReadyMb: round(again.rssAtReadyMb, 1),
      }),
      result(
        'restart-memory',
        again.rssMb,
        'MB',
        300,
        `resident memory < 300 MB after ${listRequests} list requests (restarted)`,
        again.run.errors === 0 && again.rssMb < 300,
        { requests: summarizeRun(again.run), loadAfter: machineLoad() },
      ),
    ];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

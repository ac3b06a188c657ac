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

export async function benchStartup(options: { log(message: string): void }): Promise<BenchResult[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'psbook-startup-'));
  const loadBefore = machineLoad();
  const server = await startServer({ env: { PSBOOK_DATA_DIR: dataDir, PSBOOK_DEMO: 'true' }, readyTimeoutMs: 60_000 });
  const http = new HttpClient(server.url);
  try {
    const startupSeconds = server.readyAfterMs / 1000;
    const rssAtReady = server.rssBytes();
    options.log(`  ready after ${round(startupSeconds, 2)} s, ${round(rssAtReady / 2 ** 20, 1)} MB resident`);
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
    const rss = server.rssBytes();
    const rssMb = rss / 2 ** 20;
    return [
      {
        name: 'startup',
        value: round(startupSeconds, 3),
        unit: 's',
        limit: 5,
        ratio: round(startupSeconds / 5, 3),
        n: 0,
        better: 'lower',
        limitKind: 'target',
        target: 'ready < 5 s on an empty embedded data directory',
        pass: startupSeconds < 5,
        details: { loadBefore, rssAtReadyMb: round(rssAtReady / 2 ** 20, 1) },
      },
      {
        name: 'startup-memory',
        value: round(rssMb, 1),
        unit: 'MB',
        limit: 300,
        ratio: round(rssMb / 300, 3),
        n: 0,
        better: 'lower',
        limitKind: 'target',
        target: `resident memory < 300 MB after ${listRequests} list requests`,
        pass: run.errors === 0 && rssMb < 300,
        details: { requests: summarizeRun(run), loadAfter: machineLoad() },
      },
    ];
  } finally {
    http.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

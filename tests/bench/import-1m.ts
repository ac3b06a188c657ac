/**
 * import-1m: a 1,000,000-line expense CSV (~98 MB, just under the 100 MB body limit) through
 * POST /api/v1/imports/expenses, with the API server's resident memory sampled every 250 ms from
 * before the upload until the answer. Target (issue 16): it completes, and the server stays under
 * 400 MB throughout — the import streams the file into COPY and works a page at a time, so memory
 * must not grow with the file. It changes the book (200,000+ projects registered): run it alone,
 * `npm run bench -- --only import-1m`, or last.
 */
import { expenseCsv, sampleProjects } from '../support/expense-csv.ts';
import type { BenchContext } from './context.ts';
import { type BenchResult, machineLoad, round } from './measure.ts';

export const millionLines = 1_000_000;
const targetMb = 400;
const bodyLimitBytes = 100 * 1024 * 1024;

export async function benchImportMillion(ctx: BenchContext): Promise<BenchResult> {
  const existing = await sampleProjects(ctx.sql, Math.min(ctx.n, 60_000));
  const csv = Buffer.from(expenseCsv({ lines: millionLines, seed: 1_000_000, fiscalYear: 2027, existing, idPrefix: 'MILLION' }));
  if (csv.length > bodyLimitBytes) throw new Error(`the generated file is ${csv.length} bytes, over the server's body limit`);
  const loadBefore = machineLoad();
  const mb = (bytes: number) => bytes / 2 ** 20;
  const rssBefore = ctx.api.rssBytes();
  let peak = rssBefore;
  const samples: number[] = [];
  const sampler = setInterval(() => {
    try {
      const rss = ctx.api.rssBytes();
      samples.push(rss);
      peak = Math.max(peak, rss);
    } catch {
      // The process is gone: the request below fails and says so.
    }
  }, 250);
  const started = performance.now();
  let status = 0;
  let text = '';
  try {
    const res = await ctx.http.request('POST', '/api/v1/imports/expenses', {
      token: ctx.adminToken,
      body: csv,
      contentType: 'text/csv; charset=utf-8',
      timeoutMs: 90 * 60_000,
    });
    status = res.status;
    text = res.text;
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  const completed = status === 201;
  const result = completed ? (JSON.parse(text) as { lineCount: number; lines: unknown; projects: unknown; timingsMs?: unknown }) : null;
  ctx.log(
    `  import-1m: ${completed ? 'completed' : `answered ${status}`} in ${round(seconds, 1)} s; server RSS ${round(mb(rssBefore), 1)} MB before, peak ${round(mb(peak), 1)} MB (${samples.length} samples)` +
      (result
        ? `; ${JSON.stringify(result.lines)} lines, ${JSON.stringify(result.projects)} projects; phases ${JSON.stringify(result.timingsMs)}`
        : `: ${text.slice(0, 300)}`),
  );
  return {
    name: 'import-1m',
    value: round(mb(peak), 1),
    unit: 'MB',
    limit: targetMb,
    ratio: round(mb(peak) / targetMb, 2),
    n: ctx.n,
    better: 'lower',
    limitKind: 'target',
    target: `completes; peak server RSS < ${targetMb} MB`,
    pass: completed && mb(peak) < targetMb,
    details: {
      completed,
      ...(completed ? {} : { failure: `HTTP ${status}: ${text.slice(0, 200)}` }),
      lines: millionLines,
      bytes: csv.length,
      seconds: round(seconds, 1),
      rssBeforeMb: round(mb(rssBefore), 1),
      rssPeakMb: round(mb(peak), 1),
      rssSamples: samples.length,
      result: result ? { lines: result.lines, projects: result.projects, phasesMs: result.timingsMs } : null,
      loadBefore,
      loadAfter: machineLoad(),
    },
  };
}

/**
 * import: a 100,000-line expense CSV through POST /api/v1/imports/expenses (stream into COPY, validate
 * in SQL, resolve projects, budgets and tiers, upsert lines, history and audit, one transaction)
 * against the limit measured in the same run: COPY of the same bytes into a staging table of the same
 * columns. The log line gives the ratio and each server phase as a multiple of that COPY.
 */
import { expenseCsv, sampleProjects } from '../support/expense-csv.ts';
import type { BenchContext } from './context.ts';
import { type BenchResult, machineLoad, round } from './measure.ts';
import { hasRoute } from './routes.ts';

export const importLines = 100_000;

export async function benchImport(ctx: BenchContext): Promise<BenchResult | { name: string; skipped: string }> {
  if (!(await hasRoute(ctx, 'POST', '/api/v1/imports/expenses')))
    return { name: 'import', skipped: 'POST /api/v1/imports/expenses does not exist yet' };
  const existing = await sampleProjects(ctx.sql, Math.min(ctx.n, 60_000));
  const csv = Buffer.from(expenseCsv({ lines: importLines, seed: 42, fiscalYear: 2026, existing, idPrefix: 'BENCH' }));
  const loadBefore = machineLoad();

  // The limit first: it leaves the book as it was (a temporary table, dropped with its session).
  const t1 = performance.now();
  await ctx.sql.begin(async (tx) => {
    await tx`
      create temp table import_limit (external_id text, bureau_code text, project_name text, fiscal_year integer, category text,
        amount_kyen bigint, project_code text) on commit drop
    `;
    const copy = await tx`copy import_limit from stdin with (format csv, header true)`.writable();
    await new Promise<void>((resolve, reject) => {
      copy.on('error', reject);
      copy.on('finish', resolve);
      copy.end(csv);
    });
    const [row] = await tx<{ n: number }[]>`select count(*)::int as n from import_limit`;
    const n = row?.n;
    if (n !== importLines) throw new Error(`COPY loaded ${n} rows, expected ${importLines}`);
  });
  const limitSeconds = (performance.now() - t1) / 1000;

  const t0 = performance.now();
  const res = await ctx.http.request('POST', '/api/v1/imports/expenses', {
    token: ctx.adminToken,
    body: csv,
    contentType: 'text/csv; charset=utf-8',
    timeoutMs: 15 * 60_000,
  });
  const oursSeconds = (performance.now() - t0) / 1000;
  if (res.status !== 201) throw new Error(`import → ${res.status} ${res.text.slice(0, 500)}`);
  const result = res.json<{
    lineCount: number;
    lines: unknown;
    projects: unknown;
    durationMs: number;
    timingsMs?: Record<string, number>;
  }>();
  if (result.lineCount !== importLines) throw new Error(`the import read ${result.lineCount} lines, expected ${importLines}`);
  const ratio = oursSeconds / limitSeconds;
  // Each phase of the server as a multiple of the COPY, so the log says where the ratio comes from.
  const phases = Object.entries(result.timingsMs ?? {})
    .map(([phase, ms]) => `${phase} ${round(ms / 1000 / limitSeconds, 1)}×`)
    .join(', ');
  ctx.log(
    `  import: ${round(oursSeconds, 2)} s (${JSON.stringify(result.lines)} lines, ${JSON.stringify(result.projects)} projects); COPY: ${round(limitSeconds, 2)} s; ratio ${round(ratio, 1)} (${phases})`,
  );
  return {
    name: 'import',
    value: round(oursSeconds, 2),
    unit: 's',
    limit: round(limitSeconds, 3),
    ratio: round(ratio, 2),
    n: ctx.n,
    better: 'lower',
    limitKind: 'measured',
    target: 'ratio <= 3',
    pass: ratio <= 3,
    details: {
      lines: importLines,
      bytes: csv.length,
      result: { lines: result.lines, projects: result.projects, serverMs: result.durationMs, phasesMs: result.timingsMs },
      loadBefore,
      loadAfter: machineLoad(),
    },
  };
}

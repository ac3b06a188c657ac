/**
 * stats: registrations by tier over time and expenses by category, p95 against a target of 100 ms.
 * Through GET /api/v1/stats/registrations and /api/v1/stats/expenses when the server has them;
 * otherwise the SQL such a route has to run, sent straight to PostgreSQL (reported as such).
 */
import type { BenchContext } from './context.ts';
import { type BenchResult, closedLoop, machineLoad, round, summarizeRun } from './measure.ts';
import { hasRoute } from './routes.ts';

const statsClients = 4;

/** What each statistic costs at minimum: one pass over the book with the grouping the chart needs. */
export const statsSql = {
  registrations: `
    select to_char(date_trunc('month', created_at at time zone 'Asia/Tokyo'), 'YYYY-MM') as month, tier, count(*)::int as projects
    from project group by 1, 2 order by 1, 2`,
  expenses: `
    with by_category as (
      select l.fiscal_year, c.category, sum(l.amount_kyen)::bigint as amount_kyen
      from expense_line l cross join lateral unnest(l.categories) as c(category) where l.fiscal_year = 2026 group by 1, 2
    ), totals as (
      -- A line in several categories counts once in the total (DESIGN §2.6).
      select fiscal_year, sum(amount_kyen)::bigint as total_kyen from expense_line where fiscal_year = 2026 group by 1
    )
    select b.fiscal_year, b.category, b.amount_kyen, t.total_kyen from by_category b join totals t using (fiscal_year) order by 1, 2`,
} as const;

export async function benchStats(ctx: BenchContext): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const name of ['registrations', 'expenses'] as const) {
    const path = `/api/v1/stats/${name}`;
    const viaRoute = await hasRoute(ctx, 'GET', path);
    // Monthly points over the whole book; expenses of the latest fiscal year the generator writes.
    const url = name === 'registrations' ? `${path}?interval=month` : `${path}?fiscalYear=2026`;
    const direct = (durationMs: number) =>
      closedLoop({
        clients: statsClients,
        durationMs,
        op: async () => {
          await ctx.sql.unsafe(statsSql[name], [], { prepare: true });
        },
      });
    const api = (durationMs: number) =>
      closedLoop({
        clients: statsClients,
        durationMs,
        op: async () => {
          const res = await ctx.http.request('GET', url, { token: ctx.readerToken });
          if (res.status !== 200) throw new Error(`${url} → ${res.status} ${res.text.slice(0, 200)}`);
        },
      });
    const measured = viaRoute ? api : direct;
    await measured(2000);
    const loadBefore = machineLoad();
    const run = await measured(ctx.durationMs);
    const sqlRun = viaRoute ? await direct(ctx.durationMs) : run;
    ctx.log(
      `  ${name}: ${viaRoute ? `route ${path}` : 'SQL only (no route yet)'} p95 ${round(run.p95)} ms; the SQL alone p95 ${round(sqlRun.p95)} ms`,
    );
    results.push({
      name: `stats-${name}`,
      value: round(run.p95),
      unit: 'ms',
      limit: 100,
      ratio: round(run.p95 / 100, 3),
      n: ctx.n,
      better: 'lower',
      limitKind: 'target',
      target: 'p95 < 100 ms',
      pass: run.errors === 0 && run.p95 < 100,
      details: {
        measured: viaRoute ? `GET ${url}` : 'the SQL a route needs, direct (the route does not exist yet)',
        clients: statsClients,
        ours: summarizeRun(run),
        sqlAlone: summarizeRun(sqlRun),
        loadBefore,
        loadAfter: machineLoad(),
      },
    });
  }
  return results;
}

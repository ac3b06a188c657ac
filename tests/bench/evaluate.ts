/**
 * evaluate: POST /api/v1/oversight/evaluate (authenticated, validated, the rules engine, the full
 * explanation) against the limit: a constant Hono endpoint of the same server (GET /healthz), same
 * concurrency, same client.
 */
import { createRandom } from '../support/generated-project.ts';
import type { BenchContext } from './context.ts';
import { type BenchResult, closedLoop, machineLoad, round, summarizeRun, withServerCpu } from './measure.ts';
import { hasRoute } from './routes.ts';

const downtimes = [0.5, 1, 2, 4, 8, 12, 12.5, 24, 72, 168, null];
const levels = ['A', 'B', 'C', null];

export async function benchEvaluate(ctx: BenchContext): Promise<BenchResult | { name: string; skipped: string }> {
  if (!(await hasRoute(ctx, 'POST', '/api/v1/oversight/evaluate')))
    return { name: 'evaluate', skipped: 'POST /api/v1/oversight/evaluate does not exist yet' };
  const random = createRandom(5);
  const body = () => ({
    budgetJpy: random.next() < 0.1 ? null : Math.round(Math.exp(Math.log(15e6) + 1.6 * random.normal()) / 1000) * 1000,
    maxDowntimeHours: random.pick(downtimes),
    confidentiality: random.pick(levels),
  });
  const ours = (durationMs: number) =>
    closedLoop({
      clients: ctx.clients,
      durationMs,
      op: async () => {
        const res = await ctx.http.request('POST', '/api/v1/oversight/evaluate', { token: ctx.readerToken, body: body() });
        if (res.status !== 200) throw new Error(`evaluate → ${res.status} ${res.text.slice(0, 200)}`);
      },
    });
  const constant = (durationMs: number) =>
    closedLoop({
      clients: ctx.clients,
      durationMs,
      op: async () => {
        const res = await ctx.http.request('GET', '/healthz');
        if (res.status !== 200) throw new Error(`healthz → ${res.status}`);
      },
    });
  // Where the difference goes: the same authentication and routing with no engine (GET /api/v1/auth/me).
  const signedIn = (durationMs: number) =>
    closedLoop({
      clients: ctx.clients,
      durationMs,
      op: async () => {
        const res = await ctx.http.request('GET', '/api/v1/auth/me', { token: ctx.readerToken });
        if (res.status !== 200) throw new Error(`auth/me → ${res.status}`);
      },
    });
  await ours(1500);
  await constant(1500);
  const loadBefore = machineLoad();
  const half = ctx.durationMs / 2;
  const pid = ctx.api.pid;
  const a1 = await withServerCpu(pid, () => ours(half));
  const b1 = await withServerCpu(pid, () => constant(half));
  const a2 = await withServerCpu(pid, () => ours(half));
  const b2 = await withServerCpu(pid, () => constant(half));
  const c1 = await withServerCpu(pid, () => signedIn(half));
  const oursRate = (a1.requests + a2.requests) / (a1.seconds + a2.seconds);
  const limitRate = (b1.requests + b2.requests) / (b1.seconds + b2.seconds);
  const ratio = oursRate / limitRate;
  return {
    name: 'evaluate',
    value: round(oursRate, 1),
    unit: 'req/s',
    limit: round(limitRate, 1),
    ratio: round(ratio, 3),
    n: ctx.n,
    better: 'higher',
    limitKind: 'measured',
    target: 'ratio >= 0.5',
    pass: a1.errors + a2.errors === 0 && ratio >= 0.5,
    details: {
      clients: ctx.clients,
      ours: [summarizeRun(a1), summarizeRun(a2)],
      limit: [summarizeRun(b1), summarizeRun(b2)],
      signedInConstant: summarizeRun(c1),
      // The server's CPU per request (µs): what the plumbing costs, less moved by a busy machine than the rates.
      serverCpuUsPerRequest: {
        ours: [a1.serverCpuUs, a2.serverCpuUs],
        limit: [b1.serverCpuUs, b2.serverCpuUs],
        signedInConstant: c1.serverCpuUs,
      },
      loadBefore,
      loadAfter: machineLoad(),
    },
  };
}

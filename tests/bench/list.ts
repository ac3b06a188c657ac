/**
 * list: GET /api/v1/projects?bureau=&stage=&limit=50 with keyset paging, through the real server,
 * against the limit: the same SQL the route runs, sent straight to PostgreSQL with postgres.js, at the
 * same concurrency. Paths alternate in rounds so a noisy neighbour on the machine hits both alike.
 */
import { createRandom } from '../support/generated-project.ts';
import { benchBureaus } from '../support/vocabulary.ts';
import type { BenchContext } from './context.ts';
import { type BenchResult, closedLoop, type LoadRun, machineLoad, round, summarizeRun, withServerCpu } from './measure.ts';

const stages = ['planning', 'requirements', 'development', 'operation', 'retired'] as const;
/** A client reads this many pages of one filter, then picks another filter. */
const pagesPerFilter = 5;
export const pageSize = 50;

/** What the route's query compiles to (Kysely, db/queries/projects.ts listProjects), without the cursor part. */
const listSql = `select * from "project" where ("project"."bureau_code" in ($1) and "project"."stage" in ($2)) order by "created_at" desc, "id" desc limit $3`;
const listSqlAfter = `select * from "project" where ("project"."bureau_code" in ($1) and "project"."stage" in ($2) and (project.created_at, project.id) < ($3::timestamptz, $4::uuid)) order by "created_at" desc, "id" desc limit $5`;

type ClientState = { bureau: string; stage: string; pages: number; cursor: string | null; after: { createdAt: Date; id: string } | null };

function clientStates(clients: number, seed: number) {
  const random = createRandom(seed);
  const states: ClientState[] = Array.from({ length: clients }, () => ({
    bureau: '',
    stage: '',
    pages: pagesPerFilter,
    cursor: null,
    after: null,
  }));
  const advance = (state: ClientState) => {
    if (state.pages >= pagesPerFilter) {
      state.bureau = random.pick(benchBureaus).code;
      state.stage = random.pick(stages);
      state.pages = 0;
      state.cursor = null;
      state.after = null;
    }
  };
  return { states, advance };
}

export async function measureApiList(ctx: BenchContext, durationMs: number, seed: number): Promise<LoadRun> {
  const { states, advance } = clientStates(ctx.clients, seed);
  return closedLoop({
    clients: ctx.clients,
    durationMs,
    op: async (client) => {
      const state = states[client]!;
      advance(state);
      const query = `bureau=${state.bureau}&stage=${state.stage}&limit=${pageSize}${state.cursor ? `&cursor=${state.cursor}` : ''}`;
      const res = await ctx.http.request('GET', `/api/v1/projects?${query}`, { token: ctx.readerToken });
      if (res.status !== 200) throw new Error(`GET /api/v1/projects → ${res.status} ${res.text.slice(0, 200)}`);
      const body = res.json<{ items: unknown[]; nextCursor: string | null }>();
      state.pages++;
      state.cursor = body.nextCursor;
      if (!body.nextCursor) state.pages = pagesPerFilter;
    },
  });
}

export async function measureSqlList(ctx: BenchContext, durationMs: number, seed: number): Promise<LoadRun> {
  const { states, advance } = clientStates(ctx.clients, seed);
  return closedLoop({
    clients: ctx.clients,
    durationMs,
    op: async (client) => {
      const state = states[client]!;
      advance(state);
      const rows = state.after
        ? await ctx.sql.unsafe(listSqlAfter, [state.bureau, state.stage, state.after.createdAt, state.after.id, pageSize + 1], {
            prepare: true,
          })
        : await ctx.sql.unsafe(listSql, [state.bureau, state.stage, pageSize + 1], { prepare: true });
      state.pages++;
      if (rows.length > pageSize) {
        const last = rows[pageSize - 1] as unknown as { created_at: Date; id: string };
        state.after = { createdAt: last.created_at, id: last.id };
      } else {
        state.after = null;
        state.pages = pagesPerFilter;
      }
    },
  });
}

export function combineRuns(runs: LoadRun[]): LoadRun {
  const requests = runs.reduce((s, r) => s + r.requests, 0);
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  // Percentiles of the rounds are not additive: report the worst round's, which is the honest side.
  return {
    requests,
    errors: runs.reduce((s, r) => s + r.errors, 0),
    errorSamples: runs.flatMap((r) => r.errorSamples).slice(0, 5),
    seconds,
    throughput: requests / seconds,
    p50: Math.max(...runs.map((r) => r.p50)),
    p95: Math.max(...runs.map((r) => r.p95)),
    p99: Math.max(...runs.map((r) => r.p99)),
    max: Math.max(...runs.map((r) => r.max)),
  };
}

export async function benchList(ctx: BenchContext): Promise<BenchResult> {
  const rounds = 2;
  const roundMs = ctx.durationMs / rounds;
  // Warm both paths (plans, caches, connections) before measuring.
  await measureApiList(ctx, 2000, 1);
  await measureSqlList(ctx, 2000, 1);
  const loadBefore = machineLoad();
  const ours: LoadRun[] = [];
  const limit: LoadRun[] = [];
  const serverCpuUs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const run = await withServerCpu(ctx.api.pid, () => measureApiList(ctx, roundMs, 100 + r));
    serverCpuUs.push(run.serverCpuUs);
    ours.push(run);
    limit.push(await measureSqlList(ctx, roundMs, 100 + r));
  }
  const api = combineRuns(ours);
  const direct = combineRuns(limit);
  const ratio = api.throughput / direct.throughput;
  // Issue 16's target: the absolute 50 ms is not reachable by raw SQL on 2 cores, so the p99 is held
  // against raw SQL's p99 measured in the same rounds.
  const p99Ratio = api.p99 / direct.p99;
  return {
    name: 'list',
    value: round(api.throughput, 1),
    unit: 'req/s',
    limit: round(direct.throughput, 1),
    ratio: round(ratio, 3),
    n: ctx.n,
    better: 'higher',
    limitKind: 'measured',
    target: `ratio >= 0.7 and p99 <= 1.25 x raw SQL's p99 (${ctx.clients} clients)`,
    pass: api.errors === 0 && ratio >= 0.7 && p99Ratio <= 1.25,
    details: {
      clients: ctx.clients,
      p99Ratio: round(p99Ratio, 3),
      // The API server's CPU per list request (µs), per round.
      serverCpuUsPerRequest: serverCpuUs,
      ours: summarizeRun(api),
      limit: summarizeRun(direct),
      loadBefore,
      loadAfter: machineLoad(),
    },
  };
}

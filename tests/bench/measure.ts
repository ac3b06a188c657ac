/**
 * Measuring helpers: closed-loop load with a fixed number of clients for a fixed time, latency
 * percentiles, and the one result shape every benchmark reports.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

export type BenchResult = {
  name: string;
  /** Our path. */
  value: number;
  unit: string;
  /** The limit measured in the same run (or the target, when the limit is a target: see `limitKind`). */
  limit: number;
  /** value / limit. Whether lower or higher is better depends on the unit (`better`). */
  ratio: number;
  /** Projects in the book when measured. */
  n: number;
  better: 'lower' | 'higher';
  limitKind: 'measured' | 'target';
  /** The goal on the ratio or value, e.g. "ratio <= 1.5", and whether this run met it. */
  target: string;
  pass: boolean;
  /** Anything else worth keeping: percentiles, counts, the machine's load while measuring. */
  details: Record<string, unknown>;
};

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export type LoadRun = {
  requests: number;
  errors: number;
  /** First few error messages, for the report. */
  errorSamples: string[];
  seconds: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
};

/**
 * `clients` loops each run `op` back to back for `durationMs` (and at most `maxRequests` in all).
 * Latency is per op in milliseconds. An op that throws counts as an error, not a latency.
 */
export async function closedLoop(options: {
  clients: number;
  durationMs: number;
  maxRequests?: number;
  op: (client: number, iteration: number) => Promise<void>;
}): Promise<LoadRun> {
  const latencies: number[] = [];
  let errors = 0;
  const errorSamples: string[] = [];
  let started = 0;
  const limit = options.maxRequests ?? Number.POSITIVE_INFINITY;
  const begin = performance.now();
  const deadline = begin + options.durationMs;
  await Promise.all(
    Array.from({ length: options.clients }, async (_, client) => {
      let iteration = 0;
      while (performance.now() < deadline && started < limit) {
        started++;
        const t = performance.now();
        try {
          await options.op(client, iteration++);
          latencies.push(performance.now() - t);
        } catch (error) {
          errors++;
          if (errorSamples.length < 5) errorSamples.push((error as Error).message);
        }
      }
    }),
  );
  const seconds = (performance.now() - begin) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    errorSamples,
    seconds,
    throughput: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? Number.NaN,
  };
}

export const round = (value: number, digits = 2) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** The machine's 1-minute load average: the benchmarks share two cores with whatever else runs. */
export const machineLoad = () => round(loadavg()[0] ?? 0, 2);

/**
 * CPU seconds (user + system, all threads) a process has used so far, from Linux /proc. Divided by the
 * requests of a run it is the server's work per request, which a loaded machine stretches far less than
 * throughput: the neighbours take wall-clock time, not our CPU time.
 */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces); utime and stime are fields 14 and 15, in ticks of 1/100 s.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The machine's CPU ticks so far, busy and all, over every core (Linux /proc/stat, first line). */
function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  // idle and iowait are the idle time; steal counts as busy (a neighbour had the core).
  return { busy: total - fields[3]! - fields[4]!, total };
}

/**
 * Waits until the whole machine has been quiet (`busyBelow` of its cores) for `quietSeconds` in a row,
 * at most `capSeconds`. After the book is loaded, PostgreSQL's autovacuum works through it, and the
 * server's first reminder pass sends the generated book's reminders (its projects have no status
 * reports yet); neither is what a benchmark measures. Returns how long it waited and how busy the
 * machine was in the last second.
 */
export async function waitForQuietMachine(options: { busyBelow: number; quietSeconds: number; capSeconds: number }) {
  const started = performance.now();
  let quiet = 0;
  let busy = 1;
  let last = machineTicks();
  while (quiet < options.quietSeconds && performance.now() - started < options.capSeconds * 1000) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = machineTicks();
    busy = (now.busy - last.busy) / Math.max(now.total - last.total, 1);
    last = now;
    quiet = busy < options.busyBelow ? quiet + 1 : 0;
  }
  return { seconds: round((performance.now() - started) / 1000, 1), busy: round(busy, 3), quiet: quiet >= options.quietSeconds };
}

/** Runs `run` and adds the server's CPU microseconds per request over it. */
export async function withServerCpu(pid: number, run: () => Promise<LoadRun>): Promise<LoadRun & { serverCpuUs: number }> {
  const before = processCpuSeconds(pid);
  const result = await run();
  return { ...result, serverCpuUs: round(((processCpuSeconds(pid) - before) * 1e6) / Math.max(result.requests, 1), 0) };
}

export function summarizeRun(run: LoadRun) {
  return {
    requests: run.requests,
    errors: run.errors,
    seconds: round(run.seconds),
    throughput: round(run.throughput, 1),
    p50Ms: round(run.p50),
    p95Ms: round(run.p95),
    p99Ms: round(run.p99),
    maxMs: round(run.max),
    ...(run.errorSamples.length ? { errorSamples: run.errorSamples } : {}),
  };
}

export function formatBenchLine(r: BenchResult): string {
  const fmt = (v: number) => (Number.isFinite(v) ? String(round(v, v >= 100 ? 1 : 3)) : String(v));
  // A path that did not finish (crashed, or stopped at its time cap) has no ratio, only a time it ran for.
  if (r.details.completed === false) {
    return `BENCH ${r.name} value=>${fmt(r.value)}${r.unit} limit=${fmt(r.limit)}${r.unit} ratio=INCOMPLETE (${String(r.details.failure ?? 'did not finish').slice(0, 120)})`;
  }
  return `BENCH ${r.name} value=${fmt(r.value)}${r.unit} limit=${fmt(r.limit)}${r.unit} ratio=${fmt(r.ratio)}`;
}

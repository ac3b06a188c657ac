/**
 * search: Japanese `q=` search through the real server (first page, newest first), p95 against a
 * target of 100 ms; the limit measured beside it is the same statements sent straight to PostgreSQL:
 * the newest slice read in order, then the bigram index when the slice holds less than a page.
 */
import { normalizeSearchText, searchGrams } from '@psbook/core';
import { searchSliceRows } from '../../packages/api/src/db/queries/projects.ts';
import { createRandom } from '../support/generated-project.ts';
import { searchQueries } from '../support/vocabulary.ts';
import type { BenchContext } from './context.ts';
import { pageSize } from './list.ts';
import { type BenchResult, closedLoop, machineLoad, round, summarizeRun } from './measure.ts';

/** Searches run with fewer clients than the list: people type, they do not page through the book. */
const searchClients = 4;
/** Same text as the route's queries (db/queries/projects.ts listProjects). */
const sliceSql = `select * from (select * from "project" order by "created_at" desc, "id" desc limit ${searchSliceRows}) as "project" where project.search_text like $1 order by "created_at" desc, "id" desc limit $2`;
const searchSql = `select * from "project" where ("project"."search_grams" @> $1::text[] and project.search_text like $2) order by "created_at" desc, "id" desc limit $3`;
const escapeLike = (value: string) => value.replace(/[\\%_]/g, (ch) => `\\${ch}`);

export async function benchSearch(ctx: BenchContext): Promise<BenchResult> {
  const pick = (seed: number) => {
    const random = createRandom(seed);
    return () => random.pick(searchQueries);
  };
  const perQuery = new Map<string, number[]>();
  const api = async (durationMs: number, seed: number, record: boolean) => {
    const next = pick(seed);
    return closedLoop({
      clients: searchClients,
      durationMs,
      op: async () => {
        const q = next();
        const t = performance.now();
        const res = await ctx.http.request('GET', `/api/v1/projects?q=${encodeURIComponent(q)}&limit=${pageSize}`, {
          token: ctx.readerToken,
        });
        if (res.status !== 200) throw new Error(`search ${q} → ${res.status} ${res.text.slice(0, 200)}`);
        if (record) perQuery.set(q, [...(perQuery.get(q) ?? []), performance.now() - t]);
      },
    });
  };
  const direct = async (durationMs: number, seed: number) => {
    const next = pick(seed);
    return closedLoop({
      clients: searchClients,
      durationMs,
      op: async () => {
        const q = next();
        const phrase = `%${escapeLike(normalizeSearchText(q))}%`;
        const slice = await ctx.sql.unsafe(sliceSql, [phrase, pageSize + 1], { prepare: true });
        if (slice.length <= pageSize) await ctx.sql.unsafe(searchSql, [searchGrams(q), phrase, pageSize + 1], { prepare: true });
      },
    });
  };
  await api(2000, 1, false);
  await direct(2000, 1);
  const loadBefore = machineLoad();
  const ours = await api(ctx.durationMs, 7, true);
  const limit = await direct(ctx.durationMs, 7);

  // How many projects each word matches: what separates a slow search from a fast one.
  const matches: Record<string, { matches: number; p95Ms: number }> = {};
  for (const q of searchQueries) {
    const rows = await ctx.sql.unsafe(`select count(*)::int as n from project where search_grams @> $1::text[] and search_text like $2`, [
      searchGrams(q),
      `%${escapeLike(normalizeSearchText(q))}%`,
    ]);
    const times = (perQuery.get(q) ?? []).sort((a, b) => a - b);
    matches[q] = { matches: Number(rows[0]?.n), p95Ms: round(times[Math.ceil(times.length * 0.95) - 1] ?? Number.NaN) };
  }
  return {
    name: 'search',
    value: round(ours.p95),
    unit: 'ms',
    limit: round(limit.p95),
    ratio: round(ours.p95 / limit.p95, 3),
    n: ctx.n,
    better: 'lower',
    limitKind: 'measured',
    target: 'p95 < 100 ms',
    pass: ours.errors === 0 && ours.p95 < 100,
    details: {
      clients: searchClients,
      ours: summarizeRun(ours),
      limit: summarizeRun(limit),
      perQuery: matches,
      loadBefore,
      loadAfter: machineLoad(),
    },
  };
}

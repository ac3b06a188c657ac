/**
 * Mixed load at about 100 requests per second for 60 s (in CI too: a shorter run mistakes warm-up for growth) against the real server on
 * PostgreSQL: lists, reads, searches, edits, registrations, and pairs of edits that conflict on
 * purpose. No 5xx, every acknowledged write has exactly one audit event (and refused ones none), each
 * conflicting pair has exactly one winner, and the server's memory shows no growth trend.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadBenchBook } from '../support/bench-book.ts';
import { createRandom } from '../support/generated-project.ts';
import { HttpClient, type HttpResponse } from '../support/http.ts';
import { type ServerProcess, startServer } from '../support/server.ts';
import { benchBureaus, searchQueries } from '../support/vocabulary.ts';

const isCI = process.env.CI === 'true';
const durationMs = 60_000;
const ratePerSecond = 100;
const maxInFlight = 256;
const stages = ['planning', 'requirements', 'development', 'operation', 'retired'];

let databaseUrl = '';
let sql: postgres.Sql;
beforeAll(async () => {
  const adminUrl = inject('postgresUrl');
  if (!adminUrl) return;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const name = `faults_mixed_${Date.now()}`;
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  databaseUrl = url.toString();
  await loadBenchBook(databaseUrl, { projects: isCI ? 1000 : 3000 });
  sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
}, 240_000);
afterAll(async () => {
  await sql?.end({ timeout: 5 });
});

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

describe('mixed load at ~100 req/s', () => {
  it('gives no 5xx, one audit event per acknowledged write, one winner per conflict, and no memory growth', async (context) => {
    if (!databaseUrl) {
      context.skip();
      return;
    }
    const server: ServerProcess = await startServer({ env: { DATABASE_URL: databaseUrl } });
    const http = new HttpClient(server.url, { maxSockets: 64 });
    try {
      const admin = await http.login('admin@example.jp', 'psbook-demo');
      const reader = await http.login('chief@example.jp', 'psbook-demo');
      const projects = (await sql<{ id: string; version: number }[]>`select id, version from project order by md5(id::text) limit 400`).map(
        (p) => ({
          ...p,
        }),
      );
      const lastAudit = (await sql<{ lastAudit: string }[]>`select coalesce(max(id), 0)::text as "lastAudit" from audit_event`)[0]!
        .lastAudit;
      const editable = projects.slice(0, 300);
      const contested = projects.slice(300);
      const busy = new Set<string>();
      const random = createRandom(2024);
      const statuses = new Map<string, number>();
      const serverErrors: string[] = [];
      const networkErrors: string[] = [];
      let acknowledgedWrites = 0;
      let refusedWrites = 0;
      let conflictPairs = 0;
      let conflictPairsWithOneWinner = 0;
      let inFlight = 0;
      let saturated = 0;
      let issued = 0;
      const count = (kind: string, res: HttpResponse) => {
        const key = `${kind} ${res.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        if (res.status >= 500) serverErrors.push(`${key} ${res.text.slice(0, 200)}`);
      };
      const patch = async (project: { id: string; version: number }, version: number) => {
        const res = await http.request('PATCH', `/api/v1/projects/${project.id}`, {
          token: admin,
          body: { summary: `負荷試験 ${issued} ${random.next().toString(36).slice(2, 8)}`, version },
        });
        if (res.status === 200) {
          acknowledgedWrites++;
          project.version = res.json<{ version: number }>().version;
        } else if (res.status === 409) {
          refusedWrites++;
          const current = res.json<{ currentVersion?: number }>().currentVersion;
          if (current) project.version = Math.max(project.version, current);
        }
        return res;
      };
      const operations: [() => Promise<void>, number][] = [
        [
          async () => {
            const bureau = random.pick(benchBureaus).code;
            count(
              'list',
              await http.request('GET', `/api/v1/projects?bureau=${bureau}&stage=${random.pick(stages)}&limit=50`, { token: reader }),
            );
          },
          50,
        ],
        [async () => count('get', await http.request('GET', `/api/v1/projects/${random.pick(editable).id}`, { token: reader })), 15],
        [
          async () =>
            count(
              'search',
              await http.request('GET', `/api/v1/projects?q=${encodeURIComponent(random.pick(searchQueries))}&limit=20`, { token: reader }),
            ),
          10,
        ],
        [
          async () => {
            const project = random.pick(editable);
            count('patch', await patch(project, project.version));
          },
          15,
        ],
        [
          async () => {
            // Two editors save the same version at once: one wins, the other gets 409. These projects are
            // edited by nothing else, one pair at a time, so the version both send is the current one.
            const project = contested.find((p) => !busy.has(p.id));
            if (!project) return;
            busy.add(project.id);
            const version = project.version;
            const [a, b] = await Promise.all([patch(project, version), patch(project, version)]).finally(() => busy.delete(project.id));
            count('conflict', a);
            count('conflict', b);
            conflictPairs++;
            if ([a.status, b.status].sort().join() === '200,409') conflictPairsWithOneWinner++;
          },
          5,
        ],
        [
          async () => {
            const res = await http.request('POST', '/api/v1/projects', {
              token: admin,
              body: {
                name: `負荷試験の登録 ${issued}`,
                bureauCode: random.pick(benchBureaus).code,
                fiscalYear: 2026,
                budgetJpy: 9_000_000,
              },
            });
            count('create', res);
            if (res.status === 201) acknowledgedWrites++;
          },
          5,
        ],
      ];
      const pick = () => random.weighted(operations.map(([op, w]) => [op, w] as const));

      // Resident memory every second, in MB.
      const memory: { x: number; y: number }[] = [];
      const started = performance.now();
      const sampler = setInterval(() => memory.push({ x: (performance.now() - started) / 1000, y: server.rssBytes() / 2 ** 20 }), 1000);
      const running: Promise<void>[] = [];
      const interval = 1000 / ratePerSecond;
      let next = performance.now();
      while (performance.now() - started < durationMs) {
        if (inFlight >= maxInFlight) {
          saturated++;
        } else {
          issued++;
          inFlight++;
          const op = pick();
          running.push(
            op()
              .catch((error: Error) => {
                networkErrors.push(error.message);
              })
              .finally(() => {
                inFlight--;
              }),
          );
        }
        next += interval;
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const elapsed = (performance.now() - started) / 1000;
      await Promise.all(running);
      clearInterval(sampler);

      const summary = {
        issued,
        rate: Math.round(issued / elapsed),
        statuses: Object.fromEntries(statuses),
        saturated,
        networkErrors: networkErrors.slice(0, 5),
      };
      expect(serverErrors, JSON.stringify(summary)).toEqual([]);
      expect(networkErrors, JSON.stringify(summary)).toEqual([]);
      expect(issued / elapsed, JSON.stringify(summary)).toBeGreaterThan(ratePerSecond * 0.9);

      // Successful writes == audit events; refused writes left none.
      const events = (
        await sql<{ events: number }[]>`
        select count(*)::int as events from audit_event where id > ${lastAudit}::bigint and action in ('project.update', 'project.create')
      `
      )[0]!.events;
      expect(acknowledgedWrites).toBeGreaterThan(0);
      expect(refusedWrites).toBeGreaterThan(0);
      expect(events, JSON.stringify(summary)).toBe(acknowledgedWrites);
      expect(conflictPairs).toBeGreaterThan(0);
      expect(conflictPairsWithOneWinner).toBe(conflictPairs);

      // No growth trend once warm: the slope over the second half (the first fills the pool, the JIT
      // and the caches; over a short run its rise would read as a trend), and the end against the start.
      const warm = memory.filter((p) => p.x >= elapsed / 2);
      const mbPerMinute = slope(warm) * 60;
      const first = warm[0]!.y;
      const last = warm[warm.length - 1]!.y;
      const trend = {
        mbPerMinute: Math.round(mbPerMinute * 10) / 10,
        firstMb: Math.round(first),
        lastMb: Math.round(last),
        maxMb: Math.round(Math.max(...memory.map((p) => p.y))),
      };
      console.log(
        '[mixed load]',
        JSON.stringify({ ...summary, acknowledgedWrites, refusedWrites, auditEvents: events, conflictPairs, memory: trend }),
      );
      expect(mbPerMinute, JSON.stringify(trend)).toBeLessThan(30);
      expect(last - first, JSON.stringify(trend)).toBeLessThan(64);
    } finally {
      http.close();
      await server.stop();
    }
  }, 300_000);
});

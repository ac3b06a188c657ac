/**
 * PostgreSQL restarts under load. While it is down every request gets an answer within a bound — 503
 * application/problem+json `database_unavailable`, never a hang, a 500 or a crash; once it is back
 * the API serves again within 5 s without being restarted; and no write is half applied (a project
 * exists with its creation history and audit event, or not at all).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, startPostgresServer } from '../../packages/api/src/testing/postgres-server.ts';
import { loadBenchBook } from '../support/bench-book.ts';
import { HttpClient } from '../support/http.ts';
import { startPostgres, stopPostgres } from '../support/pg-control.ts';
import { type ServerProcess, startServer } from '../support/server.ts';

const isCI = process.env.CI === 'true';
const clients = 8;
/** No answer may take longer than this: the pool's connect timeout is 5 s. */
const answerWithinMs = 10_000;
const outageMs = isCI ? 3000 : 6000;

type Outcome = {
  kind: 'read' | 'write';
  at: number;
  ms: number;
  status: number;
  contentType: string;
  code?: string;
  id?: string;
  name?: string;
  error?: string;
};

let pg: PostgresServer;
let databaseUrl = '';
beforeAll(async () => {
  pg = await startPostgresServer();
  databaseUrl = pg.createDatabase('faults_restart');
  await loadBenchBook(databaseUrl, { projects: isCI ? 500 : 2000 });
}, 240_000);
afterAll(() => {
  pg?.destroy();
});

describe('a PostgreSQL restart under load', () => {
  it('answers 503 problem+json during the outage, recovers by itself within 5 s, and leaves no half-applied write', async () => {
    const api: ServerProcess = await startServer({ env: { DATABASE_URL: databaseUrl } });
    const http = new HttpClient(api.url, { maxSockets: clients * 2 });
    const outcomes: Outcome[] = [];
    const prefix = `再起動試験-${Date.now()}`;
    try {
      const token = await http.login('admin@example.jp', 'psbook-demo');
      let running = true;
      let sequence = 0;
      const t0 = performance.now();
      const worker = async (client: number) => {
        const hardStop = performance.now() + 120_000;
        while (running && performance.now() < hardStop) {
          const isWrite = sequence++ % 3 === 0;
          const name = `${prefix}-${client}-${sequence}`;
          const started = performance.now();
          const outcome: Outcome = { kind: isWrite ? 'write' : 'read', at: started - t0, ms: 0, status: 0, contentType: '' };
          try {
            const res = isWrite
              ? await http.request('POST', '/api/v1/projects', {
                  token,
                  body: { name, bureauCode: 'IND', fiscalYear: 2026, budgetJpy: 12_000_000 },
                  timeoutMs: answerWithinMs + 20_000,
                })
              : await http.request('GET', `/api/v1/projects?bureau=WEL&limit=20`, { token, timeoutMs: answerWithinMs + 20_000 });
            outcome.status = res.status;
            outcome.contentType = String(res.headers['content-type'] ?? '');
            const body = res.text ? res.json() : {};
            outcome.code = body.code;
            if (isWrite) {
              outcome.name = name;
              outcome.id = body.id;
            }
          } catch (error) {
            outcome.error = (error as Error).message;
          }
          outcome.ms = performance.now() - started;
          outcomes.push(outcome);
          // A client that got an error waits a little, as a browser or a retrying script would.
          if (outcome.status !== 200 && outcome.status !== 201) await new Promise((r) => setTimeout(r, 50));
        }
      };
      const load = Array.from({ length: clients }, (_, c) => worker(c));

      await new Promise((r) => setTimeout(r, 3000));
      await stopPostgres(pg);
      const downAt = performance.now() - t0;
      await new Promise((r) => setTimeout(r, outageMs));
      // The server accepts connections before pg_ctl returns, so the outage ends when the start begins.
      const startingAt = performance.now() - t0;
      await startPostgres(pg);
      const backAt = performance.now() - t0;
      // Keep the load on until the API has served again for a while (bounded).
      const deadline = performance.now() + 20_000;
      while (performance.now() < deadline) {
        const recovered = outcomes.some((o) => o.at > backAt && (o.status === 200 || o.status === 201));
        if (recovered && performance.now() - t0 > backAt + 6000) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      running = false;
      await Promise.all(load);

      // Every request got an answer, in time; none was a 500 or a dropped connection.
      const problems = outcomes.filter((o) => o.error || o.ms > answerWithinMs || ![200, 201, 503].includes(o.status));
      expect(problems, `${JSON.stringify(problems.slice(0, 5))}\n--- server output ---\n${api.output().slice(-4000)}`).toEqual([]);
      for (const o of outcomes.filter((x) => x.status === 503)) {
        expect(o.contentType).toContain('application/problem+json');
        expect(o.code).toBe('database_unavailable');
      }
      const duringOutage = outcomes.filter((o) => o.at > downAt && o.at + o.ms < startingAt);
      expect(duringOutage.length, 'requests answered while the database was down').toBeGreaterThan(10);
      expect(
        duringOutage.filter((o) => o.status !== 503),
        `answers other than 503 while the database was down (down from ${downAt} to ${startingAt} ms)`,
      ).toEqual([]);

      // Recovery without a restart of the API: the first success after the database is back.
      const firstSuccess = outcomes
        .filter((o) => o.at >= backAt && (o.status === 200 || o.status === 201))
        .reduce((min, o) => Math.min(min, o.at + o.ms), Number.POSITIVE_INFINITY);
      const slowest = Math.max(...outcomes.map((o) => o.ms));
      console.info(
        `postgres-restart: ${outcomes.length} requests, ${duringOutage.length} answered 503 while down, slowest answer ${Math.round(slowest)} ms, first success ${Math.round(firstSuccess - backAt)} ms after the database was back`,
      );
      expect(firstSuccess - backAt, 'ms from the database being back to the first success').toBeLessThan(5000);
      expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
      expect(api.child.exitCode).toBeNull();

      // No half-applied write: every project of this test exists with its history and audit event.
      const postgres = (await import('postgres')).default;
      const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
      try {
        const rows = await sql<{ id: string; history: number; audit: number }[]>`
          select p.id,
            (select count(*)::int from tier_history h where h.project_id = p.id and h.cause = 'created') as history,
            (select count(*)::int from audit_event a where a.entity_id = p.id::text and a.action = 'project.create') as audit
          from project p where p.name like ${`${prefix}-%`}
        `;
        const orphanAudit = await sql<{ n: number }[]>`
          select count(*)::int as n from audit_event a
          where a.action = 'project.create' and a.after->>'name' like ${`${prefix}-%`}
            and not exists (select from project p where p.id::text = a.entity_id)
        `;
        expect(rows.filter((r) => r.history !== 1 || r.audit !== 1)).toEqual([]);
        expect(orphanAudit[0]?.n).toBe(0);
        const stored = new Set(rows.map((r) => r.id));
        const acknowledged = outcomes.filter((o) => o.status === 201).map((o) => o.id!);
        expect(acknowledged.length).toBeGreaterThan(0);
        expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      } finally {
        await sql.end({ timeout: 5 });
      }
    } finally {
      http.close();
      await api.stop();
    }
  });
});

import { z } from 'zod';
import { pendingMigrations } from '../db/database.ts';
import { pingDatabase } from '../db/queries/health.ts';
import { databaseRetrySeconds } from '../errors.ts';
import { apiRoute, createRouter, jsonContent } from './openapi.ts';

export const ZLiveness = z.object({ status: z.literal('ok') }).meta({ id: 'Liveness', example: { status: 'ok' } });
export const ZReadiness = z
  .object({
    status: z.enum(['ready', 'migrations_pending', 'database_unavailable']),
    database: z.enum(['pglite', 'postgres']).optional(),
    rulesets: z.record(z.string(), z.string()).optional().meta({ description: 'The version of each active ruleset' }),
    pending: z.array(z.string()).optional().meta({ description: 'Migrations not yet applied' }),
  })
  .meta({ id: 'Readiness', example: { status: 'ready', database: 'postgres', rulesets: { oversight: '2026.1' } } });

const liveness = apiRoute({
  operationId: 'getLiveness',
  method: 'get',
  path: '/healthz',
  summary: 'The process answers (liveness)',
  responses: { 200: jsonContent(ZLiveness, 'The process is up') },
});
const readiness = apiRoute({
  operationId: 'getReadiness',
  method: 'get',
  path: '/readyz',
  summary: 'The process can serve: the database answers, no migration is pending (readiness)',
  responses: {
    200: jsonContent(ZReadiness, 'Ready, with the database kind and the active ruleset versions'),
    503: jsonContent(ZReadiness, 'Not ready: migrations pending, or the database is not reachable'),
  },
});

/** Liveness and readiness for load balancers and orchestrators; no authentication. */
export const healthRoutes = createRouter()
  .openapi(liveness, (c) => c.json({ status: 'ok' as const }, 200))
  .openapi(readiness, async (c) => {
    const { db, dbKind, policy } = c.get('services');
    // Only a 503 carries it; a load balancer reads it as when to ask again.
    const notReady = () => c.header('Retry-After', String(databaseRetrySeconds));
    try {
      await pingDatabase(db);
      const pending = await pendingMigrations(db);
      if (pending.length) {
        notReady();
        return c.json({ status: 'migrations_pending' as const, pending }, 503);
      }
      const rulesets = Object.fromEntries(Object.entries(policy.rulesets).map(([name, r]) => [name, String(r.version)]));
      return c.json({ status: 'ready' as const, database: dbKind, rulesets }, 200);
    } catch {
      notReady();
      return c.json({ status: 'database_unavailable' as const }, 503);
    }
  });

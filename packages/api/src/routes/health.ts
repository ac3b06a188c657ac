import { Hono } from 'hono';
import { sql } from 'kysely';
import type { AppEnv } from '../context.ts';
import { pendingMigrations } from '../db/database.ts';

/** Liveness and readiness for load balancers and orchestrators; no authentication. */
export const healthRoutes = new Hono<AppEnv>()
  .get('/healthz', (c) => c.json({ status: 'ok' }))
  .get('/readyz', async (c) => {
    const { db, dbKind, policy } = c.var.services;
    try {
      await sql`select 1`.execute(db);
      const pending = await pendingMigrations(db);
      if (pending.length) return c.json({ status: 'migrations_pending', pending }, 503);
      const rulesets = Object.fromEntries(Object.entries(policy.rulesets).map(([name, r]) => [name, r.version]));
      return c.json({ status: 'ready', database: dbKind, rulesets }, 200);
    } catch {
      return c.json({ status: 'database_unavailable' }, 503);
    }
  });

import type { Context } from 'hono';
import { requireActor } from '../auth/actor.ts';
import type { AppEnv, DomainContext } from '../context.ts';

/** The domain context of a request: its database, the active rules and the signed-in actor. */
export function domainContext(c: Context<AppEnv>): DomainContext {
  const { db, policy } = c.get('services');
  return { db, policy, actor: requireActor(c.get('actor')), requestId: c.get('requestId') };
}

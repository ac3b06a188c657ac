import type { Policy } from '@psbook/core';
import { type Actor, setupActor } from './auth/actor.ts';
import { ActorCache } from './auth/actor-cache.ts';
import { compileTrustedProxies, type TrustProxy } from './auth/client.ts';
import { OidcSignIn } from './auth/oidc.ts';
import type { Config } from './config.ts';
import type { DatabaseKind, Db } from './db/database.ts';

/** What the server holds for its lifetime. `policy` is replaced when the rules are reloaded. */
export type Services = {
  db: Db;
  dbKind: DatabaseKind;
  config: Config;
  policy: Policy;
  /** Resolved sessions and API tokens, for a few seconds (auth/actor-cache.ts). */
  actorCache: ActorCache;
  /** `config.trustedProxies`, compiled. */
  trustProxy: TrustProxy;
  /** Sign-in through the organisation's OpenID Provider; null when it is not configured. */
  oidc: OidcSignIn | null;
};

/** What a domain verb needs: the database (or a transaction), the rules, who acts, and the request. */
export type DomainContext = {
  db: Db;
  policy: Policy;
  actor: Actor;
  requestId: string | null;
};

/**
 * The context of work the server does on its own, with no request and no person (the reminder
 * scheduler): it acts as the system, and its audit events carry no actor id but `label`.
 */
export function systemContext(services: { db: Db; policy: Policy }, label: string): DomainContext {
  return { db: services.db, policy: services.policy, actor: setupActor(label), requestId: null };
}

/**
 * Read with `c.get('services')`, never through the context's `var` getter: hono builds a new object of
 * every variable on each access to it (architecture.test.ts keeps it out of the source).
 */
export type AppEnv = {
  Variables: {
    services: Services;
    requestId: string;
    actor: Actor | null;
  };
};

/** The services of one server (or test app) on an open database. */
export function createServices(
  database: { db: Db; kind: DatabaseKind },
  config: Config,
  policy: Policy,
  oidc: OidcSignIn | null = config.oidc ? new OidcSignIn(config.oidc) : null,
): Services {
  return {
    db: database.db,
    dbKind: database.kind,
    config,
    policy,
    actorCache: new ActorCache(config.authCacheSeconds * 1000),
    trustProxy: compileTrustedProxies(config.trustedProxies),
    oidc,
  };
}

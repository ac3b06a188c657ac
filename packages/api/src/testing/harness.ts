/**
 * Tests run the real app against real databases: PGlite in memory and a PostgreSQL server, never
 * mocked queries. `describeOnBothDatabases` runs a suite once per database.
 */
import { randomBytes } from 'node:crypto';
import { createPolicy, type Policy } from '@psbook/core';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { createApp, openApiDocument } from '../app.ts';
import type { OidcSignIn } from '../auth/oidc.ts';
import { activateRulesets } from '../bootstrap.ts';
import { loadConfig, repoRoot } from '../config.ts';
import { createServices, type Services } from '../context.ts';
import { migrateToLatest, type OpenDatabase, openPglite, openPostgres } from '../db/database.ts';
import { loadRulesets } from '../rules/load-rulesets.ts';
import { demoPassword, seedDemo } from '../seed/demo.ts';
import { createContract } from './contract.ts';

let contract: ReturnType<typeof createContract> | undefined;
/** Checks every exchange against the OpenAPI document (testing/contract.ts); built once per worker. */
export function checkTraffic(app: ReturnType<typeof createApp>) {
  contract ??= createContract(openApiDocument() as never);
  app.fetch = contract.wrap(app.fetch) as typeof app.fetch;
  return app;
}

export type DatabaseName = 'pglite' | 'postgres';

export function testDatabases(): DatabaseName[] {
  const url = inject('postgresUrl');
  return url ? ['pglite', 'postgres'] : ['pglite'];
}

async function createServerDatabase(adminUrl: string): Promise<string> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = openPostgres(adminUrl, { poolSize: 1 });
  try {
    const { sql } = await import('kysely');
    await sql.raw(`create database ${name}`).execute(admin.db);
  } finally {
    await admin.close();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function openTestDatabase(kind: DatabaseName): Promise<OpenDatabase> {
  if (kind === 'pglite') return openPglite(null);
  const adminUrl = inject('postgresUrl');
  if (!adminUrl) throw new Error('no PostgreSQL server for this run');
  return openPostgres(await createServerDatabase(adminUrl), { poolSize: 20 });
}

/** Test code reads JSON bodies loosely; the assertions say what they must hold. */
export type TestResponse = Omit<Response, 'json'> & { json(): Promise<any> };

export type TestApp = {
  kind: DatabaseName;
  app: ReturnType<typeof createApp>;
  services: Services;
  policy: Policy;
  database: OpenDatabase;
  /** Sign in as a demo account and return its bearer token (cached per email). */
  tokenFor(email: string): Promise<string>;
  /** A JSON request with a bearer token; `as` is a demo email or a raw token. */
  request(method: string, path: string, options?: { as?: string; body?: unknown; headers?: Record<string, string> }): Promise<TestResponse>;
  close(): Promise<void>;
};

export const testPolicy = () => createPolicy(loadRulesets(loadConfig({}).rulesDir));

export type TestAppOptions = {
  demoProjects?: boolean;
  /** Single sign-on against a provider the test started (testing/oidc-provider.ts). */
  oidc?: OidcSignIn;
};

export async function createTestApp(kind: DatabaseName, options: TestAppOptions = {}): Promise<TestApp> {
  const database = await openTestDatabase(kind);
  await migrateToLatest(database.db);
  const policy = testPolicy();
  await activateRulesets(database.db, policy);
  await seedDemo(database.db, policy, { projects: options.demoProjects ?? false });
  const config = { ...loadConfig({}), rulesDir: `${repoRoot}rules` };
  const services = createServices(database, { ...config, oidc: options.oidc?.settings ?? null }, policy, options.oidc ?? null);
  const app = checkTraffic(createApp(services, { logError: (error) => console.error('[test app]', error) }));
  // One sign-in per account, even when a test's first requests run in parallel: sign-in attempts are
  // throttled per account and address (decision 0009), and a test is one client at one address.
  const tokens = new Map<string, Promise<string>>();

  async function signIn(email: string): Promise<string> {
    const res = await app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: demoPassword }),
    });
    if (res.status !== 200) throw new Error(`login as ${email} failed: ${res.status} ${await res.text()}`);
    const { token } = (await res.json()) as { token: string };
    return token;
  }

  function tokenFor(email: string): Promise<string> {
    let token = tokens.get(email);
    if (!token) {
      token = signIn(email);
      tokens.set(email, token);
      // A failed sign-in is not remembered: the next call tries again.
      token.catch(() => tokens.delete(email));
    }
    return token;
  }

  return {
    kind,
    app,
    services,
    policy,
    database,
    tokenFor,
    async request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      // An explicit Authorization header wins over `as` (e.g. signing out a second session).
      if (opts.as && headers.authorization === undefined)
        headers.authorization = `Bearer ${opts.as.includes('@') ? await tokenFor(opts.as) : opts.as}`;
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      return app.request(path, { method, headers, body });
    },
    close: () => database.close(),
  };
}

/** Run `suite` once on PGlite and once on the PostgreSQL server, each with a fresh demo database. */
export function describeOnBothDatabases(title: string, suite: (t: () => TestApp) => void, options: TestAppOptions = {}) {
  describe.each(testDatabases())(`${title} [%s]`, (kind) => {
    let testApp: TestApp | undefined;
    beforeAll(async () => {
      testApp = await createTestApp(kind, options);
    }, 60_000);
    afterAll(async () => {
      await testApp?.close();
    });
    suite(() => {
      if (!testApp) throw new Error('test app not ready');
      return testApp;
    });
  });
}

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { config as loadDotenv } from 'dotenv';
import { compileTrustedProxies } from './auth/client.ts';

/** The repository root, found from this file so commands work from any directory. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  rulesDir: string;
  uiDistDir: string;
  /** Create the demo book and accounts when the embedded database is new. */
  demoOnFirstStart: boolean;
  sessionTtlHours: number;
  /** How long a resolved session or API token is remembered in process; 0 turns the cache off. */
  authCacheSeconds: number;
  dbPoolSize: number;
  /** Origins allowed to send cookie-authenticated writes besides the server's own. */
  trustedOrigins: string[];
  /**
   * Proxies (addresses, CIDR ranges, `loopback`…) whose X-Forwarded-For and X-Forwarded-Proto are believed.
   * Empty: the socket's peer is the client, and forwarding headers are ignored.
   */
  trustedProxies: string[];
  logRequests: boolean;
  /** Where people reach PS Book (no trailing slash): links in mails are this + the screen's path. */
  publicUrl: string;
  /** smtp://user:pass@host:587 (or smtps://); null keeps mails in the outbox, readable by admin. */
  smtpUrl: string | null;
  mailFrom: string;
  /** How often the mail worker looks for due mails. */
  mailPollSeconds: number;
  /** The first retry waits this long, then twice as long each time (capped at an hour). */
  mailRetrySeconds: number;
  /** How often each process runs the reminder scheduler; 0 turns it off. */
  reminderIntervalSeconds: number;
  /** How often each process runs due ruleset activations and picks up versions another process activated. */
  rulesPollSeconds: number;
  /** Sign-in through the organisation's OpenID Provider; null when not configured. */
  oidc: OidcConfig | null;
};

export type OidcConfig = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The address users reach PS Book at; the callback is this + /api/v1/auth/oidc/callback. */
  publicUrl: string;
  scopes: string;
  /** JSON file mapping the organisation's group names or ids to roles and bureaus; null = `psbook:` groups. */
  groupMapFile: string | null;
  /** The name shown on the sign-in button, if not 組織のアカウント. */
  providerName: string | null;
};

const oidcVariables = ['PSBOOK_OIDC_ISSUER', 'PSBOOK_OIDC_CLIENT_ID', 'PSBOOK_OIDC_CLIENT_SECRET', 'PSBOOK_PUBLIC_URL'] as const;

/** All four OIDC settings or none: half a configuration fails at start, not at the first sign-in. */
function readOidc(env: NodeJS.ProcessEnv, resolvePath: (value: string) => string): OidcConfig | null {
  const set = oidcVariables.filter((name) => env[name]);
  if (!env.PSBOOK_OIDC_ISSUER) {
    if (set.length && set.some((name) => name !== 'PSBOOK_PUBLIC_URL'))
      throw new Error(`PSBOOK_OIDC_ISSUER is not set but ${set.join(', ')} are: set all of ${oidcVariables.join(', ')} or none`);
    return null;
  }
  const missing = oidcVariables.filter((name) => !env[name]);
  if (missing.length) throw new Error(`single sign-on needs ${missing.join(', ')} as well as PSBOOK_OIDC_ISSUER`);
  for (const name of ['PSBOOK_OIDC_ISSUER', 'PSBOOK_PUBLIC_URL'] as const) {
    if (!URL.canParse(env[name]!)) throw new Error(`${name} must be an absolute URL, got "${env[name]}"`);
  }
  return {
    issuer: env.PSBOOK_OIDC_ISSUER,
    clientId: env.PSBOOK_OIDC_CLIENT_ID!,
    clientSecret: env.PSBOOK_OIDC_CLIENT_SECRET!,
    publicUrl: env.PSBOOK_PUBLIC_URL!.replace(/\/+$/, ''),
    scopes: env.PSBOOK_OIDC_SCOPES || 'openid email profile',
    groupMapFile: env.PSBOOK_OIDC_GROUP_MAP ? resolvePath(env.PSBOOK_OIDC_GROUP_MAP) : null,
    providerName: env.PSBOOK_OIDC_PROVIDER_NAME || null,
  };
}

function readNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}"`);
  return value;
}

const readList = (env: NodeJS.ProcessEnv, name: string): string[] =>
  (env[name] || '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function readProxies(env: NodeJS.ProcessEnv): string[] {
  const entries = readList(env, 'PSBOOK_TRUSTED_PROXIES');
  try {
    compileTrustedProxies(entries);
  } catch (error) {
    throw new Error(`PSBOOK_TRUSTED_PROXIES must list addresses or CIDR ranges: ${(error as Error).message}`);
  }
  return entries;
}

function readUrl(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | null {
  const raw = env[name]?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} must be an absolute URL, got "${raw}"`);
  }
  if (!protocols.includes(url.protocol)) throw new Error(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  return raw.replace(/\/+$/, '');
}

/**
 * Where the user ran the command: npm runs workspace scripts inside the package directory but
 * records the original directory in INIT_CWD, and relative paths in settings mean that one.
 */
const userCwd = () => process.env.INIT_CWD || process.cwd();

/** Settings from the environment and an optional `.env` in the working directory (see .env.example). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  if (env === process.env) {
    const dotenv = [resolve(userCwd(), '.env'), resolve(repoRoot, '.env')].find((p) => existsSync(p));
    if (dotenv) loadDotenv({ path: dotenv, quiet: true });
  }
  const resolvePath = (value: string) => resolve(userCwd(), value);
  return {
    port: readNumber(env, 'PORT', 8787),
    // The embedded demo serves this machine only; a server that others reach sets HOST (docs/operations.md).
    host: env.HOST || '127.0.0.1',
    dataDir: env.PSBOOK_DATA_DIR ? resolvePath(env.PSBOOK_DATA_DIR) : resolve(repoRoot, '.data'),
    databaseUrl: env.DATABASE_URL || null,
    rulesDir: env.PSBOOK_RULES_DIR ? resolvePath(env.PSBOOK_RULES_DIR) : resolve(repoRoot, 'rules'),
    uiDistDir: env.PSBOOK_UI_DIST ? resolvePath(env.PSBOOK_UI_DIST) : resolve(repoRoot, 'packages/ui/dist'),
    demoOnFirstStart: (env.PSBOOK_DEMO ?? 'true') !== 'false',
    sessionTtlHours: readNumber(env, 'PSBOOK_SESSION_TTL_HOURS', 12),
    authCacheSeconds: readNumber(env, 'PSBOOK_AUTH_CACHE_SECONDS', 5),
    dbPoolSize: readNumber(env, 'PSBOOK_DB_POOL_SIZE', 10),
    trustedOrigins: readList(env, 'PSBOOK_TRUSTED_ORIGINS'),
    trustedProxies: readProxies(env),
    logRequests: env.PSBOOK_LOG_REQUESTS === 'true',
    publicUrl: readUrl(env, 'PSBOOK_PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${readNumber(env, 'PORT', 8787)}`,
    smtpUrl: readUrl(env, 'PSBOOK_SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: env.PSBOOK_MAIL_FROM || 'PS Book <psbook@localhost>',
    mailPollSeconds: readNumber(env, 'PSBOOK_MAIL_POLL_SECONDS', 5),
    mailRetrySeconds: readNumber(env, 'PSBOOK_MAIL_RETRY_SECONDS', 30),
    reminderIntervalSeconds: readNumber(env, 'PSBOOK_REMINDER_INTERVAL_SECONDS', 300),
    rulesPollSeconds: readNumber(env, 'PSBOOK_RULES_POLL_SECONDS', 10),
    oidc: readOidc(env, resolvePath),
  };
}

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
};

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
  };
}

import type { Actor } from './actor.ts';

type Entry = { actor: Actor; until: number };

/**
 * Who a session or API token belongs to, remembered for a few seconds. Resolving the token is a
 * database round trip that cost three quarters of a signed-in request's server time
 * (performance.md §4.5). Changes made through this process (sign-out, users, tokens) clear it at
 * once; a change made through another process takes effect within `ttlMs`. Keyed by the token's
 * hash, never the token. Bounded: the oldest entry goes first.
 */
export class ActorCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #capacity: number;

  constructor(ttlMs: number, capacity = 10_000) {
    this.#ttlMs = ttlMs;
    this.#capacity = capacity;
  }

  get(tokenHash: string, now = Date.now()): Actor | null {
    const entry = this.#entries.get(tokenHash);
    if (!entry) return null;
    if (entry.until > now) return entry.actor;
    this.#entries.delete(tokenHash);
    return null;
  }

  /** `expiresAt`: the session's or token's own end, which the cache never outlives. */
  set(tokenHash: string, actor: Actor, expiresAt: Date | null, now = Date.now()): void {
    if (this.#ttlMs <= 0) return;
    const until = Math.min(now + this.#ttlMs, expiresAt ? expiresAt.getTime() : Number.POSITIVE_INFINITY);
    this.#entries.delete(tokenHash);
    if (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(tokenHash, { actor, until });
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}

import { describe, expect, it } from 'vitest';
import type { Actor } from './actor.ts';
import { ActorCache } from './actor-cache.ts';

const actor = (id: string): Actor => ({
  id,
  email: `${id}@example.jp`,
  displayName: id,
  role: 'staff',
  bureauCodes: ['IND'],
  via: 'session',
  scopes: [],
});

describe('ActorCache', () => {
  it('remembers an actor for the TTL and forgets it after', () => {
    const cache = new ActorCache(5000);
    cache.set('h1', actor('a'), null, 1000);
    expect(cache.get('h1', 5999)?.id).toBe('a');
    expect(cache.get('h1', 6000)).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('never outlives the session itself', () => {
    const cache = new ActorCache(5000);
    cache.set('h1', actor('a'), new Date(3000), 1000);
    expect(cache.get('h1', 2999)?.id).toBe('a');
    expect(cache.get('h1', 3000)).toBeNull();
  });

  it('stores nothing when turned off', () => {
    const cache = new ActorCache(0);
    cache.set('h1', actor('a'), null, 1000);
    expect(cache.get('h1', 1000)).toBeNull();
  });

  it('is bounded: the oldest entry goes first', () => {
    const cache = new ActorCache(5000, 2);
    cache.set('h1', actor('a'), null, 0);
    cache.set('h2', actor('b'), null, 0);
    cache.set('h3', actor('c'), null, 0);
    expect(cache.size).toBe(2);
    expect(cache.get('h1', 1)).toBeNull();
    expect(cache.get('h3', 1)?.id).toBe('c');
  });

  it('forgets everything on clear', () => {
    const cache = new ActorCache(5000);
    cache.set('h1', actor('a'), null, 0);
    cache.clear();
    expect(cache.get('h1', 1)).toBeNull();
  });
});

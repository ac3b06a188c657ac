import { hash, randomBytes } from 'node:crypto';

/** Session tokens start `pss_`, API tokens `psb_`; only their SHA-256 is stored. */
export const sessionTokenPrefix = 'pss_';
export const apiTokenPrefix = 'psb_';

export function newToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  // The one-shot hash: a third of createHash's CPU, and every signed-in request pays it (the actor cache's key).
  return hash('sha256', token, 'hex');
}

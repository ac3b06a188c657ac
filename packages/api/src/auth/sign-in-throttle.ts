/**
 * Sign-in throttling (docs/decisions/0009-sign-in-throttling.md, OWASP ASVS 2.2.1): slow down guessing
 * per account and per address without letting anyone lock the owner out of their account.
 *
 * - an account at one address: 5 attempts per 15 minutes, then 429 until the window ends;
 * - one address across accounts: 30 failed attempts per 15 minutes (spraying one password over many accounts);
 * - one account across addresses: 10 attempts per 15 minutes freely, then each attempt waits 2, 4, 8 …
 *   seconds after the previous one, never more than 60, so a guesser with many addresses gets a couple of
 *   dozen guesses per window and the owner waits a minute at most; and an address the account signed in
 *   from in the last 30 days skips this delay altogether (it keeps its own 5 per 15 minutes).
 *
 * An attempt is counted before the password is checked, atomically per key, so parallel attempts can
 * never check more passwords than the limit; a success clears the account's counts.
 */
import type { Db } from '../db/database.ts';
import {
  clearAttempts,
  deleteExpiredThrottleRows,
  giveBackAttempt,
  isRemembered,
  rememberKey,
  secondsUntilAllowed,
  type ThrottleRule,
  takeAttempt,
} from '../db/queries/login-throttle.ts';

const windowSeconds = 15 * 60;
export const signInThrottle = {
  accountAtAddress: { windowSeconds, maxAttempts: 5, freeAttempts: 5, maxDelaySeconds: 0 },
  address: { windowSeconds, maxAttempts: 30, freeAttempts: 30, maxDelaySeconds: 0 },
  account: { windowSeconds, maxAttempts: null, freeAttempts: 10, maxDelaySeconds: 60 },
  knownAddressDays: 30,
} satisfies Record<string, ThrottleRule | number>;

/** Where the app is called in-process (no socket): one address for all such calls. */
const noAddress = 'in-process';

const keysOf = (email: string, address: string | null) => {
  const at = address ?? noAddress;
  return {
    accountAtAddress: `account-at:${at} ${email}`,
    address: `address:${at}`,
    account: `account:${email}`,
    known: `known:${at} ${email}`,
  };
};

/**
 * Takes an attempt for `email` (canonical) from `address`; returns null when it may go ahead, or the
 * seconds to wait (Retry-After). Keys refused later give back what earlier keys took, so a refused
 * attempt costs the owner nothing.
 */
export async function takeSignInAttempt(db: Db, email: string, address: string | null): Promise<number | null> {
  const keys = keysOf(email, address);
  const checks: [string, ThrottleRule][] = [
    [keys.accountAtAddress, signInThrottle.accountAtAddress],
    [keys.address, signInThrottle.address],
  ];
  if (!(await isRemembered(db, keys.known))) checks.push([keys.account, signInThrottle.account]);
  const taken: string[] = [];
  for (const [key, rule] of checks) {
    if ((await takeAttempt(db, key, rule)) === null) {
      for (const earlier of taken) await giveBackAttempt(db, earlier);
      return secondsUntilAllowed(db, key, rule);
    }
    taken.push(key);
  }
  return null;
}

/** A wrong password (or an unknown or inactive account): the attempt stays counted. Old rows are swept here. */
export async function recordSignInFailure(db: Db): Promise<void> {
  await deleteExpiredThrottleRows(db);
}

/** The owner is in: the account's counts start again, the address's failures keep, and this address is remembered. */
export async function recordSignInSuccess(db: Db, email: string, address: string | null): Promise<void> {
  const keys = keysOf(email, address);
  await clearAttempts(db, [keys.accountAtAddress, keys.account]);
  await giveBackAttempt(db, keys.address);
  await rememberKey(db, keys.known, signInThrottle.knownAddressDays);
}

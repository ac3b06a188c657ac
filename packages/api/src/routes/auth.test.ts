/**
 * Sign-in throttling (docs/decisions/0009-sign-in-throttling.md) as an attacker tries it: padded
 * e-mails, forged forwarding headers, parallel guesses, and locking the owner out.
 */
import { expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { signInThrottle } from '../auth/sign-in-throttle.ts';
import { createServices } from '../context.ts';
import { demoPassword } from '../seed/demo.ts';
import { describeOnBothDatabases, type TestApp } from '../testing/harness.ts';
import { type Listening, listen } from '../testing/http-server.ts';

const limit = signInThrottle.accountAtAddress.maxAttempts;

type SignIn = { email: string; password: string; headers?: Record<string, string> };

/** The app served as `npm start` serves it, with `trustedProxies` as PSBOOK_TRUSTED_PROXIES would set them. */
async function serveWith(t: TestApp, trustedProxies: string[]): Promise<Listening> {
  const services = createServices(t.database, { ...t.services.config, trustedProxies }, t.policy);
  return listen(createApp(services, { logError: (error) => console.error('[test app]', error) }));
}

async function signInOver(server: Listening, { email, password, headers = {} }: SignIn) {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
  await res.arrayBuffer();
  return res;
}

describeOnBothDatabases('sign-in throttling', (t) => {
  const signIn = (email: string, password: string) => t().request('POST', '/api/v1/auth/login', { body: { email, password } });

  it('counts padded and differently written e-mails against the one account', async () => {
    const email = 'staff.wel@example.jp';
    const variants = [` ${email}`, `\t${email}`, `${email.toUpperCase()} `, `${email}\t`, ` Staff.Wel@Example.JP\t`];
    expect(variants).toHaveLength(limit);
    for (const variant of variants) expect((await signIn(variant, 'wrong password')).status, JSON.stringify(variant)).toBe(401);
    // The account is spent at this address: even the right password waits.
    const res = await signIn(email, demoPassword);
    expect(res.status).toBe(429);
    expect((await res.json()).code).toBe('too_many_requests');
  });

  it('sends Retry-After with every 429, in whole seconds within the window', async () => {
    const res = await signIn('STAFF.WEL@example.jp', 'wrong password');
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(signInThrottle.accountAtAddress.windowSeconds);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect((await res.json()).retryAfterSeconds).toBe(retryAfter);
  });

  it('checks no more passwords than the limit when 20 wrong passwords arrive at once', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => signIn('lead.ind@example.jp', 'wrong password')));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(limit);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - limit);
    for (const r of results.filter((r) => r.status === 429)) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    const row = await t()
      .services.db.selectFrom('loginThrottle')
      .select('attempts')
      .where('key', 'like', 'account-at:% lead.ind@example.jp')
      .executeTakeFirstOrThrow();
    expect(row.attempts).toBe(limit);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy: one socket, one address', async () => {
    const server = await serveWith(t(), []);
    try {
      const perAddress = signInThrottle.address.maxAttempts;
      // Failures over many accounts, each with a different forged address: they all count against the socket's.
      for (let i = 0; i < perAddress; i++) {
        const res = await signInOver(server, {
          email: `nobody${i}@example.jp`,
          password: 'wrong password',
          headers: { 'x-forwarded-for': `203.0.113.${i + 1}` },
        });
        expect(res.status, `attempt ${i + 1}`).toBe(401);
      }
      const next = await signInOver(server, {
        email: 'nobody-else@example.jp',
        password: 'wrong password',
        headers: { 'x-forwarded-for': '198.51.100.77' },
      });
      expect(next.status).toBe(429);
      expect(Number(next.headers.get('retry-after'))).toBeGreaterThan(0);
      // Nor does a forged X-Forwarded-Proto make the cookie Secure.
      await t().services.db.deleteFrom('loginThrottle').execute();
      const ok = await signInOver(server, {
        email: 'budget@example.jp',
        password: demoPassword,
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
    } finally {
      await server.close();
    }
  });

  it('behind a trusted proxy: each client its own address, and the owner is not locked out by someone else’s failures', async () => {
    await t().services.db.deleteFrom('loginThrottle').execute();
    const server = await serveWith(t(), ['loopback']);
    const from = (address: string) => ({ 'x-forwarded-for': `10.9.9.9, ${address}` });
    try {
      const email = 'advisor.wel@example.jp';
      // The owner signed in from home last week…
      expect((await signInOver(server, { email, password: demoPassword, headers: from('198.51.100.10') })).status).toBe(200);
      // …then someone guesses from two addresses until each is stopped.
      for (const attacker of ['203.0.113.20', '203.0.113.21']) {
        for (let i = 0; i < limit; i++) {
          expect((await signInOver(server, { email, password: `guess ${i}`, headers: from(attacker) })).status).toBe(401);
        }
        expect((await signInOver(server, { email, password: 'guess', headers: from(attacker) })).status).toBe(429);
      }
      // Past the account's free attempts, guesses from fresh addresses must be spaced out: the progressive delay.
      expect((await signInOver(server, { email, password: 'guess', headers: from('203.0.113.22') })).status).toBe(401);
      const slowed = await signInOver(server, { email, password: 'guess', headers: from('203.0.113.23') });
      expect(slowed.status).toBe(429);
      const delay = Number(slowed.headers.get('retry-after'));
      expect(delay).toBeGreaterThan(0);
      expect(delay).toBeLessThanOrEqual(signInThrottle.account.maxDelaySeconds);
      // The owner, from the address they know, gets straight in; the refused attempt cost the fresh address nothing.
      const owner = await signInOver(server, { email, password: demoPassword, headers: from('198.51.100.10') });
      expect(owner.status).toBe(200);
      const fresh = await t()
        .services.db.selectFrom('loginThrottle')
        .select('attempts')
        .where('key', '=', `account-at:203.0.113.23 ${email}`)
        .executeTakeFirst();
      expect(fresh?.attempts ?? 0).toBe(0);
      // X-Forwarded-Proto from the trusted proxy makes the session cookie Secure.
      const secure = await signInOver(server, {
        email: 'chief@example.jp',
        password: demoPassword,
        headers: { ...from('198.51.100.11'), 'x-forwarded-proto': 'https' },
      });
      expect(secure.status).toBe(200);
      expect(secure.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
    } finally {
      await server.close();
    }
  });

  it('refuses control characters inside the e-mail instead of trimming them away', async () => {
    const res = await signIn('chief@exam\u0007ple.jp', demoPassword);
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual([{ path: 'email', message: 'must not contain control characters' }]);
  });
});

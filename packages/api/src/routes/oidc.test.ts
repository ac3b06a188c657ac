/**
 * Single sign-on against a real OpenID Provider (oidc-provider) started here, with people in
 * several groups. The "browser" is fetch with a cookie jar per site, following redirects and
 * submitting the provider's sign-in and consent forms.
 */
import { decodeJwt, importJWK, SignJWT } from 'jose';
import type { CustomFetch } from 'openid-client';
import { afterAll, beforeEach, expect, it } from 'vitest';
import { OidcSignIn } from '../auth/oidc.ts';
import { loadConfig } from '../config.ts';
import { createTestApp, describeOnBothDatabases, type TestApp, type TestResponse } from '../testing/harness.ts';
import { startTestProvider } from '../testing/oidc-provider.ts';

const publicUrl = 'http://psbook.test';
const provider = await startTestProvider({
  publicUrl,
  accounts: {
    'advisor-ind': { email: 'sso.advisor@example.jp', name: 'SSO 補佐官', groups: ['everyone', 'psbook:cio_advisor:IND'] },
    'staff-multi': {
      email: 'sso.staff@example.jp',
      name: 'SSO 職員',
      groups: ['psbook:staff:WEL', 'psbook:staff:IND,HLT', 'psbook:staff:NOPE'],
    },
    'no-role': { email: 'sso.nobody@example.jp', name: '権限 なし', groups: ['everyone', 'psbook:superuser'] },
    mover: { email: 'sso.mover@example.jp', name: '異動 する', groups: ['psbook:staff:IND'] },
    'wel-linked': { email: 'staff.wel@example.jp', name: '福祉 陽子', groups: ['psbook:staff:WEL'] },
    'bureauless-staff': { email: 'sso.bureauless@example.jp', groups: ['psbook:staff'] },
    'no-email': { name: 'メール なし', groups: ['psbook:staff:IND'] },
    twin: { email: 'sso.twin@example.jp', name: '同時 サインイン', groups: ['psbook:staff:IND'] },
    'reused-address': { email: 'SSO.Advisor@example.jp', name: '別人', groups: ['psbook:staff:IND'] },
  },
});
afterAll(() => provider.close());

/** What the next token response goes through, set by a test to tamper with the ID token. */
let tamper: ((body: Record<string, unknown>) => Promise<Record<string, unknown>>) | null = null;
const hookedFetch: CustomFetch = async (url, options) => {
  const response = await fetch(url, options as RequestInit);
  if (!tamper || !url.endsWith('/token') || response.status !== 200) return response;
  const body = await tamper((await response.json()) as Record<string, unknown>);
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
};
const oidc = new OidcSignIn(
  {
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    publicUrl,
    scopes: 'openid email profile groups',
    groupMapFile: null,
    providerName: null,
  },
  hookedFetch,
);

type Jar = Map<string, string>;
function keep(jar: Jar, response: Response) {
  for (const line of response.headers.getSetCookie()) {
    const [pair = '', ...attributes] = line.split(';');
    const at = pair.indexOf('=');
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    const isExpired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
    if (isExpired) jar.delete(name);
    else jar.set(name, value);
  }
}
const cookieHeader = (jar: Jar) => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

type Browser = { app: TestApp; jar: Jar };
const browserOf = (app: TestApp): Browser => ({ app, jar: new Map() });
const visit = async (browser: Browser, url: string, init: RequestInit = {}): Promise<TestResponse> => {
  const response = await browser.app.app.request(url.startsWith('http') ? url : `${publicUrl}${url}`, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), cookie: cookieHeader(browser.jar) },
  });
  keep(browser.jar, response);
  return response as TestResponse;
};
const request = (app: TestApp, path: string, init?: RequestInit) => app.app.request(path, init) as Promise<TestResponse>;

/**
 * Sign in at the provider as `login` and come back. `atCallback` may change the callback URL (a
 * wrong state). Answers PS Book's response to the callback.
 */
async function signIn(browser: Browser, login: string, atCallback: (url: URL) => URL | Promise<URL> = (u) => u): Promise<TestResponse> {
  return visit(browser, (await atCallback(new URL(await reachCallback(browser, login)))).toString());
}

/** Everything up to PS Book's callback: start, then the provider's sign-in and consent. Answers the callback URL. */
async function reachCallback(browser: Browser, login: string): Promise<string> {
  const started = await visit(browser, '/api/v1/auth/oidc/start?returnTo=/projects');
  expect(started.status).toBe(302);
  let location = started.headers.get('location')!;
  expect(location.startsWith(`${provider.issuer}/auth?`)).toBe(true);
  const providerJar: Jar = new Map();
  for (let step = 0; step < 20; step++) {
    if (location.startsWith(publicUrl)) return location;
    const response = await fetch(location, { redirect: 'manual', headers: { cookie: cookieHeader(providerJar) } });
    keep(providerJar, response);
    if (response.status >= 300 && response.status < 400) {
      location = new URL(response.headers.get('location')!, provider.issuer).toString();
      continue;
    }
    const page = await response.text();
    const action = /action="([^"]+)"/.exec(page)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(page)?.[1];
    if (!action || !prompt) throw new Error(`unexpected provider page (${response.status}): ${page.slice(0, 400)}`);
    const form = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt });
    const submitted = await fetch(new URL(action, provider.issuer), {
      method: 'POST',
      redirect: 'manual',
      body: form,
      headers: { cookie: cookieHeader(providerJar), 'content-type': 'application/x-www-form-urlencoded' },
    });
    keep(providerJar, submitted);
    location = new URL(submitted.headers.get('location')!, provider.issuer).toString();
  }
  throw new Error('too many redirects');
}

const me = async (browser: Browser) => visit(browser, '/api/v1/auth/me');

describeOnBothDatabases(
  'Single sign-on (OpenID Connect)',
  (t) => {
    beforeEach(() => {
      tamper = null;
    });

    it('tells the sign-in page that single sign-on is configured, with the provider’s end-session address', async () => {
      const res = await request(t(), '/api/v1/auth/methods');
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.password).toBe(true);
      expect(body.oidc.startUrl).toBe('/api/v1/auth/oidc/start');
      const endSession = new URL(body.oidc.endSessionUrl);
      expect(endSession.origin + endSession.pathname).toBe(`${provider.issuer}/session/end`);
      expect(endSession.searchParams.get('client_id')).toBe(provider.clientId);
      expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${publicUrl}/`);
    });

    it('sends the browser to the provider with PKCE (S256), state and nonce', async () => {
      const res = await request(t(), `${publicUrl}/api/v1/auth/oidc/start`);
      const url = new URL(res.headers.get('location')!);
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
      expect(url.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
      expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/);
      expect(url.searchParams.get('redirect_uri')).toBe(`${publicUrl}/api/v1/auth/oidc/callback`);
      expect(res.headers.get('set-cookie')).toMatch(/psbook_oidc_state=.*HttpOnly.*SameSite=Lax/i);
    });

    it('signs in a CIO advisor for the first time: the account is created from the groups, and audited', async () => {
      const browser = browserOf(t());
      const res = await signIn(browser, 'advisor-ind');
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('/projects');
      expect(browser.jar.has('psbook_session')).toBe(true);
      const user = await (await me(browser)).json();
      expect(user).toMatchObject({ email: 'sso.advisor@example.jp', displayName: 'SSO 補佐官', role: 'cio_advisor', bureauCodes: ['IND'] });
      const row = await t()
        .services.db.selectFrom('appUser')
        .select(['passwordHash', 'oidcIssuer', 'oidcSubject'])
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ passwordHash: null, oidcIssuer: provider.issuer, oidcSubject: 'advisor-ind' });
      const audit = await t().services.db.selectFrom('auditEvent').select(['action', 'after']).where('entityId', '=', user.id).execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ action: 'user.create', after: { role: 'cio_advisor', bureauCodes: ['IND'], source: 'oidc' } });

      // The session is an ordinary PS Book session: the advisor reads the book.
      expect((await visit(browser, '/api/v1/projects?limit=1')).status).toBe(200);
      // A second sign-in finds the same account and changes nothing.
      const again = browserOf(t());
      expect((await signIn(again, 'advisor-ind')).status).toBe(302);
      expect((await (await me(again)).json()).id).toBe(user.id);
      const events = await t().services.db.selectFrom('auditEvent').select('action').where('entityId', '=', user.id).execute();
      expect(events).toHaveLength(1);
    });

    it('gives staff in several groups the bureaus of every staff group, leaving out bureaus PS Book does not know', async () => {
      const browser = browserOf(t());
      expect((await signIn(browser, 'staff-multi')).status).toBe(302);
      const user = await (await me(browser)).json();
      expect(user).toMatchObject({ role: 'staff', bureauCodes: ['HLT', 'IND', 'WEL'] });
      // Staff write their own bureau's projects.
      const created = await visit(browser, '/api/v1/projects', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: publicUrl },
        body: JSON.stringify({ name: 'SSO で登録した事業', bureauCode: 'HLT', fiscalYear: 2026, isNew: true }),
      });
      expect(created.status).toBe(201);
    });

    it('refuses a person whose groups map to no role, with a clear page and no account', async () => {
      const browser = browserOf(t());
      const res = await signIn(browser, 'no-role');
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const page = await res.text();
      expect(page).toContain('PS Book を利用する権限がありません');
      expect(page).toContain('You have no PS Book role');
      expect(browser.jar.has('psbook_session')).toBe(false);
      const user = await t().services.db.selectFrom('appUser').select('id').where('email', '=', 'sso.nobody@example.jp').executeTakeFirst();
      expect(user).toBeUndefined();
      const refusal = await t()
        .services.db.selectFrom('auditEvent')
        .select(['after'])
        .where('action', '=', 'user.sign_in_refused')
        .where('entityId', '=', 'no-role')
        .executeTakeFirstOrThrow();
      expect(refusal.after).toMatchObject({ reason: 'no_role', groups: ['everyone', 'psbook:superuser'] });
    });

    it('refuses staff without a known bureau, and a provider account without an e-mail address', async () => {
      const bureauless = await signIn(browserOf(t()), 'bureauless-staff');
      expect(bureauless.status).toBe(403);
      expect(await bureauless.text()).toContain('所属局が設定されていません');
      const mailless = await signIn(browserOf(t()), 'no-email');
      expect(mailless.status).toBe(403);
      expect(await mailless.text()).toContain('メールアドレスを確認できません');
    });

    it('links an account an administrator created before, by its e-mail address, and applies a change of group at the next sign-in', async () => {
      const browser = browserOf(t());
      expect((await signIn(browser, 'wel-linked')).status).toBe(302);
      const linked = await (await me(browser)).json();
      expect(linked).toMatchObject({ email: 'staff.wel@example.jp', role: 'staff', bureauCodes: ['WEL'] });

      const first = browserOf(t());
      expect((await signIn(first, 'mover')).status).toBe(302);
      const before = await (await me(first)).json();
      expect(before).toMatchObject({ role: 'staff', bureauCodes: ['IND'] });
      provider.accounts.set('mover', { email: 'sso.mover@example.jp', name: '異動 する', groups: ['psbook:bureau_lead:WEL'] });
      try {
        const second = browserOf(t());
        expect((await signIn(second, 'mover')).status).toBe(302);
        const after = await (await me(second)).json();
        expect(after).toMatchObject({ id: before.id, role: 'bureau_lead', bureauCodes: ['WEL'] });
        const update = await t()
          .services.db.selectFrom('auditEvent')
          .select(['before', 'after'])
          .where('entityId', '=', before.id)
          .where('action', '=', 'user.update')
          .executeTakeFirstOrThrow();
        expect(update.before).toMatchObject({ role: 'staff', bureauCodes: ['IND'] });
        expect(update.after).toMatchObject({ role: 'bureau_lead', bureauCodes: ['WEL'], source: 'oidc' });
      } finally {
        provider.accounts.set('mover', { email: 'sso.mover@example.jp', name: '異動 する', groups: ['psbook:staff:IND'] });
      }
    });

    it('keeps refusing a person deactivated in PS Book, whatever their groups say', async () => {
      const browser = browserOf(t());
      expect((await signIn(browser, 'advisor-ind')).status).toBe(302);
      const user = await (await me(browser)).json();
      const current = await (await t().request('GET', `/api/v1/admin/users/${user.id}`, { as: 'admin@example.jp' })).json();
      const off = await t().request('PATCH', `/api/v1/admin/users/${user.id}`, {
        as: 'admin@example.jp',
        body: { isActive: false, version: current.version },
      });
      expect(off.status).toBe(200);
      expect((await me(browser)).status).toBe(401);
      const res = await signIn(browserOf(t()), 'advisor-ind');
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('このアカウントは無効です');
      const on = await t().request('PATCH', `/api/v1/admin/users/${user.id}`, {
        as: 'admin@example.jp',
        body: { isActive: true, version: current.version + 1 },
      });
      expect(on.status).toBe(200);
    });

    it('refuses a callback whose state is not the one this browser started with, or that comes back twice', async () => {
      const wrong = await signIn(browserOf(t()), 'advisor-ind', (url) => {
        url.searchParams.set('state', 'not-the-state-we-sent');
        return url;
      });
      expect(wrong.status).toBe(400);
      expect(await wrong.text()).toContain('サインインを完了できませんでした');

      // Another browser (no state cookie) cannot finish a sign-in started elsewhere (login CSRF).
      let callback = '';
      const victim = browserOf(t());
      const stolen = await signIn(browserOf(t()), 'advisor-ind', (url) => {
        callback = url.toString();
        return new URL(`${publicUrl}/api/v1/auth/oidc/callback?state=x`);
      });
      expect(stolen.status).toBe(400);
      const replayed = await visit(victim, callback);
      expect(replayed.status).toBe(400);
      expect(victim.jar.has('psbook_session')).toBe(false);
    });

    it('answers a sign-in cancelled at the provider, or left longer than 10 minutes, with a clear page', async () => {
      const browser = browserOf(t());
      const started = await visit(browser, '/api/v1/auth/oidc/start');
      const state = new URL(started.headers.get('location')!).searchParams.get('state')!;
      const cancelled = await visit(
        browser,
        `/api/v1/auth/oidc/callback?error=access_denied&state=${state}&iss=${encodeURIComponent(provider.issuer)}`,
      );
      expect(cancelled.status).toBe(400);
      expect(await cancelled.text()).toContain('サインインを完了できませんでした');

      const late = await signIn(browserOf(t()), 'advisor-ind', async (url) => {
        await t()
          .services.db.updateTable('oidcSignIn')
          .set({ expiresAt: new Date(Date.now() - 1000) })
          .execute();
        return url;
      });
      expect(late.status).toBe(400);
      expect(await late.text()).toContain('サインインの有効期限が切れました');
    });

    it('creates one account when a new person’s first two sign-ins arrive at once', async () => {
      const first = browserOf(t());
      const second = browserOf(t());
      const callbacks = [await reachCallback(first, 'twin'), await reachCallback(second, 'twin')];
      const [a, b] = await Promise.all([visit(first, callbacks[0]!), visit(second, callbacks[1]!)]);
      expect([a.status, b.status]).toEqual([302, 302]);
      const ids = [(await (await me(first)).json()).id, (await (await me(second)).json()).id];
      expect(ids[0]).toBe(ids[1]);
      const created = await t()
        .services.db.selectFrom('auditEvent')
        .select('id')
        .where('action', '=', 'user.create')
        .where('entityId', '=', ids[0])
        .execute();
      expect(created).toHaveLength(1);
    });

    it('never merges a second provider identity into an account linked to another one by the same address', async () => {
      const res = await signIn(browserOf(t()), 'reused-address');
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('このメールアドレスは別のアカウントで使われています');
    });

    it('refuses an ID token whose content was changed after the provider signed it', async () => {
      tamper = async (body) => {
        const [header, payload, signature] = String(body.id_token).split('.');
        const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
        // A claim nothing else checks, so only the signature can catch it.
        const forged = Buffer.from(JSON.stringify({ ...claims, groups: ['psbook:admin'] })).toString('base64url');
        return { ...body, id_token: `${header}.${forged}.${signature}` };
      };
      const browser = browserOf(t());
      const res = await signIn(browser, 'advisor-ind');
      expect(res.status).toBe(400);
      expect(browser.jar.has('psbook_session')).toBe(false);
    });

    it('refuses an expired ID token even when it carries the provider’s valid signature', async () => {
      const key = await importJWK(provider.signingKey, 'RS256');
      const resign = (change: (claims: Record<string, unknown>) => Record<string, unknown>) => async (body: Record<string, unknown>) => {
        const claims = decodeJwt(String(body.id_token));
        const idToken = await new SignJWT(change(claims)).setProtectedHeader({ alg: 'RS256', kid: provider.signingKey.kid! }).sign(key);
        return { ...body, id_token: idToken };
      };
      // The same claims signed again pass, so the expiry is what the next case is refused for.
      tamper = resign((claims) => claims);
      expect((await signIn(browserOf(t()), 'advisor-ind')).status).toBe(302);

      const now = Math.floor(Date.now() / 1000);
      tamper = resign((claims) => ({ ...claims, iat: now - 7200, exp: now - 3600 }));
      const browser = browserOf(t());
      const res = await signIn(browser, 'advisor-ind');
      expect(res.status).toBe(400);
      expect(browser.jar.has('psbook_session')).toBe(false);
    });

    it('signs out: the PS Book session ends', async () => {
      const browser = browserOf(t());
      expect((await signIn(browser, 'staff-multi')).status).toBe(302);
      expect((await me(browser)).status).toBe(200);
      const session = browser.jar.get('psbook_session')!;
      const out = await visit(browser, '/api/v1/auth/logout', { method: 'POST', headers: { origin: publicUrl } });
      expect(out.status).toBe(204);
      expect(browser.jar.has('psbook_session')).toBe(false);
      const reused = await request(t(), '/api/v1/auth/me', { headers: { authorization: `Bearer ${session}` } });
      expect(reused.status).toBe(401);
    });

    it('lets an admin turn password sign-in off (audited); staff are then refused, the break-glass admin is not', async () => {
      const read = await t().request('GET', '/api/v1/auth/sign-in-settings', { as: 'admin@example.jp' });
      expect(await read.json()).toMatchObject({ localPasswords: true, version: 0, ssoConfigured: true });
      expect((await t().request('GET', '/api/v1/auth/sign-in-settings', { as: 'staff.ind@example.jp' })).status).toBe(403);
      expect(
        (
          await t().request('PUT', '/api/v1/auth/sign-in-settings', {
            as: 'staff.ind@example.jp',
            body: { localPasswords: false, version: 0 },
          })
        ).status,
      ).toBe(403);

      const off = await t().request('PUT', '/api/v1/auth/sign-in-settings', {
        as: 'admin@example.jp',
        body: { localPasswords: false, version: 0 },
      });
      expect(off.status).toBe(200);
      expect(await off.json()).toMatchObject({ localPasswords: false, version: 1 });
      const stale = await t().request('PUT', '/api/v1/auth/sign-in-settings', {
        as: 'admin@example.jp',
        body: { localPasswords: true, version: 0 },
      });
      expect(stale.status).toBe(409);
      try {
        const login = (email: string) =>
          request(t(), '/api/v1/auth/login', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email, password: 'psbook-demo' }),
          });
        const staff = await login('lead.ind@example.jp');
        expect(staff.status).toBe(403);
        expect((await staff.json()).reason).toBe('local_passwords_off');
        expect((await login('admin@example.jp')).status).toBe(200);
        expect((await (await request(t(), '/api/v1/auth/methods')).json()).password).toBe(false);
        const audit = await t()
          .services.db.selectFrom('auditEvent')
          .select(['before', 'after', 'actorLabel'])
          .where('action', '=', 'settings.sign_in')
          .executeTakeFirstOrThrow();
        expect(audit).toMatchObject({ before: { localPasswords: true }, after: { localPasswords: false }, actorLabel: 'admin@example.jp' });
      } finally {
        const on = await t().request('PUT', '/api/v1/auth/sign-in-settings', {
          as: 'admin@example.jp',
          body: { localPasswords: true, version: 1 },
        });
        expect(on.status).toBe(200);
      }
    });
  },
  { oidc },
);

it('without single sign-on: no button, the start page says so, and password sign-in cannot be turned off', async () => {
  expect(loadConfig({}).oidc).toBeNull();
  const t = await createTestApp('pglite');
  try {
    expect(await (await request(t, '/api/v1/auth/methods')).json()).toEqual({ password: true, oidc: null });
    const start = await request(t, '/api/v1/auth/oidc/start');
    expect(start.status).toBe(404);
    expect((await start.json()).title).toMatch(/Single sign-on is not configured/);
    const off = await t.request('PUT', '/api/v1/auth/sign-in-settings', {
      as: 'admin@example.jp',
      body: { localPasswords: false, version: 0 },
    });
    expect(off.status).toBe(422);
  } finally {
    await t.close();
  }
});

it('reads the single sign-on settings from the environment, all or none', () => {
  const env = {
    PSBOOK_OIDC_ISSUER: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0',
    PSBOOK_OIDC_CLIENT_ID: 'client',
    PSBOOK_OIDC_CLIENT_SECRET: 'secret',
    PSBOOK_PUBLIC_URL: 'https://psbook.example.jp/',
  };
  expect(loadConfig(env).oidc).toMatchObject({
    publicUrl: 'https://psbook.example.jp',
    scopes: 'openid email profile',
    groupMapFile: null,
  });
  expect(() => loadConfig({ ...env, PSBOOK_OIDC_CLIENT_SECRET: '' })).toThrow(/PSBOOK_OIDC_CLIENT_SECRET/);
  expect(() => loadConfig({ PSBOOK_OIDC_CLIENT_ID: 'client' })).toThrow(/PSBOOK_OIDC_ISSUER/);
  expect(() => loadConfig({ ...env, PSBOOK_PUBLIC_URL: 'psbook.example.jp' })).toThrow(/absolute URL/);
  expect(loadConfig({ PSBOOK_PUBLIC_URL: 'https://psbook.example.jp' }).oidc).toBeNull();
});

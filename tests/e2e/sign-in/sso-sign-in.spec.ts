/**
 * [SIGN-IN] Single sign-on with the organisation's account: a real OpenID Provider (oidc-provider,
 * its development sign-in pages) started here, and a PS Book server of this spec's own configured
 * for it (the shared server has no provider). A CIO advisor and a member of staff sign in through
 * the provider and land with the role and bureau their groups give; a person without a PS Book
 * group is refused with the bilingual page; signing out ends the session and offers the provider's
 * sign-out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProvider, type TestProvider } from '../../../packages/api/src/testing/oidc-provider.ts';
import { freePort } from '../../../packages/api/src/testing/postgres-server.ts';
import { type ServerProcess, startServer } from '../../support/server.ts';
import {
  demo,
  demoPassword,
  e2eRun,
  launchBrowser,
  newSession,
  type Session,
  screenshotOnFailure,
  signInQuickly,
} from '../support/browser.ts';
import { uiDist } from '../support/environment.ts';
import { checkScreen } from '../support/screens.ts';
import { uiText } from '../support/ui-text.ts';

const shared = e2eRun();

describe.skipIf(!shared)('[SIGN-IN] signing in with the organisation’s account (OpenID Connect)', () => {
  let provider: TestProvider;
  let server: ServerProcess;
  let runDir: string;
  let browser: Browser;
  let current: Page | undefined;
  const sessions: Session[] = [];

  beforeAll(async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    provider = await startTestProvider({
      publicUrl,
      accounts: {
        'advisor-ind': { email: 'sso.advisor.ind@example.jp', name: 'SSO 補佐官', groups: ['all-staff', 'psbook:cio_advisor:IND'] },
        'staff-wel': { email: 'sso.staff.wel@example.jp', name: 'SSO 福祉職員', groups: ['all-staff', 'psbook:staff:WEL'] },
        outsider: { email: 'sso.outsider@example.jp', name: '部外 者', groups: ['all-staff'] },
      },
    });
    runDir = mkdtempSync(join(tmpdir(), 'psbook-e2e-sso-'));
    server = await startServer({
      port,
      env: {
        PSBOOK_DATA_DIR: join(runDir, 'data'),
        PSBOOK_DEMO: 'true',
        PSBOOK_UI_DIST: uiDist,
        DATABASE_URL: '',
        PSBOOK_PUBLIC_URL: publicUrl,
        PSBOOK_OIDC_ISSUER: provider.issuer,
        PSBOOK_OIDC_CLIENT_ID: provider.clientId,
        PSBOOK_OIDC_CLIENT_SECRET: provider.clientSecret,
        PSBOOK_OIDC_SCOPES: 'openid email profile groups',
      },
      readyTimeoutMs: 180_000,
    });
    browser = await launchBrowser(shared!);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await provider?.close();
    if (runDir) rmSync(runDir, { recursive: true, force: true });
  });
  screenshotOnFailure(() => current);

  async function session(options: { enforceCsp?: boolean } = {}): Promise<Session> {
    const s = await newSession(browser, { ...shared!, baseUrl: server.url }, options);
    sessions.push(s);
    current = s.page;
    return s;
  }

  /** From PS Book's sign-in page through the provider's sign-in and consent pages, and back. */
  async function signInAtProvider(page: Page, login: string) {
    await page.goto('/sign-in');
    await page.getByRole('link', { name: uiText('auth.sso') }).click();
    await page.waitForURL(`${provider.issuer}/**`);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any-password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.origin === server.url);
  }

  it('[SIGN-IN] the sign-in page offers 「組織のアカウントでサインイン」 beside the password form', async () => {
    const { page } = await session();
    await page.goto('/sign-in');
    await page.getByRole('link', { name: '組織のアカウントでサインイン' }).waitFor();
    expect(await page.getByLabel('パスワード').count()).toBe(1);
    await checkScreen(page, 'sign-in-sso');
  });

  it('[SIGN-IN] a CIO advisor signs in with the organisation’s account and lands as the advisor of 産業労働局 (CSP enforced)', async () => {
    // With the Content-Security-Policy enforced, as browsers do: the redirects to the provider and back must not need it relaxed.
    const { page } = await session({ enforceCsp: true });
    await signInAtProvider(page, 'advisor-ind');
    const account = page.locator('.account-who');
    await account.getByText('SSO 補佐官').waitFor();
    expect(await account.textContent()).toContain('各局CIO補佐官');
    const me = await (await page.request.get('/api/v1/auth/me')).json();
    expect(me).toMatchObject({ email: 'sso.advisor.ind@example.jp', role: 'cio_advisor', bureauCodes: ['IND'] });
  });

  it('[SIGN-IN] staff sign in as staff of 福祉局, may register projects, and sign out (the provider’s sign-out is offered)', async () => {
    const { page } = await session();
    await signInAtProvider(page, 'staff-wel');
    await page.locator('.account-who').getByText('SSO 福祉職員').waitFor();
    expect(await page.locator('.account-who').textContent()).toMatch(/福祉局|WEL/);
    const me = await (await page.request.get('/api/v1/auth/me')).json();
    expect(me).toMatchObject({ role: 'staff', bureauCodes: ['WEL'] });
    await page
      .getByRole('navigation', { name: 'メインメニュー' })
      .getByRole('link', { name: uiText('nav.register') })
      .waitFor();

    await page.getByRole('button', { name: uiText('header.signOut') }).click();
    await page.waitForURL('**/sign-in?signedOut=1');
    await page.getByText(uiText('auth.signedOut')).waitFor();
    const providerSignOut = page.getByRole('link', { name: uiText('auth.providerSignOut') });
    expect(await providerSignOut.getAttribute('href')).toMatch(new RegExp(`^${provider.issuer}/session/end\\?`));
    expect((await page.request.get('/api/v1/auth/me')).status()).toBe(401);
    await checkScreen(page, 'sign-in-signed-out-sso');
  });

  it('[SIGN-IN] a person whose groups give no PS Book role is refused with the page in Japanese and English', async () => {
    const { page } = await session();
    await signInAtProvider(page, 'outsider');
    await page.getByRole('heading', { name: 'PS Book を利用する権限がありません' }).waitFor();
    await page.getByRole('heading', { name: 'You have no PS Book role' }).waitFor();
    expect((await page.request.get('/api/v1/auth/me')).status()).toBe(401);
    await checkScreen(page, 'sign-in-refused');
  });

  it('[SIGN-IN] the admin turns password sign-in off: staff are refused, the form waits behind システム管理者のサインイン（緊急時）', async () => {
    const admin = await session();
    await signInQuickly(admin, demo.admin);
    await admin.page.goto('/admin?section=signIn');
    await admin.page.getByText(uiText('admin.signIn.ssoOn')).waitFor();
    await admin.page.getByRole('button', { name: uiText('admin.signIn.turnOff') }).click();
    await admin.page.getByText(uiText('admin.signIn.passwordsOff')).waitFor();
    await checkScreen(admin.page, 'admin-sign-in');
    try {
      const visitor = await session();
      await visitor.page.goto('/sign-in');
      await visitor.page.getByRole('link', { name: uiText('auth.sso') }).waitFor();
      const breakGlass = visitor.page.getByText(uiText('auth.breakGlass'));
      await breakGlass.waitFor();
      expect(await visitor.page.getByLabel('パスワード').isVisible()).toBe(false);
      const staff = await visitor.context.request.post('/api/v1/auth/login', { data: { email: demo.staffInd, password: demoPassword } });
      expect(staff.status()).toBe(403);
      // The break-glass administrator still signs in with a password, through the form.
      await breakGlass.click();
      await visitor.page.getByLabel('メールアドレス').fill(demo.admin);
      await visitor.page.getByLabel('パスワード').fill(demoPassword);
      await visitor.page.getByRole('button', { name: 'サインイン', exact: true }).click();
      await visitor.page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
    } finally {
      await admin.page.getByRole('button', { name: uiText('admin.signIn.turnOn') }).click();
      await admin.page.getByText(uiText('admin.signIn.passwordsOn')).waitFor();
    }
  });

  it('[SIGN-IN] no script errors on the screens of this spec', () => {
    // The provider's development sign-in pages load a web font from the internet, which this
    // machine cannot reach; PS Book's own pages load nothing from another origin (CSP).
    const errors = sessions.flatMap((s) => s.errors).filter((e) => e !== 'console: Failed to load resource: net::ERR_NAME_NOT_RESOLVED');
    expect(errors).toEqual([]);
  });
});

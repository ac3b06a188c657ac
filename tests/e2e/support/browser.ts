/**
 * The system Chromium driven by playwright-core (no browser download), one browser per spec file and
 * one context per signed-in person, so cookies never leak between accounts.
 */
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterEach, inject } from 'vitest';
import { artifactsDir } from './environment.ts';

export const demoPassword = 'psbook-demo';

export const demo = {
  staffInd: 'staff.ind@example.jp',
  leadInd: 'lead.ind@example.jp',
  advisorInd: 'advisor.ind@example.jp',
  staffWel: 'staff.wel@example.jp',
  advisorWel: 'advisor.wel@example.jp',
  chief: 'chief@example.jp',
  budget: 'budget@example.jp',
  govtech: 'govtech@example.jp',
  admin: 'admin@example.jp',
} as const;

export type E2eRun = { baseUrl: string; chromiumPath: string };

/** The shared server and the browser binary, or null when the global setup skipped the suite. */
export function e2eRun(): E2eRun | null {
  const baseUrl = inject('e2eBaseUrl');
  const chromiumPath = inject('chromiumPath');
  return baseUrl && chromiumPath ? { baseUrl, chromiumPath } : null;
}

export function launchBrowser(run: E2eRun): Promise<Browser> {
  return chromium.launch({
    executablePath: run.chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

export type Session = { context: BrowserContext; page: Page; errors: string[] };

/**
 * A fresh context (its own cookies and storage) with one page. The app's CSP allows only
 * same-origin scripts, and axe is injected as an inline script, so the context bypasses CSP; the
 * [SECURITY] spec signs in once with the CSP enforced to keep that path honest.
 */
export async function newSession(
  browser: Browser,
  run: E2eRun,
  options: { enforceCsp?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<Session> {
  const context = await browser.newContext({
    baseURL: run.baseUrl,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    viewport: options.viewport ?? { width: 1280, height: 900 },
    bypassCSP: !options.enforceCsp,
    acceptDownloads: true,
  });
  // Two busy cores: generous, but a missing element still fails in seconds rather than minutes.
  context.setDefaultTimeout(20_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // Chromium logs every 4xx answer as "Failed to load resource"; the API's refusals (401 before
    // sign-in, 403, 422 gates) are expected and asserted where they matter.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded with a status of 4'))
      errors.push(`console: ${message.text()}`);
  });
  return { context, page, errors };
}

/** Sign in through the sign-in screen, as a person does. */
export async function signInWithForm(page: Page, email: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('パスワード').fill(demoPassword);
  await page.getByRole('button', { name: 'サインイン', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

/** Sign in by the API into the context's cookie jar: for people whose sign-in is not what a test is about. */
export async function signInQuickly(session: Session, email: string): Promise<void> {
  const res = await session.context.request.post('/api/v1/auth/login', { data: { email, password: demoPassword } });
  if (res.status() !== 200) throw new Error(`sign-in of ${email} failed: ${res.status()} ${await res.text()}`);
}

/** A full-page screenshot in tests/e2e/artifacts/ when a test of this file fails. */
export function screenshotOnFailure(current: () => Page | undefined): void {
  afterEach(async (context) => {
    const page = current();
    if (context.task.result?.state !== 'fail' || !page || page.isClosed()) return;
    const name = context.task.name.replace(/[^\p{L}\p{N}-]+/gu, '-').slice(0, 80);
    await page.screenshot({ path: join(artifactsDir, `FAILED-${name}.png`), fullPage: true }).catch(() => undefined);
  });
}

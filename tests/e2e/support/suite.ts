import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { BookApi } from './api.ts';
import { type E2eRun, launchBrowser, newSession, type Session, screenshotOnFailure, signInQuickly } from './browser.ts';

/**
 * What a spec file's tests share: one browser and one API client, opened before its tests and closed
 * after them, the sessions its tests sign in, and a screenshot of the last signed-in page when a test
 * fails. Call it once at the top of the spec's `describe`.
 */
export function browserSuite(run: E2eRun) {
  let browser: Browser | undefined;
  let api: BookApi | undefined;
  let current: Page | undefined;
  const sessions: Session[] = [];

  beforeAll(async () => {
    api = new BookApi(run.baseUrl);
    browser = await launchBrowser(run);
  });
  afterAll(async () => {
    for (const s of sessions) await s.context.close().catch(() => undefined);
    await browser?.close();
    api?.close();
  });
  screenshotOnFailure(() => current);

  return {
    get api(): BookApi {
      if (!api) throw new Error('the suite has not started: use it inside a test or a hook');
      return api;
    },
    /** A new session at `viewport`, signed in (by the API) as `who` unless null; its page is the one a failure screenshots. */
    async session(who: string | null, viewport?: { width: number; height: number }): Promise<Session> {
      if (!browser) throw new Error('the suite has not started: use it inside a test or a hook');
      const session = await newSession(browser, run, { viewport });
      sessions.push(session);
      if (who) await signInQuickly(session, who);
      current = session.page;
      return session;
    },
    /** The page and console errors of every session so far. */
    errors: () => sessions.flatMap((s) => s.errors),
  };
}

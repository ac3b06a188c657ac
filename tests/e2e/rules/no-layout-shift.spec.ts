/**
 * [UI-AUDIT 6, 13] The rules page and the project list on a phone: nothing moves once drawn, and
 * nothing pans sideways. The rules page's mobile CLS of 0.31 (Lighthouse, some runs) was the header:
 * the bureau code (DSB) it showed until /bureaus answered became 「デジタルサービス局」, the admin's
 * line wrapped, and the whole page moved down 20 px. Here /bureaus is held back on purpose, so the
 * race is always lost, and the layout shifts the browser reports (as Lighthouse reads them) are summed.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, e2eRun, launchBrowser, newSession, screenshotOnFailure, signInQuickly } from '../support/browser.ts';
import { horizontalOverflow } from '../support/raw-text.ts';

const run = e2eRun();

const viewports = [
  { name: '412 px (Lighthouse mobile)', width: 412, height: 823 },
  { name: '390 px', width: 390, height: 844 },
];
const screens = [
  { name: 'rules', who: demo.admin, path: '/rules', bureau: 'デジタルサービス局', ready: 'form' },
  { name: 'project list', who: demo.staffInd, path: '/projects', bureau: '産業労働局', ready: 'search' },
] as const;

/** The sum of the layout shifts not caused by input, with what moved (for the failure message). */
async function layoutShifts(page: Page): Promise<{ total: number; moved: string[] }> {
  return page.evaluate(() => {
    const shifts = (globalThis as any).__psbookShifts as { value: number; sources: string[] }[];
    return { total: shifts.reduce((sum, s) => sum + s.value, 0), moved: shifts.flatMap((s) => s.sources) };
  });
}

describe.skipIf(!run)('[UI-AUDIT] no layout shift and no sideways pan on a phone', () => {
  let browser: Browser;
  let current: Page | undefined;

  beforeAll(async () => {
    browser = await launchBrowser(run!);
  });
  afterAll(async () => {
    await browser?.close();
  });
  screenshotOnFailure(() => current);

  for (const viewport of viewports) {
    it(`[UI-AUDIT 6, 13] ${viewport.name}: the rules page and the list stay put while the bureaus' names arrive late`, async () => {
      for (const screen of screens) {
        const session = await newSession(browser, run!, { viewport: { width: viewport.width, height: viewport.height } });
        current = session.page;
        await signInQuickly(session, screen.who);
        const { page } = session;
        await page.route('**/api/v1/bureaus**', async (route) => {
          await new Promise((resolve) => setTimeout(resolve, 1500));
          await route.continue();
        });
        await page.addInitScript(() => {
          const shifts: { value: number; sources: string[] }[] = [];
          (globalThis as any).__psbookShifts = shifts;
          // The browser's PerformanceObserver (this file is typed for Node, whose own has no layout shifts).
          new (globalThis as any).PerformanceObserver((list: any) => {
            for (const entry of list.getEntries() as any[]) {
              if (entry.hadRecentInput) continue;
              shifts.push({
                value: entry.value,
                sources: (entry.sources ?? []).map(
                  (s: any) => `${s.node?.nodeName ?? '?'}.${s.node?.className ?? ''} ${s.previousRect.y}→${s.currentRect.y}`,
                ),
              });
            }
          }).observe({ type: 'layout-shift', buffered: true });
        });
        await page.goto(screen.path);
        await page.getByRole(screen.ready).first().waitFor();
        // The header names the bureau, not its code.
        await expect.poll(() => page.locator('.account-meta').textContent()).toContain(screen.bureau);
        // Long enough for anything drawn late (the list's rows, the rules' tables) to have landed.
        await page.waitForLoadState('networkidle');
        await page.waitForTimeout(500);
        const shifts = await layoutShifts(page);
        expect(shifts.total, `${screen.name}: ${shifts.moved.join(', ')}`).toBeLessThan(0.01);
        const overflow = await horizontalOverflow(page);
        expect(overflow.px, `${screen.name} pans sideways by ${overflow.culprits.join(', ')}`).toBe(0);
        await session.context.close();
      }
    });
  }
});

/**
 * [UI-AUDIT 7, 13] Lighthouse 12 on the eight main pages, each as the person who uses it, with the
 * mobile preset (a mid-range phone on a slow 4G line, simulated) and the desktop preset, against the
 * built UI as `psbook serve` serves it (precompressed brotli/gzip, charts split off the first load).
 *
 * Every page must meet issue 18's targets for accessibility (100) and best practices (100) in every
 * run, and CLS (< 0.1) on desktop and mobile; mobile performance (target ≥ 80) is judged on the
 * median of five runs. Performance is a CPU measurement (the mobile preset multiplies
 * the page's CPU time by four): on a machine busy with other work it falls whatever the page does,
 * so run this check on a quiet machine (docs/performance.md §4.9 gives the load of each measured run).
 */
import { loadavg } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BookApi } from '../e2e/support/api.ts';
import { e2eRun } from '../e2e/support/browser.ts';
import { audit, type Scores, sessionCookie, withChrome } from './lighthouse.ts';
import { type MainPageIds, mainPageIds, mainPages } from './main-pages.ts';

const run = e2eRun();

type Levels = { performance: number; accessibility: number; bestPractices: number; desktopCls: number; mobileCls: number };
export const targets: Levels = { performance: 80, accessibility: 100, bestPractices: 100, desktopCls: 0.1, mobileCls: 0.1 };
/**
 * Mobile runs per page. Lighthouse's own advice for its run-to-run variance is the median of five
 * runs (a single run of the same page moved up to 15 points here); five keep the step within about
 * five minutes on two cores.
 */
const mobileRuns = 5;

/** The middle value (of an odd count; the lower middle of an even one). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

describe.skipIf(!run)('[UI-AUDIT] Lighthouse on the main pages', () => {
  let api: BookApi;
  let ids: MainPageIds;
  const results: { page: string; preset: string; scores: Scores; runs?: number[] }[] = [];
  const cookies = new Map<string, string>();
  const cookieOf = async (who: string) => {
    if (!cookies.has(who)) cookies.set(who, await sessionCookie(run!.baseUrl, who));
    return cookies.get(who)!;
  };

  beforeAll(async () => {
    api = new BookApi(run!.baseUrl);
    ids = await mainPageIds(api);
  });
  afterAll(() => {
    api?.close();
    const rows = results.map(
      (r) =>
        `${r.preset.padEnd(8)} ${r.page.padEnd(18)} perf ${String(r.scores.performance).padStart(3)}${r.runs ? ` (runs ${r.runs.join(', ')})` : ''}  a11y ${String(r.scores.accessibility).padStart(3)}  bp ${String(r.scores.bestPractices).padStart(3)}  CLS ${r.scores.cls.toFixed(3)}  LCP ${r.scores.lcpMs} ms`,
    );
    console.log(
      `Lighthouse (targets: ${JSON.stringify(targets)}; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')})\n${rows.join('\n')}`,
    );
  });

  it(`[UI-AUDIT 7, 13] mobile: every main page at the targets, judged on the median of ${mobileRuns} runs`, {
    timeout: 1_080_000,
  }, async () => {
    const runs = new Map<string, Scores[]>();
    await withChrome(run!.chromiumPath, async (port) => {
      // Round by round over all pages (not one page five times in a row), so a burst of load on
      // the machine costs one run of several pages rather than every run of one page. Round 0 warms
      // up and is not counted: the server was started for this run, and its first answers of each
      // page (code not yet optimised by V8, the embedded database's caches empty) are slower than
      // what staff meet: in three CI runs on 2026-12-07, 20 of the 24 pages × runs scored lower on
      // average in the first two rounds than in the last three.
      for (let round = 0; round <= mobileRuns; round++) {
        for (const page of mainPages) {
          const scores = await audit(port, `${run!.baseUrl}${page.path(ids)}`, await cookieOf(page.who), 'mobile');
          if (round > 0) runs.set(page.name, [...(runs.get(page.name) ?? []), scores]);
        }
      }
    });
    for (const page of mainPages) {
      const all = runs.get(page.name)!;
      const performance = median(all.map((s) => s.performance));
      const cls = median(all.map((s) => s.cls));
      const typical = all.find((s) => s.performance === performance)!;
      results.push({ page: page.name, preset: 'mobile', scores: { ...typical, performance, cls }, runs: all.map((s) => s.performance) });
      const why = `mobile ${page.name} (runs ${all.map((s) => s.performance).join(', ')}): ${typical.failing.join(', ')}`;
      // Accessibility and best practices do not depend on the machine's speed: every run must meet them.
      for (const scores of all) {
        expect.soft(scores.accessibility, why).toBeGreaterThanOrEqual(targets.accessibility);
        expect.soft(scores.bestPractices, why).toBeGreaterThanOrEqual(targets.bestPractices);
      }
      expect.soft(performance, why).toBeGreaterThanOrEqual(targets.performance);
      expect.soft(cls, why).toBeLessThan(targets.mobileCls);
    }
  });

  it('[UI-AUDIT 13] desktop: every main page at the targets', { timeout: 600_000 }, async () => {
    await withChrome(run!.chromiumPath, async (port) => {
      for (const page of mainPages) {
        const scores = await audit(port, `${run!.baseUrl}${page.path(ids)}`, await cookieOf(page.who), 'desktop');
        results.push({ page: page.name, preset: 'desktop', scores });
        const why = `desktop ${page.name}: ${scores.failing.join(', ')}`;
        expect.soft(scores.accessibility, why).toBeGreaterThanOrEqual(targets.accessibility);
        expect.soft(scores.bestPractices, why).toBeGreaterThanOrEqual(targets.bestPractices);
        expect.soft(scores.cls, why).toBeLessThan(targets.desktopCls);
      }
    });
  });
});

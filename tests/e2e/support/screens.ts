/**
 * What every visited screen goes through: wait until it has settled, run axe (no serious or
 * critical violation), and keep a full-page screenshot in tests/e2e/artifacts/<screen>.png.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { artifactsDir } from './environment.ts';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export type AxeFinding = {
  id: string;
  impact: string;
  help: string;
  helpUrl: string;
  nodes: { target: string; summary: string }[];
};

/** No spinner, no busy region, fonts loaded: what a person would call "the page has loaded". */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('load');
  await page.waitForFunction(() => {
    const doc = (globalThis as any).document;
    return doc.readyState === 'complete' && !doc.querySelector('.loading, [aria-busy="true"]') && doc.querySelector('h1');
  });
  await page.evaluate(() => (globalThis as any).document.fonts?.ready);
}

/** axe-core's violations with impact serious or critical on the page as it is now. */
export async function seriousAxeViolations(page: Page): Promise<AxeFinding[]> {
  const hasAxe = await page.evaluate(() => typeof (globalThis as any).axe !== 'undefined');
  if (!hasAxe) await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const g = globalThis as any;
    const result = await g.axe.run(g.document, { resultTypes: ['violations'] });
    return (result.violations as any[])
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id as string,
        impact: v.impact as string,
        help: v.help as string,
        helpUrl: v.helpUrl as string,
        nodes: (v.nodes as any[]).map((n) => ({
          target: (n.target as unknown[]).join(' '),
          summary: String(n.failureSummary ?? '')
            .replace(/\s+/g, ' ')
            .slice(0, 300),
        })),
      }));
  });
}

export function describeViolations(screen: string, violations: AxeFinding[]): string[] {
  return violations.map((v) => {
    const nodes = v.nodes
      .slice(0, 5)
      .map((n) => `      - ${n.target}: ${n.summary}`)
      .join('\n');
    const more = v.nodes.length > 5 ? `\n      … and ${v.nodes.length - 5} more` : '';
    return `[${screen}] ${v.impact} ${v.id}: ${v.help} (${v.nodes.length} element(s), ${v.helpUrl})\n${nodes}${more}`;
  });
}

/** Every screen's findings of this run, printed by the spec at the end. */
export const axeReport = new Map<string, string[]>();

/** axe on the current page: a soft failure per screen, so one run lists every screen's problems. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const lines = describeViolations(screen, await seriousAxeViolations(page));
  axeReport.set(screen, lines);
  if (lines.length) console.error(`axe: serious/critical violations on ${screen} (${page.url()}):\n${lines.join('\n')}`);
  expect.soft(lines, `axe: serious or critical violations on the ${screen} screen`).toEqual([]);
}

export async function saveScreenshot(page: Page, screen: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${screen}.png`);
  // From the top, so sticky parts (the tier preview) sit where a person first sees them.
  await page.evaluate(() => (globalThis as any).scrollTo(0, 0));
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}

/** Settle, axe, screenshot: call on every screen a spec visits. */
export async function checkScreen(page: Page, screen: string): Promise<void> {
  await settle(page);
  await expectAccessible(page, screen);
  await saveScreenshot(page, screen);
}

/**
 * ui: the gzipped size of the JavaScript the first page loads (the entry script and its
 * modulepreloads in dist/index.html), against a budget of 170 kB; and a navigation to the project
 * list in headless Chromium until the first row is rendered, against a target of 1 s. Each navigation
 * starts from a fresh browser profile (empty cache), signed in by the session cookie.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { repoRoot } from '../support/server.ts';
import type { BenchContext } from './context.ts';
import { type BenchResult, machineLoad, percentile, round } from './measure.ts';

const jsBudgetKb = 170;
const navigations = 7;

export function initialScripts(distDir: string): string[] {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const refs = [
    ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((m) => m[1]!);
  return [...new Set(refs)].map((ref) => join(distDir, ref.replace(/^\//, '')));
}

export function chromiumPath(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

export async function benchUi(ctx: BenchContext): Promise<BenchResult[] | { name: string; skipped: string }> {
  const distDir = process.env.PSBOOK_UI_DIST ?? join(repoRoot, 'packages/ui/dist');
  if (!existsSync(join(distDir, 'index.html'))) return { name: 'ui', skipped: `no UI build at ${distDir} (npm run build -w @psbook/ui)` };
  const executablePath = chromiumPath();
  if (!executablePath) return { name: 'ui', skipped: 'no chromium on PATH' };

  const scripts = initialScripts(distDir);
  const gzipBytes = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);
  const gzipKb = gzipBytes / 1024;

  const times: number[] = [];
  const loadBefore = machineLoad();
  for (let i = 0; i < navigations; i++) {
    const profile = mkdtempSync(join(tmpdir(), 'psbook-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      await context.addCookies([{ name: 'psbook_session', value: ctx.readerToken, url: ctx.api.url, httpOnly: true, sameSite: 'Lax' }]);
      const page = context.pages()[0] ?? (await context.newPage());
      const started = performance.now();
      await page.goto(`${ctx.api.url}/projects`, { waitUntil: 'commit', timeout: 30_000 });
      await page.locator('table tbody tr').first().waitFor({ state: 'visible', timeout: 30_000 });
      times.push(performance.now() - started);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }
  times.sort((a, b) => a - b);
  const median = percentile(times, 50);
  return [
    {
      name: 'ui-js',
      value: round(gzipKb, 1),
      unit: 'kB',
      limit: jsBudgetKb,
      ratio: round(gzipKb / jsBudgetKb, 3),
      n: ctx.n,
      better: 'lower',
      limitKind: 'target',
      target: `initial JS <= ${jsBudgetKb} kB gzipped`,
      pass: gzipKb <= jsBudgetKb,
      details: { files: scripts.map((f) => f.slice(distDir.length + 1)) },
    },
    {
      name: 'ui-navigation',
      value: round(median),
      unit: 'ms',
      limit: 1000,
      ratio: round(median / 1000, 3),
      n: ctx.n,
      better: 'lower',
      limitKind: 'target',
      target: 'navigation to a rendered project list < 1 s (median of cold navigations)',
      pass: median < 1000,
      details: {
        navigationsMs: times.map((t) => round(t)),
        worstMs: round(times[times.length - 1]!),
        loadBefore,
        loadAfter: machineLoad(),
      },
    },
  ];
}

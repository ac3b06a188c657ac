/**
 * Lighthouse 12 on the system Chromium (chrome-launcher, no browser download), signed in by the
 * session cookie of a demo account. `mobile` is Lighthouse's default (a mid-range phone on a slow 4G
 * line, simulated); `desktop` is its desktop preset.
 */
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { demoPassword } from '../e2e/support/browser.ts';

export type Scores = {
  url: string;
  performance: number;
  accessibility: number;
  bestPractices: number;
  cls: number;
  lcpMs: number;
  /** Audits of the three categories that did not pass, for the message of a failing check. */
  failing: string[];
  /** What Lighthouse found behind the failing audits that name elements or issues (shifts, console issues). */
  details: Record<string, unknown>;
};

/** The session cookie of a demo account, as the sign-in screen would get it. */
export function sessionCookie(baseUrl: string, email: string): Promise<string> {
  const body = JSON.stringify({ email, password: demoPassword });
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/api/v1/auth/login', baseUrl),
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        const cookies = (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
        if (res.statusCode !== 200 || !cookies) reject(new Error(`sign-in of ${email}: ${res.statusCode}`));
        else resolve(cookies);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function withChrome<T>(chromePath: string, run: (port: number) => Promise<T>): Promise<T> {
  const chrome = await chromeLauncher.launch({
    chromePath,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--lang=ja'],
  });
  try {
    return await run(chrome.port);
  } finally {
    await chrome.kill();
  }
}

export async function audit(port: number, url: string, cookie: string, preset: 'mobile' | 'desktop', attempt = 1): Promise<Scores> {
  const result = await lighthouse(
    url,
    {
      port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility', 'best-practices'],
      extraHeaders: { Cookie: cookie },
      locale: 'ja',
    },
    preset === 'desktop' ? desktopConfig : undefined,
  );
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { lhr } = result;
  if (process.env.PSBOOK_LIGHTHOUSE_DUMP) writeFileSync(process.env.PSBOOK_LIGHTHOUSE_DUMP, JSON.stringify(lhr));
  // A trace Chromium failed to record (NO_NAVSTART, NO_FCP on a busy machine) is Lighthouse's own
  // hiccup, not the page's: one more run, as its message advises.
  if (lhr.runtimeError && attempt === 1) return audit(port, url, cookie, preset, 2);
  if (lhr.runtimeError) throw new Error(`Lighthouse on ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
  const failing = Object.values(lhr.categories).flatMap((category) =>
    category.auditRefs
      .filter((ref) => ref.weight > 0)
      .map((ref) => lhr.audits[ref.id]!)
      .filter((a) => a.score !== null && a.score < 0.9)
      .map((a) => `${category.id}/${a.id} (${a.displayValue ?? a.score})`),
  );
  return {
    url,
    performance: score('performance'),
    accessibility: score('accessibility'),
    bestPractices: score('best-practices'),
    cls: Number(lhr.audits['cumulative-layout-shift']?.numericValue ?? 0),
    lcpMs: Math.round(Number(lhr.audits['largest-contentful-paint']?.numericValue ?? 0)),
    failing,
    details: Object.fromEntries(
      ['inspector-issues', 'layout-shifts', 'errors-in-console', 'bootup-time']
        .filter((id) => lhr.audits[id] && (id === 'layout-shifts' || (lhr.audits[id]!.score ?? 1) < 1))
        .map((id) => [id, JSON.stringify(lhr.audits[id]!.details ?? {}).slice(0, 1500)]),
    ),
  };
}

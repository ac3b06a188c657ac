/**
 * One PS Book server for the whole browser run: `psbook serve` on a fresh embedded database (the demo
 * book and accounts are seeded on its first start), serving the built UI. Starting a server costs
 * 10–20 s on two cores, so the spec files share it; each spec registers its own projects under
 * unique names and never depends on what another spec did.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type ServerProcess, startServer } from '../../support/server.ts';
import { artifactsDir, findChromium, uiDist, uiSourceNewerThanDist } from './environment.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared server, e.g. http://127.0.0.1:41234; null when the browser suite is skipped. */
    e2eBaseUrl: string | null;
    /** The system Chromium; null when missing outside CI (the specs then skip). */
    chromiumPath: string | null;
  }
}

function shout(lines: string[]) {
  const bar = '!'.repeat(78);
  console.warn(['', bar, ...lines.map((l) => `!! ${l}`), bar, ''].join('\n'));
}

export default async function setup(project: TestProject) {
  const isCi = process.env.CI === 'true' || process.env.CI === '1';
  const chromium = findChromium();
  if (!chromium) {
    const message = 'Chromium not found (looked at $PSBOOK_CHROMIUM, chromium, chromium-browser, google-chrome on PATH).';
    if (isCi) throw new Error(`${message} Browser tests cannot be skipped under CI=true: install it (Debian: apt-get install chromium).`);
    shout([message, 'SKIPPING every browser end-to-end test. Install it (Debian: apt-get install chromium) to run them.']);
    project.provide('chromiumPath', null);
    project.provide('e2eBaseUrl', null);
    return;
  }
  if (!existsSync(join(uiDist, 'index.html')))
    throw new Error(`The UI is not built (${uiDist}/index.html missing): run \`npm run build -w @psbook/ui\` or \`npm run test:e2e\`.`);
  const newer = uiSourceNewerThanDist();
  if (newer)
    shout([
      `packages/ui/src changed after the last UI build (${newer}).`,
      'The browser tests run the OLD build: `npm run test:e2e` rebuilds it.',
    ]);

  mkdirSync(artifactsDir, { recursive: true });
  const runDir = mkdtempSync(join(tmpdir(), 'psbook-e2e-'));
  const dataDir = join(runDir, 'data');
  // The server serves a copy of the build: others rebuilding packages/ui/dist in the same tree
  // during the run would otherwise swap the chunks under the pages being tested.
  const distCopy = join(runDir, 'ui-dist');
  cpSync(uiDist, distCopy, { recursive: true });
  let server: ServerProcess;
  try {
    server = await startServer({
      // Explicit empty DATABASE_URL: a developer's .env must not point the browser run at their database.
      env: { PSBOOK_DATA_DIR: dataDir, PSBOOK_DEMO: 'true', PSBOOK_UI_DIST: distCopy, DATABASE_URL: '' },
      readyTimeoutMs: 180_000,
    });
  } catch (error) {
    rmSync(runDir, { recursive: true, force: true });
    throw error;
  }
  console.log(`[e2e] PS Book at ${server.url} (ready after ${Math.round(server.readyAfterMs)} ms, data ${dataDir}, Chromium ${chromium})`);
  project.provide('chromiumPath', chromium);
  project.provide('e2eBaseUrl', server.url);

  return async () => {
    await server.stop();
    // The server's log beside the screenshots, for whoever reads a failed run.
    writeFileSync(join(artifactsDir, 'server.log'), server.output());
    rmSync(runDir, { recursive: true, force: true });
  };
}

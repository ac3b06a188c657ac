/** Where things are: the system Chromium, the built UI, the artifacts folder. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const artifactsDir = fileURLToPath(new URL('../artifacts/', import.meta.url));
export const uiDist = fileURLToPath(new URL('../../../packages/ui/dist/', import.meta.url));
const uiSrc = fileURLToPath(new URL('../../../packages/ui/src/', import.meta.url));

/** The system Chromium (Debian package), never a downloaded browser: $PSBOOK_CHROMIUM or the first on PATH. */
export function findChromium(): string | null {
  const fromEnv = process.env.PSBOOK_CHROMIUM;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (path) return path;
    } catch {
      // not on PATH
    }
  }
  return null;
}

function newestFile(dir: string): { path: string; mtimeMs: number } | null {
  let newest: { path: string; mtimeMs: number } | null = null;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const candidate = entry.isDirectory() ? newestFile(path) : { path, mtimeMs: statSync(path).mtimeMs };
    if (candidate && (!newest || candidate.mtimeMs > newest.mtimeMs)) newest = candidate;
  }
  return newest;
}

/** The newest UI source file when it is newer than the build, so a stale build is called out. */
export function uiSourceNewerThanDist(): string | null {
  const built = statSync(join(uiDist, 'index.html'), { throwIfNoEntry: false });
  const newest = newestFile(uiSrc);
  return built && newest && newest.mtimeMs > built.mtimeMs ? newest.path.slice(uiSrc.length) : null;
}

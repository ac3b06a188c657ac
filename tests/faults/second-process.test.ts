/**
 * The embedded database allows one process per data directory. A second `psbook serve` on the same
 * directory must exit at once with a message that says what to do, and the first must keep serving,
 * reads and writes alike.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../support/http.ts';
import { runPsbook, startServer } from '../support/server.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'psbook-second-'));
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a second process on the same embedded data directory', () => {
  it('exits with a clear message while the first keeps serving', async () => {
    const first = await startServer({ env: { PSBOOK_DATA_DIR: dataDir, PSBOOK_DEMO: 'true' } });
    const client = new HttpClient(first.url);
    try {
      const token = await client.login('staff.ind@example.jp', 'psbook-demo');
      const before = await client.request('GET', '/api/v1/projects?limit=5', { token });
      expect(before.status).toBe(200);

      const started = performance.now();
      const second = await startServer({ env: { PSBOOK_DATA_DIR: dataDir }, waitForReady: false });
      const timer = setTimeout(() => void second.kill(), 60_000);
      const code = await second.exited;
      clearTimeout(timer);
      expect(code, second.output()).toBe(1);
      expect(performance.now() - started).toBeLessThan(60_000);
      expect(second.output()).toContain(`The data directory ${dataDir} is in use by another PS Book process (pid ${first.pid})`);
      expect(second.output()).toMatch(/stop that process|DATABASE_URL/);

      // CLI commands that open the database refuse the same way.
      const migrate = await runPsbook(['migrate'], { PSBOOK_DATA_DIR: dataDir });
      expect(migrate.code).toBe(1);
      expect(migrate.stderr).toContain(`pid ${first.pid}`);

      // The first process still reads and writes, and its lock is still its own.
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
      const after = await client.request('GET', '/api/v1/projects?limit=5', { token });
      expect(after.status).toBe(200);
      expect(after.json().items).toEqual(before.json().items);
      const created = await client.request('POST', '/api/v1/projects', {
        token,
        body: { name: '二重起動の後の登録', bureauCode: 'IND', fiscalYear: 2026 },
      });
      expect(created.status).toBe(201);
      expect(readFileSync(join(dataDir, 'psbook.lock'), 'utf8').trim()).toBe(String(first.pid));
    } finally {
      client.close();
      await first.stop();
    }
  });
});

/**
 * Malformed and hostile rule files at start: `psbook serve` with PSBOOK_RULES_DIR pointing at a
 * damaged copy of rules/ must refuse to start, quickly, naming the file and the JSON path of the
 * problem, and must not touch the database.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startServer } from '../support/server.ts';

let work = '';
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'psbook-hostile-rules-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

type Edit = (rules: string) => void;
const json = (dir: string, name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
const write = (dir: string, name: string, value: unknown) =>
  writeFileSync(join(dir, `${name}.json`), typeof value === 'string' ? value : JSON.stringify(value, null, 2));

const cases: { title: string; file: string; path: string | null; message: RegExp; edit: Edit }[] = [
  {
    title: 'a file cut off in the middle',
    file: 'oversight-tier.json',
    path: '$',
    message: /not valid JSON/,
    edit: (dir) => write(dir, 'oversight-tier', readFileSync(join(dir, 'oversight-tier.json'), 'utf8').slice(0, 300)),
  },
  {
    title: 'an empty file',
    file: 'release-checklist.json',
    path: '$',
    message: /not valid JSON/,
    edit: (dir) => write(dir, 'release-checklist', ''),
  },
  {
    title: 'an operator the engine does not have',
    file: 'oversight-tier.json',
    path: '$.factors[0].bands[1].conditions[0].operator',
    message: /operator/i,
    edit: (dir) => {
      const r = json(dir, 'oversight-tier');
      r.factors[0].bands[1].conditions[0].operator = 'regexMatch';
      write(dir, 'oversight-tier', r);
    },
  },
  {
    title: 'a tier that does not exist',
    file: 'oversight-tier.json',
    path: '$.factors[1].bands[0].tier',
    message: /./,
    edit: (dir) => {
      const r = json(dir, 'oversight-tier');
      r.factors[1].bands[0].tier = 4;
      write(dir, 'oversight-tier', r);
    },
  },
  {
    title: 'two reviewers for one tier',
    file: 'oversight-tier.json',
    path: '$.reviewers',
    message: /one reviewer per tier/,
    edit: (dir) => {
      const r = json(dir, 'oversight-tier');
      r.reviewers[2].tier = 2;
      write(dir, 'oversight-tier', r);
    },
  },
  {
    title: 'a __proto__ key (prototype pollution attempt)',
    file: 'lifecycle-gates.json',
    path: '$',
    message: /__proto__|Unrecognized key/i,
    edit: (dir) => {
      const source = readFileSync(join(dir, 'lifecycle-gates.json'), 'utf8');
      write(dir, 'lifecycle-gates', source.replace(/^\{/, '{ "__proto__": { "isAdmin": true },'));
    },
  },
  {
    title: 'a condition tree nested 20,000 levels deep',
    file: 'lifecycle-gates.json',
    // Refused before the recursive schema check could overflow the stack, at the first level too deep.
    path: '$.gates[0].conditions.not.not',
    message: /nested deeper than 64 levels/,
    edit: (dir) => {
      // Written as text: JSON.stringify itself cannot nest this deep.
      const depth = 20_000;
      const tree = `${'{"not":'.repeat(depth)}{"fact":"canvasWritten","operator":"equal","value":true}${'}'.repeat(depth)}`;
      const r = json(dir, 'lifecycle-gates');
      r.gates[0].conditions = '@@TREE@@';
      write(dir, 'lifecycle-gates', JSON.stringify(r).replace('"@@TREE@@"', tree));
    },
  },
  {
    title: 'a rule file that is missing',
    file: 'tech-review-extraction.json',
    path: null,
    message: /ENOENT|no such file/,
    edit: (dir) => rmSync(join(dir, 'tech-review-extraction.json')),
  },
  {
    title: 'a directory where a rule file should be',
    file: 'release-checklist.json',
    path: null,
    message: /EISDIR|directory/i,
    edit: (dir) => {
      rmSync(join(dir, 'release-checklist.json'));
      mkdirSync(join(dir, 'release-checklist.json'));
    },
  },
];

describe('psbook serve refuses damaged rule files', () => {
  it.each(cases)('$title', async ({ file, path, message, edit }) => {
    const rulesDir = join(work, `rules-${Math.random().toString(36).slice(2)}`);
    cpSync(join(repoRoot, 'rules'), rulesDir, { recursive: true });
    edit(rulesDir);
    const dataDir = join(work, `data-${Math.random().toString(36).slice(2)}`);
    const started = performance.now();
    const server = await startServer({ env: { PSBOOK_RULES_DIR: rulesDir, PSBOOK_DATA_DIR: dataDir }, waitForReady: false });
    const timer = setTimeout(() => void server.kill(), 30_000);
    const code = await server.exited;
    clearTimeout(timer);
    const output = server.output();
    expect(code, output).toBe(1);
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(output).toContain(join(rulesDir, file));
    if (path) expect(output).toContain(`${file}: ${path}`);
    expect(output).toMatch(message);
    // Refused before touching the database: no embedded database was created.
    expect(existsSync(join(dataDir, 'pgdata'))).toBe(false);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Where things run (issue 11 §5, decision 0022): every SQL statement lives in db/ (db/queries/<entity>.ts),
 * and nothing outside db/ opens a transaction itself — it goes through `withTransaction`
 * (db/transaction.ts), which joins the caller's, so domain verbs compose.
 */
const srcDir = import.meta.dirname;

/** A query builder's entry points, the raw `sql` tag and its helpers, and `.transaction()`. */
const databaseWork = [
  { name: 'a query builder statement', pattern: /\.(selectFrom|selectNoFrom|insertInto|updateTable|deleteFrom|mergeInto|replaceInto)\(/g },
  { name: 'raw SQL', pattern: /\bsql(<[^`\n]*?>)?`|\bsql\.(raw|lit|ref|id|table|join|val)\(/g },
  { name: 'a transaction of its own', pattern: /\.transaction\(\)/g },
];

/**
 * Files that still hold SQL, waiting to be moved. Every file has moved (decision 0022), so it is empty
 * and stays so: no file may join it. The mechanism stays, so a file too large to move at once can be
 * listed while it moves, and a listed file that is clean fails the test until it leaves the list.
 */
const notYetMoved = new Set<string>([]);

/** Of those, the files that still open a transaction of their own instead of through `withTransaction`. */
const ownTransactionNotYetMoved = new Set<string>([]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Outside db/ (migrations included) and the test harness. */
const checked = sourceFiles(srcDir)
  .map((path) => relative(srcDir, path).split(sep).join('/'))
  .filter((path) => !path.startsWith('db/') && !path.startsWith('testing/'))
  .sort();

function findings(path: string, kinds = databaseWork): string[] {
  const text = readFileSync(join(srcDir, path), 'utf8');
  return kinds.flatMap(({ name, pattern }) =>
    [...text.matchAll(pattern)].map((match) => `${path}:${text.slice(0, match.index).split('\n').length}: ${name} (${match[0]})`),
  );
}

describe('where database work runs', () => {
  it('finds the source files it checks', () => {
    expect(checked).toContain('routes/projects.ts');
    expect(checked).toContain('domain/projects.ts');
    expect(checked).not.toContain('db/queries/projects.ts');
  });

  it('runs no SQL and opens no transaction outside db/, except in the files not yet moved', () => {
    const offending = checked.filter((path) => !notYetMoved.has(path)).flatMap((path) => findings(path));
    expect(offending, 'move the statement into db/queries/<entity>.ts; open transactions with withTransaction (db/transaction.ts)').toEqual(
      [],
    );
  });

  it('opens no transaction of its own in the files not yet moved either, except any still listed for it', () => {
    const transactions = databaseWork.filter(({ name }) => name === 'a transaction of its own');
    const offending = [...notYetMoved]
      .filter((path) => !ownTransactionNotYetMoved.has(path))
      .flatMap((path) => findings(path, transactions));
    expect(offending, 'open transactions with withTransaction (db/transaction.ts)').toEqual([]);
    const clean = [...ownTransactionNotYetMoved].filter((path) => findings(path, transactions).length === 0);
    expect(clean, 'these files open no transaction of their own: remove them from ownTransactionNotYetMoved').toEqual([]);
  });

  it('lists only files that still need moving, so the list shrinks', () => {
    const clean = [...notYetMoved].filter((path) => !checked.includes(path) || findings(path).length === 0);
    expect(clean, 'these files are clean (or gone): remove them from notYetMoved').toEqual([]);
  });

  it('recognises each kind of database work it forbids', () => {
    const sample = [
      'await tx.selectFrom("project").selectAll().execute();',
      'await db.deleteFrom("session").execute();',
      'const n = sql<number>`count(*)`;',
      "sql.raw('select 1')",
      'await db.transaction().execute(work);',
    ];
    for (const line of sample) {
      expect(
        databaseWork.some(({ pattern }) => new RegExp(pattern.source).test(line)),
        line,
      ).toBe(true);
    }
    expect(databaseWork.some(({ pattern }) => new RegExp(pattern.source).test('withTransaction(ctx.db, work)'))).toBe(false);
  });
});

/**
 * Every domain verb takes the same DomainContext (db, policy, actor, request id), so a route hands over
 * `domainContext(c)` and never the bare database (issue 11 §5). Two routes run before anyone is signed
 * in and so have no actor to put in a context: the list may only shrink.
 */
const bareDatabaseAllowed = new Map<string, string>([
  ['routes/auth.ts', 'sign-out revokes the session it was handed, with no actor'],
  ['routes/oidc.ts', 'the sign-in page reads the sign-in settings before anyone is signed in'],
  ['routes/health.ts', 'the readiness probe pings the database for whoever asks, signed in or not'],
]);

describe('what routes hand the domain', () => {
  // routes/context.ts is where the context is made from the services.
  const routeFiles = checked.filter((path) => path.startsWith('routes/') && path !== 'routes/context.ts');
  // `services.db` or `ctx.db` handed over, the services themselves handed to a verb, `db` taken out of
  // the services, or a query called directly.
  const handsBareDatabase = (path: string) =>
    /\bservices\.db\b|\bctx\.db\b|c\.get\('services'\)\.db\b|\(c\.get\('services'\)[,)]|\{[^}]*\bdb\b[^}]*\}\s*=\s*c\.get\('services'\)|from '\.\.\/db\/queries\//.test(
      readFileSync(join(srcDir, path), 'utf8'),
    );

  it('is the DomainContext, never the bare database, outside the routes that have no actor', () => {
    const offending = routeFiles.filter((path) => handsBareDatabase(path) && !bareDatabaseAllowed.has(path));
    expect(offending, 'pass domainContext(c) and let the verb take ctx: DomainContext').toEqual([]);
  });

  it('lists only routes that still hand over the database, so the list shrinks', () => {
    const clean = [...bareDatabaseAllowed.keys()].filter((path) => !routeFiles.includes(path) || !handsBareDatabase(path));
    expect(clean, 'these routes no longer hand over the database: remove them from the list').toEqual([]);
  });
});

describe('how request variables are read', () => {
  it("is c.get('name'): hono's c.var copies every variable into a new object on each access", () => {
    const offending = sourceFiles(srcDir)
      .map((path) => relative(srcDir, path).split(sep).join('/'))
      .flatMap((path) => findings(path, [{ name: 'c.var', pattern: /\bc\.var\b/g }]));
    expect(offending, "write c.get('services'), c.get('actor'), c.get('requestId')").toEqual([]);
  });
});

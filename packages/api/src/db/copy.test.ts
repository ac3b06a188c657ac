import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testDatabases } from '../testing/harness.ts';
import { copyField, copyInto } from './copy.ts';
import type { OpenDatabase } from './database.ts';

async function* pieces(rows: string[], size: number): AsyncGenerator<string> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size).join('');
}

describe.each(testDatabases())('COPY FROM STDIN through a transaction on %s', (kind) => {
  let database: OpenDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });

  it('copies every row in order, with the characters COPY reserves intact and NUL as U+001A', async () => {
    const texts = ['tab\there', 'line\nbreak', 'cr\rhere', 'back\\slash \\N', 'nul\u0000byte', '全角　スペース', '', '\\'];
    const rows = texts.map((text, i) => `${i + 1}\t${copyField(text)}\n`);
    const stored = await database.db.transaction().execute(async (tx) => {
      await sql`create temp table copied (n integer, text text) on commit drop`.execute(tx);
      const count = await copyInto(tx, 'copied', ['n', 'text'], pieces(rows, 3));
      expect(count).toBe(texts.length);
      return (await sql<{ n: number; text: string }>`select n, text from copied order by n`.execute(tx)).rows;
    });
    expect(stored.map((r) => r.text)).toEqual(texts.map((t) => t.replace('\u0000', '\u001a')));
  });

  it('copies a source larger than one PGlite blob (4 MB) completely', async () => {
    const row = (i: number) => `${i}\t${'x'.repeat(1000)}${i}\n`;
    async function* many(): AsyncGenerator<string> {
      for (let i = 0; i < 10_000; i += 500) yield Array.from({ length: 500 }, (_, k) => row(i + k)).join('');
    }
    const { count, total, last } = await database.db.transaction().execute(async (tx) => {
      await sql`create temp table big (n integer, text text) on commit drop`.execute(tx);
      const copied = await copyInto(tx, 'big', ['n', 'text'], many());
      const { rows } = await sql<{ total: number; last: string }>`
        select count(*)::int as total, (select text from big order by n desc limit 1) as last from big`.execute(tx);
      return { count: copied, total: rows[0]!.total, last: rows[0]!.last };
    });
    expect({ count, total }).toEqual({ count: 10_000, total: 10_000 });
    expect(last.endsWith('9999')).toBe(true);
  });

  it('rolls the transaction back when the source fails, and the database serves the next statement', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield '1\tfirst\n';
      throw new Error('the upload broke off');
    }
    await sql`create table copy_target (n integer, text text)`.execute(database.db);
    await expect(
      database.db.transaction().execute(async (tx) => {
        await copyInto(tx, 'copy_target', ['n', 'text'], failing());
      }),
    ).rejects.toThrow('the upload broke off');
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from copy_target`.execute(database.db);
    expect(rows[0]!.n).toBe(0);
  });

  it('leaves ordinary statements alone', async () => {
    const { rows } = await sql<{ v: string }>`select 'copy t from stdin /* not a marker */' as v`.execute(database.db);
    expect(rows[0]!.v).toContain('from stdin');
  });
});

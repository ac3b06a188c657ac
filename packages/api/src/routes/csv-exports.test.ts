/**
 * Every CSV the system writes, read back by a standard CSV parser (csv-parse, as Excel and Python's csv
 * module read RFC 4180): whatever text people typed — formula characters, CR, LF, quotes, commas,
 * tabs — no cell starts a formula, the text survives (behind the apostrophe that makes it text), and
 * there is exactly one row per record.
 */
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { systemContext } from '../context.ts';
import { excelSafe, toExcelCsv } from '../csv.ts';
import { openPglite } from '../db/database.ts';
import { projectsCsvStream, projectsJsonStream } from '../domain/exports.ts';
import { describeOnBothDatabases, testPolicy } from '../testing/harness.ts';

const admin = 'admin@example.jp';
const formulaStart = /^[=+\-@\t\r]/;

/** Text weighted towards what breaks spreadsheets: formula starts, bare CR and LF, quotes, commas. */
const nastyChar = fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '\r\n', '"', ',', "'", ' ', '　', 'あ', '漢', 'a', '1', ';');
const nastyText = (minLength: number) =>
  fc.oneof(
    fc.array(nastyChar, { minLength, maxLength: 12 }).map((cs) => cs.join('')),
    fc.tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n'), fc.string({ maxLength: 20 })).map(([a, b]) => a + b),
    fc.string({ minLength, maxLength: 30 }),
  );
/** Names are required (not blank) and no text may hold NUL. */
const nameText = nastyText(1).filter((s) => s.trim().length > 0 && !s.includes('\u0000'));
const freeText = nastyText(0).filter((s) => !s.includes('\u0000'));

/** What a cell must read as in a spreadsheet: the text, made safe if it would start a formula. */
const asCell = (s: string) => excelSafe(s);

/**
 * Read as Excel and Python's csv module do: outside quotes, a CR, an LF or a CRLF ends the row (csv-parse
 * on its own would settle on the first row's CRLF and let a bare LF through as part of a cell).
 */
const readLikeASpreadsheet = { bom: true, record_delimiter: ['\r\n', '\r', '\n'] };

function parseCsv(bytes: ArrayBuffer): string[][] {
  const buffer = Buffer.from(bytes);
  expect([...buffer.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return parse(buffer, readLikeASpreadsheet) as string[][];
}

function expectNoFormula(rows: string[][]) {
  for (const row of rows) for (const cell of row) expect(cell, JSON.stringify(cell)).not.toMatch(formulaStart);
}

it('writes every text cell formula-safe and every CR/LF quoted (the one CSV writer)', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(freeText, freeText, fc.integer()), { maxLength: 8 }), (records) => {
      const csv = toExcelCsv(['名前', '概要', '数'], records);
      const [header, ...rows] = parse(csv, readLikeASpreadsheet) as string[][];
      expect(header).toEqual(['名前', '概要', '数']);
      expect(rows).toHaveLength(records.length);
      rows.forEach((row, i) => {
        const [a, b, n] = records[i]!;
        expect(row).toEqual([asCell(a), asCell(b), String(n)]);
      });
      expectNoFormula(rows.map((r) => r.slice(0, 2)));
    }),
    { numRuns: 300, seed: 20261206 },
  );
});

it('fails an export before its first byte when the first query fails, so the route can still answer a problem', async () => {
  // A database without the schema: the first batch's query fails at once.
  const empty = await openPglite(null);
  try {
    const logged: unknown[] = [];
    await expect(
      projectsCsvStream(systemContext({ db: empty.db, policy: testPolicy() }, 'export test'), {}, 'internal', (e) => logged.push(e)),
    ).rejects.toThrow(/project/);
    await expect(
      projectsJsonStream(systemContext({ db: empty.db, policy: testPolicy() }, 'export test'), {}, 'open', {}, (e) => logged.push(e)),
    ).rejects.toThrow(/project/);
    expect(logged).toEqual([]);
  } finally {
    await empty.close();
  }
});

describeOnBothDatabases('CSV exports against hostile text', (t) => {
  let run = 0;

  it('projects.csv and open-data.csv: one row per project, no live formula, text intact', async () => {
    await fc.assert(
      fc.asyncProperty(nameText, fc.array(fc.tuple(nameText, freeText), { minLength: 1, maxLength: 3 }), async (bureauName, projects) => {
        run++;
        // A bureau of its own per run, so the export can be filtered to exactly this run's projects.
        const bureauCode = `CSV${run}`;
        const bureau = await t().request('POST', '/api/v1/admin/bureaus', {
          as: admin,
          body: { code: bureauCode, nameJa: bureauName, nameEn: bureauName },
        });
        expect(bureau.status, await bureau.clone().text()).toBe(201);
        for (const [name, summary] of projects) {
          const res = await t().request('POST', '/api/v1/projects', { as: admin, body: { name, summary, bureauCode, fiscalYear: 2030 } });
          expect(res.status, await res.clone().text()).toBe(201);
        }
        for (const path of ['/api/v1/exports/projects.csv', '/api/v1/exports/open-data.csv']) {
          const res = await t().request('GET', `${path}?bureau=${bureauCode}`, { as: 'budget@example.jp' });
          expect(res.status).toBe(200);
          const [header, ...rows] = parseCsv(await res.arrayBuffer());
          expect(rows, path).toHaveLength(projects.length);
          expectNoFormula(rows);
          const column = (name: string) => header!.indexOf(name);
          // Oldest first: the rows come in the order the projects were registered.
          expect(rows.map((r) => r[column('事業名')])).toEqual(projects.map(([name]) => asCell(name)));
          expect(rows.map((r) => r[column('概要')])).toEqual(projects.map(([, summary]) => asCell(summary)));
          expect(rows.map((r) => r[column('局')])).toEqual(projects.map(() => asCell(bureauName)));
        }
      }),
      { numRuns: 12, seed: 61206 },
    );
  }, 120_000);

  techReviewCsvCases(t);
});

function techReviewCsvCases(t: () => import('../testing/harness.ts').TestApp) {
  const year = 2041;
  const projectIds: string[] = [];

  beforeAll(async () => {
    const cycle = await t().request('POST', '/api/v1/budget-cycles', {
      as: admin,
      body: {
        fiscalYear: year,
        requestDate: '2040-07-25',
        requestDeadline: '2040-09-30',
        evaluationDeadline: '2040-10-31',
        submissionDate: '2040-11-20',
      },
    });
    expect(cycle.status).toBe(201);
    for (const name of ['抽出A', '抽出B']) {
      const res = await t().request('POST', '/api/v1/projects', {
        as: admin,
        body: { name, bureauCode: 'IND', fiscalYear: year, isNew: true, budgetJpy: 90_000_000, maxDowntimeHours: 24, confidentiality: 'B' },
      });
      expect(res.status).toBe(201);
      projectIds.push((await res.json()).id);
    }
    expect((await t().request('POST', `/api/v1/budget-cycles/${year}/extract`, { as: admin })).status).toBe(200);
  });

  it('the tech review CSV: one row per review, no live formula, names and opinions intact', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(nameText, freeText, freeText), { minLength: 2, maxLength: 2 }), async (texts) => {
        const reviews = (await (await t().request('GET', `/api/v1/tech-reviews?fiscalYear=${year}`, { as: admin })).json()).items as {
          id: string;
          projectId: string;
          version: number;
        }[];
        expect(reviews).toHaveLength(2);
        for (const [i, projectId] of projectIds.entries()) {
          const [name, comment, opinion] = texts[i]!;
          const { version } = await (await t().request('GET', `/api/v1/projects/${projectId}`, { as: admin })).json();
          const project = await t().request('PATCH', `/api/v1/projects/${projectId}`, { as: admin, body: { name, version } });
          expect(project.status, await project.clone().text()).toBe(200);
          const review = reviews.find((r) => r.projectId === projectId)!;
          const res = await t().request('PATCH', `/api/v1/tech-reviews/${review.id}`, {
            as: 'govtech@example.jp',
            body: { version: review.version, viewpoints: { security: { rating: 3, comment } }, overallOpinion: opinion },
          });
          expect(res.status, await res.clone().text()).toBe(200);
        }
        // Admin reads the report as written (the budget office only after 評価書提出, tested in tech-reviews).
        const res = await t().request('GET', `/api/v1/tech-reviews.csv?fiscalYear=${year}`, { as: admin });
        expect(res.status).toBe(200);
        const [header, ...rows] = parseCsv(await res.arrayBuffer());
        expect(rows).toHaveLength(2);
        expectNoFormula(rows);
        const column = (name: string) => header!.indexOf(name);
        const listed = (await (await t().request('GET', `/api/v1/tech-reviews?fiscalYear=${year}`, { as: admin })).json()).items as {
          projectId: string;
        }[];
        for (const [i, projectId] of projectIds.entries()) {
          const row = rows[listed.findIndex((r) => r.projectId === projectId)]!;
          const [name, comment, opinion] = texts[i]!;
          expect(row[column('事業名')]).toBe(asCell(name));
          expect(row[column('セキュリティ コメント')]).toBe(asCell(comment));
          expect(row[column('総合意見')]).toBe(asCell(opinion));
        }
      }),
      { numRuns: 10, seed: 1206 },
    );
  }, 120_000);
}

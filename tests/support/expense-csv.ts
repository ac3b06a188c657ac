/**
 * A digital-related expense file as bureaus send it: one line per expense, amounts in thousand yen,
 * one or more categories. Most lines belong to projects already in the book (by project code), the
 * rest name new projects (two lines each), so an import both updates budgets and registers projects.
 */
import type postgres from 'postgres';
import { createRandom } from './generated-project.ts';
import { benchBureaus, nameObjects, nameSubjects, nameSuffixes } from './vocabulary.ts';

const categories = ['system_maintenance', 'shin_tosei', 'smart_tokyo', 'system_maintenance;smart_tokyo', 'shin_tosei;smart_tokyo', 'other'];
export const expenseCsvHeader = 'external_id,bureau_code,project_name,fiscal_year,category,amount_kyen,project_code';

const csvCell = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/**
 * `lines` expense lines for fiscal year `fiscalYear`, deterministic in `seed`. `existing` are projects
 * of the book (code, bureau, name) to refer to; `newShare` of the lines name new projects.
 */
export function expenseCsv(options: {
  lines: number;
  seed: number;
  fiscalYear: number;
  existing: { code: string; bureauCode: string; name: string }[];
  newShare?: number;
  idPrefix?: string;
  /** Bureau codes new projects may belong to (all the generated book's bureaus by default). */
  bureaus?: string[];
}): string {
  const random = createRandom(options.seed);
  const newShare = options.existing.length ? (options.newShare ?? 0.4) : 1;
  const prefix = options.idPrefix ?? `E${options.fiscalYear}-${options.seed}`;
  const out: string[] = [expenseCsvHeader];
  let newProject = 0;
  for (let i = 0; i < options.lines; i++) {
    const amount = Math.max(1, Math.round(Math.exp(Math.log(8000) + 1.4 * random.normal())));
    const category = random.pick(categories);
    let bureau: string;
    let name: string;
    let code = '';
    if (random.next() < newShare) {
      // Two lines per new project: the second line repeats the first's bureau and name.
      const n = Math.floor(newProject++ / 2);
      const r = createRandom(options.seed * 7919 + n);
      bureau = r.pick(options.bureaus ?? benchBureaus.map((b) => b.code));
      name = `${r.pick(nameSubjects)}${r.pick(nameObjects)}${r.pick(nameSuffixes)}（${prefix}-${n}）`;
    } else {
      const project = options.existing[random.int(options.existing.length)]!;
      bureau = project.bureauCode;
      name = project.name;
      code = project.code;
    }
    out.push([`${prefix}-${i}`, bureau, csvCell(name), String(options.fiscalYear), category, String(amount), code].join(','));
  }
  return `${out.join('\r\n')}\r\n`;
}

/** A deterministic sample of the book's projects to refer to. */
export async function sampleProjects(sql: postgres.Sql, count: number): Promise<{ code: string; bureauCode: string; name: string }[]> {
  const rows = await sql<{ code: string; bureau_code: string; name: string }[]>`
    select code, bureau_code, name from project order by md5(code) limit ${count}
  `;
  return rows.map((r) => ({ code: r.code, bureauCode: r.bureau_code, name: r.name }));
}

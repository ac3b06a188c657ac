/**
 * Import of digital-related expense information (デジタル関連経費情報, DESIGN §2.2 and §2.6): the
 * registration path "at the initial budget request". A CSV file of expense lines creates or updates
 * projects and sets their budget, and their oversight tier follows.
 *
 * Two phases:
 * 1. Read: the request body is streamed through the decoder and csv-parse; each row is validated and
 *    kept in compact column arrays (never the whole file as one string). Encoding: a UTF-8 BOM means
 *    UTF-8; otherwise the first 64 KiB decide (valid UTF-8 → UTF-8, else Shift_JIS, read as
 *    Windows-31J, which is what Excel writes). Text that still does not decode is a row error.
 * 2. Write, in one transaction: the rows are staged in a temporary table and every step after that
 *    is a set-based statement (resolve projects, compare lines, compute budgets, evaluate each
 *    distinct oversight input combination once, update projects with history and audit in one
 *    statement per chunk, upsert lines). All or nothing: any row error rolls everything back. A dry
 *    run does the same reading and planning and then rolls back, so it writes nothing, not even a
 *    sequence number.
 *
 * Budget rule: a project's budgetJpy becomes the total (amount × ¥1,000) of its lines of the latest
 * fiscal year it has lines for. Lines without a project code belong to the project of the same
 * bureau, fiscal year and name (created when there is none, with trigger initial_budget, isNew true).
 */
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { bureausAllowed, expenseCategoryLabels, permissionScope, rolesAllowed, type TOversightInput, ZExpenseCategory } from '@psbook/core';
import { CsvError, parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { recordAudit } from '../audit.ts';
import type { DomainContext } from '../context.ts';
import { startsLikeFormula } from '../csv.ts';
import {
  analyzeStage,
  applyBudgetChunk,
  buildImportPlan,
  type ComboEvaluation,
  changedBudgetCombos,
  computeProjectBudgets,
  createImportStage,
  dropRefusedStagedRows,
  type Evaluated,
  emptyStagedColumns,
  expenseCategoryBits,
  findImportBySha,
  foreignLines,
  insertImportedProjects,
  lockBudgetProjects,
  lockExpenseImports,
  newProjectKeys,
  oversizedBudgets,
  projectCodeProblems,
  type StagedColumns,
  stageRows,
  writePlannedLines,
} from '../db/queries/expenses.ts';
import { lockProject, projectSearchColumns } from '../db/queries/projects.ts';
import { AppError, forbidden } from '../errors.ts';
import { readExpenseWorkbook } from './expense-workbook.ts';
import { oversightInputsOf, recordTierChange, tierRank } from './oversight.ts';
import { whoOf } from './projects.ts';
import { settleEvaluation } from './tier-decrease.ts';

export const importBodyLimitBytes = 100 * 1024 * 1024;
const sniffBytes = 64 * 1024;
const maxReportedErrors = 1000;
const stageBatchRows = 20_000;
const comboChunk = 5_000;
const progressEvery = 5_000;
/** ZYen's ceiling: every yen amount stays exact in a JS number and in bigint. */
const maxYen = 9_000_000_000_000_000;
const maxAmountKyen = maxYen / 1000;

export type ImportEncoding = 'utf-8' | 'shift_jis';
/** `line` is the CSV line, or the row of the workbook sheet named in `sheet`. */
export type RowError = { line: number; column: string | null; message: string; sheet?: string };

export type ImportOptions = {
  dryRun: boolean;
  encoding?: ImportEncoding;
  /** CSV (default) or an Excel workbook; for a workbook, the sheet to read (default: the first). */
  format?: 'csv' | 'xlsx';
  sheet?: string;
  /** Called every few thousand rows while reading, and once per phase while writing. */
  onProgress?: (progress: { processed: number; phase: 'reading' | 'writing' }) => void;
};

export type ImportResult = {
  dryRun: boolean;
  importId: string | null;
  fileSha256: string;
  format: 'csv' | 'xlsx';
  /** The sheet read from a workbook; null for CSV. */
  sheet: string | null;
  encoding: ImportEncoding;
  bytes: number;
  lineCount: number;
  lines: { created: number; updated: number; unchanged: number };
  projects: { created: number; updated: number; tierChanged: number };
  changes: number;
  errorCount: number;
  errors: RowError[];
  ignoredColumns: string[];
  previousImportId: string | null;
  durationMs: number;
  /** Milliseconds per phase (read, stage, check, create projects, plan, budgets and evaluation, update projects, write lines). */
  timingsMs: Record<string, number>;
};

/* ------------------------------------------------------------------ columns */

type ColumnKey = 'externalId' | 'bureauCode' | 'projectName' | 'fiscalYear' | 'category' | 'amountKyen' | 'projectCode';

/** Accepted headers, English or Japanese; compared after NFKC (so 金額（千円） and 金額(千円) are one). */
const headerAliases: Record<ColumnKey, string[]> = {
  externalId: ['external_id', '経費ID'],
  bureauCode: ['bureau_code', '局コード'],
  projectName: ['project_name', '事業名'],
  fiscalYear: ['fiscal_year', '年度'],
  category: ['category', '経費区分'],
  amountKyen: ['amount_kyen', '金額（千円）'],
  projectCode: ['project_code', 'プロジェクト番号'],
};
const requiredColumns: ColumnKey[] = ['externalId', 'bureauCode', 'projectName', 'fiscalYear', 'category', 'amountKyen'];
const normalizeHeader = (value: string) => value.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
const headerLookup = new Map<string, ColumnKey>(
  (Object.entries(headerAliases) as [ColumnKey, string[]][]).flatMap(([key, names]) => names.map((n) => [normalizeHeader(n), key])),
);

const categoryLookup = new Map<string, number>(
  expenseCategoryBits.flatMap(({ category, bit }) => [
    [category, bit],
    [expenseCategoryLabels[category].ja.normalize('NFKC'), bit],
  ]),
);
const categoryHint = ZExpenseCategory.options.map((c) => `${c} / ${expenseCategoryLabels[c].ja}`).join(', ');

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects
const controlChars = /[\u0000-\u001f\u007f]/;

/**
 * Names lose the padding people leave around cells, but not the space in front of a formula
 * character: " =1+1" trimmed would be stored as "=1+1", a formula in any spreadsheet that reads it later.
 */
function trimName(raw: string): string {
  const trimmed = raw.trim();
  return startsLikeFormula(trimmed) ? raw.trimEnd() : trimmed;
}

/* ------------------------------------------------------------------ reading */

type ReadState = {
  encoding: ImportEncoding | null;
  bytes: number;
  hash: ReturnType<typeof createHash>;
};

function sniffEncoding(head: Buffer): ImportEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new AppError('unsupported_media_type', 'UTF-16 files are not supported: save the CSV as UTF-8 or Shift_JIS');
  }
  try {
    // stream: true tolerates a character cut in two at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    return 'shift_jis';
  }
}

/** Bytes → text, counting, hashing and enforcing the size limit on the way. */
async function* decodeBody(body: ReadableStream<Uint8Array>, forced: ImportEncoding | undefined, state: ReadState): AsyncGenerator<string> {
  const reader = body.getReader();
  let decoder: ReturnType<typeof iconv.getDecoder> | null = null;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const start = (head: Buffer) => {
    state.encoding = forced ?? sniffEncoding(head);
    // Windows-31J (cp932) is the Shift_JIS that Excel and government systems actually write (①, ㈱, 髙 …).
    decoder = iconv.getDecoder(state.encoding === 'utf-8' ? 'utf8' : 'cp932', { stripBOM: true });
    return decoder.write(head);
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const chunk = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      state.bytes += chunk.length;
      if (state.bytes > importBodyLimitBytes) {
        throw new AppError('payload_too_large', `The file is larger than ${importBodyLimitBytes / 1024 / 1024} MB`);
      }
      state.hash.update(chunk);
      if (decoder) {
        const text = (decoder as ReturnType<typeof iconv.getDecoder>).write(chunk);
        if (text) yield text;
        continue;
      }
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= sniffBytes) {
        const text = start(Buffer.concat(pending));
        pending = [];
        if (text) yield text;
      }
    }
    if (!decoder) {
      const text = start(Buffer.concat(pending));
      if (text) yield text;
    }
    const rest = (decoder as unknown as ReturnType<typeof iconv.getDecoder>).end();
    if (rest) yield rest;
  } finally {
    reader.releaseLock();
  }
}

export type ParsedFile = {
  format: 'csv' | 'xlsx';
  sheet: string | null;
  rows: StagedColumns;
  errors: RowError[];
  errorCount: number;
  lineCount: number;
  ignoredColumns: string[];
  encoding: ImportEncoding;
  bytes: number;
  sha256: string;
};

type Collector = { errors: RowError[]; count: number };
function report(collector: Collector, error: RowError) {
  collector.count++;
  if (collector.errors.length < maxReportedErrors) collector.errors.push(error);
}

const csvErrorMessages: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed',
  CSV_INVALID_CLOSING_QUOTE: 'a quote inside a quoted field is not doubled',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text after a closing quote',
  CSV_MAX_RECORD_SIZE: 'a row is longer than 65,536 characters',
};

/**
 * Validate one value; return the error message or the parsed value. Lenient where government files
 * vary (full-width digits, thousands separators, 2023年度), strict where a mistake would be silent.
 */
function parseAmount(raw: string): number | string {
  const value = raw.normalize('NFKC').trim();
  if (value === '') return 'is required';
  if (/^[-\u2212\u25b3\u25b2]\s*[\d,.]+$/.test(value)) return 'must not be negative';
  const digits = /^\d{1,3}(,\d{3})+$/.test(value) ? value.replaceAll(',', '') : value;
  if (/^\d+\.\d*$/.test(digits)) return 'must be a whole number of thousand yen';
  if (!/^\d+$/.test(digits)) return `is not a number: "${raw.slice(0, 40)}"`;
  const amount = Number(digits);
  if (amount > maxAmountKyen) return `is larger than ${maxAmountKyen.toLocaleString('en')} thousand yen`;
  return amount;
}

function parseFiscalYear(raw: string): number | string {
  const value = raw.normalize('NFKC').trim().replace(/年度$/, '');
  if (!/^\d{4}$/.test(value)) return `is not a fiscal year (YYYY): "${raw.slice(0, 40)}"`;
  const year = Number(value);
  if (year < 1990 || year > 2100) return 'must be between 1990 and 2100';
  return year;
}

function parseCategories(raw: string): number | string {
  const names = raw
    .normalize('NFKC')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!names.length) return 'is required';
  let mask = 0;
  for (const name of names) {
    const bit = categoryLookup.get(name) ?? categoryLookup.get(name.toLowerCase());
    if (!bit) return `unknown category "${name.slice(0, 40)}" (one or more of ${categoryHint}, separated by ;)`;
    mask |= bit;
  }
  return mask;
}

export type ReadContext = {
  bureaus: Set<string>;
  writableBureaus: Set<string> | 'all';
  encoding?: ImportEncoding;
  onProgress?: ImportOptions['onProgress'];
};

/**
 * Checks records one by one, the first being the header, and keeps the valid rows in staged
 * columns. Shared by the CSV reader and the workbook reader (expense-workbook.ts): a row of a sheet
 * is checked exactly like a line of a CSV file. `sheet` names the sheet in every error.
 */
export function createRowChecker(context: ReadContext, sheet?: string) {
  const rows = emptyStagedColumns();
  const collector: Collector = { errors: [], count: 0 };
  const firstLineOf = new Map<string, number>();
  let header: { index: Map<ColumnKey, number>; names: string[] } | null = null;
  let headerFailed = false;
  let lineCount = 0;
  let ignoredColumns: string[] = [];
  let encoding: ImportEncoding | null = null;
  const add = (error: RowError) => report(collector, sheet === undefined ? error : { ...error, sheet });

  const handleHeader = (record: string[], line: number) => {
    const index = new Map<ColumnKey, number>();
    const ignored: string[] = [];
    record.forEach((name, i) => {
      if (name.includes('\uFFFD')) {
        add({ line, column: null, message: 'the header is not readable: the file is neither valid UTF-8 nor Shift_JIS' });
        return;
      }
      const key = headerLookup.get(normalizeHeader(name));
      if (!key) {
        if (name.trim()) ignored.push(name.trim());
        return;
      }
      if (index.has(key)) add({ line, column: name, message: 'this column appears twice' });
      else index.set(key, i);
    });
    for (const key of requiredColumns) {
      if (!index.has(key)) add({ line, column: headerAliases[key][0]!, message: `missing column (${headerAliases[key].join(' or ')})` });
    }
    ignoredColumns = ignored;
    header = { index, names: record };
    headerFailed = collector.count > 0;
  };

  const handleRow = (record: string[], line: number) => {
    if (!header || headerFailed) return;
    if (record.every((cell) => cell.trim() === '')) return;
    lineCount++;
    const { index, names } = header;
    const cell = (key: ColumnKey) => {
      const i = index.get(key);
      return i === undefined ? '' : (record[i] ?? '');
    };
    const columnName = (key: ColumnKey) => names[index.get(key)!]?.trim() ?? headerAliases[key][0]!;
    let ok = true;
    const fail = (key: ColumnKey | null, message: string) => {
      ok = false;
      add({ line, column: key ? columnName(key) : null, message });
    };
    if (record.length !== names.length) fail(null, `expected ${names.length} fields, found ${record.length}`);
    for (const key of index.keys()) {
      if (cell(key).includes('\uFFFD')) {
        fail(
          key,
          encoding === 'utf-8'
            ? 'broken encoding: bytes that are not valid UTF-8 (if the file is Shift_JIS, send ?encoding=shift_jis)'
            : 'broken encoding: bytes that are not valid Shift_JIS',
        );
      }
    }
    if (!ok) return;
    const externalId = cell('externalId').trim();
    if (!externalId) fail('externalId', 'is required');
    else if (externalId.length > 100 || controlChars.test(externalId)) fail('externalId', 'must be at most 100 printable characters');
    else if (firstLineOf.has(externalId))
      fail('externalId', `duplicate external id "${externalId}" (first on line ${firstLineOf.get(externalId)})`);
    else firstLineOf.set(externalId, line);

    const bureauCode = cell('bureauCode').normalize('NFKC').trim().toUpperCase();
    if (!bureauCode) fail('bureauCode', 'is required');
    else if (!context.bureaus.has(bureauCode)) fail('bureauCode', `unknown bureau "${bureauCode.slice(0, 20)}"`);
    else if (context.writableBureaus !== 'all' && !context.writableBureaus.has(bureauCode)) {
      fail('bureauCode', `you may import only lines of ${[...context.writableBureaus].join(', ') || 'no bureau'}`);
    }

    const projectName = trimName(cell('projectName'));
    if (!projectName) fail('projectName', 'is required');
    else if (projectName.length > 200 || controlChars.test(projectName)) fail('projectName', 'must be at most 200 printable characters');

    const fiscalYear = parseFiscalYear(cell('fiscalYear'));
    if (typeof fiscalYear === 'string') fail('fiscalYear', fiscalYear);
    const categories = parseCategories(cell('category'));
    if (typeof categories === 'string') fail('category', categories);
    const amount = parseAmount(cell('amountKyen'));
    if (typeof amount === 'string') fail('amountKyen', amount);
    const projectCode = cell('projectCode').normalize('NFKC').trim().toUpperCase();
    if (projectCode && !/^PS\d{7}$/.test(projectCode))
      fail('projectCode', `is not a project number (PS + 7 digits): "${projectCode.slice(0, 20)}"`);

    if (!ok) return;
    rows.line.push(line);
    rows.externalId.push(externalId);
    rows.bureauCode.push(bureauCode);
    rows.projectName.push(projectName);
    rows.fiscalYear.push(fiscalYear as number);
    rows.categoryMask.push(categories as number);
    rows.amountKyen.push(amount as number);
    rows.projectCode.push(projectCode || null);
  };

  let seen = 0;
  return {
    /** The encoding the record text was decoded from, for the error message about broken bytes. */
    setEncoding(value: ImportEncoding) {
      encoding = value;
    },
    check(record: string[], line: number) {
      if (!header) handleHeader(record, line);
      else handleRow(record, line);
      seen++;
      if (seen % progressEvery === 0) context.onProgress?.({ processed: seen - 1, phase: 'reading' });
    },
    report: add,
    get hasHeader() {
      return header !== null;
    },
    result() {
      return { rows, errors: collector.errors, errorCount: collector.count, lineCount, ignoredColumns };
    },
  };
}
export type RowChecker = ReturnType<typeof createRowChecker>;

export async function readExpenseFile(body: ReadableStream<Uint8Array>, context: ReadContext): Promise<ParsedFile> {
  const state: ReadState = { encoding: null, bytes: 0, hash: createHash('sha256') };
  const checker = createRowChecker(context);
  let csvFailed = false;
  const parser = parse({
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
    max_record_size: 65_536,
  });
  try {
    await pipeline(
      Readable.from(decodeBody(body, context.encoding, state)),
      parser,
      async (records: AsyncIterable<{ record: string[]; info: { lines: number } }>) => {
        for await (const { record, info } of records) {
          if (state.encoding) checker.setEncoding(state.encoding);
          checker.check(record, info.lines);
        }
      },
    );
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = (error as CsvError & { lines?: number }).lines ?? 0;
    checker.report({ line, column: null, message: `not readable as CSV: ${csvErrorMessages[error.code] ?? error.code}` });
    csvFailed = true;
  }
  if (!checker.hasHeader && !csvFailed)
    checker.report({ line: 1, column: null, message: 'the file is empty: expected a header row and expense lines' });
  return {
    format: 'csv',
    sheet: null,
    ...checker.result(),
    encoding: state.encoding ?? context.encoding ?? 'utf-8',
    bytes: state.bytes,
    sha256: state.hash.digest('hex'),
  };
}

/* ------------------------------------------------------------------ writing */

/** Who may import: admins any bureau, staff and bureau leads their own bureaus (DESIGN §1). */
function writableBureausOf(actor: DomainContext['actor']): Set<string> | 'all' {
  if (actor.via !== 'session') throw forbidden('Imports need a signed-in person, not an API token');
  if (permissionScope(actor.role, 'expense.import') === null) {
    throw forbidden(`Only ${rolesAllowed('expense.import').join(', ')} may import expense lines`);
  }
  const bureaus = bureausAllowed(actor, 'expense.import');
  return bureaus === 'all' ? 'all' : new Set(bureaus);
}

class RollbackDryRun extends Error {
  constructor(readonly result: ImportResult) {
    super('dry run');
  }
}

function sortErrors(errors: RowError[]): RowError[] {
  return errors.sort((a, b) => a.line - b.line).slice(0, maxReportedErrors);
}

/** Evaluate each distinct combination of oversight inputs once (the tier depends on nothing else). */
async function evaluateDistinct<T extends { budgetJpy: number; maxDowntimeHours: number | null; confidentiality: string | null }>(
  policy: DomainContext['policy'],
  combos: T[],
): Promise<Map<string, Evaluated>> {
  const evaluations = new Map<string, Evaluated>();
  for (const combo of combos) {
    const key = comboKey(combo);
    if (evaluations.has(key)) continue;
    const e = await policy.evaluateOversight({
      budgetJpy: combo.budgetJpy,
      maxDowntimeHours: combo.maxDowntimeHours,
      confidentiality: combo.confidentiality as TOversightInput['confidentiality'],
    });
    evaluations.set(key, { tier: e.tier, lowerBound: e.lowerBound, reviewerRole: e.reviewerRole, oversight: JSON.stringify(e) });
  }
  return evaluations;
}
const comboKey = (c: { budgetJpy: number; maxDowntimeHours: number | null; confidentiality: string | null }) =>
  `${c.budgetJpy}|${c.maxDowntimeHours}|${c.confidentiality}`;

/**
 * Read, check and (unless a dry run) apply an expense file. A real import with any row error is
 * refused with 422 and the errors; a dry run answers with the errors and what would change.
 */
export async function importExpenses(ctx: DomainContext, body: ReadableStream<Uint8Array>, options: ImportOptions): Promise<ImportResult> {
  const started = performance.now();
  let lap = started;
  const timingsMs: Record<string, number> = {};
  const timing = (phase: string) => {
    timingsMs[phase] = Math.round(performance.now() - lap);
    lap = performance.now();
  };
  const writableBureaus = writableBureausOf(ctx.actor);
  const bureaus = new Set((await ctx.db.selectFrom('bureau').select('code').execute()).map((b) => b.code));
  const readContext = { bureaus, writableBureaus, encoding: options.encoding, onProgress: options.onProgress };
  const file =
    options.format === 'xlsx' ? await readExpenseWorkbook(body, readContext, options.sheet) : await readExpenseFile(body, readContext);
  const { rows } = file;
  timing('read');
  options.onProgress?.({ processed: file.lineCount, phase: 'writing' });

  const base = {
    dryRun: options.dryRun,
    fileSha256: file.sha256,
    format: file.format,
    sheet: file.sheet,
    encoding: file.encoding,
    bytes: file.bytes,
    lineCount: file.lineCount,
    ignoredColumns: file.ignoredColumns,
  };
  const finish = (partial: Omit<ImportResult, keyof typeof base | 'durationMs' | 'timingsMs'>): ImportResult => ({
    ...base,
    ...partial,
    durationMs: Math.round(performance.now() - started),
    timingsMs,
  });
  const reject = (errors: RowError[], errorCount: number) =>
    new AppError('rule_violation', `The file has ${errorCount} error(s); nothing was imported`, {
      errors: sortErrors(errors),
      errorCount,
      fileSha256: file.sha256,
      format: file.format,
      sheet: file.sheet,
      encoding: file.encoding,
      lineCount: file.lineCount,
    });
  const policy = ctx.policy;
  const who = whoOf(ctx);
  const rulesetVersion = policy.rulesets['oversight-tier'].version;

  try {
    return await ctx.db.transaction().execute(async (tx) => {
      await lockExpenseImports(tx);
      await createImportStage(tx);
      for (let from = 0; from < rows.line.length; from += stageBatchRows) {
        await stageRows(tx, rows, from, Math.min(from + stageBatchRows, rows.line.length));
      }
      await analyzeStage(tx, 'expense_stage');
      timing('stage');

      const errors = [...file.errors];
      let errorCount = file.errorCount;
      // Errors found in the database name the sheet as the reading errors do.
      const add = (error: RowError) => {
        errorCount++;
        errors.push(file.sheet === null ? error : { ...error, sheet: file.sheet });
      };
      for (const p of await projectCodeProblems(tx)) {
        add({
          line: p.line,
          column: 'projectCode',
          message: p.detail
            ? `project ${p.value} belongs to bureau ${p.detail}, not to this line's bureau`
            : `unknown project code ${p.value}`,
        });
      }
      if (writableBureaus !== 'all') {
        for (const p of await foreignLines(tx, [...writableBureaus])) {
          add({
            line: p.line,
            column: 'externalId',
            message: `external id ${p.value} is a line of bureau ${p.detail}, which you may not change`,
          });
        }
      }
      if (errorCount > 0) await dropRefusedStagedRows(tx, writableBureaus === 'all' ? null : [...writableBureaus]);
      const keys = await newProjectKeys(tx);
      for (const key of keys) {
        if (BigInt(key.budgetJpy) > BigInt(maxYen)) {
          add({
            line: key.firstLine,
            column: null,
            message: `the lines of "${key.projectName}" total more than ¥${maxYen.toLocaleString('en')}`,
          });
        }
      }
      const previous = await findImportBySha(tx, file.sha256);
      timing('check');
      if (errorCount > 0 && !options.dryRun) throw reject(errors, errorCount);

      const importId = options.dryRun ? null : randomUUID();
      const context = {
        rulesetVersion,
        actorId: ctx.actor.id,
        actorLabel: who.actor.label,
        requestId: ctx.requestId,
        importId: importId ?? '',
      };
      let projectsCreated = keys.length;
      if (importId) {
        await tx
          .insertInto('expenseImport')
          .values({ id: importId, fileSha256: file.sha256, lineCount: file.lineCount, summary: '{}', createdBy: ctx.actor.id })
          .execute();
        // New projects get their final budget and tier at once: all their lines are in this file.
        const newKeys = keys.map((k) => {
          const search = projectSearchColumns(k.projectName, null, null);
          return {
            bureauCode: k.bureauCode,
            fiscalYear: k.fiscalYear,
            projectName: k.projectName,
            budgetJpy: Number(k.budgetJpy),
            searchText: search.searchText,
            searchGrams: search.searchGrams.join('\u001f'),
          };
        });
        const byInputs = await evaluateDistinct(
          policy,
          newKeys.map((k) => ({ budgetJpy: k.budgetJpy, maxDowntimeHours: null, confidentiality: null })),
        );
        const byBudget = new Map([...byInputs.entries()].map(([key, e]) => [Number(key.split('|')[0]), e]));
        projectsCreated = await insertImportedProjects(tx, newKeys, byBudget, context);
        timing('create projects');
      }

      const lines = await buildImportPlan(tx);
      timing('plan');
      await computeProjectBudgets(tx);
      for (const big of await oversizedBudgets(tx, maxYen)) {
        add({ line: big.line, column: null, message: `the lines of project ${big.code} total more than ¥${maxYen.toLocaleString('en')}` });
      }
      if (errorCount > 0 && !options.dryRun) throw reject(errors, errorCount);
      if (importId) await lockBudgetProjects(tx);
      const combos = await changedBudgetCombos(tx, maxYen);
      const evaluations = await evaluateDistinct(policy, combos);
      timing('budgets and evaluation');

      const projects = { created: projectsCreated, updated: 0, tierChanged: 0 };
      if (!importId) {
        for (const combo of combos) {
          const e = evaluations.get(comboKey(combo))!;
          projects.updated += Number(combo.projects);
          // A decrease would wait for its reviewer's consent: not a change yet.
          const raisesOrMoves = tierRank(e.tier) >= tierRank(combo.tier);
          if (raisesOrMoves && (e.tier !== combo.tier || e.reviewerRole !== combo.reviewerRole))
            projects.tierChanged += Number(combo.projects);
        }
        const changes = lines.created + lines.updated + projects.created + projects.updated;
        throw new RollbackDryRun(
          finish({
            importId: null,
            lines,
            projects,
            changes,
            errorCount,
            errors: sortErrors(errors),
            previousImportId: previous?.id ?? null,
          }),
        );
      }

      const evaluated: ComboEvaluation[] = [...new Map(combos.map((c) => [comboKey(c), c])).values()].map((c) => ({
        budgetJpy: Number(c.budgetJpy),
        maxDowntimeHours: c.maxDowntimeHours,
        confidentiality: c.confidentiality,
        ...evaluations.get(comboKey(c))!,
      }));
      for (let start = 0; start < evaluated.length; start += comboChunk) {
        const applied = await applyBudgetChunk(tx, evaluated.slice(start, start + comboChunk), context);
        projects.updated += applied.updated;
        projects.tierChanged += applied.tierChanged;
        // A lower tier waits for consent, as an edit's would (tier-decrease.ts); the rest applied above.
        for (const r of applied.settle) {
          const project = (await lockProject(tx, r.id))!;
          const budgetBefore = r.oldBudgetJpy === null ? null : Number(r.oldBudgetJpy);
          const evaluation = await policy.evaluateOversight(oversightInputsOf(project));
          const inForce = { ...oversightInputsOf(project), budgetJpy: budgetBefore };
          if ((await settleEvaluation(tx, policy, who, project, inForce, evaluation, 'import')).tierChanged) projects.tierChanged++;
        }
        // Pending release requests follow the new reviewer (recordTierChange writes their history row too).
        for (const r of applied.reroute) {
          await recordTierChange(
            tx,
            policy,
            who,
            r.id,
            { tier: r.oldTier, reviewerRole: r.oldReviewerRole },
            { tier: r.tier, reviewerRole: r.reviewerRole, rulesetVersion },
            'import',
          );
        }
      }
      timing('update projects');
      await writePlannedLines(tx, importId);
      timing('write lines');

      const result = finish({
        importId,
        lines,
        projects,
        changes: lines.created + lines.updated + projects.created + projects.updated,
        errorCount: 0,
        errors: [],
        previousImportId: previous?.id ?? null,
      });
      const { errors: _e, ...summary } = result;
      await tx
        .updateTable('expenseImport')
        .set({ summary: JSON.stringify(summary) })
        .where('id', '=', importId)
        .execute();
      await recordAudit(tx, who, { action: 'expense_import.create', entityType: 'expense_import', entityId: importId, after: summary });
      return result;
    });
  } catch (error) {
    if (error instanceof RollbackDryRun) return error.result;
    throw error;
  }
}

/**
 * Import of digital-related expense information (デジタル関連経費情報, DESIGN §2.2 and §2.6): the
 * registration path "at the initial budget request". A CSV file of expense lines creates or updates
 * projects and sets their budget, and their oversight tier follows.
 *
 * A pipeline, in one transaction, with memory bounded whatever the size of the file (decision 0015):
 * 1. Stream: the request body goes through the decoder and csv-parse; the header is mapped here, and
 *    every following record is written, as read, to a temporary table with `COPY … FROM STDIN`
 *    (db/copy.ts). Encoding: a UTF-8 BOM means UTF-8; otherwise the first 64 KiB decide (valid UTF-8 →
 *    UTF-8, else Shift_JIS, read as Windows-31J, which is what Excel writes). A workbook's rows take
 *    the same path.
 * 2. Validate, set-based in SQL: every row error, with its line, goes to a table of errors; the rows
 *    that pass are staged (db/queries/expenses.ts checkRawRows).
 * 3. Merge, set-based: resolve projects, create the new ones, compare lines, compute budgets, upsert
 *    lines, with history and audit in the same statements.
 * 4. Tier (`tierChangedBudgets`): one statement joining the compiled decision relation (decision 0014),
 *    a page of distinct oversight inputs at a time for what it cannot tier exactly.
 * All or nothing: any row error rolls everything back. A dry run does the same reading and planning
 * and then rolls back, so it writes nothing, not even a sequence number.
 *
 * Budget rule: a project's budgetJpy becomes the total (amount × ¥1,000) of its lines of the latest
 * fiscal year it has lines for. Lines without a project code belong to the project of the same
 * bureau, fiscal year and name (created when there is none, isNew true). The optional column 登録の契機
 * (registration_trigger) says at which of the three moments of DESIGN §2.2 such a project is registered:
 * 当初予算要求時 when empty, the moment an expense list stands for. It is a fact of the registration, so it
 * is set on the projects the file creates and never changes an existing project's; lines of one new
 * project that name different triggers are refused (decision 0019).
 */
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  bureausAllowed,
  expenseCategoryLabels,
  permissionScope,
  registrationTriggerLabels,
  rolesAllowed,
  type TOversightInput,
  ZExpenseCategory,
  ZRegistrationTrigger,
} from '@psbook/core';
import { CsvError, parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { recordAudit } from '../audit.ts';
import type { DomainContext } from '../context.ts';
import { startsLikeFormula } from '../csv.ts';
import { copyField, copyInto } from '../db/copy.ts';
import type { Db } from '../db/database.ts';
import {
  analyzeStage,
  applyBudgetChunk,
  applyBudgetsFromDecisions,
  budgetComboPage,
  buildImportPlan,
  type ComboEvaluation,
  checkBudgetTotals,
  checkRawRows,
  checkStagedReferences,
  computeProjectBudgets,
  createImportStage,
  dropRefusedStagedRows,
  type Evaluated,
  errorReport,
  expenseCategoryBits,
  findImportBySha,
  insertImportedProjects,
  lockBudgetProjects,
  lockExpenseImports,
  newProjectPage,
  planBudgetCombos,
  planNewProjects,
  type RawCheckSpec,
  type RawColumnKey,
  rawColumnKeys,
  rawStageColumns,
  recordErrors,
  writePlannedLines,
} from '../db/queries/expenses.ts';
import { lockProject, projectSearchColumns } from '../db/queries/projects.ts';
import { AppError, forbidden } from '../errors.ts';
import { readExpenseWorkbook } from './expense-workbook.ts';
import { oversightInputsOf, recordTierChange, tierRank } from './oversight.ts';
import { prepareDecisionTable } from './oversight-table.ts';
import { whoOf } from './projects.ts';
import { settleEvaluation } from './tier-decrease.ts';

export const importBodyLimitBytes = 100 * 1024 * 1024;
const sniffBytes = 64 * 1024;
const maxReportedErrors = 1000;
/** Distinct oversight inputs evaluated and written per statement (and new projects created per statement). */
const tierPage = 5_000;
/** COPY text handed on in pieces of about this many characters. */
const copyPieceChars = 256 * 1024;
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

type ColumnKey = RawColumnKey;

/** Accepted headers, English or Japanese; compared after NFKC (so 金額（千円） and 金額(千円) are one). */
const headerAliases: Record<ColumnKey, string[]> = {
  externalId: ['external_id', '経費ID'],
  bureauCode: ['bureau_code', '局コード'],
  projectName: ['project_name', '事業名'],
  fiscalYear: ['fiscal_year', '年度'],
  category: ['category', '経費区分'],
  amountKyen: ['amount_kyen', '金額（千円）'],
  projectCode: ['project_code', 'プロジェクト番号'],
  registrationTrigger: ['registration_trigger', '登録の契機'],
};
const requiredColumns: ColumnKey[] = ['externalId', 'bureauCode', 'projectName', 'fiscalYear', 'category', 'amountKyen'];
const normalizeHeader = (value: string) => value.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
const headerLookup = new Map<string, ColumnKey>(
  (Object.entries(headerAliases) as [ColumnKey, string[]][]).flatMap(([key, names]) => names.map((n) => [normalizeHeader(n), key])),
);

/**
 * Registration triggers by code, Japanese label (with or without its parenthesis, so 当初予算要求時 and
 * 当初予算要求時（デジタル関連経費情報） are one) or English label; compared without spaces, lower case, after NFKC.
 */
const normalizeTrigger = (value: string) => value.normalize('NFKC').replace(/\s/g, '').toLowerCase();
const triggerNames = ZRegistrationTrigger.options.flatMap((code) => {
  const { ja, en } = registrationTriggerLabels[code];
  return [...new Set([code, ja, ja.replace(/（.*）$/, ''), en].map(normalizeTrigger))].map((name) => ({ name, code }));
});
const triggerHint = ZRegistrationTrigger.options.map((t) => `${t} / ${registrationTriggerLabels[t].ja.replace(/（.*）$/, '')}`).join(', ');

const categoryLookup = new Map<string, number>(
  expenseCategoryBits.flatMap(({ category, bit }) => [
    [category, bit],
    [expenseCategoryLabels[category].ja.normalize('NFKC'), bit],
  ]),
);
const categoryHint = ZExpenseCategory.options.map((c) => `${c} / ${expenseCategoryLabels[c].ja}`).join(', ');

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

/** One record of the file: its fields and the line it starts on (the row, in a workbook). */
export type SourceRecord = { record: string[]; line: number };

/** What reading a file found out besides its records. */
export type ReadingInfo = {
  format: 'csv' | 'xlsx';
  /** The sheet read from a workbook; null for CSV. */
  sheet: string | null;
  /** The sheet whose rows the records are, named in every row error; undefined for CSV. */
  errorSheet?: string;
  encoding: ImportEncoding;
  bytes: number;
  sha256: string;
  /** Problems that end the reading: not CSV, not a workbook, no such sheet. */
  errors: RowError[];
  /** The message when the file turns out to have no header; null when an error above already says why. */
  emptyMessage: string | null;
};

/** A file being read: its records, then (once they are read) what was found out. */
export type ExpenseSource = { records: AsyncIterable<SourceRecord>; info(): ReadingInfo };

const csvErrorMessages: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed',
  CSV_INVALID_CLOSING_QUOTE: 'a quote inside a quoted field is not doubled',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text after a closing quote',
  CSV_MAX_RECORD_SIZE: 'a row is longer than 65,536 characters',
};

/** A CSV body: decoded, hashed and counted as it streams through csv-parse. */
function csvSource(body: ReadableStream<Uint8Array>, forced: ImportEncoding | undefined): ExpenseSource {
  const state: ReadState = { encoding: null, bytes: 0, hash: createHash('sha256') };
  const errors: RowError[] = [];
  let csvFailed = false;
  async function* records(): AsyncGenerator<SourceRecord> {
    const parser = parse({ relax_column_count: true, skip_empty_lines: true, info: true, max_record_size: 65_536 });
    const decoded = Readable.from(decodeBody(body, forced, state));
    decoded.on('error', (error) => parser.destroy(error));
    decoded.pipe(parser);
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        yield { record, line: info.lines };
      }
    } catch (error) {
      if (!(error instanceof CsvError)) throw error;
      const line = (error as CsvError & { lines?: number }).lines ?? 0;
      errors.push({ line, column: null, message: `not readable as CSV: ${csvErrorMessages[error.code] ?? error.code}` });
      csvFailed = true;
    } finally {
      decoded.destroy();
    }
  }
  return {
    records: records(),
    info: () => ({
      format: 'csv',
      sheet: null,
      encoding: state.encoding ?? forced ?? 'utf-8',
      bytes: state.bytes,
      sha256: state.hash.digest('hex'),
      errors,
      emptyMessage: csvFailed ? null : 'the file is empty: expected a header row and expense lines',
    }),
  };
}

/**
 * A cell as the checks read it: NFKC where people type full-width (１，２００, ２０２７年度, ＩＮＤ), trimmed
 * of padding (ideographic spaces too), codes upper-cased. This is reading, not checking: it is done
 * here, once per cell with the runtime's native Unicode tables, because the same in SQL cost several
 * times more, most of all on the embedded database (decision 0015). Checking is SQL's (checkRawRows).
 */
function normalizeCell(key: ColumnKey, value: string): string {
  switch (key) {
    case 'externalId':
      return value.trim();
    case 'projectName':
      return trimName(value);
    case 'bureauCode':
    case 'projectCode':
      return value.normalize('NFKC').trim().toUpperCase();
    case 'fiscalYear':
      return value.normalize('NFKC').trim().replace(/年度$/, '');
    case 'category':
      return value.normalize('NFKC');
    case 'amountKyen':
      return value.normalize('NFKC').trim();
    case 'registrationTrigger':
      return normalizeTrigger(value);
  }
}

/**
 * Names lose the padding people leave around cells, but not the space in front of a formula
 * character: " =1+1" trimmed would be stored as "=1+1", a formula in any spreadsheet that reads it later.
 */
function trimName(raw: string): string {
  const trimmed = raw.trim();
  return startsLikeFormula(trimmed) ? raw.trimEnd() : trimmed;
}

type Header = { index: Map<ColumnKey, number>; names: string[] };

/**
 * Maps the header (the first record) and turns each following record into one COPY row of
 * expense_raw: its line, its number of fields and the text of each known column, exactly as read.
 * Checking the rows is SQL's job (checkRawRows); here only the header, and records with no text at
 * all, which are skipped as empty lines are.
 */
function createRecordStager(onProgress: ImportOptions['onProgress']) {
  const errors: RowError[] = [];
  let header: Header | null = null;
  let headerFailed = false;
  let lineCount = 0;
  let ignoredColumns: string[] = [];
  let seen = 0;

  const mapHeader = (record: string[], line: number) => {
    const index = new Map<ColumnKey, number>();
    const ignored: string[] = [];
    record.forEach((name, i) => {
      if (name.includes('\uFFFD')) {
        errors.push({ line, column: null, message: 'the header is not readable: the file is neither valid UTF-8 nor Shift_JIS' });
        return;
      }
      const key = headerLookup.get(normalizeHeader(name));
      if (!key) {
        if (name.trim()) ignored.push(name.trim());
        return;
      }
      if (index.has(key)) errors.push({ line, column: name, message: 'this column appears twice' });
      else index.set(key, i);
    });
    for (const key of requiredColumns) {
      if (!index.has(key))
        errors.push({ line, column: headerAliases[key][0]!, message: `missing column (${headerAliases[key].join(' or ')})` });
    }
    ignoredColumns = ignored;
    header = { index, names: record };
    headerFailed = errors.length > 0;
  };

  const rowOf = (record: string[], line: number): string => {
    if (!header || headerFailed) return '';
    if (record.every((cell) => cell.trim() === '')) return '';
    lineCount++;
    const { index } = header;
    const cell = (key: ColumnKey) => {
      const i = index.get(key);
      return i === undefined ? '' : (record[i] ?? '');
    };
    let row = `${line}\t${record.length}`;
    for (const key of rawColumnKeys) row += `\t${copyField(normalizeCell(key, cell(key)))}`;
    return `${row}\t${copyField(cell('fiscalYear'))}\t${copyField(cell('amountKyen'))}\t${copyField(cell('registrationTrigger'))}\n`;
  };

  return {
    /** The COPY text of the records, in pieces that end at a row's end. */
    async *copyText(records: AsyncIterable<SourceRecord>): AsyncGenerator<string> {
      let piece = '';
      for await (const { record, line } of records) {
        if (!header) mapHeader(record, line);
        else piece += rowOf(record, line);
        seen++;
        if (seen % progressEvery === 0) onProgress?.({ processed: seen - 1, phase: 'reading' });
        if (piece.length >= copyPieceChars) {
          yield piece;
          piece = '';
        }
      }
      if (piece) yield piece;
    },
    get header(): Header | null {
      return headerFailed ? null : header;
    },
    get hasHeader() {
      return header !== null;
    },
    errors,
    get lineCount() {
      return lineCount;
    },
    get ignoredColumns() {
      return ignoredColumns;
    },
  };
}

type StagedFile = ReadingInfo & { lineCount: number; ignoredColumns: string[]; header: Header | null };

/** Stream the file into expense_raw and record what reading found (header and syntax errors) in expense_error. */
async function stageFile(tx: Db, source: ExpenseSource, onProgress: ImportOptions['onProgress']): Promise<StagedFile> {
  const stager = createRecordStager(onProgress);
  await copyInto(tx, 'expense_raw', rawStageColumns, stager.copyText(source.records));
  const info = source.info();
  const errors = [...info.errors, ...stager.errors];
  if (!stager.hasHeader && info.emptyMessage) errors.push({ line: 1, column: null, message: info.emptyMessage });
  await recordErrors(tx, errors);
  return { ...info, lineCount: stager.lineCount, ignoredColumns: stager.ignoredColumns, header: stager.header };
}

/** What the SQL checks need to know about the file and the importer. */
function checkSpec(file: StagedFile, header: Header, writableBureaus: Set<string> | 'all'): RawCheckSpec {
  const columnNames = Object.fromEntries(
    rawColumnKeys.map((key) => {
      const i = header.index.get(key);
      return [key, (i === undefined ? undefined : header.names[i]?.trim()) ?? headerAliases[key][0]!];
    }),
  ) as Record<ColumnKey, string>;
  const mapped = [...header.index.entries()].sort((a, b) => a[1] - b[1]).map(([key, i]) => ({ key, name: header.names[i]!.trim() }));
  const writable = writableBureaus === 'all' ? null : [...writableBureaus];
  return {
    fieldCount: header.names.length,
    mapped,
    columnNames,
    brokenEncodingMessage:
      file.encoding === 'utf-8'
        ? 'broken encoding: bytes that are not valid UTF-8 (if the file is Shift_JIS, send ?encoding=shift_jis)'
        : 'broken encoding: bytes that are not valid Shift_JIS',
    writableBureaus: writable,
    notWritableMessage: `you may import only lines of ${writable?.join(', ') || 'no bureau'}`,
    categoryNames: [...categoryLookup.entries()].map(([name, bit]) => ({ name, bit })),
    categoryHint,
    triggerNames,
    triggerHint,
    maxAmountKyen,
    maxAmountMessage: `is larger than ${maxAmountKyen.toLocaleString('en')} thousand yen`,
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

type WriteContext = { rulesetVersion: string; actorId: string; actorLabel: string; requestId: string | null; importId: string };

/**
 * Tier the existing projects whose budget the import changes. With a compiled ruleset, one statement
 * (`applyBudgetsFromDecisions`) writes budgets, tiers, explanations, history and audit for all of them
 * from the decision relation (decision 0014). What it leaves — values SQL writes otherwise than
 * JavaScript, a ruleset the compiler left to the engine — goes a page of distinct oversight inputs at a
 * time (memory stays bounded at any size): evaluate each combination once, then one statement per page.
 * Either way a lower tier waits for consent, as an edit's would (tier-decrease.ts), and so does a
 * project already waiting on a decrease: both are settled project by project; pending release requests
 * follow the new reviewer. A dry run only counts.
 */
async function tierChangedBudgets(
  tx: Db,
  policy: DomainContext['policy'],
  who: ReturnType<typeof whoOf>,
  context: WriteContext | null,
): Promise<{ updated: number; tierChanged: number }> {
  const counts = { updated: 0, tierChanged: 0 };
  const settleAndReroute = async (applied: Awaited<ReturnType<typeof applyBudgetChunk>>, rulesetVersion: string) => {
    counts.updated += applied.updated;
    counts.tierChanged += applied.tierChanged;
    for (const r of applied.settle) {
      const project = (await lockProject(tx, r.id))!;
      const budgetBefore = r.oldBudgetJpy === null ? null : Number(r.oldBudgetJpy);
      const evaluation = await policy.evaluateOversight(oversightInputsOf(project));
      const inForce = { ...oversightInputsOf(project), budgetJpy: budgetBefore };
      if ((await settleEvaluation(tx, policy, who, project, inForce, evaluation, 'import')).tierChanged) counts.tierChanged++;
    }
    // recordTierChange writes their history row too.
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
  };
  if (context) {
    const decision = await prepareDecisionTable(tx, await policy.oversightTable, 'n');
    if (decision) await settleAndReroute(await applyBudgetsFromDecisions(tx, decision, maxYen, context), context.rulesetVersion);
  }
  // Whatever is left still has its old budget.
  const inputs = await planBudgetCombos(tx, maxYen);
  for (let from = 1; from <= inputs; from += tierPage) {
    const combos = await budgetComboPage(tx, from, from + tierPage - 1);
    const evaluations = await evaluateDistinct(policy, combos);
    if (!context) {
      for (const combo of combos) {
        const e = evaluations.get(comboKey(combo))!;
        counts.updated += Number(combo.projects);
        // A decrease would wait for its reviewer's consent: not a change yet.
        const raisesOrMoves = tierRank(e.tier) >= tierRank(combo.tier);
        if (raisesOrMoves && (e.tier !== combo.tier || e.reviewerRole !== combo.reviewerRole)) counts.tierChanged += Number(combo.projects);
      }
      continue;
    }
    const evaluated: ComboEvaluation[] = [...new Map(combos.map((c) => [comboKey(c), c])).values()].map((c) => ({
      budgetJpy: Number(c.budgetJpy),
      maxDowntimeHours: c.maxDowntimeHours,
      confidentiality: c.confidentiality,
      ...evaluations.get(comboKey(c))!,
    }));
    await settleAndReroute(await applyBudgetChunk(tx, evaluated, context), context.rulesetVersion);
  }
  return counts;
}

/**
 * Create the projects the file registers, a page at a time, each with its final budget and tier: from
 * the decision relation in the insert itself, or evaluated here once per distinct budget where the
 * relation does not tier it exactly (budgets beyond 2^53, a ruleset left to the engine).
 */
async function createNewProjects(tx: Db, policy: DomainContext['policy'], count: number, context: WriteContext): Promise<number> {
  let created = 0;
  const decision = count > 0 ? await prepareDecisionTable(tx, await policy.oversightTable, 'n') : null;
  for (let from = 1; from <= count; from += tierPage) {
    const keys = (await newProjectPage(tx, from, from + tierPage - 1)).map((k) => {
      const search = projectSearchColumns(k.projectName, null, null);
      return {
        bureauCode: k.bureauCode,
        fiscalYear: k.fiscalYear,
        projectName: k.projectName,
        budgetJpy: Number(k.budgetJpy),
        registrationTrigger: k.registrationTrigger,
        searchText: search.searchText,
        searchGrams: search.searchGrams.join('\u001f'),
      };
    });
    const byInputs = await evaluateDistinct(
      policy,
      keys
        .filter((k) => !decision || !Number.isSafeInteger(k.budgetJpy))
        .map((k) => ({ budgetJpy: k.budgetJpy, maxDowntimeHours: null, confidentiality: null })),
    );
    const byBudget = new Map([...byInputs.entries()].map(([key, e]) => [Number(key.split('|')[0]), e]));
    const inserted = await insertImportedProjects(tx, keys, byBudget, decision, context);
    // Every key has its evaluation from one side or the other: a project left out would lose its lines.
    if (inserted !== keys.length) throw new Error(`created ${inserted} of ${keys.length} projects: an evaluation is missing`);
    created += inserted;
  }
  return created;
}

/** The source of the request body: a CSV stream, or the rows of a workbook's sheet. */
async function openSource(body: ReadableStream<Uint8Array>, options: ImportOptions): Promise<ExpenseSource> {
  return options.format === 'xlsx' ? readExpenseWorkbook(body, options.sheet) : csvSource(body, options.encoding);
}

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
  const policy = ctx.policy;
  const who = whoOf(ctx);
  const rulesetVersion = policy.rulesets['oversight-tier'].version;
  // A workbook is read whole before the transaction (it is a zip); a CSV streams inside it.
  const source = await openSource(body, options);

  try {
    return await ctx.db.transaction().execute(async (tx) => {
      await createImportStage(tx);
      const file = await stageFile(tx, source, options.onProgress);
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
      // Errors name the sheet of a workbook whose rows were read.
      const report = async () => {
        const { count, errors } = await errorReport(tx, maxReportedErrors);
        return {
          errorCount: count,
          errors: file.errorSheet === undefined ? errors : errors.map((e) => ({ ...e, sheet: file.errorSheet })),
        };
      };
      const reject = async () => {
        const { errorCount, errors } = await report();
        return new AppError('rule_violation', `The file has ${errorCount} error(s); nothing was imported`, {
          errors,
          errorCount,
          fileSha256: file.sha256,
          format: file.format,
          sheet: file.sheet,
          encoding: file.encoding,
          lineCount: file.lineCount,
        });
      };
      const errorCount = async () => (await errorReport(tx, 0)).count;

      // Only the checks against the book need it: one import at a time from here.
      await lockExpenseImports(tx);
      if (file.header) await checkRawRows(tx, checkSpec(file, file.header, writableBureaus));
      await analyzeStage(tx, 'expense_stage');
      timing('check rows');
      await checkStagedReferences(tx, writableBureaus === 'all' ? null : [...writableBureaus]);
      if ((await errorCount()) > 0) await dropRefusedStagedRows(tx);
      const tooLarge = `¥${maxYen.toLocaleString('en')}`;
      const newProjects = await planNewProjects(tx, maxYen, tooLarge);
      const previous = await findImportBySha(tx, file.sha256);
      timing('check against the book');
      if (!options.dryRun && (await errorCount()) > 0) throw await reject();

      const importId = options.dryRun ? null : randomUUID();
      const context = importId
        ? { rulesetVersion, actorId: ctx.actor.id, actorLabel: who.actor.label, requestId: ctx.requestId, importId }
        : null;
      let projectsCreated = newProjects;
      if (context) {
        await tx
          .insertInto('expenseImport')
          .values({ id: context.importId, fileSha256: file.sha256, lineCount: file.lineCount, summary: '{}', createdBy: ctx.actor.id })
          .execute();
        // New projects get their final budget and tier at once: all their lines are in this file.
        projectsCreated = await createNewProjects(tx, policy, newProjects, context);
        timing('create projects');
      }

      const lines = await buildImportPlan(tx);
      timing('plan');
      await computeProjectBudgets(tx);
      await checkBudgetTotals(tx, maxYen, tooLarge);
      if (!options.dryRun && (await errorCount()) > 0) throw await reject();
      if (context) await lockBudgetProjects(tx);
      timing('budgets');
      const tiered = await tierChangedBudgets(tx, policy, who, context);
      timing('tier');
      const projects = { created: projectsCreated, ...tiered };

      if (!context) {
        const changes = lines.created + lines.updated + projects.created + projects.updated;
        throw new RollbackDryRun(
          finish({ importId: null, lines, projects, changes, ...(await report()), previousImportId: previous?.id ?? null }),
        );
      }
      await writePlannedLines(tx, context.importId);
      timing('write lines');

      const result = finish({
        importId: context.importId,
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
        .where('id', '=', context.importId)
        .execute();
      await recordAudit(tx, who, {
        action: 'expense_import.create',
        entityType: 'expense_import',
        entityId: context.importId,
        after: summary,
      });
      return result;
    });
  } catch (error) {
    if (error instanceof RollbackDryRun) return error.result;
    throw error;
  }
}

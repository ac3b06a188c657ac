/**
 * Reading an expense file (デジタル関連経費情報) for the import (expense-import.ts): the first step of its
 * pipeline (decision 0015). The request body is decoded (UTF-8, or Shift_JIS read as Windows-31J),
 * parsed as CSV (or a workbook's sheet, expense-workbook.ts), its header mapped, and every record written
 * as read into the temporary table `expense_raw` with `COPY … FROM STDIN` (db/copy.ts). Cells are
 * normalised on the way as the checks read them; checking them is SQL's (`checkRawRows`, with the
 * `checkSpec` made here). Nothing here writes the book: that is expense-import.ts.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { expenseCategoryLabels, registrationTriggerLabels, ZExpenseCategory, ZRegistrationTrigger } from '@psbook/core';
import { CsvError, parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { startsLikeFormula } from '../csv.ts';
import { copyField, copyInto } from '../db/copy.ts';
import type { Db } from '../db/database.ts';
import {
  expenseCategoryBits,
  type RawCheckSpec,
  type RawColumnKey,
  rawColumnKeys,
  rawStageColumns,
  recordErrors,
} from '../db/queries/expenses.ts';
import { AppError } from '../errors.ts';
import { readExpenseWorkbook } from './expense-workbook.ts';

export const importBodyLimitBytes = 100 * 1024 * 1024;
const sniffBytes = 64 * 1024;
/** COPY text handed on in pieces of about this many characters. */
const copyPieceChars = 256 * 1024;
const progressEvery = 5_000;
/** ZYen's ceiling: every yen amount stays exact in a JS number and in bigint. */
export const maxYen = 9_000_000_000_000_000;
const maxAmountKyen = maxYen / 1000;

export type ImportEncoding = 'utf-8' | 'shift_jis';
/** `line` is the CSV line, or the row of the workbook sheet named in `sheet`. */
export type RowError = { line: number; column: string | null; message: string; sheet?: string };
/** Told every few thousand rows while reading, and once per phase while writing. */
export type ProgressListener = (progress: { processed: number; phase: 'reading' | 'writing' }) => void;

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

export type Header = { index: Map<ColumnKey, number>; names: string[] };

/**
 * Maps the header (the first record) and turns each following record into one COPY row of
 * expense_raw: its line, its number of fields and the text of each known column, exactly as read.
 * Checking the rows is SQL's job (checkRawRows); here only the header, and records with no text at
 * all, which are skipped as empty lines are.
 */
function createRecordStager(onProgress: ProgressListener | undefined) {
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

export type StagedFile = ReadingInfo & { lineCount: number; ignoredColumns: string[]; header: Header | null };

/** Stream the file into expense_raw and record what reading found (header and syntax errors) in expense_error. */
export async function stageFile(tx: Db, source: ExpenseSource, onProgress: ProgressListener | undefined): Promise<StagedFile> {
  const stager = createRecordStager(onProgress);
  await copyInto(tx, 'expense_raw', rawStageColumns, stager.copyText(source.records));
  const info = source.info();
  const errors = [...info.errors, ...stager.errors];
  if (!stager.hasHeader && info.emptyMessage) errors.push({ line: 1, column: null, message: info.emptyMessage });
  await recordErrors(tx, errors);
  return { ...info, lineCount: stager.lineCount, ignoredColumns: stager.ignoredColumns, header: stager.header };
}

/** What the SQL checks need to know about the file and the importer. */
export function checkSpec(file: StagedFile, header: Header, writableBureaus: Set<string> | 'all'): RawCheckSpec {
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

/** The source of the request body: a CSV stream, or the rows of a workbook's sheet. */
export async function openSource(
  body: ReadableStream<Uint8Array>,
  options: { format?: 'csv' | 'xlsx'; sheet?: string; encoding?: ImportEncoding },
): Promise<ExpenseSource> {
  return options.format === 'xlsx' ? readExpenseWorkbook(body, options.sheet) : csvSource(body, options.encoding);
}

/**
 * Expense lines from an Excel workbook (.xlsx): the first visible sheet, or the one named in the
 * request. Each row becomes the same record a CSV line would be, and takes the same path (COPY into
 * the staging table, the same SQL checks, the same all-or-nothing, idempotent import); errors name
 * the sheet and the row.
 *
 * A workbook is a zip: it is read whole (up to `workbookBodyLimitBytes`), unlike CSV, which streams.
 * The limit is far above any real expense list (400,000 lines fit) and keeps the unzipped sheet in
 * a bounded amount of memory.
 */
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { AppError } from '../errors.ts';
import type { ExpenseSource, ReadingInfo, SourceRecord } from './expense-file.ts';

export const workbookBodyLimitBytes = 20 * 1024 * 1024;

async function readWhole(body: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > workbookBodyLimitBytes) {
        throw new AppError(
          'payload_too_large',
          `The workbook is larger than ${workbookBodyLimitBytes / 1024 / 1024} MB: split it, or send CSV`,
        );
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks);
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** A cell as the text a CSV would hold: numbers in digits, formulas by their computed result. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return isoDay(value);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('error' in value) return String(value.error);
  if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
  if ('text' in value) return typeof value.text === 'string' ? value.text : cellText(value.text as ExcelJS.CellValue);
  return '';
}

/** The rows of the first visible sheet, or of the one named, as records (the header first). */
export async function readExpenseWorkbook(body: ReadableStream<Uint8Array>, sheetName?: string): Promise<ExpenseSource> {
  const buffer = await readWhole(body);
  const sha256 = createHash('sha256').update(buffer).digest('hex');
  const base = { format: 'xlsx' as const, encoding: 'utf-8' as const, bytes: buffer.length, sha256 };
  const unreadable = (sheet: string | null, message: string): ExpenseSource => {
    const info: ReadingInfo = { ...base, sheet, errors: [{ line: 0, column: null, message }], emptyMessage: null };
    return { records: (async function* () {})(), info: () => info };
  };
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  } catch {
    return unreadable(null, 'not readable as an Excel workbook (.xlsx): save it from Excel as .xlsx, or send CSV');
  }
  const visible = workbook.worksheets.filter((s) => s.state !== 'hidden' && s.state !== 'veryHidden');
  const sheet = sheetName === undefined ? visible[0] : workbook.worksheets.find((s) => s.name === sheetName);
  if (!sheet) {
    const names = workbook.worksheets.map((s) => `「${s.name}」`).join(', ') || 'none';
    return unreadable(
      sheetName ?? null,
      sheetName === undefined ? 'the workbook has no visible sheet' : `no sheet named 「${sheetName}」 (sheets: ${names})`,
    );
  }

  async function* records(): AsyncGenerator<SourceRecord> {
    let width = 0;
    const rows: { number: number; row: ExcelJS.Row }[] = [];
    sheet!.eachRow({ includeEmpty: false }, (row, number) => {
      rows.push({ number, row });
    });
    for (const { number, row } of rows) {
      if (width === 0) {
        // The header decides how many columns a record has; cells right of it are not read.
        row.eachCell({ includeEmpty: false }, (cell, col) => {
          if (cellText(cell.value).trim()) width = Math.max(width, col);
        });
        if (width === 0) continue;
      }
      const record: string[] = [];
      for (let col = 1; col <= width; col++) record.push(cellText(row.getCell(col).value));
      yield { record, line: number };
    }
  }
  const info: ReadingInfo = {
    ...base,
    sheet: sheet.name,
    errorSheet: sheet.name,
    errors: [],
    emptyMessage: 'the sheet is empty: expected a header row and expense lines',
  };
  return { records: records(), info: () => info };
}

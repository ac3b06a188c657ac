/**
 * Excel workbooks (.xlsx) beside every CSV (issue 17). A workbook is built from the same rows as the
 * CSV of the same request — the CSV row arrays are the one source of each cell's content — and adds
 * what CSV cannot carry: types (yen, counts and dates are numbers with a number format, not text),
 * a frozen header row, column widths, one sheet per table, and a first sheet 「条件」 with the
 * filters and the time of the download.
 *
 * Written with exceljs's streaming WorkbookWriter: rows are committed batch by batch and leave as
 * zip output, so a list of a million projects never sits in memory. Column widths are fitted to the
 * header and the first batch (a stream cannot go back to widen a column).
 */
import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { excelSafe } from './csv.ts';

/** How a column's CSV value becomes a typed cell. */
export type CellKind = 'text' | 'integer' | 'number' | 'yen' | 'percent' | 'date' | 'datetime';

export type SheetSpec = {
  /** At most 31 characters, none of : \ / ? * [ ] (Excel's rules). */
  name: string;
  header: string[];
  kinds: CellKind[];
  /** Batches of CSV rows: the values a CSV of the same request has, cell for cell. */
  rows: AsyncIterable<unknown[][]> | Iterable<unknown[][]>;
};

export type Conditions = { label: string; value: string }[];

const numberFormats: Record<CellKind, string | null> = {
  text: null,
  integer: '#,##0',
  number: '#,##0.##',
  yen: '"¥"#,##0',
  percent: '0.0%',
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm:ss',
};

const jstOffsetMs = 9 * 3_600_000;

/**
 * The cell for a CSV value. Dates: a CSV day (YYYY-MM-DD) is that calendar day; a CSV instant
 * (ISO 8601 with a zone) is shown in Japan time, since Excel has no time zones. A value that is not
 * of the column's kind (区分 未設定 in a number column) stays text.
 */
export function toCell(value: unknown, kind: CellKind): string | number | boolean | Date | null {
  if (value === null || value === undefined || value === '') return null;
  if (kind === 'text') return typeof value === 'string' ? excelSafe(value) : typeof value === 'number' ? value : String(value);
  if (typeof value === 'number') return value;
  const text = String(value);
  if (kind === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(text)) return new Date(`${text}T00:00:00Z`);
  if (kind === 'datetime' && !Number.isNaN(Date.parse(text)) && /[zZ]|[+-]\d{2}:?\d{2}$/.test(text)) {
    return new Date(Date.parse(text) + jstOffsetMs);
  }
  if ((kind === 'integer' || kind === 'yen' || kind === 'number' || kind === 'percent') && /^-?\d+(\.\d+)?$/.test(text))
    return Number(text);
  return excelSafe(text);
}

/** Display width: East Asian wide characters take two columns. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text)
    width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return width;
}

function shownText(cell: ReturnType<typeof toCell>, kind: CellKind): string {
  if (cell === null) return '';
  if (cell instanceof Date) return kind === 'date' ? '2026-01-01' : '2026-01-01 00:00:00';
  if (typeof cell === 'number') return kind === 'yen' ? `¥${cell.toLocaleString('en')}` : cell.toLocaleString('en');
  return String(cell);
}

const maxWidth = 60;

function fittedWidths(header: string[], kinds: CellKind[], sample: unknown[][]): number[] {
  return header.map((h, i) => {
    let width = displayWidth(h);
    for (const row of sample) {
      const text = shownText(toCell(row[i], kinds[i]!), kinds[i]!);
      // Long text wraps at the cap; only the longest line counts.
      for (const line of text.split(/\r?\n/)) width = Math.max(width, displayWidth(line));
    }
    return Math.min(maxWidth, Math.max(6, width + 2));
  });
}

async function* batchesOf(rows: SheetSpec['rows']): AsyncGenerator<unknown[][]> {
  for await (const batch of rows as AsyncIterable<unknown[][]>) yield batch;
}

class ClientGone extends Error {
  constructor() {
    super('the client closed the download');
  }
}

/** Write the workbook to `output`; resolves when the last byte is written. */
export async function writeWorkbook(output: NodeJS.WritableStream, conditions: Conditions, sheets: SheetSpec[]): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output as never, useStyles: true, useSharedStrings: false });
  workbook.creator = 'PS Book';
  workbook.created = new Date();

  const conditionSheet = workbook.addWorksheet('条件', { views: [{ state: 'frozen', ySplit: 1 }] });
  const conditionWidths = fittedWidths(
    ['項目', '値'],
    ['text', 'text'],
    conditions.map((c) => [c.label, c.value]),
  );
  conditionSheet.columns = [
    { header: '項目', key: 'label', width: conditionWidths[0] },
    { header: '値', key: 'value', width: conditionWidths[1] },
  ];
  conditionSheet.getRow(1).font = { bold: true };
  for (const c of conditions) conditionSheet.addRow([excelSafe(c.label), excelSafe(c.value)]).commit();
  conditionSheet.commit();

  for (const spec of sheets) {
    const sheet = workbook.addWorksheet(spec.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    const batches = batchesOf(spec.rows);
    const first = await batches.next();
    const sample = first.done ? [] : first.value;
    const widths = fittedWidths(spec.header, spec.kinds, sample);
    sheet.columns = spec.header.map((header, i) => {
      const format = numberFormats[spec.kinds[i]!];
      return { header, width: widths[i], ...(format ? { style: { numFmt: format } } : {}) };
    });
    const headerRow = sheet.getRow(1);
    headerRow.font = { bold: true };
    headerRow.commit();
    const writeBatch = async (batch: unknown[][]) => {
      for (const row of batch) sheet.addRow(row.map((value, i) => toCell(value, spec.kinds[i] ?? 'text'))).commit();
      // Let the zip stream drain before the next batch, so memory stays at a batch or so; a client
      // that hung up destroys the stream, and the rest of the list is not read.
      const stream = output as PassThrough;
      if (stream.writableNeedDrain && !stream.destroyed) {
        await new Promise((resolve) => {
          stream.once('drain', resolve);
          stream.once('close', resolve);
        });
      }
      if (stream.destroyed) throw new ClientGone();
    };
    if (!first.done) await writeBatch(sample);
    for (;;) {
      const next = await batches.next();
      if (next.done) break;
      await writeBatch(next.value);
    }
    sheet.commit();
  }
  await workbook.commit();
}

/**
 * The workbook as a response body. Errors after the first byte cut the stream, so the client sees
 * a broken download rather than a short workbook that looks complete.
 */
export function workbookStream(conditions: Conditions, sheets: SheetSpec[], onError: (error: unknown) => void): ReadableStream<Uint8Array> {
  const output = new PassThrough({ highWaterMark: 1024 * 1024 });
  writeWorkbook(output, conditions, sheets).then(
    () => {
      if (!output.writableEnded) output.end();
    },
    (error: unknown) => {
      if (error instanceof ClientGone || output.destroyed) return;
      onError(error);
      output.destroy(error instanceof Error ? error : new Error(String(error)));
    },
  );
  return Readable.toWeb(output) as ReadableStream<Uint8Array>;
}

export const xlsxContentType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function xlsxResponseHeaders(fileName: string): Record<string, string> {
  return {
    'content-type': xlsxContentType,
    'content-disposition': `attachment; filename="${fileName.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
  };
}

/** The time of a download, as the 条件 sheet states it (Japan time). */
export function downloadTime(now = new Date()): string {
  return `${new Date(now.getTime() + jstOffsetMs).toISOString().slice(0, 19).replace('T', ' ')}（日本時間）`;
}

/**
 * A table that leaves as CSV and as a workbook sheet from one definition: each column's header,
 * its cell kind in a workbook, and its value. Text is protected against formula injection here,
 * once, for both formats.
 */
export type TableColumn<R> = { header: string; kind: CellKind; value: (row: R) => string | number | null };

export function tableHeader<R>(columns: TableColumn<R>[]): string[] {
  return columns.map((c) => c.header);
}

export function tableRow<R>(columns: TableColumn<R>[], row: R): (string | number)[] {
  return columns.map((c) => {
    const value = c.value(row);
    return value === null ? '' : typeof value === 'string' ? excelSafe(value) : value;
  });
}

export function tableSheet<R>(name: string, columns: TableColumn<R>[], rows: AsyncIterable<R[]> | Iterable<R[]>): SheetSpec {
  async function* cells() {
    for await (const batch of rows as AsyncIterable<R[]>) yield batch.map((row) => tableRow(columns, row));
  }
  return { name, header: tableHeader(columns), kinds: columns.map((c) => c.kind), rows: cells() };
}

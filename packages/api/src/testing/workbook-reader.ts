/**
 * Reads workbooks back with SheetJS (`xlsx`), a reader independent of exceljs that wrote them, and
 * compares them with the CSV of the same request cell by cell.
 */
import { parse } from 'csv-parse/sync';
import * as XLSX from 'xlsx';

export type ReadCell = { t: string; v: unknown; z?: string; f?: string };

export function readWorkbook(bytes: Uint8Array) {
  return XLSX.read(bytes, {
    type: 'array',
    cellDates: false,
    cellNF: true,
    cellStyles: true,
    cellFormula: true,
    bookFiles: true,
    dense: false,
  });
}

export type Workbook = ReturnType<typeof readWorkbook>;

/** The rows of a sheet as cells (undefined where the workbook has none). */
export function sheetCells(workbook: Workbook, name: string): (ReadCell | undefined)[][] {
  const sheet = workbook.Sheets[name];
  if (!sheet) throw new Error(`no sheet ${name}; sheets: ${workbook.SheetNames.join(', ')}`);
  const range = XLSX.utils.decode_range(sheet['!ref'] ?? 'A1:A1');
  const rows: (ReadCell | undefined)[][] = [];
  for (let r = range.s.r; r <= range.e.r; r++) {
    const row: (ReadCell | undefined)[] = [];
    for (let c = range.s.c; c <= range.e.c; c++) row.push(sheet[XLSX.utils.encode_cell({ r, c })] as ReadCell | undefined);
    rows.push(row);
  }
  return rows;
}

/** The raw XML of a part of the workbook (e.g. xl/worksheets/sheet2.xml), for what SheetJS does not parse (frozen panes). */
export function workbookPart(workbook: Workbook, path: string): string {
  const files = (workbook as unknown as { files: Record<string, { content?: Uint8Array; _data?: unknown }> }).files;
  const file = files[path];
  if (!file?.content) throw new Error(`no part ${path}; parts: ${Object.keys(files).join(', ')}`);
  return Buffer.from(file.content).toString('utf8');
}

export const parseCsv = (bytes: Uint8Array) => parse(Buffer.from(bytes), { bom: true, relax_column_count: false }) as string[][];

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The CSV text a workbook cell stands for: numbers as digits, dates (by their format) as
 * YYYY-MM-DD, date-times as the UTC instant (the workbook shows Japan time). Also returns the
 * type the cell has, so a test can insist that numbers are numbers.
 */
export function cellAsCsv(cell: ReadCell | undefined): { text: string; type: 'empty' | 'number' | 'date' | 'datetime' | 'text' } {
  // A styled cell without a value (the column's number format) is an empty cell.
  if (!cell || cell.t === 'z' || cell.v === undefined) return { text: '', type: 'empty' };
  if (cell.t === 's' || cell.t === 'str') return { text: String(cell.v), type: 'text' };
  if (cell.t !== 'n') return { text: String(cell.v), type: 'text' };
  const format = cell.z ?? '';
  if (/yy/.test(format)) {
    const d = XLSX.SSF.parse_date_code(cell.v as number);
    const day = `${d.y}-${pad(d.m)}-${pad(d.d)}`;
    if (!/h/.test(format)) return { text: day, type: 'date' };
    const jst = Date.UTC(d.y, d.m - 1, d.d, d.H, d.M, Math.round(d.S));
    return { text: new Date(jst - 9 * 3_600_000).toISOString().slice(0, 19), type: 'datetime' };
  }
  return { text: String(cell.v), type: 'number' };
}

import { type Options, stringify } from 'csv-stringify/sync';

/**
 * Every CSV the system writes goes through here, so one rule protects every cell:
 * - UTF-8 with a byte-order mark (without it Excel reads the Japanese as Shift_JIS and shows mojibake);
 * - CRLF line ends, and every field that holds a CR, LF, quote or comma is quoted (RFC 4180): csv-stringify
 *   on its own quotes only the record delimiter, so a bare LF in a name split one row into two in Excel;
 * - text that a spreadsheet would run as a formula gets a leading apostrophe (`excelSafe`).
 */
export const utf8Bom = '\uFEFF';

/**
 * A cell starting with =, +, -, @, TAB or CR is a formula to Excel and LibreOffice (OWASP "CSV
 * injection"); a leading apostrophe makes it text, and Excel does not show the apostrophe. Names,
 * summaries and opinions are typed by many people, so every text cell is treated this way. Numbers
 * are not text: a negative amount stays a number.
 */
export const formulaStart = /^[=+\-@\t\r]/;
export const startsLikeFormula = (text: string) => formulaStart.test(text);
export const excelSafe = (text: string) => (startsLikeFormula(text) ? `'${text}` : text);

const csvOptions: Options = {
  record_delimiter: '\r\n',
  quoted_match: /[\r\n",]/,
  cast: {
    string: excelSafe,
    boolean: (v) => (v ? 'true' : 'false'),
  },
};

/** CSV lines (no BOM) for a streamed file's header or a batch of rows. */
export function toCsvLines(rows: unknown[][]): string {
  return stringify(rows, csvOptions);
}

/** A whole CSV file for Excel: BOM, header row, rows. */
export function toExcelCsv(header: string[], rows: unknown[][]): string {
  return utf8Bom + toCsvLines([header, ...rows]);
}

export function csvResponseHeaders(fileName: string): Record<string, string> {
  return {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${fileName.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
  };
}

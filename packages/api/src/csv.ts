import { stringify } from 'csv-stringify/sync';

/**
 * CSV for people who open it in Excel: UTF-8 with a byte-order mark (without it Excel reads the
 * Japanese as Shift_JIS and shows mojibake), CRLF line ends, every field quoted when needed.
 */
export const utf8Bom = '\uFEFF';

/**
 * Text that Excel would read as a formula (=, +, -, @, or a tab or carriage return first) gets a
 * leading apostrophe, in CSV and in workbooks alike (formula injection, OWASP). A workbook's text
 * cell is never evaluated as it stands, but a person who edits it and presses Enter would turn it
 * into a formula. Idempotent: already protected text starts with the apostrophe.
 */
export const excelSafeText = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

export function toExcelCsv(header: string[], rows: unknown[][]): string {
  return utf8Bom + stringify([header, ...rows], { record_delimiter: '\r\n', cast: { boolean: (v) => (v ? 'true' : 'false') } });
}

export function csvResponseHeaders(fileName: string): Record<string, string> {
  return {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${fileName.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
  };
}

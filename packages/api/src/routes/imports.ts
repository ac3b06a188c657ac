import { z } from 'zod';
import { importBodyLimitBytes } from '../domain/expense-file.ts';
import { importExpenses } from '../domain/expense-import.ts';
import { workbookBodyLimitBytes } from '../domain/expense-workbook.ts';
import { AppError, toAppError, validationError } from '../errors.ts';
import { xlsxContentType } from '../xlsx.ts';
import { domainContext } from './context.ts';
import { apiRoute, createRouter, problems, queryBoolean, ZProblem } from './openapi.ts';

export const ZRowError = z.object({
  line: z.number().int().describe('the CSV line, or the row of the sheet'),
  column: z.string().nullable(),
  message: z.string(),
  sheet: z.string().optional().describe('the workbook sheet (.xlsx imports only)'),
});

export const ZImportResult = z.object({
  dryRun: z.boolean(),
  importId: z.string().nullable().describe('the expense_import record; null for a dry run'),
  fileSha256: z.string(),
  format: z.enum(['csv', 'xlsx']),
  sheet: z.string().nullable().describe('the sheet read from a workbook; null for CSV'),
  encoding: z.enum(['utf-8', 'shift_jis']).describe('of a CSV file; utf-8 for a workbook'),
  bytes: z.number().int(),
  lineCount: z.number().int().describe('expense lines read (the header and empty lines not counted)'),
  lines: z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int() }),
  projects: z.object({ created: z.number().int(), updated: z.number().int(), tierChanged: z.number().int() }),
  changes: z.number().int().describe('lines created + updated + projects created + updated: 0 when the same file is imported again'),
  errorCount: z.number().int(),
  errors: z.array(ZRowError).describe('at most 1,000, by line'),
  ignoredColumns: z.array(z.string()),
  previousImportId: z.string().nullable().describe('the last import of a file with the same SHA-256, if any'),
  durationMs: z.number().int(),
  timingsMs: z.record(z.string(), z.number().int()).describe('milliseconds per phase of the import'),
});

/**
 * One line of the NDJSON answer (Accept: application/x-ndjson). The HTTP status is 200 before the outcome
 * is known, so the last line carries it: a `result` (200 dry run, 201 imported) or an `error` (the problem).
 */
export const ZImportEvent = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('progress'),
      processed: z.number().int().describe('lines read or written so far'),
      phase: z.enum(['reading', 'writing']).describe('what the import is doing'),
    }),
    ZImportResult.extend({ type: z.literal('result'), status: z.union([z.literal(200), z.literal(201)]) }),
    z.looseObject({
      type: z.literal('error'),
      status: z.number().int().describe('the HTTP status the import would have answered without streaming'),
      code: ZProblem.shape.code,
      title: z.string(),
      requestId: z.string(),
      errors: z.array(ZRowError).optional(),
      errorCount: z.number().int().optional(),
    }),
  ])
  .meta({
    example: { type: 'progress', processed: 5000, phase: 'reading' },
    description: 'One line of an NDJSON import answer: progress lines, then one result or one error line',
  });

export const ZImportQuery = z.object({
  dryRun: queryBoolean().optional().describe('check and report what would change, without writing'),
  encoding: z
    .enum(['utf-8', 'utf8', 'shift_jis', 'sjis', 'cp932'])
    .optional()
    .describe('override the detection (a BOM means UTF-8; else valid UTF-8 means UTF-8; else Shift_JIS)'),
  sheet: z.string().min(1).max(31).optional().describe('for a workbook: the sheet to read (default: the first visible sheet)'),
});

const csvTypes = ['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel', 'application/octet-stream'];

const importRoute = apiRoute({
  operationId: 'importExpenses',
  method: 'post',
  path: '/expenses',
  tags: ['imports'],
  summary: 'Import digital-related expense lines (デジタル関連経費情報) from CSV or an Excel workbook',
  description: [
    'Body: a CSV file (UTF-8 with or without BOM, or Shift_JIS), up to 100 MB, streamed;',
    `or an Excel workbook (Content-Type: ${xlsxContentType}), up to ${workbookBodyLimitBytes / 1024 / 1024} MB: the first visible sheet, or the one named by \`sheet\`, with the same columns; errors then give the sheet and its row.`,
    'Columns (English or Japanese headers): external_id|経費ID, bureau_code|局コード, project_name|事業名, fiscal_year|年度,',
    'category|経費区分 (one or more of system_maintenance|システム維持管理等, shin_tosei|シン・トセイ, smart_tokyo|スマート東京, other|その他, separated by ;),',
    'amount_kyen|金額（千円）, optional project_code|プロジェクト番号.',
    'Lines upsert by external id, so importing the same file again changes nothing. Lines without a project code create or update the project',
    'of the same bureau, fiscal year and name; a project’s budget becomes the total of its lines of the latest fiscal year (×¥1,000) and its tier is re-evaluated.',
    'All or nothing: any row error answers 422 with every error ({ line, column, message }) and nothing is written. `dryRun=true` answers 200 with the errors and what would change.',
    'With `Accept: application/x-ndjson` the answer streams `{"type":"progress","processed":n}` lines and ends with `{"type":"result",…}` or `{"type":"error",…}` (the problem).',
    'Admins may import any bureau; staff and bureau leads only lines of their own bureaus.',
  ].join(' '),
  request: {
    query: ZImportQuery,
    body: {
      required: true,
      content: {
        'text/csv': { schema: z.string().describe('the CSV file') },
        [xlsxContentType]: { schema: z.string().describe('the workbook (.xlsx)') },
      },
    },
  },
  responses: {
    200: {
      description:
        'Dry run: the report (application/json); or, with Accept: application/x-ndjson, the stream: each line one ImportEvent, the last a result or an error',
      content: {
        'application/json': { schema: ZImportResult },
        'application/x-ndjson': { schema: ZImportEvent },
      },
    },
    201: { description: 'Imported', content: { 'application/json': { schema: ZImportResult } } },
    415: { description: 'Neither CSV nor a workbook', content: { 'application/problem+json': { schema: ZProblem } } },
    422: {
      description: 'Row errors: nothing was imported',
      content: { 'application/problem+json': { schema: ZProblem.extend({ errors: z.array(ZRowError), errorCount: z.number().int() }) } },
    },
    ...problems,
  },
});

const encodingOf = (value: string | undefined) =>
  value === undefined ? undefined : value === 'utf-8' || value === 'utf8' ? ('utf-8' as const) : ('shift_jis' as const);

export const importRoutes = createRouter().openapi(importRoute, async (c) => {
  const ctx = domainContext(c);
  const query = c.req.valid('query');
  const contentType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const format = contentType === xlsxContentType ? 'xlsx' : 'csv';
  if (format === 'csv' && !csvTypes.includes(contentType)) {
    throw new AppError(
      'unsupported_media_type',
      `Send the file as the request body with Content-Type: text/csv, or ${xlsxContentType} for an Excel workbook`,
    );
  }
  if (query.sheet !== undefined && format !== 'xlsx')
    throw validationError([{ path: 'query.sheet', message: 'only for an Excel workbook' }]);
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > importBodyLimitBytes)
    throw new AppError('payload_too_large', `The file is larger than ${importBodyLimitBytes / 1024 / 1024} MB`);
  const body = c.req.raw.body;
  if (!body) throw new AppError('bad_request', 'The request has no body: send the file');
  const options = { dryRun: query.dryRun === true, encoding: encodingOf(query.encoding), format, sheet: query.sheet } as const;

  if (!(c.req.header('accept') ?? '').includes('application/x-ndjson')) {
    const result = await importExpenses(ctx, body, options);
    if (result.dryRun) return c.json(result, 200);
    return c.json(result, 201);
  }

  // Progress as NDJSON: the status is sent before the outcome is known, so the last line carries it.
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      // A client that hangs up mid-import must not turn into an error here: the import still commits or rolls back as a whole.
      const send = (value: unknown) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(value)}\n`));
        } catch {
          open = false;
        }
      };
      let lastProcessed = -1;
      try {
        const result = await importExpenses(ctx, body, {
          ...options,
          onProgress: ({ processed, phase }) => {
            if (processed === lastProcessed && phase === 'reading') return;
            lastProcessed = processed;
            send({ type: 'progress', processed, phase });
          },
        });
        send({ type: 'result', status: result.dryRun ? 200 : 201, ...result });
      } catch (error) {
        const problem = toAppError(error);
        if (problem.status >= 500) console.error(error);
        send({
          type: 'error',
          status: problem.status,
          code: problem.code,
          title: problem.message,
          requestId: ctx.requestId,
          ...problem.extra,
        });
      } finally {
        if (open) controller.close();
      }
    },
  });
  const response = new Response(stream, { status: 200, headers: { 'content-type': 'application/x-ndjson; charset=utf-8' } });
  // zod-openapi's types read "application/x-ndjson" as a JSON media type and expect c.json(); the stream is deliberate.
  return response as never;
});

/**
 * Exports of the book: the internal export (everything a government user may read) and open data
 * (what may be published). Both stream the projects in keyset-ordered batches, so a book of a
 * million projects never sits in memory and the first bytes leave at once.
 *
 * What open data leaves out is core's rule (projects/open-data.ts): the internal fields, and the
 * budget of projects whose confidentiality withholds it. This file applies it to the columns.
 */
import {
  internalProjectFields,
  isBudgetWithheld,
  isInternalProjectField,
  openDataDescription,
  oversightFactorRegistry,
  type Policy,
  registrationTriggerLabels,
  stageLabels,
  type TOversightInput,
  type TRegistrationTrigger,
  type TStage,
} from '@psbook/core';
import type { DomainContext } from '../context.ts';
import { excelSafe, toCsvLines, utf8Bom } from '../csv.ts';
import type { Db } from '../db/database.ts';
import { type ExportCursor, selectExportBatch } from '../db/queries/exports.ts';
import type { ProjectListFilter } from '../db/queries/projects.ts';
import { type CellKind, type Conditions, workbookStream } from '../xlsx.ts';

export { internalProjectFields, isBudgetWithheld, openDataDescription };

export type ExportRow = {
  id: string;
  code: string;
  name: string;
  bureauCode: string;
  bureauName: string | null;
  fiscalYear: number;
  summary: string | null;
  stage: TStage;
  tier: number | null;
  reviewerRole: string | null;
  isNew: boolean;
  registrationTrigger: TRegistrationTrigger | null;
  canvasWritten: boolean;
  createdAt: Date;
  updatedAt: Date;
} & { [K in keyof TOversightInput]-?: NonNullable<TOversightInput[K]> | null };

/** A Japanese calendar date (UTC+9 all year). */
const jstDay = (date: Date) => new Date(date.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);

type Column = {
  key: keyof ExportRow | 'registeredOn' | 'budgetWithheld';
  header: string;
  /** The value in JSON: raw codes and numbers. */
  json: (row: ExportRow) => unknown;
  /** The cell in CSV, for people: Japanese labels, empty for unknown. */
  csv: (row: ExportRow) => string | number;
};

function columns(policy: Policy): Column[] {
  const reviewerLabel = new Map(policy.rulesets['oversight-tier'].content.reviewers.map((r) => [r.role as string, r.label.ja]));
  const text = (v: string | number | null) => (v === null ? '' : v);
  return [
    { key: 'id', header: 'ID', json: (r) => r.id, csv: (r) => r.id },
    { key: 'code', header: 'プロジェクト番号', json: (r) => r.code, csv: (r) => r.code },
    { key: 'name', header: '事業名', json: (r) => r.name, csv: (r) => r.name },
    { key: 'bureauCode', header: '局コード', json: (r) => r.bureauCode, csv: (r) => r.bureauCode },
    { key: 'bureauName', header: '局', json: (r) => r.bureauName, csv: (r) => text(r.bureauName) },
    { key: 'fiscalYear', header: '年度', json: (r) => r.fiscalYear, csv: (r) => r.fiscalYear },
    {
      key: 'stage',
      header: '段階',
      json: (r) => r.stage,
      csv: (r) => stageLabels[r.stage].ja,
    },
    { key: 'tier', header: '区分', json: (r) => r.tier, csv: (r) => (r.tier === null ? '未設定' : r.tier) },
    {
      key: 'reviewerRole',
      header: '協議先',
      json: (r) => r.reviewerRole,
      csv: (r) => (r.reviewerRole ? (reviewerLabel.get(r.reviewerRole) ?? r.reviewerRole) : ''),
    },
    // One column per oversight input: a factor added to the registry is exported without an edit here.
    ...oversightFactorRegistry.entries.map(
      (f): Column => ({ key: f.input, header: f.exportHeader, json: (r) => r[f.input], csv: (r) => text(r[f.input]) }),
    ),
    { key: 'isNew', header: '新規/継続', json: (r) => r.isNew, csv: (r) => (r.isNew ? '新規' : '継続') },
    {
      key: 'registrationTrigger',
      header: '登録の契機',
      json: (r) => r.registrationTrigger,
      csv: (r) => (r.registrationTrigger ? registrationTriggerLabels[r.registrationTrigger].ja : ''),
    },
    {
      key: 'canvasWritten',
      header: 'サービスキャンバス',
      json: (r) => r.canvasWritten,
      csv: (r) => (r.canvasWritten ? '記入済' : '未記入'),
    },
    { key: 'summary', header: '概要', json: (r) => r.summary, csv: (r) => text(r.summary) },
    { key: 'registeredOn', header: '登録日', json: (r) => jstDay(r.createdAt), csv: (r) => jstDay(r.createdAt) },
    { key: 'updatedAt', header: '更新日時', json: (r) => r.updatedAt.toISOString(), csv: (r) => r.updatedAt.toISOString() },
  ];
}

export type ExportAudience = 'internal' | 'open';

/** The columns of an export; open data drops every internal field and adds the budget-withheld flag. */
export function exportColumns(policy: Policy, audience: ExportAudience): Column[] {
  const all = columns(policy);
  if (audience === 'internal') return all;
  const open = all
    .filter((c) => !isInternalProjectField(c.key))
    .map((c) =>
      c.key === 'budgetJpy'
        ? {
            ...c,
            json: (r: ExportRow) => (isBudgetWithheld(r) ? null : r.budgetJpy),
            csv: (r: ExportRow) => (isBudgetWithheld(r) || r.budgetJpy === null ? '' : r.budgetJpy),
          }
        : c,
    );
  const budgetAt = open.findIndex((c) => c.key === 'budgetJpy') + 1;
  open.splice(budgetAt, 0, {
    key: 'budgetWithheld',
    header: '予算額非公開',
    json: (r) => isBudgetWithheld(r),
    csv: (r) => (isBudgetWithheld(r) ? '非公開' : ''),
  });
  return open;
}

/** Projects matching the filter, oldest first, in batches keyed on (created_at, id): no OFFSET, no full read. */
export async function* projectBatches(db: Db, filter: ProjectListFilter, batchSize = 2000): AsyncGenerator<ExportRow[]> {
  let cursor: ExportCursor | null = null;
  for (;;) {
    const rows = await selectExportBatch(db, filter, cursor, batchSize);
    if (rows.length) yield rows;
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    cursor = { createdAt: last.cursorAt, id: last.id };
  }
}

const encoder = new TextEncoder();

/**
 * A byte stream of `chunks` whose first chunk has already been made: the export generators read their
 * first batch before the first chunk, so a query that fails at once (a bad filter, the database gone)
 * throws here, before the status line, and the client gets a problem+json answer with the usual headers
 * instead of a cut 200 or the server's bare text/plain 500.
 */
async function primedStream(chunks: AsyncGenerator<string>, onError: (error: unknown) => void): Promise<ReadableStream<Uint8Array>> {
  const first = await chunks.next();
  let pending: IteratorResult<string> | null = first;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = pending ?? (await chunks.next());
        pending = null;
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (error) {
        // The status line is gone already: cut the stream so the client sees an incomplete download, not a short file.
        onError(error);
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

/** A project's cells as the CSV writes them: text that Excel would take for a formula is protected (csv.ts). */
const csvRow = (cols: Column[], row: ExportRow) =>
  cols.map((c) => {
    const value = c.csv(row);
    return typeof value === 'string' ? excelSafe(value) : value;
  });

/** The cell type of each column in a workbook; every other column is text. */
const workbookKinds: Partial<Record<Column['key'], CellKind>> = {
  fiscalYear: 'integer',
  tier: 'integer',
  budgetJpy: 'yen',
  maxDowntimeHours: 'number',
  registeredOn: 'date',
  updatedAt: 'datetime',
};

/** The same rows as the CSV, as an .xlsx workbook: a 条件 sheet, then one sheet of projects. */
export function projectsXlsxStream(
  { db, policy }: DomainContext,
  filter: ProjectListFilter,
  audience: ExportAudience,
  conditions: Conditions,
  onError: (e: unknown) => void,
) {
  const cols = exportColumns(policy, audience);
  async function* rows() {
    for await (const batch of projectBatches(db, filter)) yield batch.map((row) => csvRow(cols, row));
  }
  const sheet = {
    name: audience === 'open' ? 'オープンデータ' : 'プロジェクト',
    header: cols.map((c) => c.header),
    kinds: cols.map((c) => workbookKinds[c.key] ?? 'text'),
    rows: rows(),
  };
  return workbookStream(conditions, [sheet], onError);
}

/** CSV for Excel (UTF-8 with BOM, CRLF), Japanese headers, streamed batch by batch. */
export function projectsCsvStream(
  { db, policy }: DomainContext,
  filter: ProjectListFilter,
  audience: ExportAudience,
  onError: (e: unknown) => void,
) {
  const cols = exportColumns(policy, audience);
  const toCells = (row: ExportRow) => cols.map((c) => c.csv(row));
  async function* chunks() {
    const batches = projectBatches(db, filter);
    const first = await batches.next();
    yield utf8Bom + toCsvLines([cols.map((c) => c.header), ...(first.done ? [] : first.value.map(toCells))]);
    if (first.done) return;
    for await (const batch of batches) yield toCsvLines(batch.map(toCells));
  }
  return primedStream(chunks(), onError);
}

/** JSON `{ …meta, items: [...] }`, streamed batch by batch. */
export function projectsJsonStream(
  { db, policy }: DomainContext,
  filter: ProjectListFilter,
  audience: ExportAudience,
  meta: Record<string, unknown>,
  onError: (e: unknown) => void,
) {
  const cols = exportColumns(policy, audience);
  const toItems = (batch: ExportRow[]) =>
    batch.map((row) => JSON.stringify(Object.fromEntries(cols.map((c) => [c.key, c.json(row)])))).join(',');
  async function* chunks() {
    const batches = projectBatches(db, filter);
    const first = await batches.next();
    const head = JSON.stringify({ ...meta, generatedAt: new Date().toISOString() });
    yield `${head.slice(0, -1)},"items":[${first.done ? '' : toItems(first.value)}`;
    if (!first.done) for await (const batch of batches) yield `,${toItems(batch)}`;
    yield ']}';
  }
  return primedStream(chunks(), onError);
}

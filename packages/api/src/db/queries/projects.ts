import { normalizeSearchText, searchGrams, type TReviewerRole, type TStage, type TTier } from '@psbook/core';
import { CamelCasePlugin, type Expression, type Insertable, type SqlBool, sql, type Updateable } from 'kysely';
import type { Db } from '../database.ts';
import type { ProjectRow, ProjectTable, StoredProjectRow } from '../schema.ts';
import { withExplanation, withExplanations } from './oversight-table.ts';

/*
 * Every function here that returns project rows returns them with their explanation (`oversight`):
 * stored, or rendered from the decision table of the project's ruleset version when the tiering that
 * wrote the row did not store one (withExplanation, decision 0028).
 */

/** The row with its explanation, or undefined. */
const explained = async <R extends Parameters<typeof withExplanation>[1]>(db: Db, row: R | undefined) =>
  row === undefined ? undefined : withExplanation(db, row);

export const findProjectById = async (db: Db, id: string) =>
  explained(db, await db.selectFrom('project').selectAll().where('id', '=', id).executeTakeFirst());

/** Projects by id, with their explanations (in no set order). */
export const findProjectsByIds = async (db: Db, ids: readonly string[]) =>
  withExplanations(
    db,
    await db
      .selectFrom('project')
      .selectAll()
      .where(sql<boolean>`id = any(${sql.val(ids)}::uuid[])`)
      .execute(),
  );

export const projectExists = async (db: Db, id: string) =>
  (await db.selectFrom('project').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;

export const insertProject = async (tx: Db, values: Insertable<ProjectTable>) =>
  withExplanation(tx, await tx.insertInto('project').values(values).returningAll().executeTakeFirstOrThrow());

/**
 * Write `changes` to the project at `expectedVersion` and count the version up; the caller holds the
 * row's lock (`lockProject`) and has checked the version, so the row is there.
 */
export const updateProjectAtVersion = (tx: Db, id: string, expectedVersion: number, changes: Updateable<ProjectTable>, updatedBy: string) =>
  writeProject(tx, id, changes, updatedBy, expectedVersion);

/** One project's UPDATE, counting its version up; with `expectedVersion`, only at that version. */
async function writeProject(tx: Db, id: string, changes: Updateable<ProjectTable>, updatedBy: string, expectedVersion?: number) {
  let update = tx
    .updateTable('project')
    .set({ ...changes, version: sql`version + 1`, updatedAt: new Date(), updatedBy })
    .where('id', '=', id);
  if (expectedVersion !== undefined) update = update.where('version', '=', expectedVersion);
  return withExplanation(tx, await update.returningAll().executeTakeFirstOrThrow());
}

/**
 * Write `changes` to a project the caller has locked, counting its version up (a stage move or a save
 * elsewhere in the project, such as the canvas, is a change to it).
 */
export const updateLockedProject = (tx: Db, id: string, changes: Updateable<ProjectTable>, updatedBy: string) =>
  writeProject(tx, id, changes, updatedBy);

/** A project's tier changes, oldest first, with the name of who caused each. */
export const listTierHistory = (db: Db, projectId: string) =>
  db
    .selectFrom('tierHistory as h')
    .leftJoin('appUser as u', 'u.id', 'h.actorId')
    .select([
      'h.fromTier',
      'h.toTier',
      'h.fromReviewerRole',
      'h.toReviewerRole',
      'h.rulesetVersion',
      'h.cause',
      'h.actorId',
      'u.displayName as actorName',
      'h.tierDecreaseId',
      'h.at',
    ])
    .where('h.projectId', '=', projectId)
    .orderBy('h.id')
    .execute();

/** Lock the project row for the rest of the transaction (serialises writes to one project). */
export const lockProject = async (tx: Db, id: string) =>
  explained(tx, await tx.selectFrom('project').selectAll().where('id', '=', id).forUpdate().executeTakeFirst());

export type ProjectListFilter = {
  bureau?: string[];
  stage?: TStage[];
  /** Tiers 1–3 and/or 'unset'. */
  tier?: (TTier | 'unset')[];
  reviewerRole?: TReviewerRole[];
  fiscalYear?: number[];
  q?: string;
  isNew?: boolean;
};
export type ProjectCursor = { createdAt: string; id: string };
export type ProjectListRow = Omit<ProjectRow, 'searchText' | 'searchGrams'>;
type StoredListRow = Omit<StoredProjectRow, 'searchText' | 'searchGrams'>;
const projectListColumns = [
  'id',
  'code',
  'name',
  'bureauCode',
  'fiscalYear',
  'summary',
  'isNew',
  'registrationTrigger',
  'stage',
  'budgetJpy',
  'maxDowntimeHours',
  'confidentiality',
  'tier',
  'tierLowerBound',
  'reviewerRole',
  'oversight',
  'rulesetVersion',
  'canvasWritten',
  'version',
  'createdBy',
  'updatedBy',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof ProjectListRow)[];

/**
 * The cursor carries created_at as PostgreSQL's own text (microseconds), not through a JavaScript
 * Date (milliseconds): rows written with microsecond timestamps would otherwise repeat or vanish.
 */
export function encodeCursor(row: { cursorAt: string; id: string }): string {
  return Buffer.from(`${row.cursorAt}|${row.id}`).toString('base64url');
}
const cursorAt = sql<string>`to_char(project.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
export function decodeCursor(cursor: string): ProjectCursor | null {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { createdAt, id };
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** The normalised phrase occurs in the project's search text (name, summary, canvas). */
const phraseCondition = (q: string) => sql<SqlBool>`project.search_text like ${`%${escapeLike(normalizeSearchText(q))}%`}`;

/** The WHERE conditions of a project list filter; shared by the list, CSV export and counts. */
export function projectFilterConditions(filter: ProjectListFilter) {
  return (eb: import('kysely').ExpressionBuilder<import('../schema.ts').Database, 'project'>) => {
    const conditions: Expression<SqlBool>[] = [];
    if (filter.bureau?.length) conditions.push(eb('project.bureauCode', 'in', filter.bureau));
    if (filter.stage?.length) conditions.push(eb('project.stage', 'in', filter.stage));
    if (filter.reviewerRole?.length) conditions.push(eb('project.reviewerRole', 'in', filter.reviewerRole));
    if (filter.fiscalYear?.length) conditions.push(eb('project.fiscalYear', 'in', filter.fiscalYear));
    if (filter.isNew !== undefined) conditions.push(eb('project.isNew', '=', filter.isNew));
    if (filter.tier?.length) {
      const tiers = filter.tier.filter((t): t is TTier => t !== 'unset');
      const parts: Expression<SqlBool>[] = [];
      if (tiers.length) parts.push(eb('project.tier', 'in', tiers));
      if (filter.tier.includes('unset')) parts.push(eb('project.tier', 'is', null));
      conditions.push(eb.or(parts));
    }
    if (filter.q?.trim()) {
      const grams = searchGrams(filter.q);
      // The bigram index narrows the candidates; LIKE on the normalised text confirms the phrase.
      if (grams.length) conditions.push(sql<SqlBool>`project.search_grams @> ${sql.val(grams)}::text[]`);
      conditions.push(phraseCondition(filter.q));
    }
    return eb.and(conditions);
  };
}

/**
 * How many of the newest rows a search reads before it turns to the bigram index. A common word fills
 * a page within a few hundred rows, but the index would hand over every match (100,000s at national
 * scale) to be fetched and sorted (performance.md §4.3); a rare word misses here and the index has
 * few matches to fetch.
 */
export const searchSliceRows = 4000;

/**
 * The database's own CamelCasePlugin also renames the keys inside every JSON value, which copies each
 * row's 1.3 kB `oversight` object key by key (~5% of a list request's profile at 50 rows). That object
 * is written from the evaluation, whose keys are camelCase already: the list renames the columns only.
 */
const columnsOnly = new CamelCasePlugin({ maintainNestedObjectKeys: true });
const listReader = (db: Db): Db => db.withoutPlugins().withPlugin(columnsOnly) as Db;

export async function listProjects(
  database: Db,
  filter: ProjectListFilter,
  page: { limit: number; cursor: ProjectCursor | null; order: 'newest' | 'oldest' },
  sliceRows = searchSliceRows,
): Promise<{ rows: ProjectListRow[]; nextCursor: string | null }> {
  const db = listReader(database);
  const direction = page.order === 'newest' ? 'desc' : 'asc';
  const afterCursor = (query: ReturnType<typeof projectsOf>) => {
    if (!page.cursor) return query;
    const { createdAt, id } = page.cursor;
    return query.where(
      page.order === 'newest'
        ? sql<SqlBool>`(project.created_at, project.id) < (${createdAt}::text::timestamptz, ${id}::uuid)`
        : sql<SqlBool>`(project.created_at, project.id) > (${createdAt}::text::timestamptz, ${id}::uuid)`,
    );
  };
  const projectsOf = (f: ProjectListFilter) => db.selectFrom('project').where(projectFilterConditions(f));
  const toPage = async (rows: (StoredListRow & { cursorAt: string })[]) => {
    const hasMore = rows.length > page.limit;
    const items = await withExplanations(database, hasMore ? rows.slice(0, page.limit) : rows);
    return { rows: items, nextCursor: hasMore ? encodeCursor(items[items.length - 1]!) : null };
  };

  if (filter.q?.trim()) {
    // The newest slice first, read in order through the created_at index; the phrase is checked on
    // each row. When the slice holds a full page, that page is the answer.
    const { q, ...rest } = filter;
    const slice = afterCursor(projectsOf(rest))
      .select(projectListColumns)
      .select('searchText')
      .orderBy('createdAt', direction)
      .orderBy('id', direction)
      .limit(sliceRows);
    const rows = await db
      .selectFrom(slice.as('project'))
      .select(projectListColumns)
      .select(cursorAt.as('cursorAt'))
      .where(phraseCondition(q))
      .orderBy('createdAt', direction)
      .orderBy('id', direction)
      .limit(page.limit + 1)
      .execute();
    if (rows.length > page.limit) return toPage(rows);
  }
  // Every column but the search ones: they are the widest and a list never shows them.
  const rows = await afterCursor(projectsOf(filter))
    .select(projectListColumns)
    .select(cursorAt.as('cursorAt'))
    .orderBy('createdAt', direction)
    .orderBy('id', direction)
    .limit(page.limit + 1)
    .execute();
  return toPage(rows);
}

/** Name, summary and the latest canvas, normalised and split into bigrams for `q` search. */
export function projectSearchColumns(name: string, summary: string | null, canvas: Record<string, string | undefined> | null) {
  const text = normalizeSearchText([name, summary ?? '', ...Object.values(canvas ?? {})].join(' '));
  return { searchText: text, searchGrams: searchGrams(text) };
}

export async function refreshProjectSearch(tx: Db, projectId: string): Promise<void> {
  const project = await tx.selectFrom('project').select(['name', 'summary']).where('id', '=', projectId).executeTakeFirstOrThrow();
  const canvas = await tx
    .selectFrom('canvasRevision')
    .select('fields')
    .where('projectId', '=', projectId)
    .orderBy('revision', 'desc')
    .limit(1)
    .executeTakeFirst();
  await tx
    .updateTable('project')
    .set(projectSearchColumns(project.name, project.summary, (canvas?.fields as Record<string, string>) ?? null))
    .where('id', '=', projectId)
    .execute();
}

import { oversightFactorRegistry } from '@psbook/core';
import { type SqlBool, sql } from 'kysely';
import type { Db } from '../database.ts';
import { type ProjectListFilter, projectFilterConditions } from './projects.ts';

/** The project columns of the oversight inputs, from the factor registry. */
const oversightInputSelections = oversightFactorRegistry.entries.map((f) => `project.${f.input}` as const);

/** Where the previous batch ended. created_at travels as text (see `selectExportBatch`). */
export type ExportCursor = { createdAt: string; id: string };

/**
 * One batch of the projects an export streams, oldest first after `cursor`, keyed on (created_at, id):
 * no OFFSET, no full read. The cursor carries created_at as text, and sends it as text: a driver that
 * turns a timestamptz parameter into a JavaScript Date would cut microseconds and never get past rows
 * written with them.
 */
export function selectExportBatch(db: Db, filter: ProjectListFilter, cursor: ExportCursor | null, batchSize: number) {
  let query = db
    .selectFrom('project')
    .leftJoin('bureau', 'bureau.code', 'project.bureauCode')
    .select([
      'project.id',
      'project.code',
      'project.name',
      'project.bureauCode',
      'bureau.nameJa as bureauName',
      'project.fiscalYear',
      'project.summary',
      'project.stage',
      'project.tier',
      'project.reviewerRole',
      ...oversightInputSelections,
      'project.isNew',
      'project.registrationTrigger',
      'project.canvasWritten',
      'project.createdAt',
      'project.updatedAt',
      sql<string>`project.created_at::text`.as('cursorAt'),
    ])
    .where(projectFilterConditions(filter));
  if (cursor) {
    const { createdAt, id } = cursor;
    query = query.where(sql<SqlBool>`(project.created_at, project.id) > (${createdAt}::text::timestamptz, ${id}::uuid)`);
  }
  return query.orderBy('project.createdAt').orderBy('project.id').limit(batchSize).execute();
}

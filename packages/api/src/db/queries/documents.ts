import { type Selectable, sql } from 'kysely';
import type { Db } from '../database.ts';
import type { DocumentTable } from '../schema.ts';

export type DocumentRow = Selectable<DocumentTable>;

export const listDocumentRows = (db: Db, projectId: string) =>
  db
    .selectFrom('document')
    .leftJoin('appUser', 'appUser.id', 'document.createdBy')
    .selectAll('document')
    .select('appUser.displayName as createdByName')
    .where('document.projectId', '=', projectId)
    .orderBy('document.kind')
    .orderBy('document.createdAt')
    .orderBy('document.id')
    .execute();

export const insertDocument = (
  tx: Db,
  values: { projectId: string; kind: DocumentRow['kind']; title: string; url: string; createdBy: string },
) =>
  tx
    .insertInto('document')
    // clock_timestamp, not now(): documents list in creation order, also when one transaction adds several.
    .values({ ...values, createdAt: sql`clock_timestamp()` })
    .returningAll()
    .executeTakeFirstOrThrow();

export const deleteDocumentRow = (tx: Db, documentId: string) => tx.deleteFrom('document').where('id', '=', documentId).execute();

/** A document of this project: an id under another project's path is not found. */
export const findProjectDocument = (db: Db, projectId: string, documentId: string) =>
  db.selectFrom('document').selectAll().where('id', '=', documentId).where('projectId', '=', projectId).executeTakeFirst();

/** How many documents of one kind the project has registered (e.g. user test reports before a release). */
export async function countProjectDocumentsOfKind(db: Db, projectId: string, kind: DocumentRow['kind']): Promise<number> {
  const row = await db
    .selectFrom('document')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('projectId', '=', projectId)
    .where('kind', '=', kind)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

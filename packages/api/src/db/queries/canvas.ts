import type { Db } from '../database.ts';

/** A canvas revision with the display name of who saved it (null for the system or a removed user). */
const revisionColumns = [
  'canvasRevision.projectId',
  'canvasRevision.revision',
  'canvasRevision.isWritten',
  'canvasRevision.createdAt',
  'canvasRevision.createdBy',
  'appUser.displayName as createdByName',
] as const;

export const findLatestCanvasRevision = (db: Db, projectId: string) =>
  db
    .selectFrom('canvasRevision')
    .leftJoin('appUser', 'appUser.id', 'canvasRevision.createdBy')
    .select([...revisionColumns, 'canvasRevision.fields'])
    .where('canvasRevision.projectId', '=', projectId)
    .orderBy('canvasRevision.revision', 'desc')
    .limit(1)
    .executeTakeFirst();

export const findCanvasRevision = (db: Db, projectId: string, revision: number) =>
  db
    .selectFrom('canvasRevision')
    .leftJoin('appUser', 'appUser.id', 'canvasRevision.createdBy')
    .select([...revisionColumns, 'canvasRevision.fields'])
    .where('canvasRevision.projectId', '=', projectId)
    .where('canvasRevision.revision', '=', revision)
    .executeTakeFirst();

/** Every revision, newest first, without the cell texts: the list is for choosing one to open. */
export const listCanvasRevisions = (db: Db, projectId: string) =>
  db
    .selectFrom('canvasRevision')
    .leftJoin('appUser', 'appUser.id', 'canvasRevision.createdBy')
    .select(revisionColumns)
    .where('canvasRevision.projectId', '=', projectId)
    .orderBy('canvasRevision.revision', 'desc')
    .execute();

export const insertCanvasRevision = (
  tx: Db,
  values: { projectId: string; revision: number; fields: Record<string, string>; isWritten: boolean; createdBy: string | null },
) =>
  tx
    .insertInto('canvasRevision')
    .values({ ...values, fields: JSON.stringify(values.fields) })
    .returning(['projectId', 'revision', 'isWritten', 'createdAt', 'createdBy'])
    .executeTakeFirstOrThrow();

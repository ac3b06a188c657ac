import type { TCreateDocumentRequest } from '@psbook/core';
import { recordAudit } from '../audit.ts';
import { requireProjectWrite } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import { type DocumentRow, deleteDocumentRow, findProjectDocument, insertDocument, listDocumentRows } from '../db/queries/documents.ts';
import { lockProject } from '../db/queries/projects.ts';
import { withTransaction } from '../db/transaction.ts';
import { notFound } from '../errors.ts';
import { getProjectOrThrow, whoOf } from './projects.ts';

export function toDocumentResponse(row: DocumentRow & { createdByName?: string | null }) {
  return {
    id: row.id,
    projectId: row.projectId,
    kind: row.kind as TCreateDocumentRequest['kind'],
    title: row.title,
    url: row.url,
    createdBy: row.createdBy,
    createdByName: row.createdByName ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
export type DocumentResponse = ReturnType<typeof toDocumentResponse>;

const auditDocumentState = (row: DocumentRow) => ({ ...row, createdAt: row.createdAt.toISOString() });

export async function listDocuments(ctx: Pick<DomainContext, 'db'>, projectId: string): Promise<DocumentResponse[]> {
  await getProjectOrThrow(ctx, projectId);
  return (await listDocumentRows(ctx.db, projectId)).map(toDocumentResponse);
}

/**
 * Register a document by link (the book records where the 要件定義書 or 調達仕様書 lives; it is not a
 * file store). The project row lock orders it against a stage transition checking the gates.
 */
export async function createDocument(ctx: DomainContext, projectId: string, input: TCreateDocumentRequest): Promise<DocumentResponse> {
  return withTransaction(ctx.db, async (tx) => {
    const project = await lockProject(tx, projectId);
    if (!project) throw notFound('Project');
    requireProjectWrite(ctx.actor, project.bureauCode);
    const row = await insertDocument(tx, { projectId, kind: input.kind, title: input.title, url: input.url, createdBy: ctx.actor.id });
    await recordAudit(tx, whoOf(ctx), {
      action: 'document.create',
      entityType: 'document',
      entityId: row.id,
      projectId,
      after: auditDocumentState(row),
    });
    return toDocumentResponse({ ...row, createdByName: ctx.actor.displayName });
  });
}

/** Remove a document; the audit event keeps the removed row, so nothing is lost from the record. */
export async function deleteDocument(ctx: DomainContext, projectId: string, documentId: string): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const project = await lockProject(tx, projectId);
    if (!project) throw notFound('Project');
    requireProjectWrite(ctx.actor, project.bureauCode);
    const before = await findProjectDocument(tx, projectId, documentId);
    if (!before) throw notFound('Document');
    await deleteDocumentRow(tx, documentId);
    await recordAudit(tx, whoOf(ctx), {
      action: 'document.delete',
      entityType: 'document',
      entityId: documentId,
      projectId,
      before: auditDocumentState(before),
    });
  });
}

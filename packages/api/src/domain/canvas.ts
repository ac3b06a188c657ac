import { canvasFields, type ServiceCanvas, type TCanvasFieldKey, type TSaveCanvasRequest } from '@psbook/core';
import { recordAudit } from '../audit.ts';
import { requireProjectWrite } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import { findCanvasRevision, findLatestCanvasRevision, insertCanvasRevision, listCanvasRevisions } from '../db/queries/canvas.ts';
import { lockProject, projectSearchColumns, updateLockedProject } from '../db/queries/projects.ts';
import { withTransaction } from '../db/transaction.ts';
import { AppError, notFound, validationError } from '../errors.ts';
import { getProjectOrThrow, whoOf } from './projects.ts';

type RevisionRow = {
  projectId: string;
  revision: number;
  isWritten: boolean;
  createdAt: Date;
  createdBy: string | null;
  createdByName?: string | null;
  fields: Record<string, string>;
};

/**
 * The API shape of one canvas revision; revision 0 is the empty canvas of a project never saved. The key
 * items and the guidance come from the active service-canvas ruleset, so the form shows what it counts.
 */
export function toCanvasResponse(canvas: ServiceCanvas, projectId: string, row: RevisionRow | undefined) {
  const fields = row?.fields ?? {};
  return {
    projectId,
    revision: row?.revision ?? 0,
    fields,
    isWritten: row?.isWritten ?? false,
    missingKeyItems: canvas.missingKeyItems(fields),
    keyItems: canvas.keyItems,
    guidance: canvas.guidance,
    createdAt: row ? row.createdAt.toISOString() : null,
    createdBy: row?.createdBy ?? null,
    createdByName: row?.createdByName ?? null,
  };
}
export type CanvasResponse = ReturnType<typeof toCanvasResponse>;

/**
 * Keep only cells with text. An editor clears a cell by sending it empty; storing '' and leaving the
 * cell out mean the same, and leaving it out keeps revisions comparable.
 */
function filledCells(fields: TSaveCanvasRequest['fields']): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const { key } of canvasFields) {
    const value = fields[key];
    if (typeof value === 'string' && value.trim().length > 0) kept[key] = value;
  }
  return kept;
}

function changedCells(before: Record<string, string>, after: Record<string, string>): TCanvasFieldKey[] {
  return canvasFields.map((f) => f.key).filter((key) => (before[key] ?? '') !== (after[key] ?? ''));
}

export async function getCanvas(ctx: Pick<DomainContext, 'db' | 'policy'>, projectId: string): Promise<CanvasResponse> {
  await getProjectOrThrow(ctx, projectId);
  return toCanvasResponse(ctx.policy.canvas, projectId, await findLatestCanvasRevision(ctx.db, projectId));
}

export async function getCanvasRevision(
  ctx: Pick<DomainContext, 'db' | 'policy'>,
  projectId: string,
  revision: number,
): Promise<CanvasResponse> {
  await getProjectOrThrow(ctx, projectId);
  const row = await findCanvasRevision(ctx.db, projectId, revision);
  if (!row) throw notFound(`Canvas revision ${revision}`);
  return toCanvasResponse(ctx.policy.canvas, projectId, row);
}

export async function listCanvasHistory(ctx: Pick<DomainContext, 'db'>, projectId: string) {
  await getProjectOrThrow(ctx, projectId);
  const rows = await listCanvasRevisions(ctx.db, projectId);
  return rows.map((r) => ({
    revision: r.revision,
    isWritten: r.isWritten,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdBy,
    createdByName: r.createdByName,
  }));
}

/**
 * Save the canvas as a new revision (every revision is kept, DESIGN §2.5). With `baseRevision`, a
 * newer revision saved by someone else since the editor opened the canvas is a 409 carrying that
 * revision, so two editors never silently overwrite each other. The project row lock serialises
 * saves, so revision numbers are gap-free and the check cannot race.
 */
export async function saveCanvas(
  ctx: DomainContext,
  projectId: string,
  input: TSaveCanvasRequest,
): Promise<CanvasResponse & { projectVersion: number }> {
  return withTransaction(ctx.db, async (tx) => {
    const project = await lockProject(tx, projectId);
    if (!project) throw notFound('Project');
    requireProjectWrite(ctx.actor, project.bureauCode);

    const latest = await findLatestCanvasRevision(tx, projectId);
    const latestRevision = latest?.revision ?? 0;
    if (input.baseRevision !== undefined) {
      if (input.baseRevision > latestRevision) {
        throw validationError([
          { path: 'baseRevision', message: `the canvas has no revision ${input.baseRevision} (latest is ${latestRevision})` },
        ]);
      }
      if (input.baseRevision < latestRevision) {
        throw new AppError('version_conflict', 'Someone else saved the canvas first: reload it and apply your change again', {
          currentRevision: latestRevision,
          current: toCanvasResponse(ctx.policy.canvas, projectId, latest),
        });
      }
    }

    const fields = filledCells(input.fields);
    const missing = ctx.policy.canvas.missingKeyItems(fields);
    const isWritten = missing.length === 0;
    const saved = await insertCanvasRevision(tx, {
      projectId,
      revision: latestRevision + 1,
      fields,
      isWritten,
      createdBy: ctx.actor.id,
    });
    const { version: projectVersion } = await updateLockedProject(
      tx,
      projectId,
      {
        canvasWritten: isWritten,
        // The canvas text is searchable with the project (`q`), so the search columns follow each save.
        ...projectSearchColumns(project.name, project.summary, fields),
      },
      ctx.actor.id,
    );
    await recordAudit(tx, whoOf(ctx), {
      action: 'canvas.save',
      entityType: 'canvas',
      entityId: projectId,
      projectId,
      before: { revision: latestRevision, isWritten: latest?.isWritten ?? false },
      after: { revision: saved.revision, isWritten, changedFields: changedCells(latest?.fields ?? {}, fields), missingKeyItems: missing },
    });
    return {
      ...toCanvasResponse(ctx.policy.canvas, projectId, { ...saved, fields, createdByName: ctx.actor.displayName }),
      projectVersion,
    };
  });
}

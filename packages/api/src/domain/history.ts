import { requirePermission } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { listAuditEventRows } from '../db/queries/audit.ts';
import { projectExists } from '../db/queries/projects.ts';
import { notFound } from '../errors.ts';

export type AuditFilter = {
  projectId?: string;
  entityType?: string;
  action?: string;
  /** An actor's user id, or the label an event was recorded with (an email, `system`, `seed`). */
  actor?: string;
  /** Inclusive lower and exclusive upper bound of the event time. */
  from?: Date;
  to?: Date;
};
export type AuditPage = { limit: number; before: number | null };

const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/**
 * Audit events newest first, keyset-paginated on the event id (ids only grow, so a page never
 * repeats or skips an event written meanwhile). Each filter is served by an index leading with it
 * and ending in id.
 */
export async function listAuditEvents(db: Db, filter: AuditFilter, page: AuditPage) {
  const { actor, ...rest } = filter;
  const byActor = actor === undefined ? {} : isUuid(actor) ? { actorId: actor } : { actorLabel: actor };
  const rows = await listAuditEventRows(db, { ...rest, ...byActor }, { limit: page.limit + 1, before: page.before });
  const hasMore = rows.length > page.limit;
  const items = (hasMore ? rows.slice(0, page.limit) : rows).map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actorId: r.actorId,
    actorLabel: r.actorLabel,
    actorName: r.actorName,
    action: r.action,
    entityType: r.entityType,
    entityId: r.entityId,
    projectId: r.projectId,
    before: r.before as unknown,
    after: r.after as unknown,
    requestId: r.requestId,
  }));
  return { items, nextCursor: hasMore ? String(items[items.length - 1]!.id) : null };
}
export type AuditListResponse = Awaited<ReturnType<typeof listAuditEvents>>;

/** One project's history: every audit event about it, readable by anyone who can read the project. */
export async function listProjectHistory(ctx: Pick<DomainContext, 'db'>, projectId: string, page: AuditPage): Promise<AuditListResponse> {
  if (!(await projectExists(ctx.db, projectId))) throw notFound('Project');
  return listAuditEvents(ctx.db, { projectId }, page);
}

/** The whole audit trail (users, bureaus, every project): administrators only. */
export async function listAudit(ctx: DomainContext, filter: AuditFilter, page: AuditPage): Promise<AuditListResponse> {
  requirePermission(ctx.actor, 'audit.read');
  return listAuditEvents(ctx.db, filter, page);
}

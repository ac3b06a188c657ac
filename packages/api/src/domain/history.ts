import { type SqlBool, sql } from 'kysely';
import { requirePermission } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
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
  let query = db
    .selectFrom('auditEvent')
    .leftJoin('appUser', 'appUser.id', 'auditEvent.actorId')
    .selectAll('auditEvent')
    .select('appUser.displayName as actorName');
  if (filter.projectId) query = query.where('auditEvent.projectId', '=', filter.projectId);
  if (filter.entityType) query = query.where('auditEvent.entityType', '=', filter.entityType);
  if (filter.action) query = query.where('auditEvent.action', '=', filter.action);
  if (filter.actor) {
    const actor = filter.actor;
    query = isUuid(actor) ? query.where('auditEvent.actorId', '=', actor) : query.where('auditEvent.actorLabel', '=', actor);
  }
  if (filter.from) query = query.where('auditEvent.at', '>=', filter.from);
  if (filter.to) query = query.where('auditEvent.at', '<', filter.to);
  if (page.before !== null) query = query.where(sql<SqlBool>`audit_event.id < ${page.before}::bigint`);
  const rows = await query
    .orderBy('auditEvent.id', 'desc')
    .limit(page.limit + 1)
    .execute();
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
  const project = await ctx.db.selectFrom('project').select('id').where('id', '=', projectId).executeTakeFirst();
  if (!project) throw notFound('Project');
  return listAuditEvents(ctx.db, { projectId }, page);
}

/** The whole audit trail (users, bureaus, every project): administrators only. */
export async function listAudit(ctx: DomainContext, filter: AuditFilter, page: AuditPage): Promise<AuditListResponse> {
  requirePermission(ctx.actor, 'audit.read');
  return listAuditEvents(ctx.db, filter, page);
}

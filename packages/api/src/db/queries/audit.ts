import { type SqlBool, sql } from 'kysely';
import type { Db } from '../database.ts';
import type { AuditEventTable } from '../schema.ts';

/** An audit event as the domain records it: the table's columns, with `before` and `after` as values, not JSON text. */
export type AuditEventValues = Omit<AuditEventTable, 'id' | 'at' | 'before' | 'after'> & { before: unknown; after: unknown };

/**
 * Audit events in a few statements (a thousand rows each), in the order given. jsonb columns take JSON
 * text; `undefined` (nothing recorded) is stored as null.
 */
export async function insertAuditEvents(db: Db, events: AuditEventValues[]): Promise<void> {
  for (let i = 0; i < events.length; i += 1000) {
    await db
      .insertInto('auditEvent')
      .values(
        events.slice(i, i + 1000).map((event) => ({
          ...event,
          before: event.before === undefined ? null : JSON.stringify(event.before),
          after: event.after === undefined ? null : JSON.stringify(event.after),
        })),
      )
      .execute();
  }
}

export type AuditEventFilter = {
  projectId?: string;
  entityType?: string;
  action?: string;
  actorId?: string;
  actorLabel?: string;
  from?: Date;
  to?: Date;
};

/**
 * Audit events newest first, `limit` of them from before the event id `before`. Each filter is served
 * by an index leading with it and ending in id.
 */
export function listAuditEventRows(db: Db, filter: AuditEventFilter, page: { limit: number; before: number | null }) {
  let query = db
    .selectFrom('auditEvent')
    .leftJoin('appUser', 'appUser.id', 'auditEvent.actorId')
    .selectAll('auditEvent')
    .select('appUser.displayName as actorName');
  if (filter.projectId) query = query.where('auditEvent.projectId', '=', filter.projectId);
  if (filter.entityType) query = query.where('auditEvent.entityType', '=', filter.entityType);
  if (filter.action) query = query.where('auditEvent.action', '=', filter.action);
  if (filter.actorId) query = query.where('auditEvent.actorId', '=', filter.actorId);
  if (filter.actorLabel) query = query.where('auditEvent.actorLabel', '=', filter.actorLabel);
  if (filter.from) query = query.where('auditEvent.at', '>=', filter.from);
  if (filter.to) query = query.where('auditEvent.at', '<', filter.to);
  if (page.before !== null) query = query.where(sql<SqlBool>`audit_event.id < ${page.before}::bigint`);
  return query.orderBy('auditEvent.id', 'desc').limit(page.limit).execute();
}

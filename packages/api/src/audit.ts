import type { AuditActor } from './auth/actor.ts';
import type { Db } from './db/database.ts';
import { insertAuditEvent } from './db/queries/audit.ts';

export type AuditEntry = {
  action: string;
  entityType: string;
  entityId: string;
  projectId?: string | null;
  before?: unknown;
  after?: unknown;
};

/**
 * Append one audit event. Call it with the transaction that made the change, so the event and the
 * change commit together or not at all.
 */
export async function recordAudit(tx: Db, who: { actor: AuditActor; requestId: string | null }, entry: AuditEntry): Promise<void> {
  await insertAuditEvent(tx, {
    actorId: who.actor.id,
    actorLabel: who.actor.label,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    projectId: entry.projectId ?? null,
    before: entry.before,
    after: entry.after,
    requestId: who.requestId,
  });
}

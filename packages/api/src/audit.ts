import type { AuditActor } from './auth/actor.ts';
import type { Db } from './db/database.ts';
import { insertAuditEvents } from './db/queries/audit.ts';

type Who = { actor: AuditActor; requestId: string | null };

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
export async function recordAudit(tx: Db, who: Who, entry: AuditEntry): Promise<void> {
  await recordAudits(tx, who, [entry]);
}

/** Append audit events of many changes made by one statement or loop, in a few inserts (same transaction rule). */
export async function recordAudits(tx: Db, who: Who, entries: AuditEntry[]): Promise<void> {
  await insertAuditEvents(
    tx,
    entries.map((entry) => ({
      actorId: who.actor.id,
      actorLabel: who.actor.label,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      projectId: entry.projectId ?? null,
      before: entry.before,
      after: entry.after,
      requestId: who.requestId,
    })),
  );
}

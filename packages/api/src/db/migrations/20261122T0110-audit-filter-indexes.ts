import type { Kysely } from 'kysely';
import { executeScript } from '../sql-script.ts';

/**
 * The audit trail is listed newest first by id and filtered by entity type, action or actor
 * (GET /api/v1/audit). Each index leads with its filter and ends in id, so a page is an index range
 * scan however large the trail grows. Frozen in time like every migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    create index audit_event_entity_type_idx on audit_event (entity_type, id);
    create index audit_event_action_idx on audit_event (action, id);
    create index audit_event_actor_id_idx on audit_event (actor_id, id);
    create index audit_event_actor_label_idx on audit_event (actor_label, id);
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    drop index audit_event_actor_label_idx;
    drop index audit_event_actor_id_idx;
    drop index audit_event_action_idx;
    drop index audit_event_entity_type_idx;
  `,
  );
}

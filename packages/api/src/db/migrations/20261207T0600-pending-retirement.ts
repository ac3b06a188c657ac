import type { Kysely } from 'kysely';
import { executeScript } from '../sql-script.ts';

/**
 * A yearly decision to retire (存廃判断: 廃止) opens a pending retirement that the owning bureau
 * confirms with a reason (the stage moves to 廃止) or withdraws with one (docs/decisions/0019).
 * The state lives on the decision it comes from: exactly the `retire` decisions carry one.
 * Decisions recorded before this migration: confirmed when the project is already retired, else pending.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    alter table yearly_review
      add column retirement_status text check (retirement_status in ('pending','confirmed','withdrawn')),
      add column retirement_reason text,
      add column retirement_decided_by uuid references app_user(id),
      add column retirement_decided_at timestamptz;
    update yearly_review y set retirement_status =
      case when exists (select 1 from project p where p.id = y.project_id and p.stage = 'retired') then 'confirmed' else 'pending' end
    where y.decision = 'retire';
    alter table yearly_review add constraint yearly_review_retirement_only_for_retire
      check ((decision = 'retire') = (retirement_status is not null));
    create index yearly_review_pending_retirement_idx on yearly_review (project_id) where retirement_status = 'pending';
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await executeScript(
    db,
    `
    drop index yearly_review_pending_retirement_idx;
    alter table yearly_review drop constraint yearly_review_retirement_only_for_retire;
    alter table yearly_review drop column retirement_decided_at, drop column retirement_decided_by,
      drop column retirement_reason, drop column retirement_status;
  `,
  );
}

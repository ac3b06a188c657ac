import type { Policy, TOversightEvaluation, TOversightInput } from '@psbook/core';
import { sql } from 'kysely';
import { recordAudit } from '../audit.ts';
import type { AuditActor } from '../auth/actor.ts';
import type { Db } from '../db/database.ts';

type TierState = { tier: number | null; reviewerRole: string | null };
type Who = { actor: AuditActor; requestId: string | null };

/** The project columns that store an evaluation. */
export function oversightColumns(evaluation: TOversightEvaluation) {
  return {
    tier: evaluation.tier,
    tierLowerBound: evaluation.lowerBound,
    reviewerRole: evaluation.reviewerRole,
    oversight: JSON.stringify(evaluation),
    rulesetVersion: evaluation.rulesetVersion,
  };
}

export const oversightInputsOf = (row: {
  budgetJpy: number | null;
  maxDowntimeHours: number | null;
  confidentiality: string | null;
}): TOversightInput => ({
  budgetJpy: row.budgetJpy,
  maxDowntimeHours: row.maxDowntimeHours,
  confidentiality: row.confidentiality as TOversightInput['confidentiality'],
});

/**
 * Record a change of tier or reviewer: tier history, and pending release requests re-routed to the
 * reviewer the new tier designates with the checklist of the new tier (DESIGN §2.3, issue: re-routing).
 */
export async function recordTierChange(
  tx: Db,
  policy: Policy,
  who: Who,
  projectId: string,
  before: TierState,
  after: TierState & { rulesetVersion: string },
  cause: 'created' | 'inputs_changed' | 'ruleset_changed' | 'import',
): Promise<void> {
  if (cause !== 'created' && before.tier === after.tier && before.reviewerRole === after.reviewerRole) return;
  await tx
    .insertInto('tierHistory')
    .values({
      projectId,
      fromTier: cause === 'created' ? null : before.tier,
      toTier: after.tier,
      fromReviewerRole: cause === 'created' ? null : before.reviewerRole,
      toReviewerRole: after.reviewerRole,
      rulesetVersion: after.rulesetVersion,
      cause,
      actorId: who.actor.id,
    })
    .execute();
  if (cause !== 'created') await reroutePendingReleaseRequests(tx, policy, who, projectId, after);
}

async function reroutePendingReleaseRequests(tx: Db, policy: Policy, who: Who, projectId: string, after: TierState) {
  const pending = await tx
    .selectFrom('releaseRequest')
    .select(['id', 'tier', 'reviewerRole'])
    .where('projectId', '=', projectId)
    .where('status', '=', 'pending')
    .execute();
  for (const request of pending) {
    if (request.tier === after.tier && request.reviewerRole === after.reviewerRole) continue;
    const checklist = after.tier === null ? [] : await policy.releaseChecklist(after.tier as 1 | 2 | 3);
    await tx
      .updateTable('releaseRequest')
      .set({ tier: after.tier, reviewerRole: after.reviewerRole, checklist: JSON.stringify(checklist), version: sql`version + 1` })
      .where('id', '=', request.id)
      .execute();
    await tx
      .insertInto('releaseRequestRouting')
      .values({
        releaseRequestId: request.id,
        fromTier: request.tier,
        toTier: after.tier,
        fromReviewerRole: request.reviewerRole,
        toReviewerRole: after.reviewerRole,
      })
      .execute();
    await recordAudit(tx, who, {
      action: 'release_request.reroute',
      entityType: 'release_request',
      entityId: request.id,
      projectId,
      before: { tier: request.tier, reviewerRole: request.reviewerRole },
      after: { tier: after.tier, reviewerRole: after.reviewerRole },
    });
  }
}

/**
 * Re-evaluate every project under the policy's oversight ruleset, set-based: the tier depends only on
 * the three inputs, so the engine runs once per distinct combination and one UPDATE applies them all.
 * Returns how many projects changed tier or reviewer.
 */
export async function retierAllProjects(db: Db, policy: Policy, who: Who): Promise<{ combinations: number; changed: number }> {
  return db.transaction().execute(async (tx) => {
    const combos = await tx.selectFrom('project').select(['budgetJpy', 'maxDowntimeHours', 'confidentiality']).distinct().execute();
    const version = policy.rulesets['oversight-tier'].version;
    let changed = 0;
    // Chunks keep each statement's parameter count well inside PostgreSQL's limit of 65,535.
    // History and audit rows are written by the same statement (data-modifying CTEs), so a
    // million changed projects cost no per-row round trips.
    for (let start = 0; start < combos.length; start += 5000) {
      const slice = combos.slice(start, start + 5000);
      // Evaluated chunk by chunk: with budgets to the thousand yen nearly every project is its own
      // combination, and a million explanations at once exhaust the heap.
      const evaluations = await Promise.all(slice.map((combo) => policy.evaluateOversight(oversightInputsOf(combo))));
      const values = sql.join(
        slice.map((combo, i) => {
          const e = evaluations[i]!;
          return sql`(${combo.budgetJpy}::bigint, ${combo.maxDowntimeHours}::double precision, ${combo.confidentiality}::text, ${e.tier}::smallint, ${e.lowerBound}::smallint, ${e.reviewerRole}::text, ${JSON.stringify(e)}::jsonb)`;
        }),
      );
      const result = await sql<{ changed: number }>`
        with v(budget_jpy, max_downtime_hours, confidentiality, tier, lower_bound, reviewer_role, oversight) as (values ${values}),
        old as (
          select p.id, p.tier, p.reviewer_role, v.tier as new_tier, v.lower_bound, v.reviewer_role as new_reviewer_role, v.oversight
          from project p
          -- Plain equality on sentinel-filled keys (inputs are never negative or empty), so PostgreSQL
          -- can hash-join; IS NOT DISTINCT FROM would force a nested loop over every project.
          join v on coalesce(p.budget_jpy, -1) = coalesce(v.budget_jpy, -1)
            and coalesce(p.max_downtime_hours, -1) = coalesce(v.max_downtime_hours, -1)
            and coalesce(p.confidentiality, '') = coalesce(v.confidentiality, '')
          where p.ruleset_version <> ${version}
        ),
        upd as (
          update project p set
            tier = old.new_tier, tier_lower_bound = old.lower_bound, reviewer_role = old.new_reviewer_role,
            oversight = old.oversight, ruleset_version = ${version}, updated_at = now()
          from old
          where old.id = p.id
          returning p.id, old.tier as from_tier, p.tier as to_tier, old.reviewer_role as from_reviewer_role, p.reviewer_role as to_reviewer_role
        ),
        changed as (
          select * from upd where from_tier is distinct from to_tier or from_reviewer_role is distinct from to_reviewer_role
        ),
        history as (
          insert into tier_history (project_id, from_tier, to_tier, from_reviewer_role, to_reviewer_role, ruleset_version, cause, actor_id)
          select id, from_tier, to_tier, from_reviewer_role, to_reviewer_role, ${version}, 'ruleset_changed', ${who.actor.id}::uuid from changed
        ),
        audit as (
          insert into audit_event (actor_id, actor_label, action, entity_type, entity_id, project_id, before, after, request_id)
          select ${who.actor.id}::uuid, ${who.actor.label}, 'project.retier', 'project', id::text, id,
            jsonb_build_object('tier', from_tier, 'reviewerRole', from_reviewer_role),
            jsonb_build_object('tier', to_tier, 'reviewerRole', to_reviewer_role, 'rulesetVersion', ${version}::text),
            ${who.requestId}::text
          from changed
        )
        select count(*) as changed from changed
      `.execute(tx);
      changed += Number(result.rows[0]?.changed ?? 0);
    }
    // Pending release requests follow their project's new reviewer.
    const stale = await tx
      .selectFrom('releaseRequest as rr')
      .innerJoin('project as p', 'p.id', 'rr.projectId')
      .select(['p.id', 'p.tier', 'p.reviewerRole'])
      .where('rr.status', '=', 'pending')
      .where(sql<boolean>`(rr.tier is distinct from p.tier or rr.reviewer_role is distinct from p.reviewer_role)`)
      .distinct()
      .execute();
    for (const p of stale) await reroutePendingReleaseRequests(tx, policy, who, p.id, p);
    return { combinations: combos.length, changed };
  });
}

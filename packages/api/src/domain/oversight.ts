import type { Policy, TOversightEvaluation, TOversightInput, TReviewerRole } from '@psbook/core';
import { sql } from 'kysely';
import { recordAudit } from '../audit.ts';
import type { AuditActor } from '../auth/actor.ts';
import type { Db } from '../db/database.ts';
import { recordTierChangesSql, tierFromDecisionTable } from '../db/queries/oversight-table.ts';
import { notifyConsultationRouted, notifyReleaseRequestRouted } from './notification-events.ts';
import { retierPendingDecreases } from './tier-decrease.ts';

type TierState = { tier: number | null; reviewerRole: TReviewerRole | null };

/** Tiers in order of oversight; an unset tier (no reviewer) is the least. */
export const tierRank = (tier: number | null) => tier ?? 0;
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
 * Record a change of tier or reviewer: tier history, and pending release requests and open
 * consultations re-routed to the reviewer the new tier designates (DESIGN §2.3, §2.8).
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
  // Callers let a tier fall only with the consent of its reviewer (tier-decrease.ts) or by a ruleset change.
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
  if (cause !== 'created') await reroutePendingReviews(tx, policy, who, projectId, after);
}

/**
 * Everything still waiting on the project's reviewer follows the tier: pending release requests (with
 * the checklist of the new tier) and consultations not yet closed. One function for both, so whatever
 * rule decides whether a pending review moves applies to release requests and consultations alike.
 */
async function reroutePendingReviews(tx: Db, policy: Policy, who: Who, projectId: string, after: TierState) {
  const isRouted = (item: TierState) => item.tier === after.tier && item.reviewerRole === after.reviewerRole;
  // Never downwards: a review filed under a higher tier stays with that tier's reviewer (issue 10 §1).
  const staysPut = (item: TierState) => isRouted(item) || tierRank(after.tier) < tierRank(item.tier);
  const routing = (item: TierState) => ({
    fromTier: item.tier,
    toTier: after.tier,
    fromReviewerRole: item.reviewerRole,
    toReviewerRole: after.reviewerRole,
  });
  const audit = (entityType: string, id: string, item: TierState) =>
    recordAudit(tx, who, {
      action: `${entityType}.reroute`,
      entityType,
      entityId: id,
      projectId,
      before: { tier: item.tier, reviewerRole: item.reviewerRole },
      after: { tier: after.tier, reviewerRole: after.reviewerRole },
    });

  const pending = await tx
    .selectFrom('releaseRequest')
    .select(['id', 'tier', 'reviewerRole', 'requestedBy'])
    .where('projectId', '=', projectId)
    .where('status', '=', 'pending')
    .execute();
  for (const request of pending) {
    if (staysPut(request)) continue;
    const checklist = after.tier === null ? [] : await policy.releaseChecklist(after.tier as 1 | 2 | 3);
    await tx
      .updateTable('releaseRequest')
      .set({ tier: after.tier, reviewerRole: after.reviewerRole, checklist: JSON.stringify(checklist), version: sql`version + 1` })
      .where('id', '=', request.id)
      .execute();
    await tx
      .insertInto('releaseRequestRouting')
      .values({ releaseRequestId: request.id, ...routing(request) })
      .execute();
    await audit('release_request', request.id, request);
    const project = await tx
      .selectFrom('project')
      .select(['id', 'code', 'name', 'bureauCode'])
      .where('id', '=', projectId)
      .executeTakeFirstOrThrow();
    await notifyReleaseRequestRouted(tx, project, { ...request, tier: after.tier, reviewerRole: after.reviewerRole }, true);
  }

  const consultations = await tx
    .selectFrom('consultation')
    .select(['id', 'tier', 'reviewerRole', 'subject', 'openedBy'])
    .where('projectId', '=', projectId)
    .where('status', '<>', 'closed')
    .execute();
  for (const consultation of consultations) {
    if (staysPut(consultation)) continue;
    await tx
      .updateTable('consultation')
      .set({ tier: after.tier, reviewerRole: after.reviewerRole, version: sql`version + 1` })
      .where('id', '=', consultation.id)
      .execute();
    await tx
      .insertInto('consultationRouting')
      .values({ consultationId: consultation.id, ...routing(consultation) })
      .execute();
    await audit('consultation', consultation.id, consultation);
    const project = await tx
      .selectFrom('project')
      .select(['id', 'code', 'name', 'bureauCode'])
      .where('id', '=', projectId)
      .executeTakeFirstOrThrow();
    await notifyConsultationRouted(tx, project, { ...consultation, tier: after.tier, reviewerRole: after.reviewerRole }, 'rerouted');
  }
}

/**
 * Re-evaluate every project under the policy's oversight ruleset, from its decision table: one
 * UPDATE … FROM oversight_decision joined on each project's band keys writes tiers, explanations,
 * history and audit (tierFromDecisionTable). What that cannot write exactly (values SQL formats
 * differently from JavaScript, a ruleset the compiler left to the engine) is evaluated input by input.
 * Returns the band combinations of the table used, the inputs evaluated one by one, and how many
 * projects changed tier or reviewer.
 */
export async function retierAllProjects(
  db: Db,
  policy: Policy,
  who: Who,
): Promise<{ combinations: number; exactInputs: number; changed: number }> {
  const table = await policy.oversightTable;
  const version = table.version;
  return db.transaction().execute(async (tx) => {
    // Shortest round-trip text for double precision (PostgreSQL's default since 12), as String(number).
    await sql`set local extra_float_digits = 1`.execute(tx);
    // Projects waiting on a tier decrease first, one by one (few): both sides of the decrease are re-evaluated.
    const withDecrease = await retierPendingDecreases(tx, policy, who, version);
    const left = await tx.selectFrom('project').select('id').where('rulesetVersion', '<>', version).limit(1).executeTakeFirst();
    if (!left) return { combinations: 0, exactInputs: 0, changed: withDecrease };
    const byTable = await tierFromDecisionTable(tx, table, who, {
      where: sql<boolean>`p.ruleset_version <> ${version}`,
      cause: 'ruleset_changed',
      action: 'project.retier',
    });
    // Whatever the table path left still has the old ruleset version.
    const byInput = await retierInputByInput(tx, policy, who, version);
    // Pending release requests and open consultations follow their project's new reviewer.
    const stale = await tx
      .selectFrom('releaseRequest as rr')
      .innerJoin('project as p', 'p.id', 'rr.projectId')
      .select(['p.id', 'p.tier', 'p.reviewerRole'])
      .where('rr.status', '=', 'pending')
      .where(sql<boolean>`(rr.tier is distinct from p.tier or rr.reviewer_role is distinct from p.reviewer_role)`)
      .union((eb) =>
        eb
          .selectFrom('consultation as c')
          .innerJoin('project as p', 'p.id', 'c.projectId')
          .select(['p.id', 'p.tier', 'p.reviewerRole'])
          .where('c.status', '<>', 'closed')
          .where(sql<boolean>`(c.tier is distinct from p.tier or c.reviewer_role is distinct from p.reviewer_role)`),
      )
      .execute();
    for (const p of stale) await reroutePendingReviews(tx, policy, who, p.id, p);
    return { combinations: table.rows.length, exactInputs: byInput.inputs, changed: withDecrease + byTable.changed + byInput.changed };
  });
}

/**
 * The exact path: one evaluation (from the table, or the engine for a ruleset it could not compile) per
 * distinct input of the projects still on another ruleset version.
 * Inputs come through a cursor and their evaluations go to a temporary table, so memory stays bounded
 * and one UPDATE joins them all.
 */
async function retierInputByInput(tx: Db, policy: Policy, who: Who, version: string) {
  const left = await tx.selectFrom('project').select('id').where('rulesetVersion', '<>', version).limit(1).executeTakeFirst();
  if (!left) return { inputs: 0, changed: 0 };
  await sql`
    create temp table retier_input (
      budget_key bigint, downtime_key double precision, confidentiality_key text,
      tier smallint, lower_bound smallint, reviewer_role text, oversight jsonb
    ) on commit drop
  `.execute(tx);
  await sql`
    declare retier_inputs no scroll cursor for
    select distinct budget_jpy, max_downtime_hours, confidentiality from project where ruleset_version <> ${sql.lit(version)}
  `.execute(tx);
  let inputs = 0;
  for (;;) {
    const { rows } = await sql<Parameters<typeof oversightInputsOf>[0]>`fetch forward 2000 from retier_inputs`.execute(tx);
    if (rows.length === 0) break;
    inputs += rows.length;
    const evaluations = await Promise.all(rows.map((row) => policy.evaluateOversight(oversightInputsOf(row))));
    const values = sql.join(
      rows.map((row, i) => {
        const e = evaluations[i]!;
        // Inputs are never negative or empty (check constraints), so these keys stand for "not given".
        return sql`(${row.budgetJpy ?? -1}::bigint, ${row.maxDowntimeHours ?? -1}::double precision, ${row.confidentiality ?? ''}::text,
          ${e.tier}::smallint, ${e.lowerBound}::smallint, ${e.reviewerRole}::text, ${JSON.stringify(e)}::jsonb)`;
      }),
    );
    await sql`insert into retier_input values ${values}`.execute(tx);
  }
  await sql`close retier_inputs`.execute(tx);
  const result = await sql<{ changed: number }>`
    with old as (
      select p.id, p.tier, p.reviewer_role, v.tier as new_tier, v.lower_bound, v.reviewer_role as new_reviewer_role, v.oversight
      from project p
      join retier_input v on coalesce(p.budget_jpy, -1) = v.budget_key
        and coalesce(p.max_downtime_hours, -1) = v.downtime_key
        and coalesce(p.confidentiality, '') = v.confidentiality_key
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
    ${recordTierChangesSql(who, version, 'ruleset_changed', 'project.retier')}
  `.execute(tx);
  return { inputs, changed: Number(result.rows[0]?.changed ?? 0) };
}

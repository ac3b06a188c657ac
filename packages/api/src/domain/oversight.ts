import type { Policy, TOversightEvaluation, TOversightInput, TReviewerRole, TTier } from '@psbook/core';
import { recordAudit } from '../audit.ts';
import type { AuditActor } from '../auth/actor.ts';
import type { Db } from '../db/database.ts';
import {
  anyProjectNotOn,
  applyRetierEvaluations,
  closeRetierInputs,
  fetchRetierInputs,
  getProjectHeading,
  insertConsultationRouting,
  insertReleaseRequestRouting,
  listOpenConsultationsOfProject,
  listPendingReleaseRequestsOfProject,
  listProjectsWithStaleReviews,
  notOnRulesetVersion,
  openRetierInputs,
  rerouteConsultation,
  rerouteReleaseRequest,
  storeRetierEvaluations,
  useRoundTripFloats,
} from '../db/queries/oversight.ts';
import { tierFromDecisionTable } from '../db/queries/oversight-table.ts';
import { insertTierHistory } from '../db/queries/tier-decreases.ts';
import { withTransaction } from '../db/transaction.ts';
import { notifyConsultationRouted, notifyReleaseRequestRouted } from './notification-events.ts';
import { retierPendingDecreases } from './tier-decrease.ts';

type TierState = { tier: TTier | null; reviewerRole: TReviewerRole | null };

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
  await insertTierHistory(tx, {
    projectId,
    fromTier: cause === 'created' ? null : before.tier,
    toTier: after.tier,
    fromReviewerRole: cause === 'created' ? null : before.reviewerRole,
    toReviewerRole: after.reviewerRole,
    rulesetVersion: after.rulesetVersion,
    cause,
    actorId: who.actor.id,
  });
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

  const pending = await listPendingReleaseRequestsOfProject(tx, projectId);
  for (const request of pending) {
    if (staysPut(request)) continue;
    const checklist = after.tier === null ? [] : await policy.releaseChecklist(after.tier);
    await rerouteReleaseRequest(tx, request.id, {
      tier: after.tier,
      reviewerRole: after.reviewerRole,
      checklist: JSON.stringify(checklist),
    });
    await insertReleaseRequestRouting(tx, { releaseRequestId: request.id, ...routing(request) });
    await audit('release_request', request.id, request);
    const project = await getProjectHeading(tx, projectId);
    await notifyReleaseRequestRouted(tx, project, { ...request, tier: after.tier, reviewerRole: after.reviewerRole }, true);
  }

  const consultations = await listOpenConsultationsOfProject(tx, projectId);
  for (const consultation of consultations) {
    if (staysPut(consultation)) continue;
    await rerouteConsultation(tx, consultation.id, after.tier, after.reviewerRole);
    await insertConsultationRouting(tx, { consultationId: consultation.id, ...routing(consultation) });
    await audit('consultation', consultation.id, consultation);
    const project = await getProjectHeading(tx, projectId);
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
  return withTransaction(db, async (tx) => {
    // Shortest round-trip text for double precision (PostgreSQL's default since 12), as String(number).
    await useRoundTripFloats(tx);
    // Projects waiting on a tier decrease first, one by one (few): both sides of the decrease are re-evaluated.
    const withDecrease = await retierPendingDecreases(tx, policy, who, version);
    if (!(await anyProjectNotOn(tx, version))) return { combinations: 0, exactInputs: 0, changed: withDecrease };
    const byTable = await tierFromDecisionTable(tx, table, who, {
      where: notOnRulesetVersion(version),
      cause: 'ruleset_changed',
      action: 'project.retier',
    });
    // Whatever the table path left still has the old ruleset version.
    const byInput = await retierInputByInput(tx, policy, who, version);
    // Pending release requests and open consultations follow their project's new reviewer.
    const stale = await listProjectsWithStaleReviews(tx);
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
  if (!(await anyProjectNotOn(tx, version))) return { inputs: 0, changed: 0 };
  await openRetierInputs(tx, version);
  let inputs = 0;
  for (;;) {
    const rows = await fetchRetierInputs(tx);
    if (rows.length === 0) break;
    inputs += rows.length;
    const evaluations = await Promise.all(rows.map((row) => policy.evaluateOversight(oversightInputsOf(row))));
    await storeRetierEvaluations(tx, rows, evaluations);
  }
  await closeRetierInputs(tx);
  return { inputs, changed: await applyRetierEvaluations(tx, who, version) };
}

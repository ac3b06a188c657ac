import {
  type Policy,
  type TOversightEvaluation,
  type TOversightInput,
  type TReviewerRole,
  type TTierDecrease,
  type TTierDecreaseDecisionRequest,
  tierDecreaseRefusal,
} from '@psbook/core';
import { recordAudit, recordAudits } from '../audit.ts';
import type { Actor, AuditActor } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { findProjectsByIds, lockProject, projectExists, updateLockedProject } from '../db/queries/projects.ts';
import {
  findTierDecreaseProjectId,
  findTierDecreaseView,
  insertTierDecrease,
  insertTierHistory,
  listPendingTierDecreaseViewsFor,
  listTierDecreaseViewsOfProject,
  lockPendingTierDecreaseOfProject,
  lockPendingTierDecreasesBehindRuleset,
  lockTierDecrease,
  recordTierDecreaseDecision,
  rerouteTierDecrease,
  rerouteTierDecreases,
  setOversightOfProjects,
  setProjectOversight,
  supersedeTierDecrease,
  type TierDecreaseView,
} from '../db/queries/tier-decreases.ts';
import type { ProjectRow } from '../db/schema.ts';
import { withTransaction } from '../db/transaction.ts';
import { AppError, forbidden, notFound, versionConflict } from '../errors.ts';
import { notifyTierDecreaseDecided, notifyTierDecreaseWaiting } from './notification-events.ts';
import { oversightColumns, oversightInputsOf, recordTierChange, tierRank } from './oversight.ts';
import type { ReviewerReach } from './reviewers.ts';

/*
 * A project's tier never falls through its own bureau's edit alone (issue 10 §1). The project's tier,
 * reviewer and explanation are the tier *in force*: an edit (or an import) whose evaluation would lower
 * it is kept as data, and a tier decrease waits for the reviewer of the tier in force to agree. Raising
 * a tier, or keeping it, applies at once. A ruleset change is the rules owner's decision and applies
 * directly (see `retierPendingDecreases`).
 */

type Who = { actor: AuditActor; requestId: string | null };
type Cause = 'inputs_changed' | 'import';

async function supersede(tx: Db, who: Who, request: { id: string; projectId: string }, by: Cause | 'ruleset_changed') {
  await supersedeTierDecrease(tx, request.id, by);
  await recordAudit(tx, who, {
    action: 'tier_decrease.supersede',
    entityType: 'tier_decrease',
    entityId: request.id,
    projectId: request.projectId,
    after: { status: 'superseded', supersededBy: by },
  });
}

/**
 * Settle a new evaluation of a project whose inputs just changed (the row is locked and already holds
 * the new inputs, with the tier in force unchanged). At or above the tier in force it applies, and a
 * waiting decrease is void; below it, the tier in force stays and a decrease waits for its reviewer
 * (replacing any earlier one, so what the reviewer agrees to is always the project's current data).
 * Returns the project row as it is now and whether the tier or reviewer in force changed.
 */
export async function settleEvaluation(
  tx: Db,
  policy: Policy,
  who: Who,
  project: ProjectRow,
  inputsInForce: TOversightInput,
  evaluation: TOversightEvaluation,
  cause: Cause,
): Promise<{ row: ProjectRow; tierChanged: boolean }> {
  const pending = await lockPendingTierDecreaseOfProject(tx, project.id);
  if (tierRank(evaluation.tier) >= tierRank(project.tier)) {
    if (pending) await supersede(tx, who, pending, cause);
    const row = await setProjectOversight(tx, project.id, oversightColumns(evaluation));
    await recordTierChange(tx, policy, who, project.id, project, { ...row, rulesetVersion: row.rulesetVersion }, cause);
    return { row, tierChanged: project.tier !== row.tier || project.reviewerRole !== row.reviewerRole };
  }
  if (pending) await supersede(tx, who, pending, cause);
  const request = await insertTierDecrease(tx, {
    projectId: project.id,
    cause,
    fromTier: project.tier!,
    fromReviewerRole: project.reviewerRole!,
    // The inputs the tier in force was evaluated from: those of the first edit in a row of edits.
    fromInputs: JSON.stringify(pending ? pending.fromInputs : inputsInForce),
    toTier: evaluation.tier,
    toReviewerRole: evaluation.reviewerRole,
    toEvaluation: JSON.stringify(evaluation),
    rulesetVersion: evaluation.rulesetVersion,
    requestedBy: who.actor.id,
  });
  await notifyTierDecreaseWaiting(tx, project, request);
  await insertTierHistory(tx, {
    projectId: project.id,
    fromTier: project.tier,
    toTier: evaluation.tier,
    fromReviewerRole: project.reviewerRole,
    toReviewerRole: evaluation.reviewerRole,
    rulesetVersion: evaluation.rulesetVersion,
    cause: 'decrease_requested',
    actorId: who.actor.id,
    tierDecreaseId: request.id,
  });
  await recordAudit(tx, who, {
    action: 'tier_decrease.request',
    entityType: 'tier_decrease',
    entityId: request.id,
    projectId: project.id,
    before: { tier: project.tier, reviewerRole: project.reviewerRole },
    after: { tier: evaluation.tier, reviewerRole: evaluation.reviewerRole, cause },
  });
  return { row: project, tierChanged: false };
}

/**
 * The rules owner changed the oversight ruleset: each project with a decrease waiting gets the tier its
 * inputs in force give under the new rules (applied directly, recorded as a ruleset change); if its
 * current inputs still give less, the decrease keeps waiting, now from that tier, for that tier's
 * reviewer. Runs before the set-based re-tier, which then skips these projects (already on `version`).
 * Each project is evaluated here; the common case — the tier in force and its reviewer stay, the
 * decrease keeps waiting for the same reviewer, only the explanations and the ruleset version change —
 * is written in a few statements for all of them (an import can leave thousands waiting, performance
 * §2.04), the rest project by project.
 */
export async function retierPendingDecreases(tx: Db, policy: Policy, who: Who, version: string): Promise<number> {
  const pending = await lockPendingTierDecreasesBehindRuleset(tx, version);
  if (!pending.length) return 0;
  // The lock above holds the projects' rows too (FOR UPDATE of the join).
  const projects = new Map(
    (
      await findProjectsByIds(
        tx,
        pending.map((request) => request.projectId),
      )
    ).map((p) => [p.id, p]),
  );
  let changed = 0;
  const unchanged: {
    project: ProjectRow;
    request: (typeof pending)[number];
    inForce: TOversightEvaluation;
    current: TOversightEvaluation;
  }[] = [];
  for (const request of pending) {
    const project = projects.get(request.projectId)!;
    const inForce = await policy.evaluateOversight(request.fromInputs);
    const current = await policy.evaluateOversight(oversightInputsOf(project));
    const applied = tierRank(current.tier) >= tierRank(inForce.tier) ? current : inForce;
    const keeps = applied === inForce && project.tier === inForce.tier && project.reviewerRole === inForce.reviewerRole;
    if (keeps && inForce.reviewerRole === request.fromReviewerRole) {
      unchanged.push({ project, request, inForce, current });
      continue;
    }
    const row = await setProjectOversight(tx, project.id, oversightColumns(applied));
    await recordTierChange(tx, policy, who, project.id, project, { ...row, rulesetVersion: version }, 'ruleset_changed');
    if (project.tier !== row.tier || project.reviewerRole !== row.reviewerRole) changed++;
    if (applied === current) {
      await supersede(tx, who, { id: request.id, projectId: project.id }, 'ruleset_changed');
      continue;
    }
    await rerouteTierDecrease(tx, request.id, rerouting(inForce, current, version));
    await recordAudit(tx, who, rerouteAudit(request.id, project.id, inForce, current, version));
    // The decrease now waits for another reviewer: tell them, as a new request would.
    if (inForce.reviewerRole !== request.fromReviewerRole) {
      await notifyTierDecreaseWaiting(tx, project, {
        id: request.id,
        fromTier: inForce.tier!,
        fromReviewerRole: inForce.reviewerRole!,
        toTier: current.tier,
        requestedBy: request.requestedBy,
      });
    }
  }
  // No tier history (nothing moved) and no notice (the same reviewer): the project's columns, the
  // decrease's new sides and the audit, as above.
  await setOversightOfProjects(
    tx,
    unchanged.map(({ project, inForce }) => ({ id: project.id, ...oversightColumns(inForce) })),
  );
  await rerouteTierDecreases(
    tx,
    unchanged.map(({ request, inForce, current }) => ({ id: request.id, ...rerouting(inForce, current, version) })),
  );
  await recordAudits(
    tx,
    who,
    unchanged.map(({ project, request, inForce, current }) => rerouteAudit(request.id, project.id, inForce, current, version)),
  );
  return changed;
}

/** A waiting decrease's sides under a new ruleset: from the tier its inputs in force give, to the current inputs' tier. */
const rerouting = (inForce: TOversightEvaluation, current: TOversightEvaluation, version: string) => ({
  fromTier: inForce.tier!,
  fromReviewerRole: inForce.reviewerRole!,
  toTier: current.tier,
  toReviewerRole: current.reviewerRole,
  toEvaluation: JSON.stringify(current),
  rulesetVersion: version,
});

const rerouteAudit = (id: string, projectId: string, inForce: TOversightEvaluation, current: TOversightEvaluation, version: string) => ({
  action: 'tier_decrease.reroute',
  entityType: 'tier_decrease',
  entityId: id,
  projectId,
  after: { fromTier: inForce.tier, fromReviewerRole: inForce.reviewerRole, toTier: current.tier, rulesetVersion: version },
});

// ---------------------------------------------------------------------------------------------------
// Reading and deciding

export function toTierDecreaseResponse(view: TierDecreaseView, actor: Actor): TTierDecrease {
  return {
    id: view.id,
    projectId: view.projectId,
    projectCode: view.projectCode,
    projectName: view.projectName,
    bureauCode: view.bureauCode,
    status: view.status,
    cause: view.cause,
    fromTier: view.fromTier,
    fromReviewerRole: view.fromReviewerRole as TReviewerRole,
    toTier: view.toTier,
    toReviewerRole: view.toReviewerRole as TReviewerRole | null,
    toEvaluation: view.toEvaluation,
    requestedBy: view.requestedBy,
    requestedByName: view.requestedByName ?? 'system',
    requestedAt: view.requestedAt.toISOString(),
    decidedBy: view.decidedBy,
    decidedByName: view.decidedByName,
    decidedAt: view.decidedAt?.toISOString() ?? null,
    comment: view.decisionComment,
    supersededBy: view.supersededBy,
    canDecide: view.status === 'pending' && tierDecreaseRefusal(actor, view) === null,
    version: view.version,
  };
}

export async function listTierDecreasesOfProject(ctx: DomainContext, projectId: string): Promise<TTierDecrease[]> {
  if (!(await projectExists(ctx.db, projectId))) throw notFound('Project');
  const rows = await listTierDecreaseViewsOfProject(ctx.db, projectId);
  return rows.map((row) => toTierDecreaseResponse(row, ctx.actor));
}

export async function getTierDecrease(ctx: DomainContext, id: string): Promise<TTierDecrease> {
  const row = await findTierDecreaseView(ctx.db, id);
  if (!row) throw notFound('Tier decrease');
  return toTierDecreaseResponse(row, ctx.actor);
}

/** Pending decreases an actor may decide, oldest first: the same rule as `tierDecreaseRefusal`, as SQL. */
export function listPendingDecreasesForReviewer(db: Db, reach: ReviewerReach, actorId: string, limit: number) {
  if (reach.bureauCodes !== 'all' && reach.bureauCodes.length === 0) return Promise.resolve([]);
  return listPendingTierDecreaseViewsFor(db, reach.reviewerRole, reach.bureauCodes, actorId, limit);
}

/**
 * The reviewer of the tier in force agrees (the project takes the evaluation of its current inputs) or
 * refuses (the tier in force stays). Pending release requests keep their reviewer either way: they are
 * never re-routed downwards.
 */
export async function decideTierDecrease(ctx: DomainContext, id: string, body: TTierDecreaseDecisionRequest): Promise<TTierDecrease> {
  const { actor } = ctx;
  const who = { actor: { id: actor.id, label: actor.email }, requestId: ctx.requestId };
  await withTransaction(ctx.db, async (tx) => {
    const found = await findTierDecreaseProjectId(tx, id);
    if (!found) throw notFound('Tier decrease');
    // Project first, then the request: the order every tier change locks in.
    const project = (await lockProject(tx, found.projectId))!;
    const request = (await lockTierDecrease(tx, id))!;
    const refusal = tierDecreaseRefusal(actor, { ...request, bureauCode: project.bureauCode });
    if (refusal) throw forbidden(refusal);
    if (request.status !== 'pending') {
      throw new AppError('conflict', `This tier decrease is already ${request.status}`, { currentStatus: request.status });
    }
    if (request.version !== body.version) throw versionConflict(request.version);
    const comment = body.comment?.trim() || null;
    let after = { tier: project.tier, reviewerRole: project.reviewerRole };
    if (body.decision === 'approved') {
      const evaluation = await ctx.policy.evaluateOversight(oversightInputsOf(project));
      if (evaluation.tier !== request.toTier || evaluation.reviewerRole !== request.toReviewerRole) {
        // Every edit replaces the waiting request, so this means the rules changed under it.
        throw new AppError('conflict', 'The project’s inputs or rules changed since this decrease was requested; reload it');
      }
      const row = await updateLockedProject(tx, project.id, oversightColumns(evaluation), actor.id);
      after = { tier: row.tier, reviewerRole: row.reviewerRole };
    }
    await recordTierDecreaseDecision(tx, id, { status: body.decision, decidedBy: actor.id, decisionComment: comment });
    await insertTierHistory(tx, {
      projectId: project.id,
      fromTier: project.tier,
      toTier: request.toTier,
      fromReviewerRole: project.reviewerRole,
      toReviewerRole: request.toReviewerRole,
      rulesetVersion: request.rulesetVersion,
      cause: body.decision === 'approved' ? 'decrease_approved' : 'decrease_refused',
      actorId: actor.id,
      tierDecreaseId: id,
    });
    await recordAudit(tx, who, {
      action: body.decision === 'approved' ? 'tier_decrease.approve' : 'tier_decrease.refuse',
      entityType: 'tier_decrease',
      entityId: id,
      projectId: project.id,
      before: { tier: project.tier, reviewerRole: project.reviewerRole, status: 'pending' },
      after: { ...after, status: body.decision, comment },
    });
    await notifyTierDecreaseDecided(tx, project, request, body.decision);
  });
  return getTierDecrease(ctx, id);
}

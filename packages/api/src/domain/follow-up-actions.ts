import type {
  TActionSourceKind,
  TActionStatus,
  TCreateActionRequest,
  TCreateExemptionRequest,
  TExemptionDecisionRequest,
  TExemptionTargetKind,
  TUpdateActionRequest,
} from '@psbook/core';
import { recordAudit } from '../audit.ts';
import { canWriteProject, requireProjectWrite } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { findProjectById, lockProject } from '../db/queries/projects.ts';
import {
  type ActionView,
  decideLockedExemption,
  type ExemptionView,
  findAction,
  findActionProjectId,
  findExemption,
  findExemptionProjectId,
  findRequestedExemption,
  insertAction,
  insertExemption,
  listActionsOfProject,
  listBureauOwners,
  listExemptionsOfProject,
  lockAction,
  lockExemption,
  updateLockedAction,
} from '../db/queries/supervision.ts';
import { isActiveBureauMember } from '../db/queries/users.ts';
import { withTransaction } from '../db/transaction.ts';
import { AppError, forbidden, notFound, validationError, versionConflict } from '../errors.ts';
import { notifyActionAssigned, notifyActionToVerify, notifyExemptionDecided, notifyExemptionToDecide } from './notification-events.ts';
import { getProjectOrThrow, lockWithProject, projectHeadingOf, projectRowReads, whoOf } from './projects.ts';
import { consulteeRefusal, localToday } from './supervision.ts';

/* Follow-up actions (フォローアップ措置) */

export function toActionResponse(row: ActionView) {
  return {
    id: row.id,
    ...projectHeadingOf(row),
    title: row.title,
    ownerId: row.ownerId,
    ownerName: row.ownerName,
    dueDate: row.dueDate,
    isOverdue: row.status === 'open' && row.dueDate < localToday(),
    source: { kind: row.sourceKind as TActionSourceKind, refId: row.sourceRef, detail: row.sourceDetail },
    blocking: row.blocking,
    status: row.status as TActionStatus,
    note: row.note,
    raisedBy: row.raisedBy,
    raisedByName: row.raisedByName,
    raisedAt: row.raisedAt.toISOString(),
    doneAt: row.doneAt?.toISOString() ?? null,
    verifiedAt: row.verifiedAt?.toISOString() ?? null,
    version: row.version,
  };
}

const actionReads = projectRowReads('Follow-up action', listActionsOfProject, findAction, toActionResponse);
export const listProjectActions = actionReads.listOfProject;
export const getFollowUpAction = actionReads.get;

/** Who may own an action of the project: its bureau's active staff and bureau leads. */
export async function listActionOwners(ctx: DomainContext, projectId: string) {
  const project = await getProjectOrThrow(ctx, projectId);
  return listBureauOwners(ctx.db, project.bureauCode);
}

/** An action's owner is a person of the bureau: an active staff member or bureau lead linked to it. */
export async function requireBureauOwner(tx: Db, bureauCode: string, ownerId: string, path: string): Promise<void> {
  if (!(await isActiveBureauMember(tx, bureauCode, ownerId, ['staff', 'bureau_lead'])))
    throw validationError([{ path, message: `must be an active staff member or bureau lead of bureau ${bureauCode}` }]);
}

/**
 * Insert an action, audited in the same transaction: the caller's (a consultation's guidance raises
 * one inside its own), or a new one. The caller has checked who may raise it and locked the project.
 */
export async function insertFollowUpAction(ctx: DomainContext, projectId: string, input: TCreateActionRequest): Promise<string> {
  return withTransaction(ctx.db, (tx) => insertActionIn(tx, ctx, projectId, input));
}

async function insertActionIn(tx: Db, ctx: DomainContext, projectId: string, input: TCreateActionRequest): Promise<string> {
  const row = await insertAction(tx, {
    projectId,
    title: input.title,
    ownerId: input.ownerId,
    dueDate: input.dueDate,
    sourceKind: input.source.kind,
    sourceRef: input.source.refId ?? null,
    sourceDetail: input.source.detail ?? null,
    blocking: input.blocking,
    raisedBy: ctx.actor.id,
  });
  await recordAudit(tx, whoOf(ctx), {
    action: 'follow_up_action.create',
    entityType: 'follow_up_action',
    entityId: row.id,
    projectId,
    after: { ...row, raisedAt: row.raisedAt.toISOString() },
  });
  const project = await findProjectById(tx, projectId);
  if (!project) throw notFound('Project');
  await notifyActionAssigned(tx, project, row);
  return row.id;
}

/**
 * Raise a follow-up action on a project: its bureau (from a status-report risk, say) or its consultee
 * (from a release judgement or guidance). The owner is a person of the bureau.
 */
export async function raiseFollowUpAction(ctx: DomainContext, projectId: string, input: TCreateActionRequest): Promise<string> {
  return withTransaction(ctx.db, async (tx) => {
    const project = await lockProject(tx, projectId);
    if (!project) throw notFound('Project');
    if (!canWriteProject(ctx.actor, project.bureauCode) && consulteeRefusal(ctx.actor, project, '', 'follow-up action') !== null) {
      throw forbidden(`Only the bureau ${project.bureauCode} and the project’s consultee raise follow-up actions on it`);
    }
    await requireBureauOwner(tx, project.bureauCode, input.ownerId, 'ownerId');
    return insertFollowUpAction({ ...ctx, db: tx }, projectId, input);
  });
}

/**
 * Move an action on: the owner marks it done; the one who raised it verifies it, or sends it back to
 * open; only the raiser changes what was asked (title, due date, blocking). With the version last seen.
 */
export async function updateFollowUpAction(ctx: DomainContext, id: string, input: TUpdateActionRequest): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const { project, row: action } = await lockWithProject(tx, id, 'Follow-up action', findActionProjectId, lockAction);
    const isOwner = ctx.actor.via === 'session' && action.ownerId === ctx.actor.id;
    const isRaiser = ctx.actor.via === 'session' && action.raisedBy === ctx.actor.id;
    if (!isOwner && !isRaiser) throw forbidden('Only the action’s owner and the one who raised it change it');

    const changesAsk = input.title !== undefined || input.dueDate !== undefined || input.blocking !== undefined;
    if (changesAsk && !isRaiser) throw forbidden('Only the one who raised the action changes its title, due date or blocking');
    const to = input.status ?? action.status;
    if (to !== action.status) {
      const move = `${action.status}→${to}`;
      if (move === 'open→done' && !isOwner) throw forbidden('Only the action’s owner marks it done');
      if ((move === 'done→verified' || move === 'done→open') && !isRaiser)
        throw forbidden('Only the one who raised the action verifies it');
      if (!['open→done', 'done→verified', 'done→open'].includes(move)) {
        throw new AppError('invalid_transition', `A follow-up action cannot go from ${action.status} to ${to}`, {
          errors: [{ path: 'status', message: `${action.status} → ${to} is not a step of open → done → verified` }],
        });
      }
    }
    if (action.version !== input.version) throw versionConflict(action.version);

    const moved = to !== action.status;
    const after = await updateLockedAction(
      tx,
      id,
      {
        status: to,
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.dueDate !== undefined ? { dueDate: input.dueDate } : {}),
        ...(input.blocking !== undefined ? { blocking: input.blocking } : {}),
        ...(input.note !== undefined ? { note: input.note } : {}),
      },
      {
        done: moved && to === 'done' ? ctx.actor.id : undefined,
        verified: moved && to === 'verified' ? ctx.actor.id : undefined,
        reopened: moved && to === 'open',
      },
    );
    await recordAudit(tx, whoOf(ctx), {
      action: to === action.status ? 'follow_up_action.update' : `follow_up_action.${to === 'open' ? 'reopen' : to}`,
      entityType: 'follow_up_action',
      entityId: id,
      projectId: project.id,
      before: { status: action.status, title: action.title, dueDate: action.dueDate, blocking: action.blocking, version: action.version },
      after: {
        status: after.status,
        title: after.title,
        dueDate: after.dueDate,
        blocking: after.blocking,
        note: after.note,
        version: after.version,
      },
    });
    if (to !== action.status && to === 'done') await notifyActionToVerify(tx, project, after);
  });
}

/* Exemptions (免除) */

export function toExemptionResponse(row: ExemptionView) {
  const status = row.status as 'requested' | 'approved' | 'refused';
  return {
    id: row.id,
    ...projectHeadingOf(row),
    targetKind: row.targetKind as TCreateExemptionRequest['targetKind'],
    target: row.target,
    reason: row.reason,
    expiresOn: row.expiresOn,
    status,
    /** Approved and not yet past its expiry day: the gate or item counts as met. */
    isActive: row.isActive === true,
    isExpired: status === 'approved' && row.isActive !== true,
    requestedBy: row.requestedBy,
    requestedByName: row.requestedByName,
    requestedAt: row.requestedAt.toISOString(),
    decidedBy: row.decidedBy,
    decidedByName: row.decidedByName,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    decisionComment: row.decisionComment,
    version: row.version,
  };
}

/** A project's exemptions (requested, decided and expired), and one exemption. */
const exemptionReads = projectRowReads('Exemption', listExemptionsOfProject, findExemption, toExemptionResponse);
export const listProjectExemptions = exemptionReads.listOfProject;
export const getExemption = exemptionReads.get;

/** What an exemption of `kind` may waive: the active rulesets' gates or release-checklist items, with their own words. */
function exemptionTargets(ctx: DomainContext, kind: TExemptionTargetKind): readonly { id: string; label: { ja: string; en: string } }[] {
  return kind === 'gate' ? ctx.policy.rulesets['lifecycle-gates'].content.gates : ctx.policy.rulesets['release-checklist'].content.items;
}

/** The gate's or checklist item's own words, as the notification names what is waived (never its id). */
function exemptionTargetLabel(ctx: DomainContext, kind: TExemptionTargetKind, target: string): { ja: string; en: string } {
  return exemptionTargets(ctx, kind).find((t) => t.id === target)?.label ?? { ja: target, en: target };
}

/** Ask the consultee to waive one gate or one release-checklist item for this project until a date. */
export async function requestExemption(ctx: DomainContext, projectId: string, input: TCreateExemptionRequest): Promise<string> {
  return withTransaction(ctx.db, async (tx) => {
    const project = await lockProject(tx, projectId);
    if (!project) throw notFound('Project');
    requireProjectWrite(ctx.actor, project.bureauCode);
    if (!exemptionTargets(ctx, input.targetKind).some((t) => t.id === input.target)) {
      throw validationError([
        { path: 'target', message: `not a ${input.targetKind === 'gate' ? 'lifecycle gate' : 'release-checklist item'}` },
      ]);
    }
    if (input.expiresOn < localToday()) throw validationError([{ path: 'expiresOn', message: 'is in the past' }]);
    if (project.tier === null || project.reviewerRole === null) {
      throw new AppError('rule_violation', 'The project’s tier is not set, so no consultee is designated to decide an exemption');
    }
    const pending = await findRequestedExemption(tx, projectId, input.targetKind, input.target);
    if (pending) throw new AppError('conflict', 'An exemption of this gate or item is already waiting for a decision', { id: pending.id });
    const row = await insertExemption(tx, { projectId, ...input, requestedBy: ctx.actor.id });
    await recordAudit(tx, whoOf(ctx), {
      action: 'exemption.create',
      entityType: 'exemption',
      entityId: row.id,
      projectId,
      after: { ...row, requestedAt: row.requestedAt.toISOString() },
    });
    await notifyExemptionToDecide(tx, project, { ...row, targetLabel: exemptionTargetLabel(ctx, row.targetKind, row.target) });
    return row.id;
  });
}

/** Approve or refuse an exemption: the project's consultee only, never the requester; refusing says why. */
export async function decideExemption(ctx: DomainContext, id: string, input: TExemptionDecisionRequest): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const { project, row: exemption } = await lockWithProject(tx, id, 'Exemption', findExemptionProjectId, lockExemption);
    const refusal = consulteeRefusal(ctx.actor, project, exemption.requestedBy, 'exemption');
    if (refusal) throw forbidden(refusal);
    if (exemption.status !== 'requested') {
      throw new AppError('conflict', `This exemption was already ${exemption.status}`, { currentStatus: exemption.status });
    }
    if (exemption.version !== input.version) throw versionConflict(exemption.version);
    if (input.decision === 'refused' && !input.comment?.trim()) {
      throw new AppError('rule_violation', 'Say why the exemption is refused', {
        errors: [{ path: 'comment', message: 'is required when refusing an exemption' }],
      });
    }
    await decideLockedExemption(tx, id, {
      status: input.decision,
      decidedBy: ctx.actor.id,
      decisionComment: input.comment?.trim() ? input.comment : null,
    });
    await recordAudit(tx, whoOf(ctx), {
      action: input.decision === 'approved' ? 'exemption.approve' : 'exemption.refuse',
      entityType: 'exemption',
      entityId: id,
      projectId: project.id,
      before: { status: exemption.status, version: exemption.version },
      after: {
        status: input.decision,
        version: exemption.version + 1,
        comment: input.comment ?? null,
        target: exemption.target,
        expiresOn: exemption.expiresOn,
      },
    });
    await notifyExemptionDecided(
      tx,
      project,
      { ...exemption, targetLabel: exemptionTargetLabel(ctx, exemption.targetKind, exemption.target) },
      input.decision,
    );
  });
}

import { fiscalYearOf, nextStageOf, type TGateStatus, type TProjectFacts, type TStage, type TTransitionRequest } from '@psbook/core';
import { recordAudit } from '../audit.ts';
import { requireProjectWrite } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { insertStageTransition, listStageTransitions, selectProjectFacts } from '../db/queries/lifecycle.ts';
import { lockProject, projectExists, updateLockedProject } from '../db/queries/projects.ts';
import type { ProjectRow } from '../db/schema.ts';
import { withTransaction } from '../db/transaction.ts';
import { AppError, notFound, versionConflict } from '../errors.ts';
import { auditProjectState, toProjectResponse, whoOf } from './projects.ts';

/**
 * The facts the lifecycle gates are judged on, for `fiscalYear` ("this fiscal year" for the yearly
 * obligations of operation). One query; pass the transaction when the answer must hold until commit.
 */
export async function loadProjectFacts(db: Db, projectId: string, fiscalYear = fiscalYearOf(new Date())): Promise<TProjectFacts> {
  const facts = await selectProjectFacts(db, projectId, fiscalYear);
  if (!facts) throw notFound('Project');
  return facts;
}

export type GatesResponse = {
  projectId: string;
  stage: TStage;
  nextStage: TStage | null;
  fiscalYear: number;
  gates: TGateStatus[];
  /** Every gate of the current stage is met and there is a next stage to move to. */
  canAdvance: boolean;
  facts: Omit<TProjectFacts, 'stage'>;
};

/** The checklist shown beside the transition button: the current stage's gates, met or not. */
export async function getGates(ctx: Pick<DomainContext, 'db' | 'policy'>, projectId: string, now = new Date()): Promise<GatesResponse> {
  const fiscalYear = fiscalYearOf(now);
  const facts = await loadProjectFacts(ctx.db, projectId, fiscalYear);
  const gates = await ctx.policy.lifecycle.gatesOf(facts.stage, facts);
  const nextStage = nextStageOf(facts.stage);
  const { stage, ...rest } = facts;
  return { projectId, stage, nextStage, fiscalYear, gates, canAdvance: nextStage !== null && gates.every((g) => g.met), facts: rest };
}

/**
 * Move a project to another stage. The project row is locked and the gates re-checked inside the
 * transaction, so a document or KPI removed concurrently cannot slip a project past a gate. Forward
 * moves need every gate of every stage passed; backward moves and retiring need a reason. With an
 * expected version (If-Match), a project changed since it was read is a 409.
 */
export async function transitionProject(
  ctx: DomainContext,
  projectId: string,
  input: TTransitionRequest,
  expectedVersion?: number,
): Promise<ProjectRow> {
  return withTransaction(ctx.db, async (tx) => {
    const before = await lockProject(tx, projectId);
    if (!before) throw notFound('Project');
    requireProjectWrite(ctx.actor, before.bureauCode);
    if (expectedVersion !== undefined && before.version !== expectedVersion) {
      throw versionConflict(before.version, toProjectResponse(before));
    }
    const facts = await loadProjectFacts(tx, projectId);
    const reason = input.reason?.trim() ? input.reason : null;
    const decision = await ctx.policy.lifecycle.checkTransition(facts, input.to, reason);
    if (!decision.allowed) {
      if (decision.code === 'gate_unmet') {
        throw new AppError('gate_unmet', `The project cannot move from ${before.stage} to ${input.to}: some gates are not met`, {
          from: before.stage,
          to: input.to,
          unmet: decision.unmet,
        });
      }
      const errors = decision.code === 'reason_required' ? [{ path: 'reason', message: decision.message }] : undefined;
      throw new AppError(decision.code, decision.message, { from: before.stage, to: input.to, ...(errors ? { errors } : {}) });
    }

    const after = await updateLockedProject(tx, projectId, { stage: input.to }, ctx.actor.id);
    const transition = await insertStageTransition(tx, {
      projectId,
      fromStage: before.stage,
      toStage: input.to,
      direction: decision.direction,
      reason,
      actorId: ctx.actor.id,
    });
    await recordAudit(tx, whoOf(ctx), {
      action: 'project.transition',
      entityType: 'project',
      entityId: projectId,
      projectId,
      before: auditProjectState(before),
      after: { ...auditProjectState(after), transition: { id: transition.id, direction: decision.direction, reason } },
    });
    return after;
  });
}

export async function listTransitions(ctx: Pick<DomainContext, 'db'>, projectId: string) {
  if (!(await projectExists(ctx.db, projectId))) throw notFound('Project');
  const rows = await listStageTransitions(ctx.db, projectId);
  return rows.map((r) => ({
    id: r.id,
    fromStage: r.fromStage as TStage,
    toStage: r.toStage as TStage,
    direction: r.direction as 'forward' | 'backward' | 'retire',
    reason: r.reason,
    actorId: r.actorId,
    actorName: r.actorName,
    at: r.at.toISOString(),
  }));
}

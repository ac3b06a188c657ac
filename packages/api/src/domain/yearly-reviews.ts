import { fiscalYearOf, type TOutstandingResponse, type TRetirementDecisionRequest, type TYearlyReviewRequest } from '@psbook/core';
import { recordAudit } from '../audit.ts';
import { type Actor, requireProjectWrite } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import { lockProject } from '../db/queries/projects.ts';
import {
  decideLockedRetirement,
  insertYearlyReviewOnce,
  listOutstandingYearlyReviewRows,
  listYearlyReviewRows,
  lockYearlyReview,
  type OutstandingRowScope,
} from '../db/queries/yearly-reviews.ts';
import { withTransaction } from '../db/transaction.ts';
import { AppError, forbidden, notFound, validationError } from '../errors.ts';
import { transitionProject } from './lifecycle.ts';
import { getProjectOrThrow, whoOf } from './projects.ts';
import { reviewerReachOf } from './reviewers.ts';

/**
 * The yearly operation review (運用, DESIGN §2.2): each fiscal year a project in operation measures
 * every KPI and records a keep-or-retire decision (存廃判断). Recording `retire` opens a pending
 * retirement: the owning bureau then confirms it with a reason, which retires the project (the stage
 * transition, with its audit event), or withdraws it with a reason. Until then the project shows the
 * retirement as open work (decision 0019).
 */
export function toYearlyReviewResponse(row: {
  projectId: string;
  fiscalYear: number;
  decision: string;
  rationale: string;
  decidedBy: string | null;
  decidedByName?: string | null;
  decidedAt: Date;
  retirementStatus?: 'pending' | 'confirmed' | 'withdrawn' | null;
  retirementReason?: string | null;
  retirementDecidedBy?: string | null;
  retirementDecidedByName?: string | null;
  retirementDecidedAt?: Date | null;
}) {
  return {
    projectId: row.projectId,
    fiscalYear: row.fiscalYear,
    decision: row.decision as 'continue' | 'improve' | 'retire',
    rationale: row.rationale,
    decidedBy: row.decidedBy,
    decidedByName: row.decidedByName ?? null,
    decidedAt: row.decidedAt.toISOString(),
    retirement: row.retirementStatus
      ? {
          status: row.retirementStatus,
          reason: row.retirementReason ?? null,
          decidedBy: row.retirementDecidedBy ?? null,
          decidedByName: row.retirementDecidedByName ?? null,
          decidedAt: row.retirementDecidedAt?.toISOString() ?? null,
        }
      : null,
  };
}

export async function createYearlyReview(ctx: DomainContext, projectId: string, input: TYearlyReviewRequest) {
  // A decision about a year that has not begun would be a guess; the coming year is allowed because
  // bureaus decide continuation while compiling next year's budget.
  const latestYear = fiscalYearOf(new Date()) + 1;
  if (input.fiscalYear > latestYear) throw validationError([{ path: 'fiscalYear', message: `must be ${latestYear} or earlier` }]);
  return withTransaction(ctx.db, async (tx) => {
    // Locked so the decision and a concurrent stage change of the project cannot cross.
    const project = await lockProject(tx, projectId);
    if (!project) throw notFound('Project');
    requireProjectWrite(ctx.actor, project.bureauCode);
    if (project.stage !== 'operation') {
      throw new AppError('rule_violation', `Yearly reviews are recorded for projects in operation; this project is in ${project.stage}`, {
        stage: project.stage,
      });
    }
    const row = await insertYearlyReviewOnce(tx, {
      projectId,
      fiscalYear: input.fiscalYear,
      decision: input.decision,
      rationale: input.rationale,
      decidedBy: ctx.actor.id,
      retirementStatus: input.decision === 'retire' ? 'pending' : null,
    });
    if (!row)
      throw new AppError('conflict', `The decision for fiscal year ${input.fiscalYear} is already recorded`, {
        fiscalYear: input.fiscalYear,
      });
    await recordAudit(tx, whoOf(ctx), {
      action: 'yearly_review.create',
      entityType: 'yearly_review',
      entityId: `${projectId}:${input.fiscalYear}`,
      projectId,
      after: toYearlyReviewResponse(row),
    });
    return toYearlyReviewResponse({ ...row, decidedByName: ctx.actor.displayName });
  });
}

/**
 * Confirm or withdraw the retirement a `retire` decision opened. Confirming moves the project to
 * 廃止 through the lifecycle's own transition (same lock, checks and audit), with the bureau's reason,
 * in the same transaction, so the decision and the stage cannot disagree.
 */
export async function decideRetirement(ctx: DomainContext, projectId: string, fiscalYear: number, input: TRetirementDecisionRequest) {
  return withTransaction(ctx.db, async (tx) => {
    const project = await lockProject(tx, projectId);
    if (!project) throw notFound('Project');
    requireProjectWrite(ctx.actor, project.bureauCode);
    const review = await lockYearlyReview(tx, projectId, fiscalYear);
    if (!review) throw notFound('Yearly review');
    if (review.retirementStatus !== 'pending') {
      throw new AppError(
        'conflict',
        review.retirementStatus
          ? `This retirement was already ${review.retirementStatus}`
          : `The decision for fiscal year ${fiscalYear} is ${review.decision}, not retire: there is no retirement to decide`,
        { retirementStatus: review.retirementStatus },
      );
    }
    if (input.decision === 'confirm') {
      await transitionProject({ ...ctx, db: tx }, projectId, { to: 'retired', reason: input.reason });
    }
    const after = await decideLockedRetirement(tx, projectId, fiscalYear, {
      retirementStatus: input.decision === 'confirm' ? 'confirmed' : 'withdrawn',
      retirementReason: input.reason,
      retirementDecidedBy: ctx.actor.id,
    });
    await recordAudit(tx, whoOf(ctx), {
      action: input.decision === 'confirm' ? 'yearly_review.retirement_confirm' : 'yearly_review.retirement_withdraw',
      entityType: 'yearly_review',
      entityId: `${projectId}:${fiscalYear}`,
      projectId,
      before: { retirementStatus: 'pending' },
      after: { retirementStatus: after.retirementStatus, reason: input.reason },
    });
    return toYearlyReviewResponse({ ...after, retirementDecidedByName: ctx.actor.displayName });
  });
}

/** A project's yearly reviews, newest first; any signed-in user may read them, as the project itself. */
export async function listYearlyReviews(ctx: DomainContext, projectId: string) {
  await getProjectOrThrow(ctx, projectId);
  const rows = await listYearlyReviewRows(ctx.db, projectId);
  return rows.map(toYearlyReviewResponse);
}

/**
 * Whose operation projects an actor follows up: a reviewer the projects they review (bureau lead: their
 * bureaus' tier 1; CIO advisor: their bureaus' tier 2; chief: tier 3), staff their own bureaus' (they
 * are the ones who must record it), admin every one. Budget office and API tokens: none of this is theirs.
 */
type OutstandingScope = OutstandingRowScope;

function outstandingScopeOf(actor: Actor): OutstandingScope {
  if (actor.via !== 'session') throw forbidden('API tokens cannot read the yearly review follow-up');
  if (actor.role === 'admin') return { kind: 'all' };
  if (actor.role === 'staff') return { kind: 'bureaus', bureauCodes: actor.bureauCodes };
  const reach = reviewerReachOf(actor);
  if (!reach) throw forbidden('Only reviewers, the owning bureaus and admins follow up yearly reviews');
  return { kind: 'reviewer', ...reach };
}

export type OutstandingQuery = { fiscalYear?: number; limit?: number; cursor?: string };

/**
 * Operation-stage projects whose yearly review for `fiscalYear` is incomplete: a KPI without a
 * measurement for that year, or no keep-or-retire decision. Keyset-paged by project code.
 */
export async function listOutstandingYearlyReviews(ctx: DomainContext, query: OutstandingQuery): Promise<TOutstandingResponse> {
  const scope = outstandingScopeOf(ctx.actor);
  const fiscalYear = query.fiscalYear ?? fiscalYearOf(new Date());
  const limit = query.limit ?? 100;
  if (scope.kind !== 'all' && scope.bureauCodes !== 'all' && scope.bureauCodes.length === 0) {
    return { fiscalYear, items: [], nextCursor: null };
  }

  const rows = await listOutstandingYearlyReviewRows(ctx.db, scope, fiscalYear, { limit: limit + 1, cursor: query.cursor });
  const page = rows.slice(0, limit);
  return {
    fiscalYear,
    items: page.map((row) => ({
      projectId: row.id,
      projectCode: row.code,
      projectName: row.name,
      bureauCode: row.bureauCode,
      tier: row.tier,
      reviewerRole: row.reviewerRole,
      kpiCount: row.kpiCount,
      unmeasuredKpis: row.unmeasuredKpis,
      hasDecision: row.hasDecision,
    })),
    nextCursor: rows.length > limit ? page[page.length - 1]!.code : null,
  };
}

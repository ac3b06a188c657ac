import {
  releaseDecisionRefusal,
  type TChecklistItem,
  type TCreateReleaseRequest,
  type TOversightEvaluation,
  type TReleaseDecisionRequest,
  type TUpdateReleaseRequest,
  type TWithdrawReleaseRequest,
  ZReviewerRole,
  ZTier,
} from '@psbook/core';
import { recordAudit } from '../audit.ts';
import { requireProjectWrite } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { countProjectDocumentsOfKind } from '../db/queries/documents.ts';
import { lockProject } from '../db/queries/projects.ts';
import {
  findPendingReleaseRequestOf,
  findReleaseRequest,
  findReleaseRequestProjectId,
  insertReleaseRequest,
  listReleaseRequestsOfProject,
  listRoutingOf,
  lockReleaseRequest,
  type ReleaseRequestView,
  updateLockedReleaseRequest,
} from '../db/queries/releases.ts';
import { listActiveChecklistExemptions } from '../db/queries/supervision.ts';
import { withTransaction } from '../db/transaction.ts';
import { AppError, type FieldError, forbidden, notFound, validationError, versionConflict } from '../errors.ts';
import { notifyReleaseRequestDecided, notifyReleaseRequestRouted } from './notification-events.ts';
import { getProjectOrThrow, lockWithProject, projectHeadingOf, whoOf } from './projects.ts';
import { decisionRefusal, designatedReviewers, toReviewerResponse, toRoutingResponse } from './reviewers.ts';

/** A reviewer has this long to judge a release request (DESIGN §2.3; the inbox flags what is late). */
export const releaseReviewDays = 14;

type Evidence = { itemId: string; url?: string; note?: string };
type DecisionItem = { itemId: string; result: 'ok' | 'ng' | 'na'; note?: string };

/** The API shape of a release request; `routing` and `reviewers` only on the single-request view. */
export function toReleaseRequestResponse(row: ReleaseRequestView, now = Date.now()) {
  const decided = row.status === 'approved' || row.status === 'returned';
  return {
    id: row.id,
    ...projectHeadingOf(row),
    status: row.status as 'pending' | 'approved' | 'returned' | 'withdrawn',
    // Filed only with a tier, re-routed only upwards (domain/oversight.ts): never null, and so neither
    // is its reviewer role (the ruleset names one reviewer for each tier).
    tier: ZTier.parse(row.tier),
    reviewerRole: ZReviewerRole.parse(row.reviewerRole),
    checklist: row.checklist as TChecklistItem[],
    evidence: row.evidence as Evidence[],
    plannedReleaseDate: row.plannedReleaseDate,
    notes: row.notes,
    rulesetVersion: row.rulesetVersion,
    requestedBy: row.requestedBy,
    requestedByName: row.requestedByName,
    requestedAt: row.requestedAt.toISOString(),
    dueAt: row.dueAt.toISOString(),
    isOverdue: row.status === 'pending' && row.dueAt.getTime() < now,
    decision: decided
      ? {
          decision: row.status as 'approved' | 'returned',
          decidedBy: row.decidedBy,
          decidedByName: row.decidedByName,
          decidedAt: row.decidedAt?.toISOString() ?? null,
          comment: row.decisionComment,
          items: (row.decisionItems ?? []) as DecisionItem[],
        }
      : null,
    version: row.version,
  };
}
export type ReleaseRequestResponse = ReturnType<typeof toReleaseRequestResponse>;

/** A project's release requests, newest first; any signed-in user reads them, as the project itself. */
export async function listProjectReleaseRequests(ctx: DomainContext, projectId: string) {
  await getProjectOrThrow(ctx, projectId);
  const now = Date.now();
  return (await listReleaseRequestsOfProject(ctx.db, projectId)).map((row) => toReleaseRequestResponse(row, now));
}

/** One release request with its routing history and who may judge it now. */
export async function getReleaseRequestDetail(ctx: DomainContext, id: string) {
  const { db } = ctx;
  const row = await findReleaseRequest(db, id);
  if (!row) throw notFound('Release request');
  const [routing, exemptions] = await Promise.all([listRoutingOf(db, id), listActiveChecklistExemptions(db, row.projectId)]);
  const reviewers =
    row.status === 'pending'
      ? await designatedReviewers(db, { bureauCode: row.bureauCode, reviewerRole: row.reviewerRole }, row.requestedBy)
      : [];
  return {
    ...toReleaseRequestResponse(row),
    routing: routing.map(toRoutingResponse),
    reviewers: reviewers.map(toReviewerResponse),
    /** Checklist items the project is exempted from today (免除): they count as met. */
    exemptions: exemptions.map((e) => ({ itemId: e.target, reason: e.reason, expiresOn: e.expiresOn })),
  };
}

const oversightInputLabels: Record<string, string> = {
  budgetJpy: 'budget (budgetJpy)',
  maxDowntimeHours: 'allowed downtime (maxDowntimeHours)',
  confidentiality: 'data confidentiality (confidentiality)',
};

/** Evidence names only items of the checklist it is filed against (400 with the path otherwise). */
function checkEvidenceItems(checklist: TChecklistItem[], evidence: Evidence[], tier: number | null): void {
  const itemIds = new Set(checklist.map((item) => item.itemId));
  const unknown: FieldError[] = evidence.flatMap((e, i) =>
    itemIds.has(e.itemId) ? [] : [{ path: `evidence.${i}.itemId`, message: `not an item of the tier-${tier} checklist` }],
  );
  if (unknown.length) throw validationError(unknown);
}

/**
 * File a release request (リリース判定) for a project in development. The checklist of the project's
 * tier is copied onto the request, so the reviewer judges against the items that applied when it was
 * filed (a tier change re-routes it with the new tier's checklist: domain/oversight.ts).
 */
export async function createReleaseRequest(ctx: DomainContext, projectId: string, input: TCreateReleaseRequest): Promise<string> {
  return withTransaction(ctx.db, async (tx) => {
    // The project lock serialises filings, so "one pending request per project" cannot race.
    const project = await lockProject(tx, projectId);
    if (!project) throw notFound('Project');
    requireProjectWrite(ctx.actor, project.bureauCode);
    if (project.stage !== 'development') {
      throw new AppError('rule_violation', `A release request is filed in the development stage; this project is in ${project.stage}`, {
        stage: project.stage,
      });
    }
    if (project.tier === null) {
      const oversight = project.oversight as TOversightEvaluation;
      const missing = oversight.missing ?? [];
      throw new AppError(
        'rule_violation',
        `The project’s tier is not set, so no reviewer is designated: enter ${missing.map((m) => oversightInputLabels[m] ?? m).join(', ') || 'the oversight inputs'} first`,
        {
          missing,
          lowerBound: oversight.lowerBound,
          errors: missing.map((m) => ({ path: `project.${m}`, message: 'needed to set the tier' })),
        },
      );
    }
    const checklist = await ctx.policy.releaseChecklist(project.tier);
    const evidence = input.evidence ?? [];
    checkEvidenceItems(checklist, evidence, project.tier);

    if (await findPendingReleaseRequestOf(tx, projectId)) {
      throw new AppError('conflict', 'This project already has a pending release request: wait for its judgement first');
    }
    const row = await insertReleaseRequest(
      tx,
      {
        projectId,
        plannedReleaseDate: input.plannedReleaseDate,
        notes: input.notes ?? null,
        evidence: JSON.stringify(evidence),
        tier: project.tier,
        reviewerRole: project.reviewerRole,
        checklist: JSON.stringify(checklist),
        rulesetVersion: ctx.policy.rulesets['release-checklist'].version,
        requestedBy: ctx.actor.id,
      },
      releaseReviewDays,
    );
    await recordAudit(tx, whoOf(ctx), {
      action: 'release_request.create',
      entityType: 'release_request',
      entityId: row.id,
      projectId,
      after: { ...row, requestedAt: row.requestedAt.toISOString(), dueAt: row.dueAt.toISOString() },
    });
    await notifyReleaseRequestRouted(tx, project, row, false);
    return row.id;
  });
}

/**
 * Check the items of an approval or a return against the request's checklist (core's
 * `releaseDecisionRefusal`). Malformed lists (an item the checklist does not have, or one item twice)
 * are 400; a judgement the rules refuse is 422.
 */
function checkDecision(checklist: TChecklistItem[], input: TReleaseDecisionRequest, exempt: ReadonlySet<string>): void {
  const refusal = releaseDecisionRefusal(checklist, input, exempt);
  if (refusal === null) return;
  if (refusal.kind === 'malformed') throw validationError(refusal.problems);
  if (refusal.kind === 'comment_required') {
    throw new AppError('rule_violation', 'Say why the release request is returned', { errors: refusal.problems });
  }
  throw new AppError('rule_violation', 'Approval needs every checklist item judged ok (or na where allowed)', { errors: refusal.problems });
}

/** The checklist item of 「テストしないものはリリースしない」, and the item an exemption from it names. */
export const userTestItemId = 'user_test';

/**
 * 「テストしないものはリリースしない」(the user-test guideline): a release is approved only when the
 * project has registered a user test report (ユーザテスト結果報告書), or an approved, unexpired
 * exemption from the user-test item covers it. The reviewer's "ok" on the item is not enough: the
 * report is the evidence the book keeps.
 */
async function requireUserTestReport(tx: Db, projectId: string, exempt: ReadonlySet<string>): Promise<void> {
  if (exempt.has(userTestItemId)) return;
  if ((await countProjectDocumentsOfKind(tx, projectId, 'user_test_report')) > 0) return;
  throw new AppError(
    'rule_violation',
    'No user test report is registered: what is not tested is not released (テストしないものはリリースしない)',
    {
      errors: [
        {
          path: 'items',
          itemId: userTestItemId,
          message:
            'register a user test report (ユーザテスト結果報告書) on the project, or get an exemption from the user-test item approved',
        },
      ],
    },
  );
}

/**
 * Approve or return a pending release request. Only the reviewer its tier designates may, never the
 * applicant (domain/reviewers.ts). Locks the project, then the request, as a tier change does, so a
 * judgement and a re-routing cannot interleave.
 */
export async function decideReleaseRequest(
  ctx: DomainContext,
  id: string,
  input: TReleaseDecisionRequest,
  expectedVersion?: number,
): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const { project, row: request } = await lockWithProject(tx, id, 'Release request', findReleaseRequestProjectId, lockReleaseRequest);

    const refusal = decisionRefusal(ctx.actor, project, request);
    if (refusal) throw forbidden(refusal);
    if (request.status !== 'pending') {
      throw new AppError('conflict', `This release request was already ${request.status}`, { currentStatus: request.status });
    }
    if (expectedVersion !== undefined && expectedVersion !== request.version) throw versionConflict(request.version);
    const exempt = new Set((await listActiveChecklistExemptions(tx, project.id)).map((e) => e.target));
    checkDecision(request.checklist as TChecklistItem[], input, exempt);
    if (input.decision === 'approved') await requireUserTestReport(tx, project.id, exempt);

    const after = await updateLockedReleaseRequest(
      tx,
      id,
      {
        status: input.decision,
        decidedBy: ctx.actor.id,
        decisionComment: input.comment?.trim() ? input.comment : null,
        decisionItems: JSON.stringify(input.items),
      },
      { decided: true },
    );
    await recordAudit(tx, whoOf(ctx), {
      action: input.decision === 'approved' ? 'release_request.approve' : 'release_request.return',
      entityType: 'release_request',
      entityId: id,
      projectId: project.id,
      before: { status: request.status, version: request.version },
      after: {
        status: after.status,
        version: after.version,
        tier: after.tier,
        reviewerRole: after.reviewerRole,
        comment: after.decisionComment,
        items: input.items,
      },
    });
    await notifyReleaseRequestDecided(tx, project, request, input.decision);
  });
}

/**
 * The pending request, locked with its project, for the applicant's bureau to correct or withdraw.
 * Locks in the order a judgement does (project, then request), so the two cannot interleave.
 */
async function lockPendingForApplicant(ctx: DomainContext, tx: Db, id: string, expectedVersion: number) {
  const { project, row: request } = await lockWithProject(tx, id, 'Release request', findReleaseRequestProjectId, lockReleaseRequest);
  requireProjectWrite(ctx.actor, project.bureauCode);
  if (request.status !== 'pending') {
    throw new AppError('conflict', `This release request was already ${request.status}: only a pending request can be changed`, {
      currentStatus: request.status,
    });
  }
  if (expectedVersion !== request.version) throw versionConflict(request.version);
  return { project, request };
}

/**
 * Correct a pending release request (its planned date, notes or evidence) before it is judged. The
 * reviewer and checklist stay: they follow the tier, not the applicant's wording.
 */
export async function updateReleaseRequest(ctx: DomainContext, id: string, input: TUpdateReleaseRequest): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const { project, request } = await lockPendingForApplicant(ctx, tx, id, input.version);
    if (input.evidence) checkEvidenceItems(request.checklist as TChecklistItem[], input.evidence, request.tier);
    const after = await updateLockedReleaseRequest(tx, id, {
      ...(input.plannedReleaseDate !== undefined ? { plannedReleaseDate: input.plannedReleaseDate } : {}),
      ...(input.notes !== undefined ? { notes: input.notes.trim() ? input.notes : null } : {}),
      ...(input.evidence !== undefined ? { evidence: JSON.stringify(input.evidence) } : {}),
    });
    await recordAudit(tx, whoOf(ctx), {
      action: 'release_request.update',
      entityType: 'release_request',
      entityId: id,
      projectId: project.id,
      before: {
        plannedReleaseDate: request.plannedReleaseDate,
        notes: request.notes,
        evidence: request.evidence,
        version: request.version,
      },
      after: { plannedReleaseDate: after.plannedReleaseDate, notes: after.notes, evidence: after.evidence, version: after.version },
    });
  });
}

/** Withdraw a pending release request: it leaves the reviewer's inbox and a new one may be filed. */
export async function withdrawReleaseRequest(ctx: DomainContext, id: string, input: TWithdrawReleaseRequest): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const { project, request } = await lockPendingForApplicant(ctx, tx, id, input.version);
    const after = await updateLockedReleaseRequest(tx, id, { status: 'withdrawn' });
    await recordAudit(tx, whoOf(ctx), {
      action: 'release_request.withdraw',
      entityType: 'release_request',
      entityId: id,
      projectId: project.id,
      before: { status: request.status, version: request.version },
      after: { status: after.status, version: after.version, reason: input.reason?.trim() || null },
    });
  });
}

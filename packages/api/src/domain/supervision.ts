import {
  computeDivergence,
  computeKpiStatus,
  type Policy,
  periodIndex,
  periodOfDate,
  type TAssessmentRequest,
  type TConsultationMessageRequest,
  type TCreateConsultationRequest,
  type TCreateStatusReportRequest,
  type TKpiForStatus,
  type TKpiStatus,
  type TRating,
  type TRatings,
  type TStage,
  type TTier,
  ZReviewerRole,
  ZTier,
} from '@psbook/core';
import { recordAudit } from '../audit.ts';
import { type Actor, canWriteProject, requireProjectWrite } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { lockProject } from '../db/queries/projects.ts';
import {
  assessLockedStatusReport,
  type ConsultationView,
  findConsultation,
  findConsultationProjectId,
  findStatusReport,
  insertConsultation,
  insertConsultationMessage,
  insertStatusReport,
  lastEnteredStageOn,
  linkMessageAction,
  listConsultationRoutingOf,
  listConsultationsOfProject,
  listKpisOf,
  listMessagesOf,
  listPortfolioProjects,
  listReportRatingsOf,
  listStatusReportsOfProject,
  lockConsultation,
  lockStatusReport,
  type PortfolioScope,
  projectDocumentIds,
  type StatusReportView,
  updateLockedConsultation,
} from '../db/queries/supervision.ts';
import type { ProjectRow } from '../db/schema.ts';
import { withTransaction } from '../db/transaction.ts';
import { AppError, forbidden, notFound, validationError, versionConflict } from '../errors.ts';
import { insertFollowUpAction, requireBureauOwner } from './follow-up-actions.ts';
import { notifyConsultationReplied, notifyConsultationRouted } from './notification-events.ts';
import { getProjectOrThrow, lockWithProject, projectHeadingOf, whoOf } from './projects.ts';
import { decisionRefusal, designatedReviewers, reviewerReachOf, toReviewerResponse, toRoutingResponse } from './reviewers.ts';

/** Today in the server's time zone, the same clock as fiscal years and the inbox's due dates. */
export function localToday(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Why `actor` is not the consultee of `project` for something filed by `filedBy`, or null when they are. */
export const consulteeRefusal = (actor: Actor, project: ProjectRow, filedBy: string, subject: string) =>
  decisionRefusal(actor, project, { tier: project.tier, reviewerRole: project.reviewerRole, requestedBy: filedBy }, subject);

/* Consultations */

export function toConsultationResponse(row: ConsultationView, today = localToday()) {
  return {
    id: row.id,
    ...projectHeadingOf(row),
    topic: row.topic as TCreateConsultationRequest['topic'],
    subject: row.subject,
    status: row.status as 'open' | 'answered' | 'closed',
    // Opened only with a tier, re-routed only upwards (domain/oversight.ts): never null, and so neither
    // is its reviewer role (the ruleset names one reviewer for each tier).
    tier: ZTier.parse(row.tier),
    reviewerRole: ZReviewerRole.parse(row.reviewerRole),
    documentIds: row.documentIds,
    openedBy: row.openedBy,
    openedByName: row.openedByName,
    openedAt: row.openedAt.toISOString(),
    dueOn: row.dueOn,
    // Late while it waits on the consultee; once answered, the ball is with the bureau.
    isOverdue: row.status === 'open' && row.dueOn < today,
    answeredAt: row.answeredAt?.toISOString() ?? null,
    closedAt: row.closedAt?.toISOString() ?? null,
    version: row.version,
  };
}

/** A project's consultations, newest first; any signed-in user reads them, as the project itself. */
export async function listProjectConsultations(ctx: DomainContext, projectId: string) {
  await getProjectOrThrow(ctx, projectId);
  const today = localToday();
  return (await listConsultationsOfProject(ctx.db, projectId)).map((r) => toConsultationResponse(r, today));
}

export async function getConsultationDetail(ctx: DomainContext, id: string) {
  const { db } = ctx;
  const row = await findConsultation(db, id);
  if (!row) throw notFound('Consultation');
  const [messages, routing, consultees] = await Promise.all([
    listMessagesOf(db, id),
    listConsultationRoutingOf(db, id),
    row.status === 'closed' ? [] : designatedReviewers(db, { bureauCode: row.bureauCode, reviewerRole: row.reviewerRole }, row.openedBy),
  ]);
  return {
    ...toConsultationResponse(row),
    messages: messages.map((m) => ({
      id: m.id,
      authorId: m.authorId,
      authorName: m.authorName,
      side: m.side,
      body: m.body,
      actionId: m.actionId,
      createdAt: m.createdAt.toISOString(),
    })),
    routing: routing.map(toRoutingResponse),
    consultees: consultees.map(toReviewerResponse),
  };
}

const noConsultee = () =>
  new AppError('rule_violation', 'The project’s tier is not set, so no consultee is designated: enter the oversight inputs first', {
    errors: [{ path: 'project.tier', message: 'needed to designate the consultee' }],
  });

/**
 * Open a consultation (協議) with the project's consultee: the reviewer its tier designates, as for
 * release requests. Due the rules' working days after today.
 */
export async function openConsultation(ctx: DomainContext, projectId: string, input: TCreateConsultationRequest): Promise<string> {
  return withTransaction(ctx.db, async (tx) => {
    const project = await lockProject(tx, projectId);
    if (!project) throw notFound('Project');
    requireProjectWrite(ctx.actor, project.bureauCode);
    if (project.tier === null || project.reviewerRole === null) throw noConsultee();
    const documentIds = [...new Set(input.documentIds ?? [])];
    if (documentIds.length) {
      const found = await projectDocumentIds(tx, projectId, documentIds);
      const missing = (input.documentIds ?? []).flatMap((id, i) =>
        found.has(id) ? [] : [{ path: `documentIds.${i}`, message: 'not a document of this project' }],
      );
      if (missing.length) throw validationError(missing);
    }
    const row = await insertConsultation(tx, {
      projectId,
      topic: input.topic,
      subject: input.subject,
      tier: project.tier,
      reviewerRole: project.reviewerRole,
      documentIds: JSON.stringify(documentIds),
      openedBy: ctx.actor.id,
      dueOn: ctx.policy.supervision.consultationDueOn(localToday()),
    });
    const message = await insertConsultationMessage(tx, {
      consultationId: row.id,
      authorId: ctx.actor.id,
      side: 'bureau',
      body: input.body,
    });
    await recordAudit(tx, whoOf(ctx), {
      action: 'consultation.create',
      entityType: 'consultation',
      entityId: row.id,
      projectId,
      after: { ...row, openedAt: row.openedAt.toISOString(), messageId: message.id, body: input.body },
    });
    await notifyConsultationRouted(tx, project, row, 'opened');
    return row.id;
  });
}

async function lockConsultationWithProject(tx: Db, id: string) {
  const { project, row: consultation } = await lockWithProject(tx, id, 'Consultation', findConsultationProjectId, lockConsultation);
  return { project, consultation };
}

/**
 * Add a message to a consultation. The consultee's message answers it (and may record guidance, which
 * becomes a follow-up action for the bureau); the bureau's message puts it back in the consultee's inbox.
 * GovTech Tokyo (role govtech) gives technical guidance in any consultation (slide 83/85: the DSB
 * "works with GovTech Tokyo to give technical guidance"): its message may record guidance too, but
 * does not answer for the consultee, so the consultation's status stays as it was.
 */
export async function postConsultationMessage(ctx: DomainContext, id: string, input: TConsultationMessageRequest): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const { project, consultation } = await lockConsultationWithProject(tx, id);
    const isConsultee =
      decisionRefusal(ctx.actor, project, { ...consultation, requestedBy: consultation.openedBy }, 'consultation') === null;
    const isTechnical = !isConsultee && ctx.actor.role === 'govtech' && ctx.actor.via === 'session';
    if (!isConsultee && !isTechnical && !canWriteProject(ctx.actor, project.bureauCode)) {
      throw forbidden(`Only the bureau ${project.bureauCode}, the project’s consultee and GovTech Tokyo take part in this consultation`);
    }
    if (consultation.status === 'closed') throw new AppError('conflict', 'This consultation is closed', { currentStatus: 'closed' });
    if (input.guidance && !isConsultee && !isTechnical) throw forbidden('Only the consultee and GovTech Tokyo record guidance (指導)');

    const side = isConsultee ? 'consultee' : isTechnical ? 'technical' : 'bureau';
    const message = await insertConsultationMessage(tx, { consultationId: id, authorId: ctx.actor.id, side, body: input.body });
    let actionId: string | null = null;
    if (input.guidance) {
      const ownerId = input.guidance.ownerId ?? consultation.openedBy;
      await requireBureauOwner(tx, project.bureauCode, ownerId, 'guidance.ownerId');
      actionId = await insertFollowUpAction({ ...ctx, db: tx }, project.id, {
        title: input.guidance.title,
        ownerId,
        dueDate: input.guidance.dueDate,
        blocking: input.guidance.blocking,
        source: { kind: 'guidance', refId: id, detail: message.id },
      });
      await linkMessageAction(tx, message.id, actionId);
    }
    const status = isConsultee ? 'answered' : isTechnical ? consultation.status : 'open';
    // A bureau's follow-up to an answer is a new question: the consultee gets the full time again.
    const isReopened = side === 'bureau' && consultation.status === 'answered';
    await updateLockedConsultation(
      tx,
      id,
      { status, ...(isReopened ? { dueOn: ctx.policy.supervision.consultationDueOn(localToday()) } : {}) },
      { answered: isConsultee },
    );
    await auditConsultationStep(tx, ctx, project.id, id, consultation, 'message', {
      status,
      version: consultation.version + 1,
      messageId: message.id,
      side,
      body: input.body,
      actionId,
    });
    await notifyConsultationReplied(tx, project, consultation, side, ctx.actor.id, actionId !== null);
  });
}

/** The audit event of a step of a locked consultation: its status and version before, and what it is after. */
function auditConsultationStep(
  tx: Db,
  ctx: DomainContext,
  projectId: string,
  id: string,
  before: { status: string; version: number },
  step: 'message' | 'close',
  after: Record<string, unknown>,
) {
  return recordAudit(tx, whoOf(ctx), {
    action: `consultation.${step}`,
    entityType: 'consultation',
    entityId: id,
    projectId,
    before: { status: before.status, version: before.version },
    after,
  });
}

/** Close a consultation: the bureau or the consultee, with the version they last saw. */
export async function closeConsultation(ctx: DomainContext, id: string, expectedVersion: number): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const { project, consultation } = await lockConsultationWithProject(tx, id);
    const isConsultee =
      decisionRefusal(ctx.actor, project, { ...consultation, requestedBy: consultation.openedBy }, 'consultation') === null;
    if (!isConsultee && !canWriteProject(ctx.actor, project.bureauCode)) {
      throw forbidden(`Only the bureau ${project.bureauCode} and the project’s consultee close this consultation`);
    }
    if (consultation.status === 'closed')
      throw new AppError('conflict', 'This consultation is already closed', { currentStatus: 'closed' });
    if (consultation.version !== expectedVersion) throw versionConflict(consultation.version);
    await updateLockedConsultation(tx, id, {}, { closedBy: ctx.actor.id });
    await auditConsultationStep(tx, ctx, project.id, id, consultation, 'close', { status: 'closed', version: consultation.version + 1 });
  });
}

/* Status reports */

export function toStatusReportResponse(row: StatusReportView) {
  return {
    id: row.id,
    projectId: row.projectId,
    period: row.period,
    stage: row.stage as TStage,
    // Filed only while the project is supervised, which needs a tier: never null.
    tier: ZTier.parse(row.tier),
    milestones: row.milestones as TCreateStatusReportRequest['milestones'],
    cost: { budgetJpy: row.budgetJpy, contractJpy: row.contractJpy, spentJpy: row.spentJpy, forecastJpy: row.forecastJpy },
    selfRating: row.selfRating as TRatings,
    risks: row.risks as TCreateStatusReportRequest['risks'],
    narrative: row.narrative,
    filedBy: row.filedBy,
    filedByName: row.filedByName,
    filedAt: row.filedAt.toISOString(),
    assessment: row.assessment
      ? {
          ratings: row.assessment as TRatings,
          comment: row.assessmentComment ?? '',
          assessedBy: row.assessedBy,
          assessedByName: row.assessedByName,
          assessedAt: row.assessedAt?.toISOString() ?? null,
        }
      : null,
    version: row.version,
  };
}

/** File the status report (状況報告) of one period. One per project and period: a second is 409. */
export async function fileStatusReport(ctx: DomainContext, projectId: string, input: TCreateStatusReportRequest): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const project = await lockProject(tx, projectId);
    if (!project) throw notFound('Project');
    requireProjectWrite(ctx.actor, project.bureauCode);
    const stage = project.stage as TStage;
    if (!ctx.policy.supervision.isSupervised(stage, project.tier)) {
      throw new AppError(
        'rule_violation',
        project.tier === null
          ? 'The project’s tier is not set, so it has no consultee to report to'
          : `Status reports are filed in the stages ${ctx.policy.rulesets.supervision.content.supervisedStages.join(', ')}; this project is in ${stage}`,
        { stage, tier: project.tier },
      );
    }
    if (periodIndex(input.period) > periodIndex(periodOfDate(localToday()))) {
      throw new AppError('rule_violation', 'A status report is for a month that has begun', {
        errors: [{ path: 'period', message: 'is in the future' }],
      });
    }
    // The project lock serialises filings; the unique key is the last word if anything slips past.
    if (await lockStatusReport(tx, projectId, input.period)) {
      throw new AppError('conflict', `A status report for ${input.period} has already been filed`, { period: input.period });
    }
    const row = await insertStatusReport(tx, {
      projectId,
      period: input.period,
      stage,
      tier: project.tier,
      milestones: JSON.stringify(input.milestones),
      budgetJpy: input.cost.budgetJpy,
      contractJpy: input.cost.contractJpy,
      spentJpy: input.cost.spentJpy,
      forecastJpy: input.cost.forecastJpy,
      selfRating: JSON.stringify(input.selfRating),
      risks: JSON.stringify(input.risks),
      narrative: input.narrative,
      filedBy: ctx.actor.id,
    });
    await recordAudit(tx, whoOf(ctx), {
      action: 'status_report.create',
      entityType: 'status_report',
      entityId: row.id,
      projectId,
      after: { ...input, stage, tier: project.tier, version: row.version },
    });
  });
}

/** Record (or revise) the consultee's independent assessment of one report; only the consultee, never the filer. */
export async function assessStatusReport(ctx: DomainContext, projectId: string, period: string, input: TAssessmentRequest): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const project = await lockProject(tx, projectId);
    if (!project) throw notFound('Project');
    const report = await lockStatusReport(tx, projectId, period);
    if (!report) throw notFound('Status report');
    const refusal = consulteeRefusal(ctx.actor, project, report.filedBy, 'status report');
    if (refusal) throw forbidden(refusal);
    if (report.version !== input.version) throw versionConflict(report.version);
    await assessLockedStatusReport(tx, report.id, {
      assessment: JSON.stringify(input.ratings),
      assessmentComment: input.comment,
      assessedBy: ctx.actor.id,
    });
    await recordAudit(tx, whoOf(ctx), {
      action: 'status_report.assess',
      entityType: 'status_report',
      entityId: report.id,
      projectId,
      before: { assessment: report.assessment, comment: report.assessmentComment, version: report.version },
      after: { assessment: input.ratings, comment: input.comment, version: report.version + 1 },
    });
  });
}

export async function getStatusReport(ctx: DomainContext, projectId: string, period: string) {
  const row = await findStatusReport(ctx.db, projectId, period);
  if (!row) throw notFound('Status report');
  return toStatusReportResponse(row);
}

/**
 * What the report list shows beside the reports: whether the project is supervised, its cadence, the
 * divergence flag and the report owed next (overdue or not).
 */
/** A project's status reports, with what the list shows beside them (summariseReports). */
export async function listProjectStatusReports(ctx: DomainContext, projectId: string) {
  const project = await getProjectOrThrow(ctx, projectId);
  const items = (await listStatusReportsOfProject(ctx.db, projectId)).map(toStatusReportResponse);
  return { items, summary: await summariseReports(ctx.db, ctx.policy, project, items) };
}

async function summariseReports(db: Db, policy: Policy, project: ProjectRow, reports: ReturnType<typeof toStatusReportResponse>[]) {
  const stage = project.stage as TStage;
  const tier = project.tier;
  const divergence = computeDivergence(
    reports.map((r) => ({ period: r.period, selfRating: r.selfRating, assessment: r.assessment?.ratings ?? null })),
  );
  const due = policy.supervision.reportDue({
    stage,
    tier,
    supervisedSince: await supervisedSinceOf(db, project),
    latestReportPeriod: reports[0]?.period ?? null,
    today: localToday(),
  });
  return {
    supervised: due !== null,
    cadenceMonths: policy.supervision.cadenceOf(tier),
    ...reportingState(divergence, due),
  };
}

/** When the project entered its current stage (its creation if it never moved): supervision starts there. */
async function supervisedSinceOf(db: Db, project: ProjectRow): Promise<string> {
  const moved = await lastEnteredStageOn(db, project.id, project.stage);
  return moved?.at ?? localToday(project.createdAt);
}

/* Portfolio */

export type PortfolioFilter = { bureau?: string; tier?: TTier; rating?: TRating; divergent?: boolean; overdue?: boolean };

const kpiRank: Record<TKpiStatus, number> = { behind: 0, no_data: 1, on_track: 2, achieved: 3 };

/**
 * The reviewer's portfolio (DESIGN §2.8): one row per supervised project they are the consultee of (all
 * of them for the chief CIO advisor and admins), divergent and overdue first.
 */
export async function listPortfolio(ctx: DomainContext, filter: PortfolioFilter) {
  const { actor, policy, db } = ctx;
  let scope: PortfolioScope;
  if (actor.via === 'session' && (actor.role === 'admin' || actor.role === 'chief_cio_advisor')) scope = 'all';
  else {
    const reach = reviewerReachOf(actor);
    if (!reach) throw forbidden('The portfolio is for reviewers: bureau leads, CIO advisors, the chief CIO advisor and admins');
    scope = reach;
  }
  const stages = policy.rulesets.supervision.content.supervisedStages;
  const projects = await listPortfolioProjects(db, scope, stages, filter);
  const ids = projects.map((p) => p.id);
  const [reports, kpiData] = await Promise.all([listReportRatingsOf(db, ids), listKpisOf(db, ids)]);
  const reportsOf = new Map<string, typeof reports>();
  for (const r of reports) reportsOf.set(r.projectId, [...(reportsOf.get(r.projectId) ?? []), r]);
  const measurementsOf = new Map<string, typeof kpiData.measurements>();
  for (const m of kpiData.measurements) measurementsOf.set(m.kpiId, [...(measurementsOf.get(m.kpiId) ?? []), m]);
  const kpiStatusOf = new Map<string, TKpiStatus>();
  for (const k of kpiData.kpis) {
    const status = computeKpiStatus(
      {
        direction: k.direction as TKpiForStatus['direction'],
        baselineValue: k.baselineValue,
        baselineYear: k.baselineYear,
        targetValue: k.targetValue,
        targetText: k.targetText,
        targetFiscalYear: k.targetFiscalYear,
      },
      measurementsOf.get(k.id) ?? [],
    );
    const worst = kpiStatusOf.get(k.projectId);
    if (worst === undefined || kpiRank[status] < kpiRank[worst]) kpiStatusOf.set(k.projectId, status);
  }

  const today = localToday();
  const rows = projects.map((p) => {
    const own = (reportsOf.get(p.id) ?? []).map((r) => ({
      period: r.period,
      selfRating: r.selfRating as TRatings,
      assessment: r.assessment as TRatings | null,
    }));
    const latest = own[0] ?? null;
    const latestAssessed = own.find((r) => r.assessment !== null) ?? null;
    const divergence = computeDivergence(own);
    const due = policy.supervision.reportDue({
      stage: p.stage as TStage,
      tier: p.tier,
      supervisedSince: p.supervisedSince,
      latestReportPeriod: latest?.period ?? null,
      today,
    });
    return {
      projectId: p.id,
      projectCode: p.code,
      projectName: p.name,
      bureauCode: p.bureauCode,
      tier: p.tier,
      stage: p.stage as TStage,
      latestPeriod: latest?.period ?? null,
      selfRating: latest?.selfRating.overall ?? null,
      assessment: latestAssessed?.assessment?.overall ?? null,
      assessedPeriod: latestAssessed?.period ?? null,
      ...reportingState(divergence, due),
      awaitingAssessment: latest !== null && latest.assessment === null,
      openActions: Number(p.openActions),
      openBlockingActions: Number(p.openBlockingActions),
      openConsultations: Number(p.openConsultations),
      overdueConsultations: Number(p.overdueConsultations),
      kpiStatus: kpiStatusOf.get(p.id) ?? null,
    };
  });
  const filtered = rows.filter(
    (r) =>
      (filter.rating === undefined || (r.assessment ?? r.selfRating) === filter.rating) &&
      (filter.divergent === undefined || r.divergent === filter.divergent) &&
      (filter.overdue === undefined || r.reportOverdue === filter.overdue),
  );
  const urgency = (r: (typeof rows)[number]) => (r.divergent ? 2 : 0) + (r.reportOverdue ? 1 : 0);
  filtered.sort((a, b) => urgency(b) - urgency(a) || b.tier - a.tier || (a.projectCode < b.projectCode ? -1 : 1));
  return { items: filtered };
}

/** What the project's view and the portfolio both say of its reporting: divergence and the report due. */
function reportingState(divergence: ReturnType<typeof computeDivergence>, due: ReturnType<Policy['supervision']['reportDue']>) {
  return {
    divergent: divergence.divergent,
    divergence: divergence.reasons,
    reportOverdue: due?.overdue ?? false,
    duePeriod: due?.duePeriod ?? null,
    nextPeriod: due?.nextPeriod ?? null,
    nextDeadline: due?.nextDeadline ?? null,
  };
}

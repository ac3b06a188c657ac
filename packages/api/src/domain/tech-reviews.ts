import {
  reflectionOutcomeLabels,
  type TReflectionOutcome,
  type TTechReviewReflectionRequest,
  type TUpdateTechReviewRequest,
} from '@psbook/core';
import { recordAudit } from '../audit.ts';
import { type Actor, requirePermission } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import {
  decodeTechReviewCursor,
  findBudgetCycle,
  findTechReview,
  listReflectionOutcomesByYear,
  listTechReviews,
  lockTechReview,
  lockTechReviewReflection,
  type TechReviewCursor,
  type TechReviewFilter,
  type TechReviewView,
  updateLockedTechReview,
  writeTechReviewReflection,
} from '../db/queries/tech-reviews.ts';
import { withTransaction } from '../db/transaction.ts';
import { AppError, type FieldError, forbidden, notFound, validationError, versionConflict } from '../errors.ts';
import { whoOf } from './projects.ts';

export const techReviewStatusLabels = { extracted: '抽出済', in_review: '評価中', submitted: '提出済' } as const;
type TechReviewStatus = keyof typeof techReviewStatusLabels;

export function toTechReviewResponse(row: TechReviewView) {
  return {
    id: row.id,
    fiscalYear: row.fiscalYear,
    projectId: row.projectId,
    projectCode: row.projectCode,
    projectName: row.projectName,
    bureauCode: row.bureauCode,
    bureauName: row.bureauName,
    status: row.status as TechReviewStatus,
    tierAtExtraction: row.tierAtExtraction,
    budgetJpyAtExtraction: row.budgetJpyAtExtraction,
    extractionRulesetVersion: row.extractionRulesetVersion,
    /** 区分未設定: extracted because its known factors already give tier ≥ 2. */
    isTierNotSet: row.isTierNotSet,
    /** The bureau had not written the service canvas when the project was extracted. */
    isCanvasMissing: row.isCanvasMissing,
    // In the cycle's order, every viewpoint of the cycle, rated or not.
    viewpoints: row.cycleViewpoints.viewpoints.map((v) => ({
      id: v.id,
      label: v.label,
      rating: row.viewpoints[v.id]?.rating ?? null,
      comment: row.viewpoints[v.id]?.comment ?? '',
    })),
    overallOpinion: row.overallOpinion,
    evaluationDeadline: row.evaluationDeadline,
    reviewerId: row.reviewerId,
    reviewerName: row.reviewerName,
    reflection:
      row.reflectionOutcome === null
        ? null
        : {
            outcome: row.reflectionOutcome as TReflectionOutcome,
            amountChangeJpy: row.reflectionAmountChangeJpy ?? 0,
            comment: row.reflectionComment ?? '',
            recordedByName: row.reflectionRecordedByName,
            recordedAt: row.reflectionRecordedAt?.toISOString() ?? '',
            version: row.reflectionVersion ?? 1,
          },
    extractedAt: row.extractedAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  };
}
export type TechReviewResponse = ReturnType<typeof toTechReviewResponse>;

export type TechReviewReadScope = {
  /** Only these bureaus' projects; undefined for every bureau. */
  bureauCodes: string[] | undefined;
  /** Only cycles whose evaluation report was submitted. */
  submittedOnly: boolean;
};

/**
 * Who reads tech reviews (DESIGN §2.4, slide 83): the DSB (admin) and GovTech Tokyo, the CIO advisors;
 * the budget office (also by API token) only once a cycle's evaluation report is submitted (評価書提出),
 * then all of it; staff and bureau leads only their own bureaus' projects.
 */
export function techReviewReadScope(actor: Actor): TechReviewReadScope {
  switch (actor.role) {
    case 'admin':
    case 'govtech':
    case 'chief_cio_advisor':
    case 'cio_advisor':
      return { bureauCodes: undefined, submittedOnly: false };
    case 'budget_office':
      return { bureauCodes: undefined, submittedOnly: true };
    case 'staff':
    case 'bureau_lead':
      return { bureauCodes: actor.bureauCodes, submittedOnly: false };
    default:
      throw forbidden('You cannot read tech reviews');
  }
}

export async function listVisibleTechReviews(
  ctx: DomainContext,
  filter: Omit<TechReviewFilter, 'bureauCodes' | 'submittedOnly'>,
  page: { limit: number; cursor: string | undefined },
) {
  // The list's own cursor (db/queries/tech-reviews.ts); one it did not write is a 400 on `query.cursor`.
  const cursor = page.cursor === undefined ? null : decodeTechReviewCursor(page.cursor);
  if (page.cursor !== undefined && !cursor) throw validationError([{ path: 'query.cursor', message: 'not a cursor from this API' }]);
  const scope = techReviewReadScope(ctx.actor);
  const { rows, nextCursor } = await listTechReviews(ctx.db, { ...filter, ...scope }, { limit: page.limit, cursor });
  return { items: rows.map(toTechReviewResponse), nextCursor };
}

/** Every visible tech review matching the filter, read page by page (for the CSV report). */
export async function listAllVisibleTechReviews(ctx: DomainContext, filter: Omit<TechReviewFilter, 'bureauCodes' | 'submittedOnly'>) {
  const { db } = ctx;
  const scope = techReviewReadScope(ctx.actor);
  const all: TechReviewResponse[] = [];
  let cursor: TechReviewCursor | null = null;
  for (;;) {
    const page = await listTechReviews(db, { ...filter, ...scope }, { limit: 1000, cursor });
    all.push(...page.rows.map(toTechReviewResponse));
    if (!page.nextCursor) return all;
    const last = page.rows[page.rows.length - 1]!;
    cursor = { fiscalYear: last.fiscalYear, projectCode: last.projectCode };
  }
}

export async function getVisibleTechReview(ctx: DomainContext, id: string): Promise<TechReviewResponse> {
  const { bureauCodes, submittedOnly } = techReviewReadScope(ctx.actor);
  const row = await findTechReview(ctx.db, id);
  // Another bureau's review is "not found" to staff: they may not even learn which projects were picked.
  // So is an unsubmitted one to the budget office: before 評価書提出 it does not exist for them.
  if (!row || (bureauCodes && !bureauCodes.includes(row.bureauCode)) || (submittedOnly && row.status !== 'submitted')) {
    throw notFound('Tech review');
  }
  return toTechReviewResponse(row);
}

/**
 * GovTech Tokyo (role govtech) records the evaluation at the version they saw, on the viewpoints of the
 * cycle (ids and ratings outside the cycle's ruleset are refused with their paths). Writing any
 * evaluation on an `extracted` review moves it to `in_review` unless a status is sent; `submitted` is
 * reached only by submitting the whole cycle, and a submitted review is frozen.
 */
export async function updateTechReview(ctx: DomainContext, id: string, input: TUpdateTechReviewRequest): Promise<void> {
  requirePermission(ctx.actor, 'techReview.manage');
  await withTransaction(ctx.db, async (tx) => {
    const before = await lockTechReview(tx, id);
    if (!before) throw notFound('Tech review');
    if (before.status === 'submitted') {
      throw new AppError('conflict', 'This tech review was submitted to the budget office and can no longer change');
    }
    if (before.version !== input.version) throw versionConflict(before.version);

    const changes: { viewpoints?: string; overallOpinion?: string } = {};
    if (input.viewpoints) {
      const cycle = await findBudgetCycle(tx, before.fiscalYear);
      if (!cycle) throw notFound(`Budget cycle ${before.fiscalYear}`);
      const known = new Set(cycle.viewpoints.viewpoints.map((v) => v.id));
      const scale = cycle.viewpoints.ratingScale.map((r) => r.value);
      const errors: FieldError[] = [];
      for (const [viewpoint, value] of Object.entries(input.viewpoints)) {
        if (!known.has(viewpoint)) {
          errors.push({
            path: `viewpoints.${viewpoint}`,
            message: `not a viewpoint of the ${before.fiscalYear} cycle (${[...known].join(', ')})`,
          });
        } else if (value.rating !== null && !scale.includes(value.rating)) {
          errors.push({ path: `viewpoints.${viewpoint}.rating`, message: `must be one of ${scale.join(', ')}` });
        }
      }
      if (errors.length) throw validationError(errors);
      changes.viewpoints = JSON.stringify({ ...before.viewpoints, ...input.viewpoints });
    }
    if (input.overallOpinion !== undefined) changes.overallOpinion = input.overallOpinion;
    const hasEvaluation = Object.keys(changes).length > 0;
    const status = input.status ?? (hasEvaluation && before.status === 'extracted' ? 'in_review' : before.status);

    const after = await updateLockedTechReview(tx, id, { ...changes, status, reviewerId: ctx.actor.id });
    const state = (r: typeof before) => ({
      status: r.status,
      viewpoints: r.viewpoints,
      overallOpinion: r.overallOpinion,
      version: r.version,
    });
    await recordAudit(tx, whoOf(ctx), {
      action: 'tech_review.update',
      entityType: 'tech_review',
      entityId: id,
      projectId: before.projectId,
      before: state(before),
      after: state(after),
    });
  });
}

/**
 * The budget office records how a submitted review's opinion was reflected in the budget (slide 83:
 * 「意見を付し、予算編成作業に反映」), or corrects it, at the reflection version it saw (0: none yet).
 */
export async function recordReflection(ctx: DomainContext, id: string, input: TTechReviewReflectionRequest): Promise<void> {
  requirePermission(ctx.actor, 'techReview.reflect');
  if (ctx.actor.via !== 'session') throw forbidden('Reflections are recorded by a signed-in person, not by an API token');
  await withTransaction(ctx.db, async (tx) => {
    const review = await lockTechReview(tx, id);
    if (review?.status !== 'submitted') {
      // An unsubmitted review does not exist for the budget office (techReviewReadScope).
      throw notFound('Tech review');
    }
    const before = await lockTechReviewReflection(tx, id);
    if ((before?.version ?? 0) !== input.version) throw versionConflict(before?.version ?? 0);
    const values = { outcome: input.outcome, amountChangeJpy: input.amountChangeJpy, comment: input.comment, recordedBy: ctx.actor.id };
    const after = await writeTechReviewReflection(tx, id, values, before !== undefined);
    const state = (r: NonNullable<typeof before>) => ({
      outcome: r.outcome,
      amountChangeJpy: r.amountChangeJpy,
      comment: r.comment,
      version: r.version,
    });
    await recordAudit(tx, whoOf(ctx), {
      action: 'tech_review.reflect',
      entityType: 'tech_review',
      entityId: id,
      projectId: review.projectId,
      before: before ? state(before) : null,
      after: state(after),
    });
  });
}

/** The year-on-year list of reflection outcomes, over the submitted cycles the actor may read. */
export async function listReflectionOutcomes(ctx: DomainContext) {
  const { bureauCodes } = techReviewReadScope(ctx.actor);
  return listReflectionOutcomesByYear(ctx.db, bureauCodes);
}

/** The tech review report as Excel reads it: Japanese headers, one row per project, the cycle's viewpoints in order. */
export function techReviewCsvRows(reviews: TechReviewResponse[]) {
  // One report is one fiscal year, so one set of viewpoints; the first review's set names the columns.
  const viewpoints = reviews[0]?.viewpoints ?? [];
  const header = [
    '年度',
    'プロジェクト番号',
    '事業名',
    '局',
    '区分',
    '予算額（円）',
    '抽出時の注記',
    // The screen's words (docs/glossary.md): a viewpoint's コメント and the 総合意見, not 所見.
    ...viewpoints.flatMap((v) => [`${v.label.ja} 評価`, `${v.label.ja} コメント`]),
    '総合意見',
    '状況',
    '反映状況',
    '増減額（円）',
    '反映についてのコメント',
  ];
  // 区分 and 予算額 are the figures the review assessed (at extraction), as the report states them.
  const rows = reviews.map((r) => {
    const byId = new Map(r.viewpoints.map((v) => [v.id, v]));
    return [
      r.fiscalYear,
      r.projectCode,
      r.projectName,
      r.bureauName,
      r.tierAtExtraction ?? '',
      r.budgetJpyAtExtraction ?? '',
      extractionNotes(r).join('・'),
      ...viewpoints.flatMap((v) => [byId.get(v.id)?.rating ?? '', byId.get(v.id)?.comment ?? '']),
      r.overallOpinion,
      techReviewStatusLabels[r.status],
      r.reflection ? reflectionOutcomeLabels[r.reflection.outcome].ja : '',
      r.reflection?.amountChangeJpy ?? '',
      r.reflection?.comment ?? '',
    ];
  });
  return { header, rows };
}

/** The flags an extraction left, as the report words them. */
export function extractionNotes(r: Pick<TechReviewResponse, 'isTierNotSet' | 'isCanvasMissing'>): string[] {
  return [...(r.isTierNotSet ? ['区分未設定'] : []), ...(r.isCanvasMissing ? ['キャンバス未記入'] : [])];
}

import type { TTier, TUpdateTechReviewRequest } from '@psbook/core';
import { sql } from 'kysely';
import { recordAudit } from '../audit.ts';
import { type Actor, requirePermission } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import {
  findTechReview,
  listTechReviews,
  lockTechReview,
  type TechReviewCursor,
  type TechReviewFilter,
  type TechReviewView,
} from '../db/queries/tech-reviews.ts';
import { AppError, forbidden, notFound, versionConflict } from '../errors.ts';
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
    tierAtExtraction: row.tierAtExtraction as TTier | null,
    budgetJpyAtExtraction: row.budgetJpyAtExtraction,
    extractionRulesetVersion: row.extractionRulesetVersion,
    technical: { rating: row.technicalRating, comment: row.technicalComment },
    usability: { rating: row.usabilityRating, comment: row.usabilityComment },
    security: { rating: row.securityRating, comment: row.securityComment },
    overallOpinion: row.overallOpinion,
    evaluationDeadline: row.evaluationDeadline,
    reviewerId: row.reviewerId,
    reviewerName: row.reviewerName,
    extractedAt: row.extractedAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  };
}
export type TechReviewResponse = ReturnType<typeof toTechReviewResponse>;

/**
 * Who reads tech reviews (DESIGN §2.4): the DSB (admin), the budget office (also by API token), the
 * CIO advisors; staff and bureau leads only their own bureaus' projects. Returns the bureau filter to
 * apply, or undefined for "every bureau".
 */
export function techReviewReadScope(actor: Actor): string[] | undefined {
  switch (actor.role) {
    case 'admin':
    case 'budget_office':
    case 'chief_cio_advisor':
    case 'cio_advisor':
      return undefined;
    case 'staff':
    case 'bureau_lead':
      return actor.bureauCodes;
    default:
      throw forbidden('You cannot read tech reviews');
  }
}

export async function listVisibleTechReviews(
  db: Db,
  actor: Actor,
  filter: Omit<TechReviewFilter, 'bureauCodes'>,
  page: { limit: number; cursor: TechReviewCursor | null },
) {
  const { rows, nextCursor } = await listTechReviews(db, { ...filter, bureauCodes: techReviewReadScope(actor) }, page);
  return { items: rows.map(toTechReviewResponse), nextCursor };
}

/** Every visible tech review matching the filter, read page by page (for the CSV report). */
export async function listAllVisibleTechReviews(db: Db, actor: Actor, filter: Omit<TechReviewFilter, 'bureauCodes'>) {
  const bureauCodes = techReviewReadScope(actor);
  const all: TechReviewResponse[] = [];
  let cursor: TechReviewCursor | null = null;
  for (;;) {
    const page = await listTechReviews(db, { ...filter, bureauCodes }, { limit: 1000, cursor });
    all.push(...page.rows.map(toTechReviewResponse));
    if (!page.nextCursor) return all;
    const last = page.rows[page.rows.length - 1]!;
    cursor = { fiscalYear: last.fiscalYear, projectCode: last.projectCode };
  }
}

export async function getVisibleTechReview(db: Db, actor: Actor, id: string): Promise<TechReviewResponse> {
  const bureauCodes = techReviewReadScope(actor);
  const row = await findTechReview(db, id);
  // Another bureau's review is "not found" to staff: they may not even learn which projects were picked.
  if (!row || (bureauCodes && !bureauCodes.includes(row.bureauCode))) throw notFound('Tech review');
  return toTechReviewResponse(row);
}

const viewpoints = ['technical', 'usability', 'security'] as const;

/**
 * An admin (DSB reviewer) records the evaluation at the version they saw. Writing any evaluation on an
 * `extracted` review moves it to `in_review` unless a status is sent; `submitted` is reached only by
 * submitting the whole cycle, and a submitted review is frozen.
 */
export async function updateTechReview(ctx: DomainContext, id: string, input: TUpdateTechReviewRequest): Promise<void> {
  requirePermission(ctx.actor, 'techReview.manage');
  await ctx.db.transaction().execute(async (tx) => {
    const before = await lockTechReview(tx, id);
    if (!before) throw notFound('Tech review');
    if (before.status === 'submitted') {
      throw new AppError('conflict', 'This tech review was submitted to the budget office and can no longer change');
    }
    if (before.version !== input.version) throw versionConflict(before.version);

    const changes: Record<string, unknown> = {};
    for (const viewpoint of viewpoints) {
      const value = input[viewpoint];
      if (value) {
        changes[`${viewpoint}Rating`] = value.rating;
        changes[`${viewpoint}Comment`] = value.comment;
      }
    }
    if (input.overallOpinion !== undefined) changes.overallOpinion = input.overallOpinion;
    const hasEvaluation = Object.keys(changes).length > 0;
    const status = input.status ?? (hasEvaluation && before.status === 'extracted' ? 'in_review' : before.status);

    const after = await tx
      .updateTable('techReview')
      .set({ ...changes, status, reviewerId: ctx.actor.id, updatedAt: sql<Date>`now()`, version: sql<number>`version + 1` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const state = (r: typeof before) => ({
      status: r.status,
      technical: { rating: r.technicalRating, comment: r.technicalComment },
      usability: { rating: r.usabilityRating, comment: r.usabilityComment },
      security: { rating: r.securityRating, comment: r.securityComment },
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

/** The tech review report as Excel reads it: Japanese headers, one row per project. */
export function techReviewCsvRows(reviews: TechReviewResponse[], viewpointLabels: Record<(typeof viewpoints)[number], string>) {
  const header = [
    '年度',
    'プロジェクト番号',
    '事業名',
    '局',
    '区分',
    '予算額（円）',
    ...viewpoints.flatMap((v) => [`${viewpointLabels[v]} 評価`, `${viewpointLabels[v]} 所見`]),
    '総合所見',
    '状況',
  ];
  // 区分 and 予算額 are the figures the review assessed (at extraction), as the report states them.
  const rows = reviews.map((r) => [
    r.fiscalYear,
    r.projectCode,
    r.projectName,
    r.bureauName,
    r.tierAtExtraction ?? '',
    r.budgetJpyAtExtraction ?? '',
    ...viewpoints.flatMap((v) => [r[v].rating ?? '', r[v].comment]),
    r.overallOpinion,
    techReviewStatusLabels[r.status],
  ]);
  return { header, rows };
}

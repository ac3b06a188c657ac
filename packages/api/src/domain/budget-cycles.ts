import {
  budgetCycleMilestones,
  conditionLeaves,
  defaultBudgetAnnouncementDate,
  type TBudgetCycleRequest,
  type TConditionTree,
  type TExtractionFacts,
} from '@psbook/core';
import { recordAudit } from '../audit.ts';
import { requirePermission } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import {
  type ExtractionFact,
  extractionColumns,
  extractionFactCombinations,
  findPreviousBudgetCycle,
  insertBudgetCycle,
  insertExtractedTechReviews,
  listBudgetCycleRows,
  listProjectCodes,
  lockTechReviewsOfYear,
  submitLockedBudgetCycle,
} from '../db/queries/budget-cycles.ts';
import {
  budgetCycleProgress,
  type CycleProgress,
  findBudgetCycle,
  listExtractedProjects,
  lockBudgetCycle,
  noProgress,
} from '../db/queries/tech-reviews.ts';
import type { TCycleViewpoints } from '../db/schema.ts';
import { withTransaction } from '../db/transaction.ts';
import { AppError, type FieldError, notFound, validationError } from '../errors.ts';
import { notifyTechReviewsSubmitted, notifyTechReviewsToWrite } from './notification-events.ts';
import { whoOf } from './projects.ts';
import { localToday } from './supervision.ts';
import { techReviewReadScope } from './tech-reviews.ts';

type BudgetCycleRow = {
  fiscalYear: number;
  requestDate: string;
  requestDeadline: string;
  evaluationDeadline: string;
  submissionDate: string;
  budgetAnnouncementDate: string;
  viewpoints: TCycleViewpoints;
  submittedAt: Date | null;
  submittedBy: string | null;
  version: number;
  createdAt: Date;
};

export function toBudgetCycleResponse(row: BudgetCycleRow, progress: CycleProgress = noProgress, today = localToday()) {
  const { extracted, in_review: inReview, submitted } = progress.counts;
  const total = extracted + inReview + submitted;
  return {
    fiscalYear: row.fiscalYear,
    requestDate: row.requestDate,
    requestDeadline: row.requestDeadline,
    evaluationDeadline: row.evaluationDeadline,
    submissionDate: row.submissionDate,
    budgetAnnouncementDate: row.budgetAnnouncementDate,
    submittedAt: row.submittedAt?.toISOString() ?? null,
    submittedBy: row.submittedBy,
    isSubmitted: row.submittedAt !== null,
    techReviews: { extracted, inReview, submitted, total, reflected: submitted - progress.unreflected },
    viewpoints: row.viewpoints.viewpoints,
    ratingScale: row.viewpoints.ratingScale,
    viewpointRulesetVersion: row.viewpoints.rulesetVersion,
    milestones: budgetCycleMilestones(
      row,
      {
        extracted: total,
        incomplete: progress.incomplete,
        submittedOn: row.submittedAt ? localToday(row.submittedAt) : null,
        unreflected: progress.unreflected,
      },
      today,
    ),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
  };
}
export type BudgetCycleResponse = ReturnType<typeof toBudgetCycleResponse>;

/** The calendar's dates must follow each other (DESIGN §2.4: request → deadline → evaluation → submission → draft budget). */
function checkDateOrder(input: TBudgetCycleRequest & { budgetAnnouncementDate: string }): FieldError[] {
  const order = ['requestDate', 'requestDeadline', 'evaluationDeadline', 'submissionDate', 'budgetAnnouncementDate'] as const;
  const errors: FieldError[] = [];
  for (let i = 1; i < order.length; i++) {
    const before = order[i - 1]!;
    const field = order[i]!;
    // ISO dates compare correctly as strings.
    if (input[field] < input[before]) errors.push({ path: field, message: `must be on or after ${before} (${input[before]})` });
  }
  return errors;
}

/**
 * Open a cycle. It keeps the viewpoints and rating scale of the extraction ruleset in force today, so
 * the reviews of a year rate one set even if the rules change before the report is submitted.
 */
export async function createBudgetCycle(ctx: DomainContext, input: TBudgetCycleRequest): Promise<BudgetCycleResponse> {
  requirePermission(ctx.actor, 'budgetCycle.manage');
  const values = { ...input, budgetAnnouncementDate: input.budgetAnnouncementDate ?? defaultBudgetAnnouncementDate(input.fiscalYear) };
  const errors = checkDateOrder(values);
  if (errors.length) throw validationError(errors);
  const ruleset = ctx.policy.rulesets['tech-review-extraction'];
  const viewpoints: TCycleViewpoints = {
    rulesetVersion: ruleset.version,
    viewpoints: ruleset.content.viewpoints,
    ratingScale: ruleset.content.ratingScale,
  };
  return withTransaction(ctx.db, async (tx) => {
    const row = await insertBudgetCycle(tx, { ...values, viewpoints: JSON.stringify(viewpoints) });
    if (!row) throw new AppError('conflict', `The budget cycle of fiscal year ${input.fiscalYear} already exists`);
    await recordAudit(tx, whoOf(ctx), {
      action: 'budget_cycle.create',
      entityType: 'budget_cycle',
      entityId: String(row.fiscalYear),
      after: toBudgetCycleResponse(row),
    });
    return toBudgetCycleResponse(row);
  });
}

export async function listBudgetCycles(ctx: DomainContext): Promise<BudgetCycleResponse[]> {
  const { db } = ctx;
  const rows = await listBudgetCycleRows(db);
  const progress = await budgetCycleProgress(
    db,
    rows.map((r) => r.fiscalYear),
  );
  return rows.map((row) => toBudgetCycleResponse(row, progress.get(row.fiscalYear)));
}

export async function getBudgetCycle(ctx: DomainContext, fiscalYear: number): Promise<BudgetCycleResponse> {
  const { db } = ctx;
  const row = await findBudgetCycle(db, fiscalYear);
  if (!row) throw notFound(`Budget cycle ${fiscalYear}`);
  const progress = await budgetCycleProgress(db, [fiscalYear]);
  return toBudgetCycleResponse(row, progress.get(fiscalYear));
}

const factsOf = (tree: TConditionTree) => new Set(conditionLeaves(tree).map((leaf) => leaf.fact));

type Comparison = {
  previousFiscalYear: number | null;
  previousTotal: number;
  /** Projects on this year's list that were not on the previous cycle's. */
  added: string[];
  /** Projects on both lists. */
  continued: string[];
  /** Projects on the previous list that are not on this year's. */
  dropped: string[];
};

/**
 * The year-on-year comparison of a cycle's list, readable at any time (also after the list is frozen
 * at submission). The budget office sees it only once the cycle's reviews were submitted, like the
 * reviews themselves; staff and bureau leads see their own bureaus' projects.
 */
export async function getBudgetCycleComparison(ctx: DomainContext, fiscalYear: number): Promise<Comparison & { fiscalYear: number }> {
  const { db, actor } = ctx;
  const cycle = await findBudgetCycle(db, fiscalYear);
  if (!cycle) throw notFound(`Budget cycle ${fiscalYear}`);
  const scope = techReviewReadScope(actor);
  if (scope.submittedOnly && !cycle.submittedAt) {
    throw new AppError('forbidden', `The tech reviews of fiscal year ${fiscalYear} are not submitted to the budget office yet`);
  }
  const inScope = (p: { bureauCode: string }) => !scope.bureauCodes || scope.bureauCodes.includes(p.bureauCode);
  const current = (await listExtractedProjects(db, fiscalYear)).filter(inScope);
  const comparison = await compareWithPreviousCycle(db, fiscalYear, current, inScope);
  return { fiscalYear, ...comparison };
}

async function compareWithPreviousCycle(
  db: Db,
  fiscalYear: number,
  current: { id: string; code: string }[],
  inScope: (p: { bureauCode: string }) => boolean = () => true,
): Promise<Comparison> {
  const previous = await findPreviousBudgetCycle(db, fiscalYear);
  const before = previous ? (await listExtractedProjects(db, previous.fiscalYear)).filter(inScope) : [];
  const beforeIds = new Set(before.map((p) => p.id));
  const currentIds = new Set(current.map((p) => p.id));
  return {
    previousFiscalYear: previous?.fiscalYear ?? null,
    previousTotal: before.length,
    added: current.filter((p) => !beforeIds.has(p.id)).map((p) => p.code),
    continued: current.filter((p) => beforeIds.has(p.id)).map((p) => p.code),
    dropped: before.filter((p) => !currentIds.has(p.id)).map((p) => p.code),
  };
}

/**
 * 案件抽出: open a tech review for every project of the cycle's budget year (not retired) that the
 * extraction ruleset picks. Set-based like the tier re-evaluation: the ruleset runs once per distinct
 * combination of the facts it actually reads (two facts today, so at most a handful of runs for any
 * number of projects), and one INSERT … SELECT writes the reviews and their audit events. Idempotent:
 * (fiscal_year, project_id) is unique and existing reviews are left as they are. Refused once the list
 * was submitted to the budget office.
 */
export async function extractTechReviews(ctx: DomainContext, fiscalYear: number) {
  requirePermission(ctx.actor, 'budgetCycle.manage');
  const { policy } = ctx;
  const ruleset = policy.rulesets['tech-review-extraction'];
  const referenced = [...factsOf(ruleset.content.conditions)].filter((f): f is ExtractionFact => f in extractionColumns);
  const who = whoOf(ctx);

  return withTransaction(ctx.db, async (tx) => {
    const cycle = await lockBudgetCycle(tx, fiscalYear);
    if (!cycle) throw notFound(`Budget cycle ${fiscalYear}`);
    if (cycle.submittedAt) {
      throw new AppError('conflict', `The tech review list of fiscal year ${fiscalYear} was submitted to the budget office and is frozen`, {
        submittedAt: cycle.submittedAt.toISOString(),
      });
    }

    const combos: Partial<TExtractionFacts>[] = referenced.length ? await extractionFactCombinations(tx, fiscalYear, referenced) : [{}];
    const outcomes = await Promise.all(combos.map((combo) => policy.isExtractedForTechReview(combo as TExtractionFacts)));
    const matching = combos.filter((_, i) => outcomes[i]);

    let matched = 0;
    let inserted = 0;
    // Chunks keep each statement well inside PostgreSQL's 65,535 parameters.
    for (let start = 0; start < matching.length; start += 2000) {
      const slice = matching.slice(start, start + 2000);
      const result = await insertExtractedTechReviews(tx, fiscalYear, referenced, slice, ruleset.version, who);
      matched += result.matched;
      inserted += result.inserted;
    }

    const list = await listExtractedProjects(tx, fiscalYear);
    const comparison = await compareWithPreviousCycle(tx, fiscalYear, list);
    const summary = {
      fiscalYear,
      extracted: inserted,
      alreadyExtracted: matched - inserted,
      total: list.length,
      rulesetVersion: ruleset.version,
    };
    await recordAudit(tx, who, {
      action: 'budget_cycle.extract',
      entityType: 'budget_cycle',
      entityId: String(fiscalYear),
      after: { ...summary, added: comparison.added.length },
    });
    if (inserted > 0) await notifyTechReviewsToWrite(tx, fiscalYear, list.length, cycle.evaluationDeadline, ctx.actor.id);
    return { ...summary, comparison };
  });
}

/**
 * Submit the evaluation report (評価書) to the budget office: every tech review must be rated on every
 * viewpoint of the cycle and carry an overall opinion. The reviews are locked first, so an edit racing the
 * submission either lands before it (and is checked) or finds the list frozen.
 */
export async function submitBudgetCycle(ctx: DomainContext, fiscalYear: number): Promise<BudgetCycleResponse> {
  requirePermission(ctx.actor, 'budgetCycle.manage');
  return withTransaction(ctx.db, async (tx) => {
    const cycle = await lockBudgetCycle(tx, fiscalYear);
    if (!cycle) throw notFound(`Budget cycle ${fiscalYear}`);
    if (cycle.submittedAt) {
      throw new AppError('conflict', `The tech reviews of fiscal year ${fiscalYear} were already submitted`, {
        submittedAt: cycle.submittedAt.toISOString(),
      });
    }
    const reviews = await lockTechReviewsOfYear(tx, fiscalYear);
    // Submitting before extraction would freeze an empty list for good.
    if (reviews.length === 0) {
      throw new AppError('rule_violation', `No projects are extracted for fiscal year ${fiscalYear}: run the extraction first`);
    }
    const incompleteReviews = reviews
      .map((r) => ({
        id: r.id,
        projectId: r.projectId,
        missing: [
          ...cycle.viewpoints.viewpoints.flatMap((v) =>
            (r.viewpoints[v.id]?.rating ?? null) === null ? [`viewpoints.${v.id}.rating`] : [],
          ),
          ...(r.overallOpinion.trim() ? [] : ['overallOpinion']),
        ],
      }))
      .filter((r) => r.missing.length > 0);
    if (incompleteReviews.length) {
      const codes = new Map(
        (
          await listProjectCodes(
            tx,
            incompleteReviews.map((r) => r.projectId),
          )
        ).map((p) => [p.id, p.code]),
      );
      const incomplete = incompleteReviews.map((r) => ({ ...r, projectCode: codes.get(r.projectId) ?? '' }));
      throw new AppError(
        'rule_violation',
        `${incomplete.length} of ${reviews.length} tech reviews are not complete: rate every viewpoint of the cycle and write the overall opinion`,
        {
          incomplete,
          errors: incomplete.flatMap((r) => r.missing.map((m) => ({ path: `techReviews.${r.id}.${m}`, message: 'is required to submit' }))),
        },
      );
    }
    const after = await submitLockedBudgetCycle(tx, fiscalYear, ctx.actor.id);
    await recordAudit(tx, whoOf(ctx), {
      action: 'budget_cycle.submit',
      entityType: 'budget_cycle',
      entityId: String(fiscalYear),
      before: { submittedAt: null, version: cycle.version },
      after: { submittedAt: after.submittedAt?.toISOString(), version: after.version, techReviews: reviews.map((r) => r.id) },
    });
    await notifyTechReviewsSubmitted(tx, fiscalYear, reviews.length);
    return toBudgetCycleResponse(after, {
      ...noProgress,
      counts: { ...noProgress.counts, submitted: reviews.length },
      unreflected: reviews.length,
    });
  });
}

import { z } from 'zod';
import { text } from '../projects/schemas.ts';
import type { TLocalized } from '../rules/schemas.ts';
import { reflectionOutcomes } from './reflection-outcomes.ts';

export { reflectionOutcomeLabels, type TReflectionOutcome } from './reflection-outcomes.ts';

export const ZReflectionOutcome = z.enum(reflectionOutcomes);

/** Integer yen, within JavaScript's safe integers so a bigint column round-trips exactly. */
const ZYenChange = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);

/**
 * The budget office records (or corrects) the reflection of one submitted tech review. `version` is the
 * reflection's version the writer saw: 0 when none was recorded yet, so two first records cannot both win.
 */
export const ZTechReviewReflectionRequest = z.strictObject({
  outcome: ZReflectionOutcome,
  /** Change to the requested amount the opinion led to, in yen: negative for a cut, 0 for none. */
  amountChangeJpy: ZYenChange,
  comment: text(4000),
  version: z.number().int().min(0),
});
export type TTechReviewReflectionRequest = z.infer<typeof ZTechReviewReflectionRequest>;

/** The budget cycle's milestones (DESIGN §2.4, slide 83), in calendar order. */
export const budgetMilestoneKeys = ['request', 'requestDeadline', 'evaluationDeadline', 'submission', 'budgetAnnouncement'] as const;
export type TBudgetMilestoneKey = (typeof budgetMilestoneKeys)[number];
export const budgetMilestoneLabels: Record<TBudgetMilestoneKey, TLocalized> = {
  request: { ja: '依頼（予算見積依頼）', en: 'Budget request issued' },
  requestDeadline: { ja: '要求締切', en: 'Budget request deadline' },
  evaluationDeadline: { ja: '評価締切', en: 'Evaluation deadline' },
  submission: { ja: '評価書提出', en: 'Evaluation report submitted' },
  budgetAnnouncement: { ja: '予算案発表', en: 'Draft budget announced' },
};

export type TBudgetCycleDates = {
  requestDate: string;
  requestDeadline: string;
  evaluationDeadline: string;
  submissionDate: string;
  budgetAnnouncementDate: string;
};

/** What the system knows of the cycle's progress. */
export type TBudgetCycleProgress = {
  /** Tech reviews on the list (0 before extraction). */
  extracted: number;
  /** Reviews that still lack a rating or the overall opinion. */
  incomplete: number;
  /** The day (YYYY-MM-DD, Tokyo) the evaluation report was submitted, or null. */
  submittedOn: string | null;
  /** Submitted reviews whose reflection the budget office has not recorded. */
  unreflected: number;
};

export type TBudgetMilestone = {
  key: TBudgetMilestoneKey;
  label: TLocalized;
  date: string;
  /** done: the step happened (or, for the request, its day passed); late: its day passed without it. */
  status: 'upcoming' | 'done' | 'late';
  /** Why the step is late (or was done late); null when on time. */
  warning: TLocalized | null;
};

/**
 * The cycle's milestones as of `today` (YYYY-MM-DD), with a warning for each step whose day passed
 * without it: nothing extracted after 要求締切, reviews incomplete after 評価締切, the report not
 * submitted (or submitted late) after 評価書提出, reflections unrecorded after 予算案発表.
 */
export function budgetCycleMilestones(dates: TBudgetCycleDates, progress: TBudgetCycleProgress, today: string): TBudgetMilestone[] {
  const isPast = (date: string) => today > date;
  const step = (
    key: TBudgetMilestoneKey,
    date: string,
    isDone: boolean,
    lateWarning: TLocalized,
    doneWarning: TLocalized | null = null,
  ): TBudgetMilestone => ({
    key,
    label: budgetMilestoneLabels[key],
    date,
    status: isDone ? 'done' : isPast(date) ? 'late' : 'upcoming',
    warning: isDone ? doneWarning : isPast(date) ? lateWarning : null,
  });
  const isSubmitted = progress.submittedOn !== null;
  return [
    // The finance bureau's request happens outside the book: its day arriving is the step, never late.
    {
      key: 'request',
      label: budgetMilestoneLabels.request,
      date: dates.requestDate,
      status: today >= dates.requestDate ? 'done' : 'upcoming',
      warning: null,
    },
    step('requestDeadline', dates.requestDeadline, progress.extracted > 0 && today >= dates.requestDeadline, {
      ja: '要求締切を過ぎましたが、案件抽出がまだ行われていません',
      en: 'The request deadline has passed but no projects are extracted yet',
    }),
    step('evaluationDeadline', dates.evaluationDeadline, isSubmitted || (progress.extracted > 0 && progress.incomplete === 0), {
      ja: `評価締切を過ぎましたが、${progress.extracted === 0 ? '案件抽出が行われていません' : `${progress.incomplete}件の評価が未完了です`}`,
      en: `The evaluation deadline has passed but ${progress.extracted === 0 ? 'nothing is extracted' : `${progress.incomplete} reviews are incomplete`}`,
    }),
    step(
      'submission',
      dates.submissionDate,
      isSubmitted,
      {
        ja: '評価書提出日を過ぎましたが、評価書が未提出です',
        en: 'The submission date has passed but the evaluation report is not submitted',
      },
      progress.submittedOn !== null && progress.submittedOn > dates.submissionDate
        ? { ja: `予定より遅れて提出されました（${progress.submittedOn}）`, en: `Submitted late (${progress.submittedOn})` }
        : null,
    ),
    step(
      'budgetAnnouncement',
      dates.budgetAnnouncementDate,
      isSubmitted && progress.unreflected === 0 && isPast(dates.budgetAnnouncementDate),
      {
        ja: isSubmitted
          ? `予算案発表を過ぎましたが、${progress.unreflected}件の反映結果が未記録です`
          : '予算案発表を過ぎましたが、評価書が未提出です',
        en: isSubmitted
          ? `The draft budget was announced but ${progress.unreflected} reflections are not recorded`
          : 'The draft budget was announced but the evaluation report is not submitted',
      },
    ),
  ];
}

/** 予算案発表 when a cycle is opened without one: late January of the fiscal year's start (slide 83). */
export const defaultBudgetAnnouncementDate = (fiscalYear: number) => `${fiscalYear}-01-25`;

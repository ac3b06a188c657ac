import type { TTier } from '../oversight/evaluate-oversight.ts';
import type { LoadedRuleset } from '../rules/engine.ts';
import type { TStage } from '../rules/schemas.ts';
import { ratingDimensions, type TRating, type TRatingDimension, type TRatings } from './schemas.ts';

/*
 * The pure rules of supervision: working days, report periods, overdue and divergence.
 * Dates are calendar days as 'YYYY-MM-DD' strings, computed in UTC so the server's time zone
 * cannot shift a day; the caller decides what "today" is.
 */

const dayMs = 86_400_000;
const toDay = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
const fromDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Whether `date` is a working day: not a Saturday, Sunday or one of `holidays`. */
export function isWorkingDay(date: string, holidays: ReadonlySet<string>): boolean {
  const weekday = new Date(toDay(date)).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(date);
}

/**
 * The date `n` working days after `date` (the start day itself does not count, as with 10営業日以内).
 * Opened on a Friday with n = 1, it is due the next Monday.
 */
export function addWorkingDays(date: string, n: number, holidays: ReadonlySet<string>): string {
  let ms = toDay(date);
  let left = n;
  while (left > 0) {
    ms += dayMs;
    if (isWorkingDay(fromDay(ms), holidays)) left--;
  }
  return fromDay(ms);
}

/** Months since year 0 of a `YYYY-MM` period, so periods compare and subtract as numbers. */
export const periodIndex = (period: string) => Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7)) - 1;
export const periodOfIndex = (index: number) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
export const periodOfDate = (date: string) => date.slice(0, 7);
/** The last day of a period's month. */
export const periodEnd = (period: string) => fromDay(Date.UTC(Number(period.slice(0, 4)), Number(period.slice(5, 7)), 0));

/**
 * Whether a period ends a reporting cycle of `months`. Cycles follow the fiscal year (April–March):
 * quarterly reports are for June, September, December and March; half-yearly for September and March.
 */
export function isReportingPeriod(period: string, months: number): boolean {
  const fiscalMonth = ((Number(period.slice(5, 7)) - 4 + 12) % 12) + 1; // April = 1 … March = 12
  return fiscalMonth % months === 0;
}

export type TReportDue = {
  /** The latest reporting period whose deadline (period end + grace) has passed, or null. */
  duePeriod: string | null;
  /** True when that period has no report: no report for it or for a later month of its cycle. */
  overdue: boolean;
  /** The next period a report is expected for, and its deadline. */
  nextPeriod: string;
  nextDeadline: string;
};

export type TReportDueInput = {
  cadenceMonths: number;
  graceDays: number;
  /** When the project came under supervision (entered a supervised stage); periods ending before it are not owed. */
  supervisedSince: string;
  latestReportPeriod: string | null;
  today: string;
};

const deadlineOf = (period: string, graceDays: number) => fromDay(toDay(periodEnd(period)) + graceDays * dayMs);

/**
 * Which report is owed and whether it is overdue. A report is overdue once its period's end plus the
 * grace days has passed (the day after the deadline) with no report for that period — a report for any
 * month of the cycle ending with it, or later, counts.
 */
export function reportDue(input: TReportDueInput): TReportDue {
  const { cadenceMonths: n, graceDays, supervisedSince, latestReportPeriod, today } = input;
  let index = periodIndex(periodOfDate(today));
  // Walk back to the newest reporting period whose deadline is already behind today.
  while (!isReportingPeriod(periodOfIndex(index), n) || deadlineOf(periodOfIndex(index), graceDays) >= today) index--;
  const candidate = periodOfIndex(index);
  const duePeriod = periodEnd(candidate) >= supervisedSince ? candidate : null;
  const overdue = duePeriod !== null && (latestReportPeriod === null || periodIndex(latestReportPeriod) <= index - n);
  // The next period still owed: a report filed early (for a month of a later cycle) covers that cycle too.
  let next = index + 1;
  while (!isReportingPeriod(periodOfIndex(next), n) || (latestReportPeriod !== null && periodIndex(latestReportPeriod) > next - n)) next++;
  const nextPeriod = periodOfIndex(next);
  return { duePeriod, overdue, nextPeriod, nextDeadline: deadlineOf(nextPeriod, graceDays) };
}

const rank: Record<TRating, number> = { green: 0, amber: 1, red: 2 };

/** How many steps rosier the self-rating is than the assessment (negative when more cautious). */
export const stepsRosier = (self: TRating, assessed: TRating) => rank[assessed] - rank[self];

export type TAssessedReport = { period: string; selfRating: TRatings; assessment: TRatings | null };
export type TDivergence = {
  divergent: boolean;
  /** `two_steps`: green against red on some dimension of the latest assessed report; `two_periods`: rosier in each of the latest two. */
  reasons: { rule: 'two_steps' | 'two_periods'; periods: string[]; dimensions: TRatingDimension[] }[];
};

const rosierDimensions = (r: TAssessedReport, minSteps: number) =>
  ratingDimensions.filter((d) => r.assessment !== null && stepsRosier(r.selfRating[d], r.assessment[d]) >= minSteps);

/**
 * Whether a project's self-rating diverges from its consultee's assessment (decision 0011): the latest
 * assessed report is two steps rosier (green against red) on the overall rating or any dimension, or the
 * latest two assessed reports are each rosier on some dimension. Reports may come in any order.
 */
export function computeDivergence(reports: readonly TAssessedReport[]): TDivergence {
  const assessed = reports.filter((r) => r.assessment !== null).sort((a, b) => (a.period < b.period ? 1 : -1));
  const reasons: TDivergence['reasons'] = [];
  const [latest, previous] = assessed;
  if (latest) {
    const twoSteps = rosierDimensions(latest, 2);
    if (twoSteps.length) reasons.push({ rule: 'two_steps', periods: [latest.period], dimensions: twoSteps });
    if (previous) {
      const now = rosierDimensions(latest, 1);
      const before = rosierDimensions(previous, 1);
      if (now.length && before.length) {
        reasons.push({
          rule: 'two_periods',
          periods: [previous.period, latest.period],
          dimensions: ratingDimensions.filter((d) => now.includes(d) || before.includes(d)),
        });
      }
    }
  }
  return { divergent: reasons.length > 0, reasons };
}

export type Supervision = {
  /** Months between reports at `tier`, or null when the tier is not set (no consultee, no supervision). */
  cadenceOf(tier: TTier | null): number | null;
  /** Whether a project at this stage and tier files status reports. */
  isSupervised(stage: TStage, tier: TTier | null): boolean;
  /** The day a consultation opened on `openedOn` is due: the rules' working days later. */
  consultationDueOn(openedOn: string): string;
  /** The report owed by a project, or null when it is not supervised. */
  reportDue(input: { stage: TStage; tier: TTier | null } & Omit<TReportDueInput, 'cadenceMonths' | 'graceDays'>): TReportDue | null;
};

export function createSupervision(ruleset: LoadedRuleset<'supervision'>): Supervision {
  const { supervisedStages, cadence, reportGraceDays, consultationDueWorkingDays } = ruleset.content;
  const holidays = new Set(ruleset.content.holidays);
  const stagesSupervised = new Set<string>(supervisedStages);
  const cadenceOf = (tier: TTier | null) => (tier === null ? null : (cadence.find((c) => c.tier === tier)?.months ?? null));
  const isSupervised = (stage: TStage, tier: TTier | null) => stagesSupervised.has(stage) && cadenceOf(tier) !== null;
  return {
    cadenceOf,
    isSupervised,
    consultationDueOn: (openedOn) => addWorkingDays(openedOn, consultationDueWorkingDays, holidays),
    reportDue({ stage, tier, ...rest }) {
      const months = cadenceOf(tier);
      if (!isSupervised(stage, tier) || months === null) return null;
      return reportDue({ ...rest, cadenceMonths: months, graceDays: reportGraceDays });
    },
  };
}

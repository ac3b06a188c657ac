import { expenseCategoryLabels, stageLabels, ZExpenseCategory, ZStage } from '@psbook/core';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import {
  expenseFiscalYearsInSummary,
  expenseTotalsByYear,
  expenseTotalsOfYear,
  firstRegistrationDayInSummary,
  foldSummaryChanges,
  jstOffsetHours,
  projectsByStageInSummary,
  registrationsByBucket,
  type StatsFilter,
  type TierSums,
  tierChangesByPoint,
} from '../db/queries/stats.ts';
import { validationError } from '../errors.ts';

export type TierCounts = { tier1: number; tier2: number; tier3: number; unset: number; total: number };
const emptyCounts = (): TierCounts => ({ tier1: 0, tier2: 0, tier3: 0, unset: 0, total: 0 });
const tierCountKeys = ['tier1', 'tier2', 'tier3', 'unset', 'total'] as const;

/* ------------------------------------------------------------------ the summaries (migration 20261122T0150) */

// Read through db/queries/stats.ts, which says how the summaries stay exact; here, the points and tiers.

export type { StatsFilter };

/**
 * Registrations by current tier for each of `points` (ascending Japanese dates): those after the
 * previous point up to the point itself, and for the first point everything up to it. Counted into
 * the points by the database, so a few hundred rows at most come back.
 */
async function registrationsByPoint(db: Db, filter: StatsFilter, points: string[]): Promise<TierCounts[]> {
  // width_bucket numbers a day by the lower bounds it has reached: the day after each point but the last.
  const bounds = points.slice(0, -1).map((point) => toDay(new Date(parseDay(point).getTime() + dayMs)));
  const added = points.map(emptyCounts);
  for (const row of await registrationsByBucket(db, filter, bounds, points[points.length - 1]!)) added[row.point] = toTierCounts(row);
  return added;
}

const toTierCounts = (s: TierSums): TierCounts => {
  const counts = { tier1: Number(s.tier1), tier2: Number(s.tier2), tier3: Number(s.tier3), unset: Number(s.unset) };
  return { ...counts, total: counts.tier1 + counts.tier2 + counts.tier3 + counts.unset };
};

const tierKeyOf = (tier: number | null): keyof TierSums => (tier === 1 ? 'tier1' : tier === 2 ? 'tier2' : tier === 3 ? 'tier3' : 'unset');

/**
 * Turn counts by current tier into counts by the tier each project had on each point's day, from tier
 * history: a change after the point is undone (its `to` tier loses the project, its `from` tier gets
 * it back). `cumulative[k]` counts every project registered by point k; `added[k]` those registered
 * in point k's period. Totals do not move: only the tier mix does.
 */
async function asOfEachPoint(db: Db, filter: StatsFilter, points: string[], added: TierCounts[]) {
  // The day after every point: a change after the last point falls in bucket points.length, seen by none.
  const bounds = points.map((point) => toDay(new Date(parseDay(point).getTime() + dayMs)));
  const changes = await tierChangesByPoint(db, filter, bounds, points[0]!, points[points.length - 1]!);
  const cumulativeCurrent: TierCounts[] = [];
  const running = emptyCounts();
  for (const a of added) {
    for (const key of tierCountKeys) running[key] += a[key];
    cumulativeCurrent.push({ ...running });
  }
  const cumulative = cumulativeCurrent.map((c) => ({ ...c }));
  const addedAsOf = added.map((a) => ({ ...a }));
  for (const change of changes) {
    // Changed on a day in point c's period: points before c had not seen it yet.
    for (let k = change.registeredPoint; k < Math.min(change.changedPoint, points.length); k++) {
      cumulative[k]![tierKeyOf(change.toTier)] -= change.count;
      cumulative[k]![tierKeyOf(change.fromTier)] += change.count;
    }
    if (change.registeredPoint < points.length && change.changedPoint > change.registeredPoint) {
      addedAsOf[change.registeredPoint]![tierKeyOf(change.toTier)] -= change.count;
      addedAsOf[change.registeredPoint]![tierKeyOf(change.fromTier)] += change.count;
    }
  }
  return { cumulative, added: addedAsOf };
}

/** Projects matching `filter` by stage and current tier. */
async function projectsByStage(db: Db, filter: StatsFilter): Promise<Map<string, TierCounts>> {
  const rows = await projectsByStageInSummary(db, filter);
  return new Map(rows.map((row) => [row.stage, toTierCounts(row)]));
}

/* ------------------------------------------------------------------ dates (Japanese calendar days) */

const dayMs = 86_400_000;
const toDay = (date: Date) => date.toISOString().slice(0, 10);
const parseDay = (day: string) => new Date(`${day}T00:00:00Z`);
export const todayInJapan = (now = new Date()) => toDay(new Date(now.getTime() + jstOffsetHours * 3_600_000));

/** `day` plus `months` calendar months, the day of month clamped (Jan 31 + 1 month = Feb 28/29). */
function addMonths(day: string, months: number, anchorDay: number): string {
  const d = parseDay(day);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(anchorDay, lastDay));
  return toDay(target);
}

export const maxRegistrationPoints = 1000;

/**
 * Registered projects over time: one point per week or month from `from`, each with the registrations
 * since the previous point and the running total as of that day (Japanese dates), by the tier each
 * project had on that day (tier history; 未設定 included), not by today's tier projected backwards
 * (slide 86; decision 0019). The book's launch chart is this series weekly from 2023-07-03:
 * 16, 33, 118, 297, 360, … 418.
 */
export async function registrationStats(
  { db }: DomainContext,
  filter: StatsFilter,
  query: { from?: string; to?: string; interval: 'week' | 'month' },
  now = new Date(),
) {
  await foldSummaryChanges(db);
  const to = query.to ?? todayInJapan(now);
  const from = query.from ?? (await firstRegistrationDayInSummary(db, filter)) ?? to;
  if (from > to) throw validationError([{ path: 'query.from', message: 'must not be after to' }]);
  const points: string[] = [];
  const anchor = parseDay(from).getUTCDate();
  for (let k = 0, day = from; day <= to; k++) {
    points.push(day);
    if (points.length > maxRegistrationPoints) {
      throw validationError([
        { path: 'query.from', message: `more than ${maxRegistrationPoints} points: choose a shorter range or a longer interval` },
      ]);
    }
    day = query.interval === 'week' ? toDay(new Date(parseDay(from).getTime() + (k + 1) * 7 * dayMs)) : addMonths(from, k + 1, anchor);
  }
  if (points[points.length - 1] !== to) points.push(to);

  // Registrations before `from` count on `from` itself: the running total the chart starts with.
  const asOf = await asOfEachPoint(db, filter, points, await registrationsByPoint(db, filter, points));
  const periods = points.map((point, k) => ({
    period: point,
    start: k === 0 ? null : toDay(new Date(parseDay(points[k - 1]!).getTime() + dayMs)),
    end: point,
    added: asOf.added[k]!,
    cumulative: asOf.cumulative[k]!,
  }));
  const total = asOf.cumulative[asOf.cumulative.length - 1] ?? emptyCounts();
  return {
    interval: query.interval,
    from,
    to,
    timeZone: 'Asia/Tokyo' as const,
    tierBasis: 'as_of_period_end' as const,
    total: { ...total },
    periods,
  };
}

/** Projects by lifecycle stage × tier (every stage listed, zeros included). */
export async function stageStats({ db }: DomainContext, filter: Omit<StatsFilter, 'stage'>) {
  await foldSummaryChanges(db);
  const byStage = await projectsByStage(db, filter);
  const total = emptyCounts();
  const stages = ZStage.options.map((stage) => {
    const counts = byStage.get(stage) ?? emptyCounts();
    for (const key of tierCountKeys) total[key] += counts[key];
    return { stage, label: stageLabels[stage], ...counts };
  });
  return { stages, total };
}

/**
 * Digital-related expenses of a fiscal year (the latest with lines by default), in yen. A line in
 * several categories counts in each of them, so the category totals add up to more than the total:
 * the overlap is that difference (Tokyo FY2023: 1,578 + 601 + 1,126 億円 − 547 億円 overlap = 2,758 億円).
 */
export async function expenseStats({ db }: DomainContext, requestedYear: number | undefined) {
  await foldSummaryChanges(db);
  const fiscalYears = await expenseFiscalYearsInSummary(db);
  const fiscalYear = requestedYear ?? fiscalYears[0] ?? null;
  const empty = { fiscalYear, fiscalYears, unit: 'JPY' as const, lineCount: 0, totalJpy: 0, sumOfCategoriesJpy: 0, overlapJpy: 0 };
  const categories = (amounts: Map<string, { lines: number; amountKyen: number }>) =>
    ZExpenseCategory.options.map((category) => ({
      category,
      label: expenseCategoryLabels[category],
      lineCount: Number(amounts.get(category)?.lines ?? 0),
      amountJpy: Number(amounts.get(category)?.amountKyen ?? 0) * 1000,
    }));
  if (fiscalYear === null) return { ...empty, byCategory: categories(new Map()), byBureau: [] };
  const { byBureau, byCategory } = await expenseTotalsOfYear(db, fiscalYear);
  const bureaus = byBureau.map((b) => ({
    bureauCode: b.bureauCode,
    nameJa: b.nameJa,
    lineCount: Number(b.lines),
    amountJpy: Number(b.amountKyen) * 1000,
    sumOfCategoriesJpy: Number(b.categorySumKyen) * 1000,
  }));
  const totalJpy = bureaus.reduce((sum, b) => sum + b.amountJpy, 0);
  const sumOfCategoriesJpy = bureaus.reduce((sum, b) => sum + b.sumOfCategoriesJpy, 0);
  return {
    ...empty,
    lineCount: bureaus.reduce((sum, b) => sum + b.lineCount, 0),
    totalJpy,
    sumOfCategoriesJpy,
    overlapJpy: sumOfCategoriesJpy - totalJpy,
    byCategory: categories(new Map(byCategory.map((c) => [c.category, { lines: c.lines, amountKyen: c.amountKyen }]))),
    byBureau: bureaus,
  };
}

/** A ratio to 4 decimals, null when there is nothing to compare with. */
const growth = (value: number, base: number | undefined) => (base ? Math.round((value / base) * 10_000) / 10_000 : null);

/**
 * Digital-related expenses over several fiscal years (slide 82: 1,737 → 2,334 → 2,758 億円, 約1.6倍):
 * each year's de-duplicated total (a line in several categories counts once), its categories and their
 * overlap, and the growth against the year before and against the first year shown.
 */
export async function expenseTrend({ db }: DomainContext, query: { from?: number; to?: number }) {
  if (query.from !== undefined && query.to !== undefined && query.from > query.to)
    throw validationError([{ path: 'query.from', message: 'must not be after to' }]);
  await foldSummaryChanges(db);
  const rows = await expenseTotalsByYear(db, query.from, query.to);
  const years = [...new Set(rows.map((r) => r.fiscalYear))].sort((a, b) => a - b);
  const first = new Map<string, number>();
  const previous = new Map<string, number>();
  const items = years.map((fiscalYear) => {
    const ofYear = rows.filter((r) => r.fiscalYear === fiscalYear);
    const all = ofYear.filter((r) => r.category === null);
    const totalJpy = all.reduce((sum, r) => sum + Number(r.amountKyen), 0) * 1000;
    const sumOfCategoriesJpy = all.reduce((sum, r) => sum + Number(r.categorySumKyen), 0) * 1000;
    const byCategory = ZExpenseCategory.options.map((category) => {
      const row = ofYear.find((r) => r.category === category);
      const amountJpy = Number(row?.amountKyen ?? 0) * 1000;
      const item = {
        category,
        label: expenseCategoryLabels[category],
        amountJpy,
        growthFromPrevious: growth(amountJpy, previous.get(category)),
        growthFromFirst: growth(amountJpy, first.get(category)),
      };
      if (!first.has(category) && amountJpy) first.set(category, amountJpy);
      previous.set(category, amountJpy);
      return item;
    });
    const item = {
      fiscalYear,
      lineCount: all.reduce((sum, r) => sum + Number(r.lines), 0),
      totalJpy,
      sumOfCategoriesJpy,
      overlapJpy: sumOfCategoriesJpy - totalJpy,
      growthFromPrevious: growth(totalJpy, previous.get('total')),
      growthFromFirst: growth(totalJpy, first.get('total')),
      byCategory,
    };
    if (!first.has('total') && totalJpy) first.set('total', totalJpy);
    previous.set('total', totalJpy);
    return item;
  });
  return { unit: 'JPY' as const, years: items };
}

import { expenseCategoryLabels, stageLabels, ZExpenseCategory, ZStage } from '@psbook/core';
import type { Db } from '../db/database.ts';
import { expenseFiscalYears, expenseTotals } from '../db/queries/expenses.ts';
import type { ProjectListFilter } from '../db/queries/projects.ts';
import { firstRegistrationDate, jstOffsetHours, projectsByStageAndTier, registrationsByDay } from '../db/queries/stats.ts';
import { validationError } from '../errors.ts';

export type TierCounts = { tier1: number; tier2: number; tier3: number; unset: number; total: number };
const emptyCounts = (): TierCounts => ({ tier1: 0, tier2: 0, tier3: 0, unset: 0, total: 0 });
function addTo(counts: TierCounts, tier: number | null, n: number) {
  if (tier === 1) counts.tier1 += n;
  else if (tier === 2) counts.tier2 += n;
  else if (tier === 3) counts.tier3 += n;
  else counts.unset += n;
  counts.total += n;
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
 * Registered projects over time, by the tier each project has now (未設定 included): one point per
 * week or month from `from`, each with the registrations since the previous point and the running
 * total as of that day (Japanese dates). The book's launch chart is this series weekly from
 * 2023-07-03: 16, 33, 118, 297, 360, … 418.
 */
export async function registrationStats(
  db: Db,
  filter: ProjectListFilter,
  query: { from?: string; to?: string; interval: 'week' | 'month' },
  now = new Date(),
) {
  const to = query.to ?? todayInJapan(now);
  const from = query.from ?? (await firstRegistrationDate(db, filter)) ?? to;
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

  // The end of `to` in Japan, as an instant.
  const before = new Date(parseDay(to).getTime() + dayMs - jstOffsetHours * 3_600_000);
  // Registrations before `from` count on `from` itself: the running total the chart starts with.
  const byDay = (await registrationsByDay(db, filter, before))
    .map((row) => ({ ...row, day: String(row.day) < from ? from : String(row.day) }))
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const cumulative = emptyCounts();
  let i = 0;
  let previous: string | null = null;
  const periods = points.map((point) => {
    const added = emptyCounts();
    for (; i < byDay.length && byDay[i]!.day <= point; i++) {
      const row = byDay[i]!;
      addTo(added, row.tier, Number(row.count));
      addTo(cumulative, row.tier, Number(row.count));
    }
    const period = {
      period: point,
      start: previous === null ? null : toDay(new Date(parseDay(previous).getTime() + dayMs)),
      end: point,
      added,
      cumulative: { ...cumulative },
    };
    previous = point;
    return period;
  });
  return { interval: query.interval, from, to, timeZone: 'Asia/Tokyo' as const, total: { ...cumulative }, periods };
}

/** Projects by lifecycle stage × tier (every stage listed, zeros included). */
export async function stageStats(db: Db, filter: ProjectListFilter) {
  const rows = await projectsByStageAndTier(db, filter);
  const byStage = new Map(ZStage.options.map((stage) => [stage, emptyCounts()]));
  const total = emptyCounts();
  for (const row of rows) {
    const counts = byStage.get(row.stage as (typeof ZStage.options)[number]);
    if (!counts) continue;
    addTo(counts, row.tier, Number(row.count));
    addTo(total, row.tier, Number(row.count));
  }
  return {
    stages: ZStage.options.map((stage) => ({ stage, label: stageLabels[stage], ...byStage.get(stage)! })),
    total,
  };
}

/**
 * Digital-related expenses of a fiscal year (the latest with lines by default), in yen. A line in
 * several categories counts in each of them, so the category totals add up to more than the total:
 * the overlap is that difference (Tokyo FY2023: 1,578 + 601 + 1,126 億円 − 547 億円 overlap = 2,758 億円).
 */
export async function expenseStats(db: Db, requestedYear: number | undefined) {
  const fiscalYears = await expenseFiscalYears(db);
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
  const { byBureau, byCategory } = await expenseTotals(db, fiscalYear);
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

import { expenseCategoryLabels, stageLabels, ZExpenseCategory, ZStage } from '@psbook/core';
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { ProjectListFilter } from '../db/queries/projects.ts';
import { jstOffsetHours, tierChangesByPoint } from '../db/queries/stats.ts';
import { validationError } from '../errors.ts';

export type TierCounts = { tier1: number; tier2: number; tier3: number; unset: number; total: number };
const emptyCounts = (): TierCounts => ({ tier1: 0, tier2: 0, tier3: 0, unset: 0, total: 0 });
const tierCountKeys = ['tier1', 'tier2', 'tier3', 'unset', 'total'] as const;

/* ------------------------------------------------------------------ the summaries (migration 20261122T0150) */

// Triggers keep projects counted by registration day × tier and expense lines totalled by fiscal year ×
// bureau × category, appending each write's change; reads sum the totals and the changes not folded in
// yet, so every answer is exact at the reading statement's snapshot, whatever the size of the book.

/** The filters the statistics take: the ones the project summary keeps (not tier, reviewer or text search). */
export type StatsFilter = Pick<ProjectListFilter, 'bureau' | 'fiscalYear' | 'isNew' | 'stage'>;

/**
 * Fold the appended changes into the totals so reads stay small: one statement, nothing to do most of
 * the time, and skipped while another fold runs (the answer then sums the changes instead).
 */
async function foldSummaryChanges(db: Db): Promise<void> {
  // A read replica (or a read-only transaction) cannot fold; the answer sums the changes instead.
  await sql`select stats.fold_changes() where current_setting('transaction_read_only') = 'off'`.execute(db);
}

/** A summary: its totals plus the changes not folded in yet (same columns). */
const summaryChanges = { project_counts: 'project_count_changes', expense_totals: 'expense_total_changes' } as const;
const summary = (table: keyof typeof summaryChanges) =>
  sql`(select * from ${sql.table(`stats.${table}`)} union all select * from ${sql.table(`stats.${summaryChanges[table]}`)})`;

/** The columns of stats.project_counts a filter can use, with their bit in `dims`. */
const countDims = [
  { bit: 1, column: 'bureau_code', condition: (f: StatsFilter) => (f.bureau?.length ? sql`in (${sql.join(f.bureau)})` : null) },
  { bit: 2, column: 'fiscal_year', condition: (f: StatsFilter) => (f.fiscalYear?.length ? sql`in (${sql.join(f.fiscalYear)})` : null) },
  { bit: 4, column: 'is_new', condition: (f: StatsFilter) => (f.isNew === undefined ? null : sql`= ${f.isNew}`) },
  { bit: 8, column: 'stage', condition: (f: StatsFilter) => (f.stage?.length ? sql`in (${sql.join(f.stage)})` : null) },
] as const;
const stageDim = 8;
/** The groupings stored, smallest first: the first that has the filters a request gives serves it. */
const storedDims = [0, 1, 2, 4, 8, 14, 15];
/** Per-tier sums of stats.project_counts rows, as tier counts. */
const sumTiers = sql`sum(c.tier1)::bigint as tier1, sum(c.tier2)::bigint as tier2, sum(c.tier3)::bigint as tier3, sum(c.unset)::bigint as unset`;
const anyProjects = sql`sum(c.tier1 + c.tier2 + c.tier3 + c.unset) <> 0`;
type TierSums = { tier1: number; tier2: number; tier3: number; unset: number };
const toTierCounts = (s: TierSums): TierCounts => {
  const counts = { tier1: Number(s.tier1), tier2: Number(s.tier2), tier3: Number(s.tier3), unset: Number(s.unset) };
  return { ...counts, total: counts.tier1 + counts.tier2 + counts.tier3 + counts.unset };
};

/**
 * The rows of stats.project_counts that count the projects matching `filter`: those of the grouping
 * that has the filter's columns (and `alsoDims`). One index range of about one row per day for one
 * filter or none, whatever the number of projects.
 */
function countsMatching(filter: StatsFilter, alsoDims = 0) {
  const needed = countDims.reduce((bits, d) => (d.condition(filter) ? bits | d.bit : bits), alsoDims);
  const dims = storedDims.find((stored) => (stored & needed) === needed)!;
  // A grouping's other columns are null: saying so lets the index range start at the first filtered one.
  const conditions: RawBuilder<unknown>[] = [sql`c.dims = ${dims}`];
  for (const d of countDims) {
    const condition = d.condition(filter);
    if (condition) conditions.push(sql`c.${sql.ref(d.column)} ${condition}`);
    else if (!(dims & d.bit)) conditions.push(sql`c.${sql.ref(d.column)} is null`);
  }
  return sql.join(conditions, sql` and `);
}

/** The Japanese date of the first registration that matches the filter, or null when none does. */
async function firstRegistrationDay(db: Db, filter: StatsFilter): Promise<string | null> {
  const result = await sql<{ day: string }>`
    select c.day from ${summary('project_counts')} c
    where ${countsMatching(filter)}
    group by c.day
    having ${anyProjects}
    order by c.day
    limit 1`.execute(db);
  return result.rows[0] ? String(result.rows[0].day) : null;
}

/**
 * Registrations by current tier for each of `points` (ascending Japanese dates): those after the
 * previous point up to the point itself, and for the first point everything up to it. Counted into
 * the points by the database, so a few hundred rows at most come back.
 */
async function registrationsByPoint(db: Db, filter: StatsFilter, points: string[]): Promise<TierCounts[]> {
  // width_bucket numbers a day by the lower bounds it has reached: the day after each point but the last.
  const bounds = points.slice(0, -1).map((point) => toDay(new Date(parseDay(point).getTime() + dayMs)));
  const result = await sql<TierSums & { point: number }>`
    select width_bucket(c.day, ${bounds}::date[]) as point, ${sumTiers}
    from ${summary('project_counts')} c
    where ${countsMatching(filter)} and c.day <= ${points[points.length - 1]!}::date
    group by 1`.execute(db);
  const added = points.map(emptyCounts);
  for (const row of result.rows) added[row.point] = toTierCounts(row);
  return added;
}

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
  const result = await sql<TierSums & { stage: string }>`
    select c.stage, ${sumTiers}
    from ${summary('project_counts')} c
    where ${countsMatching(filter, stageDim)}
    group by c.stage`.execute(db);
  return new Map(result.rows.map((row) => [row.stage, toTierCounts(row)]));
}

/** Fiscal years with expense lines, latest first. */
async function expenseFiscalYears(db: Db): Promise<number[]> {
  const result = await sql<{ fiscalYear: number }>`
    select t.fiscal_year from ${summary('expense_totals')} t
    where t.category is null
    group by t.fiscal_year
    having sum(t.lines) <> 0
    order by t.fiscal_year desc`.execute(db);
  return result.rows.map((r) => r.fiscalYear);
}

/**
 * Totals of one fiscal year in thousand yen, by bureau (each line once, and the sum of line amounts
 * times their number of categories) and by category.
 */
async function expenseTotals(db: Db, fiscalYear: number) {
  const byBureau = await sql<{ bureauCode: string; nameJa: string | null; lines: number; amountKyen: number; categorySumKyen: number }>`
    select t.bureau_code, b.name_ja, sum(t.lines)::bigint as lines, sum(t.amount_kyen)::bigint as amount_kyen,
      sum(t.category_sum_kyen)::bigint as category_sum_kyen
    from ${summary('expense_totals')} t left join bureau b on b.code = t.bureau_code
    where t.fiscal_year = ${fiscalYear} and t.category is null
    group by t.bureau_code, b.name_ja
    having sum(t.lines) <> 0
    order by t.bureau_code`.execute(db);
  const byCategory = await sql<{ category: string; lines: number; amountKyen: number }>`
    select t.category, sum(t.lines)::bigint as lines, sum(t.amount_kyen)::bigint as amount_kyen
    from ${summary('expense_totals')} t
    where t.fiscal_year = ${fiscalYear} and t.category is not null
    group by t.category
    having sum(t.lines) <> 0`.execute(db);
  return { byBureau: byBureau.rows, byCategory: byCategory.rows };
}

/**
 * Totals of every fiscal year in one pass, in thousand yen: each line once (`category` null rows of
 * the summary) and by category.
 */
async function expenseTotalsByYear(db: Db, from: number | undefined, to: number | undefined) {
  const result = await sql<{ fiscalYear: number; category: string | null; lines: number; amountKyen: number; categorySumKyen: number }>`
    select t.fiscal_year, t.category, sum(t.lines)::bigint as lines, sum(t.amount_kyen)::bigint as amount_kyen,
      coalesce(sum(t.category_sum_kyen), 0)::bigint as category_sum_kyen
    from ${summary('expense_totals')} t
    where (${from ?? null}::int is null or t.fiscal_year >= ${from ?? null}::int)
      and (${to ?? null}::int is null or t.fiscal_year <= ${to ?? null}::int)
    group by t.fiscal_year, t.category
    having sum(t.lines) <> 0
    order by t.fiscal_year`.execute(db);
  return result.rows;
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
  db: Db,
  filter: StatsFilter,
  query: { from?: string; to?: string; interval: 'week' | 'month' },
  now = new Date(),
) {
  await foldSummaryChanges(db);
  const to = query.to ?? todayInJapan(now);
  const from = query.from ?? (await firstRegistrationDay(db, filter)) ?? to;
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
export async function stageStats(db: Db, filter: Omit<StatsFilter, 'stage'>) {
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
export async function expenseStats(db: Db, requestedYear: number | undefined) {
  await foldSummaryChanges(db);
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

/** A ratio to 4 decimals, null when there is nothing to compare with. */
const growth = (value: number, base: number | undefined) => (base ? Math.round((value / base) * 10_000) / 10_000 : null);

/**
 * Digital-related expenses over several fiscal years (slide 82: 1,737 → 2,334 → 2,758 億円, 約1.6倍):
 * each year's de-duplicated total (a line in several categories counts once), its categories and their
 * overlap, and the growth against the year before and against the first year shown.
 */
export async function expenseTrend(db: Db, query: { from?: number; to?: number }) {
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

/**
 * Readers for the statistics routes. Each accepts the long form (one row per period/stage and
 * tier) or the wide form (one row with a count per tier), so a small change in the answer's shape
 * shows as a table, not a blank page.
 */
export type TierKey = '1' | '2' | '3' | 'unset';
export const tierKeys: TierKey[] = ['1', '2', '3', 'unset'];
export type TierCounts = Record<TierKey, number>;
const emptyCounts = (): TierCounts => ({ '1': 0, '2': 0, '3': 0, unset: 0 });

type Row = Record<string, unknown>;
const rowsOf = (data: unknown, ...keys: string[]): Row[] => {
  if (Array.isArray(data)) return data as Row[];
  if (data && typeof data === 'object') {
    for (const key of [...keys, 'items', 'rows', 'data']) {
      const v = (data as Row)[key];
      if (Array.isArray(v)) return v as Row[];
    }
  }
  return [];
};
const num = (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : 0;

export function tierKeyOf(value: unknown): TierKey {
  if (value === 1 || value === '1' || value === 'tier1') return '1';
  if (value === 2 || value === '2' || value === 'tier2') return '2';
  if (value === 3 || value === '3' || value === 'tier3') return '3';
  return 'unset';
}

/** Counts by tier from a wide row: `{ tier1, tier2, tier3, unset }`, `{ byTier: {1: n, unset: n} }`, or `{ tiers: [...] }`. */
function wideCounts(row: Row): TierCounts | null {
  const nested = (row.byTier ?? row.tiers ?? row.counts) as unknown;
  if (Array.isArray(nested)) {
    const counts = emptyCounts();
    for (const x of nested as Row[]) counts[tierKeyOf(x.tier)] += num(x.count);
    return counts;
  }
  const source = (nested && typeof nested === 'object' ? nested : row) as Row;
  const pick = (...keys: string[]) => keys.reduce((n, k) => n + num(source[k]), 0);
  const counts: TierCounts = {
    '1': pick('1', 'tier1', 'tier_1'),
    '2': pick('2', 'tier2', 'tier_2'),
    '3': pick('3', 'tier3', 'tier_3'),
    unset: pick('unset', 'tierUnset', 'notSet', 'null'),
  };
  return Object.values(counts).some((n) => n > 0) || tierKeys.some((k) => k in source || `tier${k}` in source) ? counts : null;
}

export type StageRow = { stage: string; counts: TierCounts; total: number };

export function readStageStats(data: unknown): StageRow[] {
  const byStage = new Map<string, TierCounts>();
  for (const row of rowsOf(data, 'byStage', 'stages', 'matrix')) {
    const stage = String(row.stage ?? '');
    if (!stage) continue;
    const counts = byStage.get(stage) ?? emptyCounts();
    if ('tier' in row) counts[tierKeyOf(row.tier)] += num(row.count);
    else {
      const wide = wideCounts(row);
      if (wide) for (const k of tierKeys) counts[k] += wide[k];
      else counts.unset += num(row.count);
    }
    byStage.set(stage, counts);
  }
  const order = ['planning', 'requirements', 'development', 'operation', 'retired'];
  return [...byStage.entries()]
    .map(([stage, counts]) => ({ stage, counts, total: tierKeys.reduce((n, k) => n + counts[k], 0) }))
    .sort((a, b) => order.indexOf(a.stage) - order.indexOf(b.stage));
}

export type RegistrationPoint = { period: string; added: TierCounts; cumulative: TierCounts };

/** Registrations per period by tier, and the running totals (the book's growth, as on the slide). */
export function readRegistrations(data: unknown): RegistrationPoint[] {
  const byPeriod = new Map<string, { added: TierCounts; cumulative: TierCounts | null }>();
  for (const row of rowsOf(data, 'periods', 'series', 'buckets')) {
    const period = String(row.period ?? row.week ?? row.start ?? row.periodStart ?? row.date ?? row.bucket ?? '');
    if (!period) continue;
    const entry = byPeriod.get(period) ?? { added: emptyCounts(), cumulative: null };
    if ('tier' in row) entry.added[tierKeyOf(row.tier)] += num(row.count ?? row.added);
    else {
      const added = wideCounts((row.added ?? row.new ?? row.registered ?? row) as Row);
      if (added) for (const k of tierKeys) entry.added[k] += added[k];
      const cumulative = row.cumulative && typeof row.cumulative === 'object' ? wideCounts(row.cumulative as Row) : null;
      if (cumulative) entry.cumulative = cumulative;
    }
    byPeriod.set(period, entry);
  }
  const running = emptyCounts();
  return [...byPeriod.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([period, { added, cumulative }]) => {
      for (const k of tierKeys) running[k] += added[k];
      return { period, added, cumulative: cumulative ?? { ...running } };
    });
}

export type AmountRow = { key: string; amountJpy: number };
export type ExpenseStats = {
  fiscalYear: number | null;
  byCategory: AmountRow[];
  byBureau: AmountRow[];
  totalJpy: number | null;
  overlapJpy: number | null;
};

/** Yen from whichever unit a row uses (integer yen, or 千円 as budget documents do). */
function yenOf(row: Row): number {
  if ('amountJpy' in row || 'totalJpy' in row) return num(row.amountJpy ?? row.totalJpy);
  if ('amountKyen' in row || 'totalKyen' in row) return num(row.amountKyen ?? row.totalKyen) * 1000;
  return num(row.amount ?? row.total ?? row.value);
}

export function readExpenses(data: unknown): ExpenseStats {
  const d = (data && typeof data === 'object' ? data : {}) as Row;
  const list = (value: unknown, key: string) =>
    (Array.isArray(value) ? (value as Row[]) : []).map((row) => ({
      key: String(row[key] ?? row.code ?? row.key ?? ''),
      amountJpy: yenOf(row),
    }));
  const total = d.total && typeof d.total === 'object' ? yenOf(d.total as Row) : 'totalJpy' in d || 'totalKyen' in d ? yenOf(d) : null;
  const overlapRow =
    d.overlap && typeof d.overlap === 'object'
      ? yenOf(d.overlap as Row)
      : 'overlapJpy' in d
        ? num(d.overlapJpy)
        : 'overlapKyen' in d
          ? num(d.overlapKyen) * 1000
          : null;
  return {
    fiscalYear: typeof d.fiscalYear === 'number' ? d.fiscalYear : null,
    byCategory: list(d.byCategory ?? d.categories, 'category'),
    byBureau: list(d.byBureau ?? d.bureaus, 'bureauCode'),
    totalJpy: total,
    overlapJpy: overlapRow,
  };
}

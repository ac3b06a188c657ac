/**
 * A KPI's status: what it should have reached by a year, and whether a measurement meets it. Its own
 * module, without zod: screens that show KPIs but no form (the KPI tab's first drawing, the canvas
 * grid, the portfolio) load this and not the schemas (UI performance §4.9). schemas.ts re-exports it.
 */

export type TKpiStatus = 'achieved' | 'on_track' | 'behind' | 'no_data';
export type TKpiForStatus = {
  direction: 'increase' | 'decrease';
  baselineValue: number | null;
  baselineYear: number | null;
  targetValue: number | null;
  targetText: string | null;
  targetFiscalYear: number;
};
export type TMeasurementForStatus = { fiscalYear: number; value: number | null; achieved: boolean | null };

/** What the KPI should have reached by `fiscalYear`: a straight line from baseline to target. */
export function expectedValue(kpi: TKpiForStatus, fiscalYear: number): number | null {
  if (kpi.targetValue === null) return null;
  if (kpi.baselineValue === null || kpi.baselineYear === null || fiscalYear >= kpi.targetFiscalYear) return kpi.targetValue;
  if (fiscalYear <= kpi.baselineYear) return kpi.baselineValue;
  const share = (fiscalYear - kpi.baselineYear) / (kpi.targetFiscalYear - kpi.baselineYear);
  return kpi.baselineValue + (kpi.targetValue - kpi.baselineValue) * share;
}

function reaches(kpi: TKpiForStatus, value: number, goal: number): boolean {
  return kpi.direction === 'increase' ? value >= goal : value <= goal;
}

/** Whether one measurement meets what was planned for its year (the target itself from the target year on). */
export function isMeasurementOnPlan(kpi: TKpiForStatus, m: TMeasurementForStatus): boolean {
  if (kpi.targetValue === null) return m.achieved === true || m.fiscalYear < kpi.targetFiscalYear;
  if (m.value === null) return false;
  const goal = expectedValue(kpi, m.fiscalYear);
  return goal === null || reaches(kpi, m.value, goal);
}

/** A measurement that misses its year's plan must say why. */
export function measurementNeedsComment(kpi: TKpiForStatus, m: TMeasurementForStatus): boolean {
  return !isMeasurementOnPlan(kpi, m);
}

/**
 * Status from the latest measurement: achieved when it meets the final target, on track when it
 * meets the baseline → target line for its year, behind otherwise; no data without measurements.
 */
export function computeKpiStatus(kpi: TKpiForStatus, measurements: readonly TMeasurementForStatus[]): TKpiStatus {
  if (measurements.length === 0) return 'no_data';
  const latest = measurements.reduce((a, b) => (b.fiscalYear > a.fiscalYear ? b : a));
  if (kpi.targetValue === null) {
    if (latest.achieved === true) return 'achieved';
    return latest.fiscalYear >= kpi.targetFiscalYear ? 'behind' : 'on_track';
  }
  if (latest.value !== null && reaches(kpi, latest.value, kpi.targetValue)) return 'achieved';
  return isMeasurementOnPlan(kpi, latest) ? 'on_track' : 'behind';
}

export const kpiStatusLabels: Record<TKpiStatus, { ja: string; en: string }> = {
  achieved: { ja: '達成', en: 'Achieved' },
  on_track: { ja: '順調', en: 'On track' },
  behind: { ja: '遅れ', en: 'Behind' },
  no_data: { ja: '未測定', en: 'No data' },
};

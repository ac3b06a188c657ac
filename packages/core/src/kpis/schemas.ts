import { z } from 'zod';
import { requiredText, text, ZFiscalYear } from '../projects/schemas.ts';

export const ZKpiDirection = z.enum(['increase', 'decrease']);
export type TKpiDirection = z.infer<typeof ZKpiDirection>;
const ZMeasure = z.number().min(-1e12).max(1e12);

const kpiShape = {
  name: requiredText(200),
  unit: text(20).optional(),
  direction: ZKpiDirection,
  baselineValue: ZMeasure.nullable().optional(),
  baselineYear: ZFiscalYear.nullable().optional(),
  /** A number, or null with `targetText` for targets such as 竣工 (completed) or 10％台. */
  targetValue: ZMeasure.nullable().optional(),
  targetText: text(100).nullable().optional(),
  targetFiscalYear: ZFiscalYear,
};

function checkTarget(value: { targetValue?: number | null; targetText?: string | null }, ctx: z.RefinementCtx) {
  const hasNumber = typeof value.targetValue === 'number';
  const hasText = typeof value.targetText === 'string' && value.targetText.trim().length > 0;
  if (!hasNumber && !hasText) {
    ctx.addIssue({ code: 'custom', path: ['targetValue'], message: 'a target value or a target text (e.g. 竣工) is required' });
  }
}

// The target rule runs even when another field is wrong, so a form shows every problem in one press
// (issue 18, item 9); checkTarget reads the fields with typeof, so half-parsed input is safe.
export const ZCreateKpiRequest = z.strictObject(kpiShape).superRefine(checkTarget, {
  when: (payload) => typeof payload.value === 'object' && payload.value !== null,
});
export type TCreateKpiRequest = z.infer<typeof ZCreateKpiRequest>;

export const ZUpdateKpiRequest = z
  .strictObject({ ...kpiShape, version: z.number().int().min(1) })
  .partial()
  .extend({ version: z.number().int().min(1) });
export type TUpdateKpiRequest = z.infer<typeof ZUpdateKpiRequest>;

export const ZCreateMeasurementRequest = z
  .strictObject({
    fiscalYear: ZFiscalYear,
    /** Numeric KPIs record a value; text-target KPIs record whether the target was reached. */
    value: ZMeasure.nullable().optional(),
    achieved: z.boolean().optional(),
    comment: text(2000).optional(),
  })
  .refine((m) => typeof m.value === 'number' || typeof m.achieved === 'boolean', {
    path: ['value'],
    message: 'a value (or, for a non-numeric target, achieved) is required',
  });
export type TCreateMeasurementRequest = z.infer<typeof ZCreateMeasurementRequest>;

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

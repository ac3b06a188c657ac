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

// The status rules and labels, without zod, for screens that show KPIs but no form (UI performance §4.9).
export * from './status.ts';

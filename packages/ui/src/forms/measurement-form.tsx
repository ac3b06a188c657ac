import { expectedValue, measurementNeedsComment, type TKpiForStatus, ZCreateMeasurementRequest } from '@core/kpis/schemas.ts';
import { fiscalYearOf } from '@core/projects/schemas.ts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Controller, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api, isApiError } from '../api.ts';
import { ErrorAlert } from '../components/common.tsx';
import {
  controlProps,
  Field,
  FieldSet,
  FiscalYearField,
  FormErrors,
  nullableNumber,
  optionalText,
  requiredNumber,
  TextAreaField,
} from '../components/field.tsx';
import { useSchemaForm } from '../components/form-parts.tsx';
import { useFormat } from '../format.ts';
import type { TKpi } from '../types.ts';

type Output = z.output<typeof ZCreateMeasurementRequest>;

/** Matched by errors.ts to the "say why" message in the user's language. */
export const commentRequiredMessage = 'comment is required: the measurement misses the plan for this year';

const planOf = (kpi: TKpi): TKpiForStatus => ({
  direction: kpi.direction,
  baselineValue: kpi.baselineValue,
  baselineYear: kpi.baselineYear,
  targetValue: kpi.targetValue,
  targetText: kpi.targetText,
  targetFiscalYear: kpi.targetFiscalYear,
});

/**
 * core's measurement schema plus the book's rule: a measurement that misses its year's plan
 * (the baseline → target line) must carry a comment saying why.
 */
export function measurementSchema(kpi: TKpi) {
  const plan = planOf(kpi);
  return ZCreateMeasurementRequest.superRefine((m, ctx) => {
    const value = typeof m.value === 'number' ? m.value : null;
    const achieved = typeof m.achieved === 'boolean' ? m.achieved : null;
    if (value === null && achieved === null) return;
    if (measurementNeedsComment(plan, { fiscalYear: m.fiscalYear, value, achieved }) && !m.comment?.trim()) {
      ctx.addIssue({ code: 'custom', path: ['comment'], message: commentRequiredMessage });
    }
  });
}

/** Record one fiscal year's measurement of a KPI. */
export function MeasurementForm({ kpi, onSaved, now = new Date() }: { kpi: TKpi; onSaved?: () => void; now?: Date }) {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const isNumeric = kpi.targetValue !== null;
  const schema = useMemo(() => measurementSchema(kpi), [kpi]);
  const form = useSchemaForm(schema, {
    defaultValues: { fiscalYear: fiscalYearOf(now), value: null, comment: '' },
  });
  const { id, register, control, handleSubmit, reset, errors, unmatched } = form;
  const [fiscalYear, value, achieved] = useWatch({ control, name: ['fiscalYear', 'value', 'achieved'] });
  const plan = planOf(kpi);
  const expected = typeof fiscalYear === 'number' ? expectedValue(plan, fiscalYear) : null;
  const behind =
    typeof fiscalYear === 'number' &&
    (typeof value === 'number' || typeof achieved === 'boolean') &&
    !Number.isNaN(value) &&
    measurementNeedsComment(plan, {
      fiscalYear,
      value: typeof value === 'number' ? value : null,
      achieved: typeof achieved === 'boolean' ? achieved : null,
    });

  const save = useMutation({
    mutationFn: (values: Output) => api.kpis.measure(kpi.projectId, kpi.id, values),
    onSuccess: () => {
      reset({ fiscalYear: fiscalYearOf(now), value: null, comment: '' });
      void queryClient.invalidateQueries({ queryKey: ['project', kpi.projectId] });
      onSaved?.();
    },
    onError: form.serverErrors(['fiscalYear', 'value', 'achieved', 'comment']),
  });

  return (
    <form
      className="form form-compact"
      noValidate
      onSubmit={handleSubmit((v) => save.mutate(v))}
      aria-label={t('kpi.measureLabel', { name: kpi.name })}
    >
      <FiscalYearField
        id={`${id}-fy`}
        label={t('kpi.fiscalYear')}
        error={errors.fiscalYear}
        registration={register('fiscalYear', { setValueAs: requiredNumber })}
      />
      {isNumeric ? (
        <Field
          id={`${id}-value`}
          label={t('kpi.value', { unit: kpi.unit ? f.paren(kpi.unit) : '' })}
          required
          error={errors.value}
          hint={expected !== null ? t('kpi.expectedHint', { value: f.number(expected), unit: kpi.unit ?? '' }) : undefined}
        >
          <input
            type="number"
            step="any"
            className="input-short"
            {...controlProps(`${id}-value`, { error: errors.value, hint: expected !== null })}
            {...register('value', { setValueAs: nullableNumber })}
          />
        </Field>
      ) : (
        <Controller
          control={control}
          name="achieved"
          render={({ field }) => (
            <FieldSet
              id={`${id}-value`}
              legend={t('kpi.achievedLegend', { target: kpi.targetText ?? '' })}
              required
              error={errors.value ?? errors.achieved}
            >
              <div className="radio-row">
                {[true, false].map((v) => (
                  <label key={String(v)} className="radio">
                    <input type="radio" name={field.name} checked={field.value === v} onChange={() => field.onChange(v)} />
                    {v ? t('kpi.achievedYes') : t('kpi.achievedNo')}
                  </label>
                ))}
              </div>
            </FieldSet>
          )}
        />
      )}
      {behind ? (
        <p className="alert alert-warning" role="status">
          {t('kpi.behindNotice')}
        </p>
      ) : null}
      <TextAreaField
        id={`${id}-comment`}
        label={t('kpi.comment')}
        required={behind}
        error={errors.comment}
        hint={t('kpi.commentHint')}
        rows={2}
        registration={register('comment', { setValueAs: optionalText })}
      />
      {save.isError && !(isApiError(save.error) && save.error.errors.length) ? <ErrorAlert error={save.error} /> : null}
      <FormErrors messages={unmatched} />
      <button type="submit" className="button" disabled={save.isPending}>
        {save.isPending ? t('common.saving') : t('kpi.addMeasurement')}
      </button>
    </form>
  );
}

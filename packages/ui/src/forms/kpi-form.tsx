import { ZCreateKpiRequest } from '@core/kpis/schemas.ts';
import { fiscalYearOf } from '@core/projects/schemas.ts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../api.ts';
import { controlProps, Field, FieldSet, nullableNumber, optionalText, requiredNumber } from '../components/field.tsx';
import { FormFooter, FormSummary, useSchemaForm } from '../components/form-parts.tsx';

type Input = z.input<typeof ZCreateKpiRequest>;
type Output = z.output<typeof ZCreateKpiRequest>;
const names = ['name', 'unit', 'direction', 'baselineValue', 'baselineYear', 'targetValue', 'targetText', 'targetFiscalYear'] as const;

/** Add a KPI (活動評価指標): a numeric target, or a text target such as 竣工. */
export function KpiForm({ projectId, onDone }: { projectId: string; onDone?: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const defaults: Input = {
    name: '',
    unit: '',
    direction: 'increase',
    baselineValue: null,
    baselineYear: null,
    targetValue: null,
    targetText: null,
    targetFiscalYear: fiscalYearOf(new Date()) + 3,
  };
  const form = useSchemaForm(ZCreateKpiRequest, { defaultValues: defaults });
  const { id, register, handleSubmit, reset, errors } = form;
  const fid = (name: string) => `${id}-${name}`;
  const save = useMutation({
    mutationFn: (values: Output) => api.kpis.create(projectId, values),
    onSuccess: () => {
      reset(defaults);
      void queryClient.invalidateQueries({ queryKey: ['project', projectId] });
      onDone?.();
    },
    onError: form.serverErrors(names),
  });
  return (
    <form className="form" noValidate onSubmit={handleSubmit((v) => save.mutate(v))} aria-label={t('kpi.addLabel')}>
      <FormSummary {...form.summary} fields={names.map((name) => ({ name, id: fid(name), label: t(`kpi.${name}`) }))} />
      <Field id={fid('name')} label={t('kpi.name')} required error={errors.name} hint={t('kpi.nameHint')}>
        <input type="text" {...controlProps(fid('name'), { error: errors.name, hint: true })} {...register('name')} />
      </Field>
      <Field id={fid('unit')} label={t('kpi.unit')} required={false} error={errors.unit} hint={t('kpi.unitHint')}>
        <input
          type="text"
          className="input-short"
          {...controlProps(fid('unit'), { error: errors.unit, hint: true })}
          {...register('unit', { setValueAs: optionalText })}
        />
      </Field>
      <FieldSet id={fid('direction')} legend={t('kpi.direction')} required error={errors.direction}>
        <div className="radio-row">
          {(['increase', 'decrease'] as const).map((value) => (
            <label key={value} className="radio">
              <input type="radio" value={value} {...register('direction')} />
              {t(`kpi.directions.${value}`)}
            </label>
          ))}
        </div>
      </FieldSet>
      <div className="field-row">
        <Field id={fid('baselineValue')} label={t('kpi.baselineValue')} required={false} error={errors.baselineValue}>
          <input
            type="number"
            step="any"
            {...controlProps(fid('baselineValue'), { error: errors.baselineValue })}
            {...register('baselineValue', { setValueAs: nullableNumber })}
          />
        </Field>
        <Field id={fid('baselineYear')} label={t('kpi.baselineYear')} required={false} error={errors.baselineYear}>
          <input
            type="number"
            {...controlProps(fid('baselineYear'), { error: errors.baselineYear })}
            {...register('baselineYear', { setValueAs: nullableNumber })}
          />
        </Field>
      </div>
      <div className="field-row">
        <Field id={fid('targetValue')} label={t('kpi.targetValue')} error={errors.targetValue} hint={t('kpi.targetHint')}>
          <input
            type="number"
            step="any"
            {...controlProps(fid('targetValue'), { error: errors.targetValue, hint: true })}
            {...register('targetValue', { setValueAs: nullableNumber })}
          />
        </Field>
        <Field id={fid('targetText')} label={t('kpi.targetText')} error={errors.targetText}>
          <input
            type="text"
            {...controlProps(fid('targetText'), { error: errors.targetText })}
            {...register('targetText', { setValueAs: (v) => (typeof v === 'string' && v.trim() === '' ? null : v) })}
          />
        </Field>
        <Field id={fid('targetFiscalYear')} label={t('kpi.targetFiscalYear')} required error={errors.targetFiscalYear}>
          <input
            type="number"
            {...controlProps(fid('targetFiscalYear'), { error: errors.targetFiscalYear })}
            {...register('targetFiscalYear', { setValueAs: requiredNumber })}
          />
        </Field>
      </div>
      <FormFooter save={save} submitLabel={t('kpi.add')} />
    </form>
  );
}

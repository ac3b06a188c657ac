import { registrationTriggerLabels, type ZCreateProjectRequest } from '@core/projects/schemas.ts';
import type { ReactNode } from 'react';
import { Controller, useFormContext, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { controlProps, Field, FieldSet, nullableNumber, optionalText, requiredNumber } from '../components/field.tsx';
import { formatManYen, useFormat } from '../format.ts';

/** The fields registering and editing a project share; the bureau is chosen only when registering. */
export const projectFieldNames = [
  'name',
  'fiscalYear',
  'registrationTrigger',
  'isNew',
  'summary',
  'budgetJpy',
  'maxDowntimeHours',
  'confidentiality',
] as const;
type SharedName = (typeof projectFieldNames)[number];
/** The shared fields after the name and summary: error summaries name those two (and the bureau, when registering) first. */
export const projectDetailFieldNames = projectFieldNames.filter((name) => name !== 'name' && name !== 'summary');
// Editing allows null where registering leaves a field out; the shared fields take either.
type ProjectFieldValues = { [K in SharedName]: z.input<typeof ZCreateProjectRequest>[K] | null };

/**
 * The project's basics and the oversight inputs, for the register form (`mode: 'create'`, blank means
 * "not sent") and the edit form (`mode: 'edit'`, a blank trigger is sent as null to clear it). Used inside
 * the form's `FormProvider`; `afterName` holds what only one of them asks (the bureau when registering).
 */
export function ProjectFields({
  idOf,
  mode,
  afterName,
}: {
  idOf: (name: string) => string;
  mode: 'create' | 'edit';
  afterName?: ReactNode;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const {
    register,
    control,
    formState: { errors },
  } = useFormContext<ProjectFieldValues>();
  const budget = useWatch({ control, name: 'budgetJpy' });
  const budgetHelper = typeof budget === 'number' && Number.isFinite(budget) && budget >= 0 ? formatManYen(budget, 'ja') : null;
  const blankTrigger = mode === 'create' ? undefined : null;
  return (
    <>
      <Field id={idOf('name')} label={t('register.name')} required error={errors.name}>
        <input type="text" {...controlProps(idOf('name'), { error: errors.name })} {...register('name')} autoComplete="off" />
      </Field>

      {afterName}

      <Field
        id={idOf('fiscalYear')}
        label={t('register.fiscalYear')}
        required
        error={errors.fiscalYear}
        hint={t('register.fiscalYearHint')}
      >
        <input
          type="number"
          inputMode="numeric"
          className="input-short"
          {...controlProps(idOf('fiscalYear'), { error: errors.fiscalYear, hint: true })}
          {...register('fiscalYear', { setValueAs: requiredNumber })}
        />
      </Field>

      <Field id={idOf('registrationTrigger')} label={t('register.registrationTrigger')} error={errors.registrationTrigger}>
        <select
          {...controlProps(idOf('registrationTrigger'), { error: errors.registrationTrigger })}
          {...register('registrationTrigger', { setValueAs: (v) => (v === '' ? blankTrigger : v) })}
        >
          <option value="">{t('common.choose')}</option>
          {Object.entries(registrationTriggerLabels).map(([value, label]) => (
            <option key={value} value={value}>
              {f.label(label)}
            </option>
          ))}
        </select>
      </Field>

      <Controller
        control={control}
        name="isNew"
        render={({ field }) => (
          <FieldSet id={idOf('isNew')} legend={t('register.isNew')} error={errors.isNew}>
            <div className="radio-row">
              {[true, false].map((value) => (
                <label key={String(value)} className="radio">
                  <input
                    type="radio"
                    name={field.name}
                    checked={field.value === value}
                    onChange={() => field.onChange(value)}
                    onBlur={field.onBlur}
                  />
                  {value ? t('register.new') : t('register.continuing')}
                </label>
              ))}
            </div>
          </FieldSet>
        )}
      />

      <Field id={idOf('summary')} label={t('register.summary')} required={false} error={errors.summary}>
        <textarea
          rows={3}
          {...controlProps(idOf('summary'), { error: errors.summary })}
          // Editing keeps '' (the edit form sends it as null, clearing the summary); registering leaves it out.
          {...register('summary', mode === 'create' ? { setValueAs: optionalText } : {})}
        />
      </Field>

      <fieldset className="fieldset-group">
        <legend>{t('register.oversightInputs')}</legend>
        <p className="hint">{t('register.oversightInputsHint')}</p>

        <Field
          id={idOf('budgetJpy')}
          label={t('register.budgetJpy')}
          required={false}
          error={errors.budgetJpy}
          hint={
            <>
              {t('register.budgetHint')}
              <output className="helper" htmlFor={idOf('budgetJpy')} aria-live="polite">
                {budgetHelper ? t('register.budgetIs', { amount: budgetHelper }) : ''}
              </output>
            </>
          }
        >
          <input
            type="number"
            inputMode="numeric"
            min={0}
            step={1}
            {...controlProps(idOf('budgetJpy'), { error: errors.budgetJpy, hint: true })}
            {...register('budgetJpy', { setValueAs: nullableNumber })}
          />
        </Field>

        <Field
          id={idOf('maxDowntimeHours')}
          label={t('register.maxDowntimeHours')}
          required={false}
          error={errors.maxDowntimeHours}
          hint={t('register.downtimeHint')}
        >
          <input
            type="number"
            inputMode="decimal"
            min={0}
            step="any"
            className="input-short"
            {...controlProps(idOf('maxDowntimeHours'), { error: errors.maxDowntimeHours, hint: true })}
            {...register('maxDowntimeHours', { setValueAs: nullableNumber })}
          />
        </Field>

        <Controller
          control={control}
          name="confidentiality"
          render={({ field }) => (
            <FieldSet
              id={idOf('confidentiality')}
              legend={t('register.confidentiality')}
              required={false}
              error={errors.confidentiality}
              hint={t('register.confidentialityHint')}
            >
              <div className="radio-stack">
                {(['A', 'B', 'C', null] as const).map((value) => (
                  <label key={String(value)} className="radio">
                    <input
                      type="radio"
                      name={field.name}
                      checked={(field.value ?? null) === value}
                      onChange={() => field.onChange(value)}
                      onBlur={field.onBlur}
                    />
                    {value === null ? t('register.confidentialityUnknown') : t(`register.confidentiality${value}`)}
                  </label>
                ))}
              </div>
            </FieldSet>
          )}
        />
      </fieldset>
    </>
  );
}

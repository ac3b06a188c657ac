import './zod-locale.ts';
import { fiscalYearOf, registrationTriggerLabels, ZCreateProjectRequest } from '@core/projects/schemas.ts';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Controller, useForm, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/common.tsx';
import { controlProps, ErrorSummary, Field, FieldSet, nullableNumber, optionalText, requiredNumber } from '../components/field.tsx';
import { cleanOversightInputs, OversightPreview } from '../components/oversight.tsx';
import { fieldMessage } from '../errors.ts';
import { formatManYen, useFormat } from '../format.ts';
import type { TBureau, TProject, TUser } from '../types.ts';
import { applyServerErrors } from './server-errors.ts';

type Input = z.input<typeof ZCreateProjectRequest>;
type Output = z.output<typeof ZCreateProjectRequest>;

const fieldNames = [
  'name',
  'summary',
  'bureauCode',
  'fiscalYear',
  'registrationTrigger',
  'isNew',
  'budgetJpy',
  'maxDowntimeHours',
  'confidentiality',
] as const;

/** The bureaus a user may register for: their own, or all for an admin. */
export function registrableBureaus(user: Pick<TUser, 'role' | 'bureauCodes'>, bureaus: readonly TBureau[]): TBureau[] {
  return user.role === 'admin' ? [...bureaus] : bureaus.filter((b) => user.bureauCodes.includes(b.code));
}

/**
 * The short registration form (DESIGN §2.1–2.2) with the live oversight preview beside it.
 * Validation is core's ZCreateProjectRequest; the server's field errors land on the same fields.
 */
export function RegisterProjectForm({
  user,
  bureaus,
  onCreated,
  now = new Date(),
}: {
  user: Pick<TUser, 'role' | 'bureauCodes'>;
  bureaus: readonly TBureau[];
  onCreated: (project: TProject) => void;
  now?: Date;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const fid = (name: string) => `${id}-${name}`;
  const options = registrableBureaus(user, bureaus);
  const [unmatched, setUnmatched] = useState<string[]>([]);

  const form = useForm<Input, unknown, Output>({
    resolver: zodResolver(ZCreateProjectRequest),
    defaultValues: {
      name: '',
      summary: '',
      bureauCode: options.length === 1 ? options[0]!.code : '',
      fiscalYear: fiscalYearOf(now),
      isNew: true,
      registrationTrigger: undefined,
      budgetJpy: null,
      maxDowntimeHours: null,
      confidentiality: null,
    },
  });
  const {
    register,
    control,
    handleSubmit,
    setError,
    formState: { errors, isSubmitted },
  } = form;
  const [budget, downtime, confidentiality] = useWatch({ control, name: ['budgetJpy', 'maxDowntimeHours', 'confidentiality'] });
  const preview = cleanOversightInputs({ budgetJpy: budget, maxDowntimeHours: downtime, confidentiality });

  const create = useMutation({
    mutationFn: (values: Output) => api.projects.create(values),
    onSuccess: onCreated,
    onError: (error) => setUnmatched(applyServerErrors(error, setError, fieldNames).unmatched),
  });

  const onSubmit = handleSubmit((values) => {
    setUnmatched([]);
    create.mutate(values);
  });

  const summaryItems = [
    ...fieldNames
      .filter((name) => errors[name])
      .map((name) => ({ id: fid(name), message: `${t(`register.${name}`)}${f.colon}${fieldMessage(errors[name]?.message, t)}` })),
    ...unmatched.map((message) => ({ message: fieldMessage(message, t) })),
  ];
  const budgetHelper = typeof budget === 'number' && Number.isFinite(budget) && budget >= 0 ? formatManYen(budget, 'ja') : null;

  return (
    <div className="two-column">
      <form id={fid('form')} className="form" onSubmit={onSubmit} noValidate aria-label={t('register.formLabel')}>
        {isSubmitted || unmatched.length ? <ErrorSummary items={summaryItems} /> : null}
        {create.isError && !applyServerErrorsHandled(create.error) ? <ErrorAlert error={create.error} /> : null}

        <Field id={fid('name')} label={t('register.name')} required error={errors.name}>
          <input type="text" {...controlProps(fid('name'), { error: errors.name })} {...register('name')} autoComplete="off" />
        </Field>

        <Field
          id={fid('bureauCode')}
          label={t('register.bureauCode')}
          required
          error={errors.bureauCode}
          hint={options.length === 0 ? t('register.noBureau') : undefined}
        >
          <select
            {...controlProps(fid('bureauCode'), { error: errors.bureauCode, hint: options.length === 0 })}
            {...register('bureauCode')}
          >
            <option value="">{t('common.choose')}</option>
            {options.map((b) => (
              <option key={b.code} value={b.code}>
                {f.label({ ja: b.nameJa, en: b.nameEn })}
                {f.paren(b.code)}
              </option>
            ))}
          </select>
        </Field>

        <Field
          id={fid('fiscalYear')}
          label={t('register.fiscalYear')}
          required
          error={errors.fiscalYear}
          hint={t('register.fiscalYearHint')}
        >
          <input
            type="number"
            inputMode="numeric"
            className="input-short"
            {...controlProps(fid('fiscalYear'), { error: errors.fiscalYear, hint: true })}
            {...register('fiscalYear', { setValueAs: requiredNumber })}
          />
        </Field>

        <Field id={fid('registrationTrigger')} label={t('register.registrationTrigger')} error={errors.registrationTrigger}>
          <select
            {...controlProps(fid('registrationTrigger'), { error: errors.registrationTrigger })}
            {...register('registrationTrigger', { setValueAs: (v) => (v === '' ? undefined : v) })}
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
            <FieldSet id={fid('isNew')} legend={t('register.isNew')} error={errors.isNew}>
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

        <Field id={fid('summary')} label={t('register.summary')} required={false} error={errors.summary}>
          <textarea
            rows={3}
            {...controlProps(fid('summary'), { error: errors.summary })}
            {...register('summary', { setValueAs: optionalText })}
          />
        </Field>

        <fieldset className="fieldset-group">
          <legend>{t('register.oversightInputs')}</legend>
          <p className="hint">{t('register.oversightInputsHint')}</p>

          <Field
            id={fid('budgetJpy')}
            label={t('register.budgetJpy')}
            required={false}
            error={errors.budgetJpy}
            hint={
              <>
                {t('register.budgetHint')}
                <output className="helper" htmlFor={fid('budgetJpy')} aria-live="polite">
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
              {...controlProps(fid('budgetJpy'), { error: errors.budgetJpy, hint: true })}
              {...register('budgetJpy', { setValueAs: nullableNumber })}
            />
          </Field>

          <Field
            id={fid('maxDowntimeHours')}
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
              {...controlProps(fid('maxDowntimeHours'), { error: errors.maxDowntimeHours, hint: true })}
              {...register('maxDowntimeHours', { setValueAs: nullableNumber })}
            />
          </Field>

          <Controller
            control={control}
            name="confidentiality"
            render={({ field }) => (
              <FieldSet
                id={fid('confidentiality')}
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
      </form>
      <aside className="sticky-aside" aria-label={t('oversight.previewTitle')}>
        <OversightPreview inputs={preview} />
      </aside>
      {/* After the preview, so on a phone (one column) the person sees the tier before pressing 登録する. */}
      <div className="button-row">
        <button type="submit" form={fid('form')} className="button" disabled={create.isPending}>
          {create.isPending ? t('register.submitting') : t('register.submit')}
        </button>
      </div>
    </div>
  );
}

/** Errors with field paths are shown on the fields and in the summary, not again as a banner. */
function applyServerErrorsHandled(error: unknown): boolean {
  return Boolean(
    error &&
      typeof error === 'object' &&
      'errors' in error &&
      Array.isArray((error as { errors: unknown[] }).errors) &&
      (error as { errors: unknown[] }).errors.length,
  );
}

import './zod-locale.ts';
import { registrationTriggerLabels, ZUpdateProjectRequest } from '@core/projects/schemas.ts';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Controller, useForm, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api, isApiError } from '../api.ts';
import { ErrorAlert } from '../components/common.tsx';
import { controlProps, ErrorSummary, Field, FieldSet, nullableNumber, requiredNumber } from '../components/field.tsx';
import { cleanOversightInputs, OversightPreview } from '../components/oversight.tsx';
import { useUnsavedChangesWarning } from '../components/unsaved.ts';
import { fieldMessage } from '../errors.ts';
import { formatManYen, useFormat } from '../format.ts';
import type { TProject } from '../types.ts';
import { applyServerErrors } from './server-errors.ts';

type Input = z.input<typeof ZUpdateProjectRequest>;
type Output = z.output<typeof ZUpdateProjectRequest>;

const editable = [
  'name',
  'summary',
  'fiscalYear',
  'registrationTrigger',
  'isNew',
  'budgetJpy',
  'maxDowntimeHours',
  'confidentiality',
] as const;
type Editable = (typeof editable)[number];

export function valuesOf(project: TProject): Input {
  return {
    version: project.version,
    name: project.name,
    summary: project.summary ?? '',
    fiscalYear: project.fiscalYear,
    registrationTrigger: project.registrationTrigger,
    isNew: project.isNew,
    budgetJpy: project.budgetJpy,
    maxDowntimeHours: project.maxDowntimeHours,
    confidentiality: project.confidentiality,
  };
}

function useShowValue() {
  const { t } = useTranslation();
  const f = useFormat();
  return (key: Editable, value: unknown): string => {
    if (value === null || value === undefined || value === '') return '—';
    switch (key) {
      case 'budgetJpy':
        return f.yen(Number(value));
      case 'maxDowntimeHours':
        return f.hours(Number(value));
      case 'fiscalYear':
        return f.fiscalYear(Number(value));
      case 'isNew':
        return value ? t('register.new') : t('register.continuing');
      case 'registrationTrigger':
        return f.label(registrationTriggerLabels[value as keyof typeof registrationTriggerLabels], String(value));
      default:
        return String(value);
    }
  };
}

/** 409: someone saved first. Show their values beside mine; reload, or save mine over theirs knowingly. */
function ConflictPanel({
  mine,
  current,
  onReload,
  onOverwrite,
}: {
  mine: Input;
  current: TProject;
  onReload: () => void;
  onOverwrite: () => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const show = useShowValue();
  const theirs = valuesOf(current);
  const rows = editable.filter((key) => String(mine[key] ?? '') !== String(theirs[key] ?? ''));
  return (
    <div className="alert alert-warning" role="alert">
      <h3>{t('project.conflictTitle')}</h3>
      <p>
        {t('project.conflictLead', {
          version: current.version,
          when: f.dateTime(current.updatedAt),
        })}
      </p>
      {rows.length ? (
        <table className="table table-compact">
          <caption>{t('project.conflictCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('project.conflictField')}</th>
              <th scope="col">{t('project.conflictMine')}</th>
              <th scope="col">{t('project.conflictTheirs')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((key) => (
              <tr key={key}>
                <th scope="row">{t(`register.${key}`)}</th>
                <td>{show(key, mine[key])}</td>
                <td>{show(key, theirs[key])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{t('project.conflictSame')}</p>
      )}
      <div className="button-row">
        <button type="button" className="button" onClick={onReload}>
          {t('common.reload')}
        </button>
        <button type="button" className="button button-secondary" onClick={onOverwrite}>
          {t('project.conflictOverwrite')}
        </button>
      </div>
    </div>
  );
}

/** Edit the basics at the version loaded (optimistic concurrency), with the tier preview when its inputs change. */
export function ProjectEditForm({ project, onDone }: { project: TProject; onDone: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const fid = (name: string) => `${id}-${name}`;
  const queryClient = useQueryClient();
  const [conflict, setConflict] = useState<TProject | null>(null);
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const form = useForm<Input, unknown, Output>({ resolver: zodResolver(ZUpdateProjectRequest), defaultValues: valuesOf(project) });
  const {
    register,
    control,
    handleSubmit,
    setError,
    reset,
    getValues,
    setValue,
    formState: { errors, isDirty, isSubmitted },
  } = form;
  const [budget, downtime, confidentiality] = useWatch({ control, name: ['budgetJpy', 'maxDowntimeHours', 'confidentiality'] });
  const inputsChanged =
    budget !== project.budgetJpy || downtime !== project.maxDowntimeHours || (confidentiality ?? null) !== project.confidentiality;

  const save = useMutation({
    mutationFn: (values: Output) => api.projects.update(project.id, { ...values, summary: values.summary === '' ? null : values.summary }),
    onSuccess: (updated) => {
      queryClient.setQueryData(['project', project.id], updated);
      void queryClient.invalidateQueries({ queryKey: ['project', project.id, 'tier-history'] });
      void queryClient.invalidateQueries({ queryKey: ['projects'] });
      reset(valuesOf(updated));
      onDone();
    },
    onError: (error) => {
      if (isApiError(error) && error.code === 'version_conflict' && error.current) {
        setConflict(error.current as TProject);
        return;
      }
      setUnmatched(applyServerErrors(error, setError, editable).unmatched);
    },
  });
  useUnsavedChangesWarning(isDirty && !save.isSuccess);

  const onSubmit = handleSubmit((values) => {
    setUnmatched([]);
    setConflict(null);
    save.mutate(values);
  });
  const summaryItems = [
    ...editable
      .filter((name) => errors[name])
      .map((name) => ({ id: fid(name), message: `${t(`register.${name}`)}${f.colon}${fieldMessage(errors[name]?.message, t)}` })),
    ...unmatched.map((message) => ({ message: fieldMessage(message, t) })),
  ];

  return (
    <div className="two-column">
      <form className="form" onSubmit={onSubmit} noValidate aria-label={t('project.editLabel')}>
        {isSubmitted && summaryItems.length ? <ErrorSummary items={summaryItems} /> : null}
        {conflict ? (
          <ConflictPanel
            mine={getValues()}
            current={conflict}
            onReload={() => {
              queryClient.setQueryData(['project', project.id], conflict);
              reset(valuesOf(conflict));
              setConflict(null);
              save.reset();
            }}
            onOverwrite={() => {
              setValue('version', conflict.version);
              setConflict(null);
              void onSubmit();
            }}
          />
        ) : save.isError && !(isApiError(save.error) && save.error.errors.length) ? (
          <ErrorAlert error={save.error} />
        ) : null}

        <Field id={fid('name')} label={t('register.name')} required error={errors.name}>
          <input type="text" {...controlProps(fid('name'), { error: errors.name })} {...register('name')} />
        </Field>
        <Field id={fid('summary')} label={t('register.summary')} required={false} error={errors.summary}>
          <textarea rows={3} {...controlProps(fid('summary'), { error: errors.summary })} {...register('summary')} />
        </Field>
        <Field id={fid('fiscalYear')} label={t('register.fiscalYear')} required error={errors.fiscalYear}>
          <input
            type="number"
            className="input-short"
            {...controlProps(fid('fiscalYear'), { error: errors.fiscalYear })}
            {...register('fiscalYear', { setValueAs: requiredNumber })}
          />
        </Field>
        <Field id={fid('registrationTrigger')} label={t('register.registrationTrigger')} error={errors.registrationTrigger}>
          <select
            {...controlProps(fid('registrationTrigger'), { error: errors.registrationTrigger })}
            {...register('registrationTrigger', { setValueAs: (v) => (v === '' ? null : v) })}
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
                    <input type="radio" name={field.name} checked={field.value === value} onChange={() => field.onChange(value)} />
                    {value ? t('register.new') : t('register.continuing')}
                  </label>
                ))}
              </div>
            </FieldSet>
          )}
        />
        <fieldset className="fieldset-group">
          <legend>{t('register.oversightInputs')}</legend>
          <Field
            id={fid('budgetJpy')}
            label={t('register.budgetJpy')}
            required={false}
            error={errors.budgetJpy}
            hint={
              <>
                {t('register.budgetHint')}
                <output className="helper" htmlFor={fid('budgetJpy')}>
                  {typeof budget === 'number' && Number.isFinite(budget)
                    ? t('register.budgetIs', { amount: formatManYen(budget, 'ja') })
                    : ''}
                </output>
              </>
            }
          >
            <input
              type="number"
              min={0}
              {...controlProps(fid('budgetJpy'), { error: errors.budgetJpy, hint: true })}
              {...register('budgetJpy', { setValueAs: nullableNumber })}
            />
          </Field>
          <Field id={fid('maxDowntimeHours')} label={t('register.maxDowntimeHours')} required={false} error={errors.maxDowntimeHours}>
            <input
              type="number"
              min={0}
              step="any"
              className="input-short"
              {...controlProps(fid('maxDowntimeHours'), { error: errors.maxDowntimeHours })}
              {...register('maxDowntimeHours', { setValueAs: nullableNumber })}
            />
          </Field>
          <Controller
            control={control}
            name="confidentiality"
            render={({ field }) => (
              <FieldSet id={fid('confidentiality')} legend={t('register.confidentiality')} required={false} error={errors.confidentiality}>
                <div className="radio-stack">
                  {(['A', 'B', 'C', null] as const).map((value) => (
                    <label key={String(value)} className="radio">
                      <input
                        type="radio"
                        name={field.name}
                        checked={(field.value ?? null) === value}
                        onChange={() => field.onChange(value)}
                      />
                      {value === null ? t('register.confidentialityUnknown') : t(`register.confidentiality${value}`)}
                    </label>
                  ))}
                </div>
              </FieldSet>
            )}
          />
        </fieldset>
        <div className="button-row">
          <button type="submit" className="button" disabled={save.isPending}>
            {save.isPending ? t('common.saving') : t('common.save')}
          </button>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              reset(valuesOf(project));
              onDone();
            }}
          >
            {t('common.cancel')}
          </button>
        </div>
      </form>
      {inputsChanged ? (
        <aside className="sticky-aside" aria-label={t('oversight.previewTitle')}>
          <OversightPreview
            inputs={cleanOversightInputs({ budgetJpy: budget, maxDowntimeHours: downtime, confidentiality })}
            inForce={{ tier: project.tier, reviewerRole: project.reviewerRole }}
          />
        </aside>
      ) : null}
    </div>
  );
}

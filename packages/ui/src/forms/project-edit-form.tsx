import { registrationTriggerLabels, ZUpdateProjectRequest } from '@core/projects/schemas.ts';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { FormProvider, useForm, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api, isApiError } from '../api.ts';
import { ErrorAlert } from '../components/common.tsx';
import { FormButtons, FormSummary } from '../components/form-parts.tsx';
import { cleanOversightInputs, OversightPreview } from '../components/oversight.tsx';
import { useUnsavedChangesWarning } from '../components/unsaved.ts';
import { useFormat } from '../format.ts';
import type { TProject } from '../types.ts';
import { ProjectFields, projectDetailFieldNames } from './project-fields.tsx';
import { applyServerErrors } from './server-errors.ts';

type Input = z.input<typeof ZUpdateProjectRequest>;
type Output = z.output<typeof ZUpdateProjectRequest>;

const editable = ['name', 'summary', ...projectDetailFieldNames] as const;
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
  const id = useId();
  const fid = (name: string) => `${id}-${name}`;
  const queryClient = useQueryClient();
  const [conflict, setConflict] = useState<TProject | null>(null);
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const form = useForm<Input, unknown, Output>({ resolver: zodResolver(ZUpdateProjectRequest), defaultValues: valuesOf(project) });
  const {
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

  return (
    <div className="two-column">
      <FormProvider {...form}>
        <form className="form" onSubmit={onSubmit} noValidate aria-label={t('project.editLabel')}>
          <FormSummary
            errors={errors}
            unmatched={unmatched}
            isSubmitted={isSubmitted}
            fields={editable.map((name) => ({ name, id: fid(name), label: t(`register.${name}`) }))}
          />
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

          <ProjectFields idOf={fid} mode="edit" />
          <FormButtons
            pending={save.isPending}
            submitLabel={t('common.save')}
            onCancel={() => {
              reset(valuesOf(project));
              onDone();
            }}
          />
        </form>
      </FormProvider>
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

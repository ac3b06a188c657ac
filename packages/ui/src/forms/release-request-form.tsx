import './zod-locale.ts';
import { ZCreateReleaseRequest } from '@core/reviews/schemas.ts';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api, isApiError } from '../api.ts';
import { ErrorAlert } from '../components/common.tsx';
import { controlProps, ErrorSummary, Field, FormErrors, optionalText } from '../components/field.tsx';
import { fieldMessage } from '../errors.ts';
import { useFormat } from '../format.ts';
import type { TChecklistItem, TReleaseRequest } from '../types.ts';
import { applyServerErrors } from './server-errors.ts';

type Input = z.input<typeof ZCreateReleaseRequest>;
type Output = z.output<typeof ZCreateReleaseRequest>;

/**
 * File a release request: the planned date, notes, and evidence (a URL and/or a note) for each item
 * of the checklist that applies to the project's tier. Items left empty are not sent.
 */
export function ReleaseRequestForm({
  projectId,
  checklist,
  onFiled,
}: {
  projectId: string;
  checklist: TChecklistItem[];
  onFiled: (request: TReleaseRequest) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const queryClient = useQueryClient();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitted },
  } = useForm<Input, unknown, Output>({
    resolver: zodResolver(ZCreateReleaseRequest),
    defaultValues: { plannedReleaseDate: '', notes: '', evidence: checklist.map((item) => ({ itemId: item.itemId })) },
  });
  const file = useMutation({
    mutationFn: (values: Output) =>
      api.releases.create(projectId, {
        ...values,
        evidence: (values.evidence ?? []).filter((e) => e.url || e.note),
      }),
    onSuccess: (request) => {
      void queryClient.invalidateQueries({ queryKey: ['project', projectId] });
      onFiled(request);
    },
    onError: (error) => setUnmatched(applyServerErrors(error, setError, ['plannedReleaseDate', 'notes', 'evidence']).unmatched),
  });
  const evidenceErrors = errors.evidence;
  const summary = [
    ...(errors.plannedReleaseDate
      ? [{ id: `${id}-date`, message: `${t('release.plannedDate')}${f.colon}${fieldMessage(errors.plannedReleaseDate.message, t)}` }]
      : []),
    ...checklist.flatMap((item, i) => {
      const e = Array.isArray(evidenceErrors) ? evidenceErrors[i] : undefined;
      return e?.url
        ? [
            {
              id: `${id}-url-${i}`,
              message: `${f.lang === 'en' ? (item.labelEn ?? item.label) : item.label}${f.colon}${fieldMessage(e.url.message, t)}`,
            },
          ]
        : [];
    }),
  ];
  return (
    <form className="form form-wide" noValidate onSubmit={handleSubmit((v) => file.mutate(v))} aria-label={t('release.fileLabel')}>
      {isSubmitted && summary.length ? <ErrorSummary items={summary} /> : null}
      <Field id={`${id}-date`} label={t('release.plannedDate')} required error={errors.plannedReleaseDate}>
        <input
          type="date"
          className="input-short"
          {...controlProps(`${id}-date`, { error: errors.plannedReleaseDate })}
          {...register('plannedReleaseDate')}
        />
      </Field>
      <Field id={`${id}-notes`} label={t('release.notes')} required={false} error={errors.notes}>
        <textarea rows={3} {...controlProps(`${id}-notes`, { error: errors.notes })} {...register('notes', { setValueAs: optionalText })} />
      </Field>
      <fieldset className="fieldset-group">
        <legend>{t('release.evidenceTitle')}</legend>
        <p className="hint">{t('release.evidenceHint')}</p>
        <ol className="evidence-list">
          {checklist.map((item, i) => {
            const e = Array.isArray(evidenceErrors) ? evidenceErrors[i] : undefined;
            return (
              <li key={item.itemId} className="evidence-item">
                <h3 className="evidence-title">{f.lang === 'en' ? (item.labelEn ?? item.label) : item.label}</h3>
                <p className="hint">{f.lang === 'en' ? (item.descriptionEn ?? item.description) : item.description}</p>
                <input type="hidden" {...register(`evidence.${i}.itemId`)} />
                <div className="field-row">
                  <Field id={`${id}-url-${i}`} label={t('release.evidenceUrl')} required={false} error={e?.url}>
                    <input
                      type="url"
                      {...controlProps(`${id}-url-${i}`, { error: e?.url })}
                      {...register(`evidence.${i}.url`, { setValueAs: optionalText })}
                    />
                  </Field>
                  <Field id={`${id}-note-${i}`} label={t('release.evidenceNote')} required={false} error={e?.note}>
                    <input
                      type="text"
                      {...controlProps(`${id}-note-${i}`, { error: e?.note })}
                      {...register(`evidence.${i}.note`, { setValueAs: optionalText })}
                    />
                  </Field>
                </div>
              </li>
            );
          })}
        </ol>
      </fieldset>
      {file.isError && !(isApiError(file.error) && file.error.errors.length) ? <ErrorAlert error={file.error} /> : null}
      <FormErrors messages={unmatched} />
      <button type="submit" className="button" disabled={file.isPending}>
        {file.isPending ? t('common.saving') : t('release.file')}
      </button>
    </form>
  );
}

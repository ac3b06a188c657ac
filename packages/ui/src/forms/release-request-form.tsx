import { ZCreateReleaseRequest } from '@core/reviews/schemas.ts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api, isApiError } from '../api.ts';
import { ErrorAlert } from '../components/common.tsx';
import { controlProps, ErrorSummary, Field, FormErrors, optionalText, TextAreaField } from '../components/field.tsx';
import { FormButtons, useSchemaForm } from '../components/form-parts.tsx';
import { fieldMessage } from '../errors.ts';
import { useFormat } from '../format.ts';
import type { TChecklistItem, TReleaseRequestDetail as TReleaseRequest } from '../types.ts';

/** Matched by errors.ts, so the applicant reads it in their language. */
export const pastDateMessage = 'the planned release date must not be in the past';

/** Today in Tokyo as YYYY-MM-DD: the book's dates are Japanese calendar days whatever the browser's zone. */
export function todayInTokyo(now = new Date()): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo' }).format(now);
}

/** core's schema plus the one rule a person filing today needs: a release is planned for today or later. */
export function releaseRequestSchema(today: string) {
  return ZCreateReleaseRequest.superRefine((value, ctx) => {
    if (value.plannedReleaseDate && value.plannedReleaseDate < today) {
      ctx.addIssue({ code: 'custom', path: ['plannedReleaseDate'], message: pastDateMessage });
    }
  });
}

type Schema = ReturnType<typeof releaseRequestSchema>;
type Output = z.output<Schema>;

/**
 * File a release request, or correct a pending one (`existing`): the planned date, notes, and
 * evidence (a URL and/or a note) for each item of the checklist of the project's tier. Items left
 * empty are not sent; before sending, the applicant is told which items have no evidence.
 */
export function ReleaseRequestForm({
  projectId,
  checklist,
  onFiled,
  existing,
  onCancel,
}: {
  projectId: string;
  checklist: TChecklistItem[];
  onFiled: (request: TReleaseRequest) => void;
  existing?: TReleaseRequest;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  // The items without evidence the applicant was warned about; sending again with the same gaps confirms them.
  const [warnedMissing, setWarnedMissing] = useState<string[] | null>(null);
  const today = useMemo(() => todayInTokyo(), []);
  const form = useSchemaForm(releaseRequestSchema(today), {
    defaultValues: {
      plannedReleaseDate: existing?.plannedReleaseDate ?? '',
      notes: existing?.notes ?? '',
      evidence: checklist.map((item) => {
        const given = existing?.evidence.find((e) => e.itemId === item.itemId);
        return { itemId: item.itemId, url: given?.url ?? '', note: given?.note ?? '' };
      }),
    },
  });
  const { id, register, handleSubmit, errors, unmatched, setUnmatched } = form;
  const labelOf = (item: TChecklistItem) => (f.lang === 'en' ? (item.labelEn ?? item.label) : item.label);
  const file = useMutation({
    mutationFn: (values: Output) => {
      const body = { ...values, evidence: (values.evidence ?? []).filter((e) => e.url || e.note) };
      return existing
        ? api.releases.update(existing.id, { ...body, notes: body.notes ?? '', version: existing.version })
        : api.releases.create(projectId, body);
    },
    onSuccess: (request) => {
      void queryClient.invalidateQueries({ queryKey: ['project', projectId] });
      queryClient.setQueryData(['release-request', request.id], request);
      onFiled(request);
    },
    onError: form.serverErrors(['plannedReleaseDate', 'notes', 'evidence']),
  });
  const send = (values: Output) => {
    const missing = checklist.filter((_item, i) => {
      const e = values.evidence?.[i];
      return !e?.url && !e?.note;
    });
    const missingIds = missing.map((item) => item.itemId);
    if (missing.length && (warnedMissing === null || warnedMissing.join() !== missingIds.join())) {
      setWarnedMissing(missingIds);
      return;
    }
    setUnmatched([]);
    file.mutate(values);
  };
  const evidenceErrors = errors.evidence;
  const summary = [
    ...(errors.plannedReleaseDate
      ? [{ id: `${id}-date`, message: `${t('release.plannedDate')}${f.colon}${fieldMessage(errors.plannedReleaseDate.message, t)}` }]
      : []),
    ...checklist.flatMap((item, i) => {
      const e = Array.isArray(evidenceErrors) ? evidenceErrors[i] : undefined;
      return e?.url ? [{ id: `${id}-url-${i}`, message: `${labelOf(item)}${f.colon}${fieldMessage(e.url.message, t)}` }] : [];
    }),
  ];
  const missingItems = warnedMissing ? checklist.filter((item) => warnedMissing.includes(item.itemId)) : [];
  return (
    <form
      className="form form-wide"
      noValidate
      onSubmit={handleSubmit(send)}
      aria-label={existing ? t('release.correctLabel') : t('release.fileLabel')}
    >
      {form.formState.isSubmitted && summary.length ? <ErrorSummary items={summary} /> : null}
      <Field
        id={`${id}-date`}
        label={t('release.plannedDate')}
        required
        error={errors.plannedReleaseDate}
        hint={t('release.plannedDateHint')}
      >
        <input
          type="date"
          className="input-short"
          min={today}
          {...controlProps(`${id}-date`, { error: errors.plannedReleaseDate, hint: true })}
          {...register('plannedReleaseDate')}
        />
      </Field>
      <TextAreaField
        id={`${id}-notes`}
        label={t('release.notes')}
        required={false}
        error={errors.notes}
        rows={3}
        registration={register('notes', { setValueAs: optionalText })}
      />
      <section className="fieldset-group" aria-labelledby={`${id}-evidence-title`}>
        <h3 id={`${id}-evidence-title`}>{t('release.evidenceTitle')}</h3>
        <p className="hint">{t('release.evidenceHint')}</p>
        <ul className="evidence-list">
          {checklist.map((item, i) => {
            const e = Array.isArray(evidenceErrors) ? evidenceErrors[i] : undefined;
            const label = labelOf(item);
            return (
              <li key={item.itemId} className="evidence-item">
                {/* One group per item: its two boxes are announced with the item they belong to. */}
                <fieldset className="fieldset" aria-describedby={`${id}-desc-${i}`}>
                  <legend className="evidence-title">{label}</legend>
                  <p className="hint" id={`${id}-desc-${i}`}>
                    {f.lang === 'en' ? (item.descriptionEn ?? item.description) : item.description}
                  </p>
                  <input type="hidden" {...register(`evidence.${i}.itemId`)} />
                  <div className="field-row">
                    <Field
                      id={`${id}-url-${i}`}
                      label={
                        <>
                          {t('release.evidenceUrl')}
                          <span className="visually-hidden">{f.paren(label)}</span>
                        </>
                      }
                      required={false}
                      error={e?.url}
                    >
                      <input
                        type="url"
                        {...controlProps(`${id}-url-${i}`, { error: e?.url })}
                        {...register(`evidence.${i}.url`, { setValueAs: optionalText })}
                      />
                    </Field>
                    <Field
                      id={`${id}-note-${i}`}
                      label={
                        <>
                          {t('release.evidenceNote')}
                          <span className="visually-hidden">{f.paren(label)}</span>
                        </>
                      }
                      required={false}
                      error={e?.note}
                    >
                      <input
                        type="text"
                        {...controlProps(`${id}-note-${i}`, { error: e?.note })}
                        {...register(`evidence.${i}.note`, { setValueAs: optionalText })}
                      />
                    </Field>
                  </div>
                </fieldset>
              </li>
            );
          })}
        </ul>
      </section>
      {missingItems.length ? (
        <div className="alert alert-warning" role="alert">
          <p>
            <strong>{t('release.missingEvidence', { count: missingItems.length })}</strong>
          </p>
          <ul>
            {missingItems.map((item) => (
              <li key={item.itemId}>{labelOf(item)}</li>
            ))}
          </ul>
          <p>{t('release.missingEvidenceHint')}</p>
        </div>
      ) : null}
      {file.isError && !(isApiError(file.error) && file.error.errors.length) ? <ErrorAlert error={file.error} /> : null}
      <FormErrors messages={unmatched} />
      <FormButtons
        pending={file.isPending}
        submitLabel={
          missingItems.length
            ? existing
              ? t('release.saveWithoutEvidence')
              : t('release.fileWithoutEvidence')
            : existing
              ? t('release.saveCorrection')
              : t('release.file')
        }
        onCancel={onCancel}
      />
    </form>
  );
}

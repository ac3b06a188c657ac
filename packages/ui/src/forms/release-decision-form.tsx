import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type Ref, useEffect, useId, useRef, useState } from 'react';
import { useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../api.ts';
import { ErrorAlert } from '../components/common.tsx';
import { controlProps, ErrorSummary, Field, FormErrors, optionalText, TextAreaField } from '../components/field.tsx';
import { useSchemaForm } from '../components/form-parts.tsx';
import { fieldMessage } from '../errors.ts';
import { useFormat } from '../format.ts';
import type { TReleaseRequestDetail as TReleaseRequest } from '../types.ts';

import type { DecisionFormOutput as Output } from './release-decision-schema.ts';

export function ReleaseDecisionForm({ request }: { request: TReleaseRequest }) {
  // An exempted item (免除) counts as met whatever its result: the API accepts the approval.
  const exemptionOf = (itemId: string) => request.exemptions?.find((e) => e.itemId === itemId);
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const form = useSchemaForm(() => import('./release-decision-schema.ts').then((m) => m.decisionSchema(request)), {
    defaultValues: {
      decision: 'approved',
      comment: '',
      // No result is chosen for the reviewer: each item must be looked at.
      items: request.checklist.map((item) => ({ itemId: item.itemId, result: null, note: '' })),
    },
  });
  const { id, register, handleSubmit, setValue, control, errors, unmatched, setUnmatched } = form;
  const items = useWatch({ control, name: 'items' });
  // The judgement that passed the checks, waiting for the reviewer to confirm it.
  const [toConfirm, setToConfirm] = useState<Output | null>(null);
  const confirmRef = useRef<HTMLElement>(null);
  useEffect(() => {
    if (toConfirm) confirmRef.current?.focus();
  }, [toConfirm]);
  const decide = useMutation({
    mutationFn: (values: Output) =>
      api.releases.decide(request.id, {
        decision: values.decision,
        comment: values.comment,
        // A return carries the results chosen so far; an approval has them all.
        items: values.items.flatMap((i) => (i.result ? [{ itemId: i.itemId, result: i.result, note: i.note || undefined }] : [])),
      }),
    onSuccess: (updated) => {
      queryClient.setQueryData(['release-request', request.id], updated);
      void queryClient.invalidateQueries({ queryKey: ['inbox'] });
      void queryClient.invalidateQueries({ queryKey: ['project', request.projectId] });
    },
    onError: (error) => {
      setToConfirm(null);
      form.serverErrors(['decision', 'comment', 'items'])(error);
    },
  });
  const submit = (decision: 'approved' | 'returned') => {
    setValue('decision', decision);
    void handleSubmit((values) => {
      setUnmatched([]);
      setToConfirm(values);
    })();
  };
  const label = (itemId: string) => {
    const item = request.checklist.find((c) => c.itemId === itemId);
    return item ? (f.lang === 'en' ? (item.labelEn ?? item.label) : item.label) : itemId;
  };
  const itemErrors = Array.isArray(errors.items) ? errors.items : [];
  const summary = [
    ...request.checklist.flatMap((item, i) => {
      const e = itemErrors[i]?.result;
      return e ? [{ id: `${id}-item-${i}`, message: `${label(item.itemId)}${f.colon}${fieldMessage(e.message, t)}` }] : [];
    }),
    ...(errors.comment
      ? [{ id: `${id}-comment`, message: `${t('judge.comment')}${f.colon}${fieldMessage(errors.comment.message, t)}` }]
      : []),
  ];
  const okCount = (items ?? []).filter((i) => i?.result === 'ok' || i?.result === 'na').length;

  return (
    <form className="form form-wide" noValidate onSubmit={(e) => e.preventDefault()} aria-label={t('judge.formLabel')}>
      {form.formState.isSubmitted && summary.length ? <ErrorSummary items={summary} /> : null}
      <p aria-live="polite">{t('judge.progress', { done: okCount, total: request.checklist.length })}</p>
      <ul className="judge-list">
        {request.checklist.map((item, i) => {
          const evidence = request.evidence.find((e) => e.itemId === item.itemId);
          const error = itemErrors[i]?.result;
          return (
            <li key={item.itemId} className={`judge-item${error ? ' field-invalid' : ''}`}>
              <fieldset
                className="fieldset"
                id={`${id}-item-${i}`}
                tabIndex={-1}
                aria-describedby={error ? `${id}-item-${i}-error` : undefined}
              >
                <legend className="judge-legend">{label(item.itemId)}</legend>
                <p className="hint">{f.lang === 'en' ? (item.descriptionEn ?? item.description) : item.description}</p>
                {exemptionOf(item.itemId) ? (
                  <p>
                    <span className="badge badge-exempt">{t('supervision.exempt')}</span>{' '}
                    {t('supervision.exemptUntil', {
                      date: f.date(exemptionOf(item.itemId)?.expiresOn),
                      reason: exemptionOf(item.itemId)?.reason,
                    })}
                  </p>
                ) : null}
                <div className="evidence-box">
                  <strong>
                    {t('judge.evidence')}
                    {f.colon}
                  </strong>
                  {evidence?.url ? (
                    <a href={evidence.url} target="_blank" rel="noopener noreferrer">
                      {evidence.url}
                      <span className="visually-hidden">{t('common.opensNewWindow')}</span>
                    </a>
                  ) : null}{' '}
                  {evidence?.note ?? (evidence?.url ? '' : t('judge.noEvidence'))}
                </div>
                {error ? (
                  <p className="field-error" id={`${id}-item-${i}-error`}>
                    {fieldMessage(error.message, t)}
                  </p>
                ) : null}
                <input type="hidden" {...register(`items.${i}.itemId`)} />
                <div className="radio-row">
                  {(['ok', 'ng', 'na'] as const)
                    .filter((r) => r !== 'na' || item.naAllowed)
                    .map((r) => (
                      <label key={r} className="radio">
                        <input type="radio" value={r} {...register(`items.${i}.result`)} />
                        {t(`judge.results.${r}`)}
                      </label>
                    ))}
                </div>
                <Field id={`${id}-note-${i}`} label={t('judge.itemNote')} required={false}>
                  <input
                    type="text"
                    {...controlProps(`${id}-note-${i}`, {})}
                    {...register(`items.${i}.note`, { setValueAs: optionalText })}
                  />
                </Field>
              </fieldset>
            </li>
          );
        })}
      </ul>
      <TextAreaField
        id={`${id}-comment`}
        label={t('judge.comment')}
        error={errors.comment}
        hint={t('judge.commentHint')}
        rows={4}
        registration={register('comment', { setValueAs: optionalText })}
      />
      {decide.isError && !(isApiError(decide.error) && decide.error.errors.length) ? (
        isApiError(decide.error) && decide.error.status === 403 ? (
          <div className="alert alert-error" role="alert">
            {t('judge.forbidden')}
          </div>
        ) : (
          <ErrorAlert error={decide.error} />
        )
      ) : null}
      <FormErrors messages={unmatched} />
      {toConfirm ? (
        <ConfirmDecision
          ref={confirmRef}
          request={request}
          values={toConfirm}
          label={label}
          pending={decide.isPending}
          onConfirm={() => decide.mutate(toConfirm)}
          onBack={() => setToConfirm(null)}
        />
      ) : (
        <div className="button-row">
          <button type="button" className="button" disabled={decide.isPending} onClick={() => submit('approved')}>
            {t('judge.approve')}
          </button>
          <button type="button" className="button button-danger" disabled={decide.isPending} onClick={() => submit('returned')}>
            {t('judge.return')}
          </button>
        </div>
      )}
    </form>
  );
}

/** The check step: what is about to be sent, with the items the applicant gave no evidence for. */
function ConfirmDecision({
  ref,
  request,
  values,
  label,
  pending,
  onConfirm,
  onBack,
}: {
  ref: Ref<HTMLElement>;
  request: TReleaseRequest;
  values: Output;
  label: (itemId: string) => string;
  pending: boolean;
  onConfirm: () => void;
  onBack: () => void;
}) {
  const { t } = useTranslation();
  const headingId = useId();
  const count = (r: 'ok' | 'ng' | 'na') => values.items.filter((i) => i.result === r).length;
  const noEvidence = request.checklist.filter((item) => {
    const e = request.evidence.find((x) => x.itemId === item.itemId);
    return !e?.url && !e?.note;
  });
  const approving = values.decision === 'approved';
  return (
    <section className="confirm-panel" ref={ref} tabIndex={-1} aria-labelledby={headingId}>
      <h3 id={headingId}>{t('judge.confirmTitle')}</h3>
      <p>{approving ? t('judge.confirmLeadApprove') : t('judge.confirmLeadReturn')}</p>
      <p>
        {t('judge.confirmCounts', {
          ok: count('ok'),
          ng: count('ng'),
          na: count('na'),
          none: values.items.filter((i) => !i.result).length,
        })}
      </p>
      {noEvidence.length ? (
        <div className="alert alert-warning">
          <p>{t('judge.confirmMissingEvidence', { count: noEvidence.length })}</p>
          <ul>
            {noEvidence.map((item) => (
              <li key={item.itemId}>{label(item.itemId)}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {values.comment?.trim() ? (
        <blockquote className="quote">
          <p className="canvas-text">{values.comment}</p>
        </blockquote>
      ) : null}
      <div className="button-row">
        <button type="button" className={approving ? 'button' : 'button button-danger'} disabled={pending} onClick={onConfirm}>
          {pending ? t('common.saving') : approving ? t('judge.confirmApprove') : t('judge.confirmReturn')}
        </button>
        <button type="button" className="button button-secondary" disabled={pending} onClick={onBack}>
          {t('judge.back')}
        </button>
      </div>
    </section>
  );
}

import { directionOf, offeredStages } from '@core/lifecycle/stages.ts';
import { stageLabels } from '@core/projects/schemas.ts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../api.ts';
import { ErrorAlert } from '../components/common.tsx';
import { controlProps, ErrorSummary, Field } from '../components/field.tsx';
import { useFormat } from '../format.ts';
import type { TProject, TStage } from '../types.ts';

/**
 * Move the project to another stage. Forward moves are checked against the gates (422 gate_unmet
 * lists every unmet one); going back or retiring needs a reason. On success the form closes and the
 * overview says so above the stepper (`onMoved`).
 */
export function TransitionForm({
  project,
  nextStage,
  onMoved,
}: {
  project: TProject;
  nextStage: TStage | null;
  onMoved?: (stage: TStage) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const queryClient = useQueryClient();
  // Until the person chooses, the next stage is chosen for them (the gates answer after the first render).
  const [chosen, setTo] = useState<TStage | '' | null>(null);
  const to: TStage | '' = chosen ?? nextStage ?? '';
  const [reason, setReason] = useState('');
  const [isReasonFlagged, setReasonMissing] = useState(false);
  const [stageMissing, setStageMissing] = useState(false);
  const direction = to ? directionOf(project.stage, to) : null;
  const needsReason = direction === 'backward' || direction === 'retire';
  // A forward move chosen after the flag needs no reason: the old error would mark an optional field.
  const reasonMissing = isReasonFlagged && needsReason && !reason.trim();

  const move = useMutation({
    mutationFn: () => api.projects.transition(project.id, { to: to as TStage, ...(reason.trim() ? { reason: reason.trim() } : {}) }),
    onSuccess: (updated) => {
      queryClient.setQueryData(['project', project.id], updated);
      void queryClient.invalidateQueries({ queryKey: ['project', project.id] });
      void queryClient.invalidateQueries({ queryKey: ['projects'] });
      setReason('');
      onMoved?.(updated.stage);
    },
  });

  if (project.stage === 'retired') return <p>{t('lifecycle.retiredNote')}</p>;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    // Every problem in one pass: a reason is only asked for once the chosen stage needs one.
    const isReasonMissing = needsReason && !reason.trim();
    setStageMissing(!to);
    setReasonMissing(isReasonMissing);
    if (!to || isReasonMissing) {
      document.getElementById(`${id}-${to ? 'reason' : 'to'}`)?.focus();
      return;
    }
    move.mutate();
  };

  const error = move.error;
  const unmet = isApiError(error) && error.code === 'gate_unmet' ? error.unmet : [];
  const others = offeredStages(project.stage, nextStage);

  return (
    <form className="form transition-form" onSubmit={onSubmit} noValidate>
      <ErrorSummary
        items={[
          ...(stageMissing ? [{ id: `${id}-to`, message: `${t('lifecycle.to')}${f.colon}${t('lifecycle.stageRequired')}` }] : []),
          ...(reasonMissing ? [{ id: `${id}-reason`, message: `${t('lifecycle.reason')}${f.colon}${t('lifecycle.reasonRequired')}` }] : []),
        ]}
      />
      <Field
        id={`${id}-to`}
        label={t('lifecycle.to')}
        required
        error={stageMissing ? { message: t('lifecycle.stageRequired') } : undefined}
      >
        <select
          {...controlProps(`${id}-to`, { error: stageMissing ? {} : undefined })}
          value={to}
          onChange={(e) => setTo(e.target.value as TStage)}
        >
          <option value="">{t('common.choose')}</option>
          {others.map((s) => {
            const d = directionOf(project.stage, s);
            return (
              <option key={s} value={s}>
                {t(`lifecycle.direction.${d}`, { stage: f.label(stageLabels[s]) })}
              </option>
            );
          })}
        </select>
      </Field>
      <Field
        id={`${id}-reason`}
        label={t('lifecycle.reason')}
        required={needsReason}
        hint={needsReason ? t('lifecycle.reasonHint') : undefined}
        error={reasonMissing ? { message: t('lifecycle.reasonRequired') } : undefined}
      >
        <textarea
          rows={3}
          {...controlProps(`${id}-reason`, { hint: needsReason, error: reasonMissing ? {} : undefined })}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Field>
      {unmet.length ? (
        <div className="alert alert-error" role="alert">
          <h3>{t('lifecycle.gateUnmetTitle')}</h3>
          <ul>
            {unmet.map((gate) => (
              <li key={gate.gate}>{f.lang === 'en' && gate.messageEn ? gate.messageEn : gate.message}</li>
            ))}
          </ul>
        </div>
      ) : error ? (
        <ErrorAlert error={error} />
      ) : null}
      {move.isSuccess && !onMoved ? (
        <p className="alert alert-success" role="status">
          {t('lifecycle.moved', { stage: f.label(stageLabels[move.data.stage]) })}
        </p>
      ) : null}
      <button type="submit" className="button" disabled={move.isPending}>
        {move.isPending ? t('common.saving') : t('lifecycle.submit')}
      </button>
    </form>
  );
}

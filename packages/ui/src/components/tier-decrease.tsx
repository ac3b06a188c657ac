import { roleLabels } from '@core/registry/lists.ts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { useFormat } from '../format.ts';
import type { TProject, TTierDecrease } from '../types.ts';
import { ErrorAlert, Notice } from './common.tsx';
import { controlProps, Field } from './field.tsx';

/** A project's tier decreases (the overview asks for them with the project: its prefetchScreen). */
export const tierDecreasesQuery = (project: Pick<TProject, 'id' | 'version'>) => ({
  queryKey: ['project', project.id, 'tier-decreases', project.version],
  queryFn: () => api.projects.tierDecreases(project.id),
});

/**
 * A tier decrease waiting for consent (issue 10 §1): everyone reading the project sees that the tier
 * in force stays until the reviewer of that tier agrees; that reviewer agrees or refuses here.
 */
export function TierDecreasePanel({ project }: { project: TProject }) {
  const { t } = useTranslation();
  const f = useFormat();
  const decreases = useQuery(tierDecreasesQuery(project));
  // The decision just made, kept after the list reloads without the pending request.
  const [decided, setDecided] = useState<TTierDecrease | null>(null);
  const pending = decreases.data?.find((d) => d.status === 'pending');
  const tierText = (tier: number | null) => (tier === null ? t('tierDecrease.unset') : t('tierDecrease.tierN', { tier }));
  if (decreases.isError) return <ErrorAlert error={decreases.error} />;
  if (decided && !pending) {
    return (
      <Notice tone="success" role="status">
        {decided.status === 'approved'
          ? t('tierDecrease.approved', { to: tierText(decided.toTier) })
          : t('tierDecrease.refused', { from: decided.fromTier })}
      </Notice>
    );
  }
  if (!pending) return null;
  const reviewer = pending.fromReviewerRole ? f.label(roleLabels[pending.fromReviewerRole]) : '';
  return (
    <section id="tier-decrease" className="alert alert-warning" aria-labelledby="tier-decrease-title">
      <h3 id="tier-decrease-title">{t('tierDecrease.title')}</h3>
      <p>{t('tierDecrease.pendingLead', { from: pending.fromTier, to: tierText(pending.toTier), reviewer })}</p>
      <p className="small">
        {t('tierDecrease.requestedBy', { name: pending.requestedByName, when: f.dateTime(pending.requestedAt) })}
        {pending.cause === 'import' ? ` ${t('tierDecrease.causeImport')}` : null}
      </p>
      {pending.canDecide ? (
        <DecisionForm decrease={pending} projectId={project.id} onDecided={setDecided} />
      ) : (
        <p className="small">{t('tierDecrease.waitingOther', { reviewer })}</p>
      )}
    </section>
  );
}

function DecisionForm({
  decrease,
  projectId,
  onDecided,
}: {
  decrease: TTierDecrease;
  projectId: string;
  onDecided: (decided: TTierDecrease) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const queryClient = useQueryClient();
  const [decision, setDecision] = useState<'approved' | 'refused' | ''>('');
  const [comment, setComment] = useState('');
  const [commentMissing, setCommentMissing] = useState(false);
  const decide = useMutation({
    mutationFn: () =>
      api.tierDecreases.decide(decrease.id, {
        decision: decision as 'approved' | 'refused',
        ...(comment.trim() ? { comment: comment.trim() } : {}),
        version: decrease.version,
      }),
    onSuccess: (decided) => {
      onDecided(decided);
      void queryClient.invalidateQueries({ queryKey: ['project', projectId] });
      void queryClient.invalidateQueries({ queryKey: ['inbox'] });
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!decision) return;
    if (decision === 'refused' && !comment.trim()) {
      setCommentMissing(true);
      document.getElementById(`${id}-comment`)?.focus();
      return;
    }
    setCommentMissing(false);
    decide.mutate();
  };
  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      <fieldset className="radio-stack">
        <legend>{t('tierDecrease.decideLegend')}</legend>
        {(['approved', 'refused'] as const).map((value) => (
          <label key={value} className="radio">
            <input type="radio" name={`${id}-decision`} value={value} checked={decision === value} onChange={() => setDecision(value)} />{' '}
            {value === 'approved' ? t('tierDecrease.approve') : t('tierDecrease.refuse', { from: decrease.fromTier })}
          </label>
        ))}
      </fieldset>
      <Field
        id={`${id}-comment`}
        label={t('tierDecrease.comment')}
        required={decision === 'refused'}
        hint={t('tierDecrease.commentHint')}
        error={commentMissing ? { message: t('tierDecrease.commentRequired') } : undefined}
      >
        <textarea
          rows={3}
          {...controlProps(`${id}-comment`, { hint: true, error: commentMissing ? {} : undefined })}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
        />
      </Field>
      {decide.error ? <ErrorAlert error={decide.error} /> : null}
      <button type="submit" className="button" disabled={!decision || decide.isPending}>
        {decide.isPending ? t('common.saving') : t('tierDecrease.submit')}
      </button>
    </form>
  );
}

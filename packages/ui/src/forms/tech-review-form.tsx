import './zod-locale.ts';
import { ZUpdateTechReviewRequest } from '@core/reviews/schemas.ts';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api, isApiError } from '../api.ts';
import { ErrorAlert } from '../components/common.tsx';
import { controlProps, Field, FormErrors } from '../components/field.tsx';
import type { TTechReview } from '../types.ts';
import { applyServerErrors } from './server-errors.ts';

type Input = z.input<typeof ZUpdateTechReviewRequest>;
type Output = z.output<typeof ZUpdateTechReviewRequest>;
export const viewpoints = ['technical', 'usability', 'security'] as const;

const valuesOf = (review: TTechReview): Input => ({
  version: review.version,
  technical: { rating: review.technical.rating, comment: review.technical.comment },
  usability: { rating: review.usability.rating, comment: review.usability.comment },
  security: { rating: review.security.rating, comment: review.security.comment },
  overallOpinion: review.overallOpinion,
  status: 'in_review',
});

/** The DSB's evaluation of one extracted project: three viewpoints rated 1–5 with comments, and an overall opinion. */
export function TechReviewForm({ review, onDone }: { review: TTechReview; onDone: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const queryClient = useQueryClient();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors },
  } = useForm<Input, unknown, Output>({ resolver: zodResolver(ZUpdateTechReviewRequest), defaultValues: valuesOf(review) });
  const save = useMutation({
    mutationFn: (values: Output) => api.budget.updateTechReview(review.id, values),
    onSuccess: (updated) => {
      reset(valuesOf(updated));
      void queryClient.invalidateQueries({ queryKey: ['tech-reviews'] });
      void queryClient.invalidateQueries({ queryKey: ['budget-cycles'] });
      onDone();
    },
    onError: (error) =>
      setUnmatched(applyServerErrors(error, setError, ['technical', 'usability', 'security', 'overallOpinion']).unmatched),
  });
  const conflict = isApiError(save.error) && save.error.code === 'version_conflict';
  return (
    <form
      className="form form-wide"
      noValidate
      onSubmit={handleSubmit((v) => save.mutate(v))}
      aria-label={t('budget.reviewFormLabel', { name: review.projectName })}
    >
      <div className="viewpoint-grid">
        {viewpoints.map((vp) => (
          <fieldset key={vp} className="fieldset-group">
            <legend>{t(`budget.viewpoints.${vp}`)}</legend>
            <Field id={`${id}-${vp}-rating`} label={t('budget.rating')} error={errors[vp]?.rating}>
              <select
                className="input-short"
                {...controlProps(`${id}-${vp}-rating`, { error: errors[vp]?.rating })}
                {...register(`${vp}.rating`, { setValueAs: (v) => (v === '' || v === null ? null : Number(v)) })}
              >
                <option value="">{t('budget.notRated')}</option>
                {[5, 4, 3, 2, 1].map((n) => (
                  <option key={n} value={n}>
                    {t(`budget.ratings.${n as 1 | 2 | 3 | 4 | 5}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field id={`${id}-${vp}-comment`} label={t('budget.comment')} error={errors[vp]?.comment}>
              <textarea rows={3} {...controlProps(`${id}-${vp}-comment`, { error: errors[vp]?.comment })} {...register(`${vp}.comment`)} />
            </Field>
          </fieldset>
        ))}
      </div>
      <Field id={`${id}-overall`} label={t('budget.overallOpinion')} error={errors.overallOpinion}>
        <textarea rows={4} {...controlProps(`${id}-overall`, { error: errors.overallOpinion })} {...register('overallOpinion')} />
      </Field>
      {conflict ? (
        <div className="alert alert-warning" role="alert">
          <p>{t('errors.codes.version_conflict')}</p>
          <button
            type="button"
            className="button"
            onClick={() => {
              void queryClient.invalidateQueries({ queryKey: ['tech-reviews'] });
              onDone();
            }}
          >
            {t('common.reload')}
          </button>
        </div>
      ) : save.isError && !(isApiError(save.error) && save.error.errors.length) ? (
        <ErrorAlert error={save.error} />
      ) : null}
      <FormErrors messages={unmatched} />
      <div className="button-row">
        <button type="submit" className="button" disabled={save.isPending}>
          {save.isPending ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" className="button button-secondary" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

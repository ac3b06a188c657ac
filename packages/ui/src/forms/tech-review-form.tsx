import { ZUpdateTechReviewRequest } from '@core/reviews/schemas.ts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../api.ts';
import { controlProps, Field, TextAreaField } from '../components/field.tsx';
import { FormFooter, FormSummary, useSchemaForm } from '../components/form-parts.tsx';
import { useFormat } from '../format.ts';
import type { TBudgetCycle, TTechReview } from '../types.ts';

type Input = z.input<typeof ZUpdateTechReviewRequest>;
type Output = z.output<typeof ZUpdateTechReviewRequest>;

const valuesOf = (review: TTechReview): Input => ({
  version: review.version,
  viewpoints: Object.fromEntries(review.viewpoints.map((v) => [v.id, { rating: v.rating, comment: v.comment }])),
  overallOpinion: review.overallOpinion,
  status: 'in_review',
});

/**
 * GovTech Tokyo's evaluation of one extracted project: each viewpoint of the cycle (with its guidance)
 * rated on the cycle's scale with a comment, and an overall opinion.
 */
export function TechReviewForm({ review, cycle, onDone }: { review: TTechReview; cycle: TBudgetCycle; onDone: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const form = useSchemaForm(ZUpdateTechReviewRequest, { defaultValues: valuesOf(review) });
  const { id, register, handleSubmit, reset, errors } = form;
  const guidanceOf = new Map(cycle.viewpoints.map((v) => [v.id, v.guidance]));
  const scale = [...cycle.ratingScale].reverse();
  const save = useMutation({
    mutationFn: (values: Output) => api.budget.updateTechReview(review.id, values),
    onSuccess: (updated) => {
      reset(valuesOf(updated));
      void queryClient.invalidateQueries({ queryKey: ['tech-reviews'] });
      void queryClient.invalidateQueries({ queryKey: ['budget-cycles'] });
      onDone();
    },
    onError: form.serverErrors([...review.viewpoints.map((v) => `viewpoints.${v.id}`), 'overallOpinion']),
  });
  return (
    <form
      className="form form-wide"
      noValidate
      onSubmit={handleSubmit((v) => save.mutate(v))}
      aria-label={t('budget.reviewFormLabel', { name: review.projectName })}
    >
      <FormSummary
        {...form.summary}
        fields={[
          ...review.viewpoints.flatMap((vp) => [
            { name: `viewpoints.${vp.id}.rating`, id: `${id}-${vp.id}-rating`, label: `${f.label(vp.label)} ${t('budget.rating')}` },
            { name: `viewpoints.${vp.id}.comment`, id: `${id}-${vp.id}-comment`, label: `${f.label(vp.label)} ${t('budget.comment')}` },
          ]),
          { name: 'overallOpinion', id: `${id}-overall`, label: t('budget.overallOpinion') },
        ]}
      />
      <div className="viewpoint-grid">
        {review.viewpoints.map((vp) => {
          const error = errors.viewpoints?.[vp.id];
          const guidance = guidanceOf.get(vp.id);
          return (
            <fieldset key={vp.id} className="fieldset-group">
              <legend>{f.label(vp.label)}</legend>
              {guidance ? <p className="small muted">{f.label(guidance)}</p> : null}
              <Field id={`${id}-${vp.id}-rating`} label={t('budget.rating')} error={error?.rating}>
                <select
                  className="input-short"
                  {...controlProps(`${id}-${vp.id}-rating`, { error: error?.rating })}
                  {...register(`viewpoints.${vp.id}.rating`, { setValueAs: (v) => (v === '' || v === null ? null : Number(v)) })}
                >
                  <option value="">{t('budget.notRated')}</option>
                  {scale.map((step) => (
                    <option key={step.value} value={step.value}>
                      {step.value}
                      {f.colon}
                      {f.label(step.label)}
                    </option>
                  ))}
                </select>
              </Field>
              <TextAreaField
                id={`${id}-${vp.id}-comment`}
                label={t('budget.comment')}
                error={error?.comment}
                rows={3}
                registration={register(`viewpoints.${vp.id}.comment`)}
              />
            </fieldset>
          );
        })}
      </div>
      <TextAreaField
        id={`${id}-overall`}
        label={t('budget.overallOpinion')}
        error={errors.overallOpinion}
        rows={4}
        registration={register('overallOpinion')}
      />
      <FormFooter
        save={save}
        submitLabel={t('common.save')}
        onCancel={onDone}
        onReload={() => {
          void queryClient.invalidateQueries({ queryKey: ['tech-reviews'] });
          onDone();
        }}
      />
    </form>
  );
}

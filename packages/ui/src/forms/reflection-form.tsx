import './zod-locale.ts';
import { reflectionOutcomeLabels, ZReflectionOutcome, ZTechReviewReflectionRequest } from '@core/reviews/budget-cycle.ts';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api, isApiError } from '../api.ts';
import { ErrorAlert } from '../components/common.tsx';
import { controlProps, Field, FormErrors, requiredNumber } from '../components/field.tsx';
import { useFormat } from '../format.ts';
import type { TTechReview } from '../types.ts';
import { applyServerErrors } from './server-errors.ts';

type Input = z.input<typeof ZTechReviewReflectionRequest>;
type Output = z.output<typeof ZTechReviewReflectionRequest>;

/** The budget office records how one submitted review's opinion was reflected in the budget (反映 / 一部反映 / 未反映). */
export function ReflectionForm({ review, onDone }: { review: TTechReview; onDone: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const queryClient = useQueryClient();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<Input, unknown, Output>({
    resolver: zodResolver(ZTechReviewReflectionRequest),
    defaultValues: {
      outcome: review.reflection?.outcome ?? 'reflected',
      amountChangeJpy: review.reflection?.amountChangeJpy ?? 0,
      comment: review.reflection?.comment ?? '',
      version: review.reflection?.version ?? 0,
    },
  });
  const save = useMutation({
    mutationFn: (values: Output) => api.budget.reflect(review.id, values),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['tech-reviews'] });
      void queryClient.invalidateQueries({ queryKey: ['budget-cycles'] });
      void queryClient.invalidateQueries({ queryKey: ['reflection-outcomes'] });
      onDone();
    },
    onError: (error) => setUnmatched(applyServerErrors(error, setError, ['outcome', 'amountChangeJpy', 'comment']).unmatched),
  });
  const conflict = isApiError(save.error) && save.error.code === 'version_conflict';
  return (
    <form
      className="form"
      noValidate
      onSubmit={handleSubmit((v) => save.mutate(v))}
      aria-label={t('budget.reflection.formLabel', { name: review.projectName })}
    >
      <fieldset className="fieldset-group">
        <legend>{t('budget.reflection.outcome')}</legend>
        {ZReflectionOutcome.options.map((outcome) => (
          <label key={outcome} className="choice">
            <input type="radio" value={outcome} {...register('outcome')} /> {f.label(reflectionOutcomeLabels[outcome])}
          </label>
        ))}
      </fieldset>
      <Field
        id={`${id}-amount`}
        label={t('budget.reflection.amountChange')}
        hint={t('budget.reflection.amountChangeHint')}
        error={errors.amountChangeJpy}
      >
        <input
          type="number"
          step={1}
          inputMode="numeric"
          {...controlProps(`${id}-amount`, { error: errors.amountChangeJpy, hint: true })}
          {...register('amountChangeJpy', { setValueAs: requiredNumber })}
        />
      </Field>
      <Field id={`${id}-comment`} label={t('budget.reflection.comment')} error={errors.comment}>
        <textarea rows={3} {...controlProps(`${id}-comment`, { error: errors.comment })} {...register('comment')} />
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
          {save.isPending ? t('common.saving') : t('budget.reflection.save')}
        </button>
        <button type="button" className="button button-secondary" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

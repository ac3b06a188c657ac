import { reflectionOutcomeLabels, ZReflectionOutcome, ZTechReviewReflectionRequest } from '@core/reviews/budget-cycle.ts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../api.ts';
import { controlProps, Field, requiredNumber, TextAreaField } from '../components/field.tsx';
import { FormFooter, FormSummary, useSchemaForm } from '../components/form-parts.tsx';
import { useFormat } from '../format.ts';
import type { TTechReview } from '../types.ts';

type Output = z.output<typeof ZTechReviewReflectionRequest>;

/** The budget office records how one submitted review's opinion was reflected in the budget (反映 / 一部反映 / 未反映). */
export function ReflectionForm({ review, onDone }: { review: TTechReview; onDone: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const form = useSchemaForm(ZTechReviewReflectionRequest, {
    defaultValues: {
      outcome: review.reflection?.outcome ?? 'reflected',
      amountChangeJpy: review.reflection?.amountChangeJpy ?? 0,
      comment: review.reflection?.comment ?? '',
      version: review.reflection?.version ?? 0,
    },
  });
  const { id, register, handleSubmit, errors } = form;
  const save = useMutation({
    mutationFn: (values: Output) => api.budget.reflect(review.id, values),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['tech-reviews'] });
      void queryClient.invalidateQueries({ queryKey: ['budget-cycles'] });
      void queryClient.invalidateQueries({ queryKey: ['reflection-outcomes'] });
      onDone();
    },
    onError: form.serverErrors(['outcome', 'amountChangeJpy', 'comment']),
  });
  return (
    <form
      className="form"
      noValidate
      onSubmit={handleSubmit((v) => save.mutate(v))}
      aria-label={t('budget.reflection.formLabel', { name: review.projectName })}
    >
      <FormSummary
        {...form.summary}
        fields={[
          { name: 'outcome', id: `${id}-outcome`, label: t('budget.reflection.outcome') },
          { name: 'amountChangeJpy', id: `${id}-amount`, label: t('budget.reflection.amountChange') },
          { name: 'comment', id: `${id}-comment`, label: t('budget.reflection.comment') },
        ]}
      />
      <fieldset className="fieldset-group" id={`${id}-outcome`} tabIndex={-1}>
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
      <TextAreaField
        id={`${id}-comment`}
        label={t('budget.reflection.comment')}
        error={errors.comment}
        rows={3}
        registration={register('comment')}
      />
      <FormFooter
        save={save}
        submitLabel={t('budget.reflection.save')}
        onCancel={onDone}
        onReload={() => {
          void queryClient.invalidateQueries({ queryKey: ['tech-reviews'] });
          onDone();
        }}
      />
    </form>
  );
}

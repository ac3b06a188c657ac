import { fiscalYearOf } from '@core/projects/schemas.ts';
import { ZYearlyReviewRequest } from '@core/reviews/schemas.ts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../api.ts';
import { FieldSet, FiscalYearField, requiredNumber, TextAreaField } from '../components/field.tsx';
import { FormFooter, FormSummary, useSchemaForm } from '../components/form-parts.tsx';

type Output = z.output<typeof ZYearlyReviewRequest>;

/** 存廃判断: continue, improve or retire, once per fiscal year, with the reasoning. */
export function YearlyReviewForm({ projectId }: { projectId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const form = useSchemaForm(ZYearlyReviewRequest, {
    defaultValues: { fiscalYear: fiscalYearOf(new Date()), rationale: '' },
  });
  const { id, register, handleSubmit, reset, errors } = form;
  const save = useMutation({
    mutationFn: (values: Output) => api.yearlyReviews.create(projectId, values),
    onSuccess: () => {
      reset({ fiscalYear: fiscalYearOf(new Date()), rationale: '' });
      void queryClient.invalidateQueries({ queryKey: ['project', projectId] });
    },
    onError: form.serverErrors(['fiscalYear', 'decision', 'rationale']),
  });
  return (
    <form className="form" noValidate onSubmit={handleSubmit((v) => save.mutate(v))} aria-label={t('yearly.formLabel')}>
      <FormSummary
        {...form.summary}
        fields={[
          { name: 'fiscalYear', id: `${id}-fy`, label: t('yearly.fiscalYear') },
          { name: 'decision', id: `${id}-decision`, label: t('yearly.decision') },
          { name: 'rationale', id: `${id}-rationale`, label: t('yearly.rationale') },
        ]}
      />
      <FiscalYearField
        id={`${id}-fy`}
        label={t('yearly.fiscalYear')}
        error={errors.fiscalYear}
        registration={register('fiscalYear', { setValueAs: requiredNumber })}
      />
      <FieldSet id={`${id}-decision`} legend={t('yearly.decision')} required error={errors.decision}>
        <div className="radio-stack">
          {(['continue', 'improve', 'retire'] as const).map((value) => (
            <label key={value} className="radio">
              <input type="radio" value={value} {...register('decision')} />
              {t(`yearly.decisions.${value}`)}
            </label>
          ))}
        </div>
      </FieldSet>
      <TextAreaField
        id={`${id}-rationale`}
        label={t('yearly.rationale')}
        required
        error={errors.rationale}
        hint={t('yearly.rationaleHint')}
        rows={4}
        registration={register('rationale')}
      />
      <FormFooter save={save} submitLabel={t('yearly.submit')} success={t('yearly.saved')} />
    </form>
  );
}

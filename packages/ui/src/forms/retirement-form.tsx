import { ZRetirementDecisionRequest } from '@core/reviews/schemas.ts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../api.ts';
import { FieldSet, TextAreaField } from '../components/field.tsx';
import { FormFooter, FormSummary, useSchemaForm } from '../components/form-parts.tsx';
import { useFormat } from '../format.ts';

type Output = z.output<typeof ZRetirementDecisionRequest>;

/** The pending retirement a yearly `retire` decision opened: the bureau confirms it (廃止) or withdraws it, with a reason. */
export function RetirementForm({ projectId, fiscalYear }: { projectId: string; fiscalYear: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const form = useSchemaForm(ZRetirementDecisionRequest, {
    defaultValues: { decision: 'confirm', reason: '' },
  });
  const { id, register, handleSubmit, errors } = form;
  const save = useMutation({
    mutationFn: (values: Output) => api.yearlyReviews.decideRetirement(projectId, fiscalYear, values),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['project', projectId] }),
    onError: form.serverErrors(['decision', 'reason']),
  });
  return (
    <form className="form" noValidate onSubmit={handleSubmit((v) => save.mutate(v))} aria-label={t('retirement.formLabel')}>
      <h3>{t('retirement.title', { year: f.fiscalYear(fiscalYear) })}</h3>
      <p className="small">{t('retirement.lead')}</p>
      <FormSummary
        {...form.summary}
        fields={[
          { name: 'decision', id: `${id}-decision`, label: t('retirement.decision') },
          { name: 'reason', id: `${id}-reason`, label: t('retirement.reason') },
        ]}
      />
      <FieldSet id={`${id}-decision`} legend={t('retirement.decision')} required error={errors.decision}>
        <div className="radio-stack">
          {(['confirm', 'withdraw'] as const).map((value) => (
            <label key={value} className="radio">
              <input type="radio" value={value} {...register('decision')} />
              {t(`retirement.decisions.${value}`)}
            </label>
          ))}
        </div>
      </FieldSet>
      <TextAreaField
        id={`${id}-reason`}
        label={t('retirement.reason')}
        required
        error={errors.reason}
        rows={3}
        registration={register('reason')}
      />
      <FormFooter save={save} submitLabel={t('retirement.submit')} />
    </form>
  );
}

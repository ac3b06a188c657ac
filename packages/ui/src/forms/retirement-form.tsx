import './zod-locale.ts';
import { ZRetirementDecisionRequest } from '@core/reviews/schemas.ts';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../api.ts';
import { controlProps, Field, FieldSet } from '../components/field.tsx';
import { FormFooter, FormSummary } from '../components/form-parts.tsx';
import { useFormat } from '../format.ts';
import { applyServerErrors } from './server-errors.ts';

type Input = z.input<typeof ZRetirementDecisionRequest>;
type Output = z.output<typeof ZRetirementDecisionRequest>;

/** The pending retirement a yearly `retire` decision opened: the bureau confirms it (廃止) or withdraws it, with a reason. */
export function RetirementForm({ projectId, fiscalYear }: { projectId: string; fiscalYear: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const queryClient = useQueryClient();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitted },
  } = useForm<Input, unknown, Output>({
    resolver: zodResolver(ZRetirementDecisionRequest),
    defaultValues: { decision: 'confirm', reason: '' },
  });
  const save = useMutation({
    mutationFn: (values: Output) => api.yearlyReviews.decideRetirement(projectId, fiscalYear, values),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['project', projectId] }),
    onError: (error) => setUnmatched(applyServerErrors(error, setError, ['decision', 'reason']).unmatched),
  });
  return (
    <form className="form" noValidate onSubmit={handleSubmit((v) => save.mutate(v))} aria-label={t('retirement.formLabel')}>
      <h3>{t('retirement.title', { year: f.fiscalYear(fiscalYear) })}</h3>
      <p className="small">{t('retirement.lead')}</p>
      <FormSummary
        errors={errors}
        unmatched={unmatched}
        isSubmitted={isSubmitted}
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
      <Field id={`${id}-reason`} label={t('retirement.reason')} required error={errors.reason}>
        <textarea rows={3} {...controlProps(`${id}-reason`, { error: errors.reason })} {...register('reason')} />
      </Field>
      <FormFooter save={save} submitLabel={t('retirement.submit')} />
    </form>
  );
}

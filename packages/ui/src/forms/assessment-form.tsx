import './zod-locale.ts';
import {
  ratingDefinitions,
  ratingDimensionLabels,
  ratingDimensions,
  ratingLabels,
  ratings,
  ZAssessmentRequest,
} from '@core/supervision/schemas.ts';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../api.ts';
import { controlProps, Field, FieldSet } from '../components/field.tsx';
import { FormFooter, FormSummary } from '../components/form-parts.tsx';
import { RatingLegend } from '../components/supervision.tsx';
import { useFormat } from '../format.ts';
import type { TStatusReport } from '../types.ts';
import { applyServerErrors } from './server-errors.ts';

type Input = z.input<typeof ZAssessmentRequest>;
type Output = z.output<typeof ZAssessmentRequest>;

/** The consultee's independent assessment (独立評価) of one report, at the report's version. */
export function AssessmentForm({ projectId, report }: { projectId: string; report: TStatusReport }) {
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
    resolver: zodResolver(ZAssessmentRequest),
    values: {
      version: report.version,
      ratings: report.assessment?.ratings ?? report.selfRating,
      comment: report.assessment?.comment ?? '',
    },
  });
  const assess = useMutation({
    mutationFn: (values: Output) => api.supervision.assess(projectId, report.period, values),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['project', projectId] });
      void queryClient.invalidateQueries({ queryKey: ['inbox'] });
    },
    onError: (error) => setUnmatched(applyServerErrors(error, setError, ['ratings', 'comment']).unmatched),
  });
  return (
    <form
      className="form"
      noValidate
      onSubmit={handleSubmit((v) => assess.mutate(v))}
      aria-label={`${t('supervision.reports.assessTitle')} ${report.period}`}
    >
      <p className="small">{t('supervision.reports.assessLead')}</p>
      <FormSummary
        errors={errors}
        unmatched={unmatched}
        isSubmitted={isSubmitted}
        fields={[
          ...ratingDimensions.map((d) => ({ name: `ratings.${d}`, id: `${id}-${d}`, label: f.label(ratingDimensionLabels[d]) })),
          { name: 'comment', id: `${id}-comment`, label: t('supervision.reports.comment') },
        ]}
      />
      <RatingLegend />
      {ratingDimensions.map((d) => (
        <FieldSet key={d} id={`${id}-${d}`} legend={f.label(ratingDimensionLabels[d])} required error={errors.ratings?.[d]}>
          <div className="radio-row">
            {ratings.map((r) => (
              <label key={r} className="radio" title={f.label(ratingDefinitions[r])}>
                <input type="radio" value={r} {...register(`ratings.${d}`)} />
                {f.label(ratingLabels[r])}
              </label>
            ))}
          </div>
        </FieldSet>
      ))}
      <Field id={`${id}-comment`} label={t('supervision.reports.comment')} required error={errors.comment}>
        <textarea rows={3} {...controlProps(`${id}-comment`, { error: errors.comment })} {...register('comment')} />
      </Field>
      <FormFooter save={assess} submitLabel={t('supervision.reports.assess')} success={t('supervision.reports.assessed')} />
    </form>
  );
}

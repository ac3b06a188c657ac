import {
  ratingDefinitions,
  ratingDimensionLabels,
  ratingDimensions,
  ratingLabels,
  ratings,
  ZAssessmentRequest,
} from '@core/supervision/schemas.ts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../api.ts';
import { FieldSet, TextAreaField } from '../components/field.tsx';
import { FormFooter, FormSummary, useSchemaForm } from '../components/form-parts.tsx';
import { RatingLegend } from '../components/supervision.tsx';
import { useFormat } from '../format.ts';
import type { TStatusReport } from '../types.ts';

type Output = z.output<typeof ZAssessmentRequest>;

/** The consultee's independent assessment (独立評価) of one report, at the report's version. */
export function AssessmentForm({ projectId, report }: { projectId: string; report: TStatusReport }) {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const form = useSchemaForm(ZAssessmentRequest, {
    values: {
      version: report.version,
      ratings: report.assessment?.ratings ?? report.selfRating,
      comment: report.assessment?.comment ?? '',
    },
  });
  const { id, register, handleSubmit, errors } = form;
  const assess = useMutation({
    mutationFn: (values: Output) => api.supervision.assess(projectId, report.period, values),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['project', projectId] });
      void queryClient.invalidateQueries({ queryKey: ['inbox'] });
    },
    onError: form.serverErrors(['ratings', 'comment']),
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
        {...form.summary}
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
      <TextAreaField
        id={`${id}-comment`}
        label={t('supervision.reports.comment')}
        required
        error={errors.comment}
        rows={3}
        registration={register('comment')}
      />
      <FormFooter save={assess} submitLabel={t('supervision.reports.assess')} success={t('supervision.reports.assessed')} />
    </form>
  );
}

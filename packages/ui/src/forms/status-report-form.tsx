import {
  milestoneKinds,
  milestoneLabels,
  ratingDefinitions,
  ratingDimensionLabels,
  ratingDimensions,
  ratingLabels,
  ratings,
  riskLevelLabels,
  riskLevels,
  ZCreateStatusReportRequest,
} from '@core/supervision/schemas.ts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useFieldArray } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api, isApiError } from '../api.ts';
import { ErrorAlert, TableScroll } from '../components/common.tsx';
import { controlProps, ErrorSummary, Field, FieldSet, FormErrors, nullableNumber, TextAreaField } from '../components/field.tsx';
import { useSchemaForm } from '../components/form-parts.tsx';
import { MilestoneTableHead, RatingLegend } from '../components/supervision.tsx';
import { fieldMessage } from '../errors.ts';
import { useFormat } from '../format.ts';

type Output = z.output<typeof ZCreateStatusReportRequest>;

const nullableDate = (value: unknown) => (value === '' || value === undefined ? null : value);
const costFields = ['budgetJpy', 'contractJpy', 'spentJpy', 'forecastJpy'] as const;
const costLabelKey = { budgetJpy: 'budget', contractJpy: 'contract', spentJpy: 'spent', forecastJpy: 'forecastCost' } as const;

/** The month before this one: the usual period to report on. */
function lastMonth(): string {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/**
 * File a status report (状況報告): the period, the milestone table (planned, forecast, actual), cost in
 * yen, the self-rating per dimension with the definitions at hand, the risk table and a narrative.
 */
export function StatusReportForm({ projectId, budgetJpy, onFiled }: { projectId: string; budgetJpy: number | null; onFiled: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const form = useSchemaForm(ZCreateStatusReportRequest, {
    defaultValues: {
      period: lastMonth(),
      milestones: milestoneKinds.map((milestone) => ({ milestone, plannedDate: null, forecastDate: null, actualDate: null })),
      cost: { budgetJpy, contractJpy: null, spentJpy: null, forecastJpy: null },
      risks: [],
      narrative: '',
    },
  });
  const { id, register, control, handleSubmit, errors, unmatched } = form;
  const risks = useFieldArray({ control, name: 'risks' });
  const file = useMutation({
    mutationFn: (values: Output) => api.supervision.fileReport(projectId, values),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['project', projectId] });
      onFiled();
    },
    onError: form.serverErrors(['period', 'milestones', 'cost', 'selfRating', 'risks', 'narrative']),
  });
  const summary = [
    errors.period
      ? { id: `${id}-period`, message: `${t('supervision.reports.period')}${f.colon}${fieldMessage(errors.period.message, t)}` }
      : null,
    ...ratingDimensions.map((d) =>
      errors.selfRating?.[d]
        ? {
            id: `${id}-rating-${d}`,
            message: `${f.label(ratingDimensionLabels[d])}${f.colon}${fieldMessage(errors.selfRating[d]?.message, t)}`,
          }
        : null,
    ),
    errors.narrative
      ? { id: `${id}-narrative`, message: `${t('supervision.reports.narrative')}${f.colon}${fieldMessage(errors.narrative.message, t)}` }
      : null,
  ].filter((x): x is { id: string; message: string } => x !== null);
  return (
    <form
      className="form form-wide"
      noValidate
      onSubmit={handleSubmit((v) => file.mutate(v))}
      aria-label={t('supervision.reports.fileTitle')}
    >
      {form.summary.isSubmitted && summary.length ? <ErrorSummary items={summary} /> : null}
      <Field
        id={`${id}-period`}
        label={t('supervision.reports.period')}
        required
        hint={t('supervision.reports.periodHint')}
        error={errors.period}
      >
        <input
          type="month"
          className="input-short"
          {...controlProps(`${id}-period`, { error: errors.period, hint: true })}
          {...register('period')}
        />
      </Field>

      <TableScroll>
        <table className="table table-form">
          <MilestoneTableHead />
          <tbody>
            {milestoneKinds.map((kind, i) => {
              const label = f.label(milestoneLabels[kind]);
              return (
                <tr key={kind}>
                  <th scope="row">
                    {label}
                    <input type="hidden" {...register(`milestones.${i}.milestone`)} />
                  </th>
                  {(['plannedDate', 'forecastDate', 'actualDate'] as const).map((field) => {
                    const column = t(
                      `supervision.reports.${field === 'plannedDate' ? 'planned' : field === 'forecastDate' ? 'forecast' : 'actual'}`,
                    );
                    const error = errors.milestones?.[i]?.[field];
                    return (
                      <td key={field}>
                        <input
                          type="date"
                          aria-label={`${label} ${column}`}
                          aria-invalid={error ? true : undefined}
                          {...register(`milestones.${i}.${field}`, { setValueAs: nullableDate })}
                        />
                        {error ? <p className="field-error">{fieldMessage(error.message, t)}</p> : null}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>

      <fieldset className="fieldset-group">
        <legend>{t('supervision.reports.cost')}</legend>
        <div className="field-row">
          {costFields.map((field) => (
            <Field
              key={field}
              id={`${id}-${field}`}
              label={t(`supervision.reports.${costLabelKey[field]}`)}
              required={false}
              hint={t('supervision.reports.yenHint')}
              error={errors.cost?.[field]}
            >
              <input
                type="number"
                inputMode="numeric"
                min={0}
                step={1}
                {...controlProps(`${id}-${field}`, { error: errors.cost?.[field], hint: true })}
                {...register(`cost.${field}`, { setValueAs: nullableNumber })}
              />
            </Field>
          ))}
        </div>
      </fieldset>

      <fieldset className="fieldset-group">
        <legend>{t('supervision.reports.selfRating')}</legend>
        <RatingLegend />
        {ratingDimensions.map((d) => (
          <FieldSet key={d} id={`${id}-rating-${d}`} legend={f.label(ratingDimensionLabels[d])} required error={errors.selfRating?.[d]}>
            <div className="radio-row">
              {ratings.map((r) => (
                <label key={r} className="radio" title={f.label(ratingDefinitions[r])}>
                  <input type="radio" value={r} {...register(`selfRating.${d}`)} />
                  {f.label(ratingLabels[r])}
                </label>
              ))}
            </div>
          </FieldSet>
        ))}
      </fieldset>

      <fieldset className="fieldset-group">
        <legend>{t('supervision.reports.risks')}</legend>
        {risks.fields.length === 0 ? <p className="small muted">{t('supervision.reports.noRisks')}</p> : null}
        {risks.fields.map((risk, i) => {
          const e = errors.risks?.[i];
          const n = i + 1;
          return (
            <fieldset key={risk.id} className="fieldset-group">
              <legend>
                {t('supervision.reports.riskTitle')} {n}
              </legend>
              <Field id={`${id}-risk-${i}-title`} label={t('supervision.reports.riskTitle')} required error={e?.title}>
                <input type="text" {...controlProps(`${id}-risk-${i}-title`, { error: e?.title })} {...register(`risks.${i}.title`)} />
              </Field>
              <div className="field-row">
                {(['likelihood', 'impact'] as const).map((field) => (
                  <Field key={field} id={`${id}-risk-${i}-${field}`} label={t(`supervision.reports.${field}`)} required error={e?.[field]}>
                    <select {...controlProps(`${id}-risk-${i}-${field}`, { error: e?.[field] })} {...register(`risks.${i}.${field}`)}>
                      {riskLevels.map((level) => (
                        <option key={level} value={level}>
                          {f.label(riskLevelLabels[level])}
                        </option>
                      ))}
                    </select>
                  </Field>
                ))}
                <Field id={`${id}-risk-${i}-owner`} label={t('supervision.reports.owner')} required error={e?.owner}>
                  <input type="text" {...controlProps(`${id}-risk-${i}-owner`, { error: e?.owner })} {...register(`risks.${i}.owner`)} />
                </Field>
              </div>
              <TextAreaField
                id={`${id}-risk-${i}-mitigation`}
                label={t('supervision.reports.mitigation')}
                required
                error={e?.mitigation}
                rows={2}
                registration={register(`risks.${i}.mitigation`)}
              />
              <button type="button" className="button button-secondary" onClick={() => risks.remove(i)}>
                {t('supervision.reports.removeRisk')}
                <span className="visually-hidden"> {n}</span>
              </button>
            </fieldset>
          );
        })}
        <button
          type="button"
          className="button button-secondary"
          onClick={() => risks.append({ title: '', likelihood: 'medium', impact: 'medium', owner: '', mitigation: '' })}
        >
          {t('supervision.reports.addRisk')}
        </button>
      </fieldset>

      <TextAreaField
        id={`${id}-narrative`}
        label={t('supervision.reports.narrative')}
        required
        error={errors.narrative}
        rows={4}
        registration={register('narrative')}
      />
      {file.isError && !(isApiError(file.error) && file.error.errors.length) ? <ErrorAlert error={file.error} /> : null}
      <FormErrors messages={unmatched} />
      <button type="submit" className="button" disabled={file.isPending}>
        {file.isPending ? t('common.saving') : t('supervision.reports.file')}
      </button>
    </form>
  );
}

import { fiscalYearOf } from '@core/projects/fiscal-year.ts';
import { ZBudgetCycleRequest } from '@core/reviews/schemas.ts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api, isApiError } from '../api.ts';
import { ErrorAlert } from '../components/common.tsx';
import { controlProps, Field, FiscalYearField, FormErrors, requiredNumber } from '../components/field.tsx';
import { useSchemaForm } from '../components/form-parts.tsx';

type CycleInput = z.input<typeof ZBudgetCycleRequest>;
type CycleOutput = z.output<typeof ZBudgetCycleRequest>;

/** Tokyo's calendar (DESIGN §2.4, slide 83): request late July, evaluation by late October, report in November, draft budget late January. */
function defaultCycle(fiscalYear: number): CycleInput {
  const y = fiscalYear - 1;
  return {
    fiscalYear,
    requestDate: `${y}-07-28`,
    requestDeadline: `${y}-09-30`,
    evaluationDeadline: `${y}-10-31`,
    submissionDate: `${y}-11-10`,
    budgetAnnouncementDate: `${fiscalYear}-01-25`,
  };
}

/** Opens a cycle; the new year then becomes the one shown (and in the address). */
export function CycleForm({ onCreated }: { onCreated: (fiscalYear: number) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const form = useSchemaForm(ZBudgetCycleRequest, {
    defaultValues: defaultCycle(fiscalYearOf(new Date()) + 1),
  });
  const { id, register, handleSubmit, errors, unmatched } = form;
  const create = useMutation({
    mutationFn: (values: CycleOutput) => api.budget.createCycle(values),
    onSuccess: (_created, values) => {
      void queryClient.invalidateQueries({ queryKey: ['budget-cycles'] });
      onCreated(values.fiscalYear);
    },
    onError: form.serverErrors([
      'fiscalYear',
      'requestDate',
      'requestDeadline',
      'evaluationDeadline',
      'submissionDate',
      'budgetAnnouncementDate',
    ]),
  });
  const dateField = (name: 'requestDate' | 'requestDeadline' | 'evaluationDeadline' | 'submissionDate' | 'budgetAnnouncementDate') => (
    <Field id={`${id}-${name}`} label={t(`budget.dates.${name}`)} required error={errors[name]}>
      <input type="date" {...controlProps(`${id}-${name}`, { error: errors[name] })} {...register(name)} />
    </Field>
  );
  return (
    <form className="form" noValidate onSubmit={handleSubmit((v) => create.mutate(v))} aria-label={t('budget.createCycle')}>
      <FiscalYearField
        id={`${id}-fy`}
        label={t('budget.fiscalYear')}
        hint={t('budget.fiscalYearHint')}
        error={errors.fiscalYear}
        registration={register('fiscalYear', { setValueAs: requiredNumber })}
      />
      <div className="field-row">
        {dateField('requestDate')}
        {dateField('requestDeadline')}
      </div>
      <div className="field-row">
        {dateField('evaluationDeadline')}
        {dateField('submissionDate')}
      </div>
      <div className="field-row">{dateField('budgetAnnouncementDate')}</div>
      {create.isError && !(isApiError(create.error) && create.error.errors.length) ? <ErrorAlert error={create.error} /> : null}
      <FormErrors messages={unmatched} />
      <button type="submit" className="button" disabled={create.isPending}>
        {t('budget.createCycle')}
      </button>
    </form>
  );
}

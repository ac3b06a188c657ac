import {
  procurementMethodLabels,
  procurementStatusLabels,
  ZCreateProcurementRequest,
  ZProcurementMethod,
  ZProcurementStatus,
  ZUpdateProcurementRequest,
} from '@core/reviews/schemas.ts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../api.ts';
import { controlProps, Field, nullableNumber } from '../components/field.tsx';
import { FormFooter, FormSummary, useSchemaForm } from '../components/form-parts.tsx';
import { formatManYen, useFormat } from '../format.ts';
import type { TDocument, TProcurement } from '../types.ts';

type Input = z.input<typeof ZCreateProcurementRequest>;
type Output = z.output<typeof ZCreateProcurementRequest>;
const names = [
  'title',
  'method',
  'status',
  'specDocumentId',
  'vendorName',
  'corporateNumber',
  'isStartup',
  'contractAmountJpy',
  'contractStart',
  'contractEnd',
] as const;

const blankToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);

function valuesOf(p?: TProcurement): Input {
  return {
    title: p?.title ?? '',
    method: p?.method ?? 'general_competitive',
    status: p?.status ?? 'planned',
    specDocumentId: p?.specDocumentId ?? null,
    vendorName: p?.vendorName ?? null,
    corporateNumber: p?.corporateNumber ?? null,
    isStartup: p?.isStartup ?? false,
    contractAmountJpy: p?.contractAmountJpy ?? null,
    contractStart: p?.contractStart ?? null,
    contractEnd: p?.contractEnd ?? null,
  };
}

/** Record a procurement of a project, or change one (at the version loaded). */
export function ProcurementForm({
  projectId,
  procurement,
  specDocuments,
  onDone,
}: {
  projectId: string;
  procurement?: TProcurement;
  specDocuments: TDocument[];
  onDone?: () => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const form = useSchemaForm(ZCreateProcurementRequest, { defaultValues: valuesOf(procurement) });
  const { id, register, control, handleSubmit, reset, errors } = form;
  const fid = (name: string) => `${id}-${name}`;
  const amount = useWatch({ control, name: 'contractAmountJpy' });
  const save = useMutation({
    mutationFn: (values: Output) =>
      procurement
        ? api.procurements.update(projectId, procurement.id, ZUpdateProcurementRequest.parse({ ...values, version: procurement.version }))
        : api.procurements.create(projectId, values),
    onSuccess: () => {
      if (!procurement) reset(valuesOf());
      void queryClient.invalidateQueries({ queryKey: ['project', projectId, 'procurements'] });
      void queryClient.invalidateQueries({ queryKey: ['procurements'] });
      onDone?.();
    },
    onError: form.serverErrors(names),
  });
  return (
    <form
      className="form form-wide"
      noValidate
      onSubmit={handleSubmit((v) => save.mutate(v))}
      aria-label={procurement ? t('procurement.editLabel') : t('procurement.addLabel')}
    >
      <FormSummary
        {...form.summary}
        fields={[
          { name: 'title', id: fid('title'), label: t('procurement.titleField') },
          { name: 'method', id: fid('method'), label: t('procurement.method') },
          { name: 'status', id: fid('status'), label: t('procurement.status') },
          { name: 'specDocumentId', id: fid('spec'), label: t('procurement.specDocument') },
          { name: 'vendorName', id: fid('vendor'), label: t('procurement.vendor') },
          { name: 'corporateNumber', id: fid('corp'), label: t('procurement.corporateNumber') },
          { name: 'contractAmountJpy', id: fid('amount'), label: t('procurement.contractAmount') },
          { name: 'contractStart', id: fid('start'), label: t('procurement.contractStart') },
          { name: 'contractEnd', id: fid('end'), label: t('procurement.contractEnd') },
        ]}
      />
      <Field id={fid('title')} label={t('procurement.titleField')} required error={errors.title}>
        <input type="text" {...controlProps(fid('title'), { error: errors.title })} {...register('title')} />
      </Field>
      <div className="field-row">
        <Field id={fid('method')} label={t('procurement.method')} required error={errors.method}>
          <select {...controlProps(fid('method'), { error: errors.method })} {...register('method')}>
            {ZProcurementMethod.options.map((m) => (
              <option key={m} value={m}>
                {f.label(procurementMethodLabels[m])}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id={fid('status')}
          label={t('procurement.status')}
          required
          error={errors.status}
          hint={procurement ? t('procurement.statusHint') : undefined}
        >
          <select {...controlProps(fid('status'), { error: errors.status, hint: Boolean(procurement) })} {...register('status')}>
            {ZProcurementStatus.options.map((s) => (
              <option key={s} value={s}>
                {f.label(procurementStatusLabels[s])}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field
        id={fid('spec')}
        label={t('procurement.specDocument')}
        error={errors.specDocumentId}
        hint={specDocuments.length ? undefined : t('procurement.noSpec')}
      >
        <select
          {...controlProps(fid('spec'), { error: errors.specDocumentId, hint: !specDocuments.length })}
          {...register('specDocumentId', { setValueAs: blankToNull })}
        >
          <option value="">{t('common.none')}</option>
          {specDocuments.map((d) => (
            <option key={d.id} value={d.id}>
              {d.title}
            </option>
          ))}
        </select>
      </Field>
      <div className="field-row">
        <Field id={fid('vendor')} label={t('procurement.vendor')} error={errors.vendorName}>
          <input
            type="text"
            {...controlProps(fid('vendor'), { error: errors.vendorName })}
            {...register('vendorName', { setValueAs: blankToNull })}
          />
        </Field>
        <Field
          id={fid('corp')}
          label={t('procurement.corporateNumber')}
          error={errors.corporateNumber}
          hint={t('procurement.corporateNumberHint')}
        >
          <input
            type="text"
            inputMode="numeric"
            maxLength={13}
            autoComplete="off"
            {...controlProps(fid('corp'), { error: errors.corporateNumber, hint: true })}
            {...register('corporateNumber', { setValueAs: blankToNull })}
          />
        </Field>
      </div>
      <div className="field">
        <label className="checkbox" htmlFor={fid('startup')}>
          <input id={fid('startup')} type="checkbox" aria-describedby={`${fid('startup')}-hint`} {...register('isStartup')} />
          {t('procurement.isStartup')}
        </label>
        <p className="hint" id={`${fid('startup')}-hint`}>
          {t('procurement.isStartupHint')}
        </p>
      </div>
      <Field
        id={fid('amount')}
        label={t('procurement.contractAmount')}
        error={errors.contractAmountJpy}
        hint={
          <output className="helper" htmlFor={fid('amount')}>
            {typeof amount === 'number' && Number.isFinite(amount) ? t('register.budgetIs', { amount: formatManYen(amount, 'ja') }) : ''}
          </output>
        }
      >
        <input
          type="number"
          min={0}
          {...controlProps(fid('amount'), { error: errors.contractAmountJpy, hint: true })}
          {...register('contractAmountJpy', { setValueAs: nullableNumber })}
        />
      </Field>
      <div className="field-row">
        <Field id={fid('start')} label={t('procurement.contractStart')} error={errors.contractStart}>
          <input
            type="date"
            {...controlProps(fid('start'), { error: errors.contractStart })}
            {...register('contractStart', { setValueAs: blankToNull })}
          />
        </Field>
        <Field id={fid('end')} label={t('procurement.contractEnd')} error={errors.contractEnd}>
          <input
            type="date"
            {...controlProps(fid('end'), { error: errors.contractEnd })}
            {...register('contractEnd', { setValueAs: blankToNull })}
          />
        </Field>
      </div>
      <FormFooter
        save={save}
        submitLabel={procurement ? t('common.save') : t('procurement.add')}
        onCancel={procurement ? onDone : undefined}
        onReload={() => {
          void queryClient.invalidateQueries({ queryKey: ['project', projectId, 'procurements'] });
          onDone?.();
        }}
      />
    </form>
  );
}

import { ZCreateExemptionRequest } from '@core/supervision/schemas.ts';
import lifecycleRules from '@rules/lifecycle-gates.json';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../api.ts';
import { useReleaseChecklist } from '../components/checklist.ts';
import { controlProps, DateField, Field, FieldSet, TextAreaField } from '../components/field.tsx';
import { FormFooter, FormSummary, useSchemaForm } from '../components/form-parts.tsx';
import { useFormat } from '../format.ts';

type Output = z.output<typeof ZCreateExemptionRequest>;

/** The label of a gate or checklist item an exemption names, in the user's language. */
export function useExemptionTargetLabel(tier: number | null) {
  const f = useFormat();
  const checklist = useReleaseChecklist(tier);
  return (kind: 'gate' | 'checklist_item', target: string) => {
    if (kind === 'gate') {
      const gate = lifecycleRules.gates.find((g) => g.id === target);
      return gate ? f.label(gate.label) : target;
    }
    const item = checklist.find((i) => i.itemId === target);
    return item ? (f.lang === 'en' ? (item.labelEn ?? item.label) : item.label) : target;
  };
}

/** Ask the consultee to waive one gate or one release-checklist item until a date (免除). */
export function ExemptionForm({ projectId, tier }: { projectId: string; tier: number | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const checklist = useReleaseChecklist(tier);
  const form = useSchemaForm(ZCreateExemptionRequest, {
    defaultValues: { targetKind: 'gate', target: '', reason: '', expiresOn: '' },
  });
  const { id, register, handleSubmit, reset, watch, errors } = form;
  const kind = watch('targetKind');
  const request = useMutation({
    mutationFn: (values: Output) => api.supervision.requestExemption(projectId, values),
    onSuccess: () => {
      reset();
      void queryClient.invalidateQueries({ queryKey: ['project', projectId] });
    },
    onError: form.serverErrors(['targetKind', 'target', 'reason', 'expiresOn']),
  });
  const options =
    kind === 'gate'
      ? lifecycleRules.gates.map((g) => ({ id: g.id, label: f.label(g.label) }))
      : checklist.map((i) => ({ id: i.itemId, label: f.lang === 'en' ? (i.labelEn ?? i.label) : i.label }));
  return (
    <form
      className="form"
      noValidate
      onSubmit={handleSubmit((v) => request.mutate(v))}
      aria-label={t('supervision.exemptions.requestTitle')}
    >
      <FormSummary
        {...form.summary}
        fields={[
          { name: 'targetKind', id: `${id}-kind`, label: t('supervision.exemptions.targetKind') },
          { name: 'target', id: `${id}-target`, label: t('supervision.exemptions.target') },
          { name: 'reason', id: `${id}-reason`, label: t('supervision.exemptions.reason') },
          { name: 'expiresOn', id: `${id}-expires`, label: t('supervision.exemptions.expiresOn') },
        ]}
      />
      <FieldSet id={`${id}-kind`} legend={t('supervision.exemptions.targetKind')} required error={errors.targetKind}>
        <div className="radio-stack">
          {(['gate', 'checklist_item'] as const).map((value) => (
            <label key={value} className="radio">
              <input type="radio" value={value} {...register('targetKind')} />
              {t(`supervision.exemptions.kinds.${value}`)}
            </label>
          ))}
        </div>
      </FieldSet>
      <Field id={`${id}-target`} label={t('supervision.exemptions.target')} required error={errors.target}>
        <select {...controlProps(`${id}-target`, { error: errors.target })} {...register('target')}>
          <option value="">{t('common.choose')}</option>
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
      </Field>
      <TextAreaField
        id={`${id}-reason`}
        label={t('supervision.exemptions.reason')}
        required
        error={errors.reason}
        rows={3}
        registration={register('reason')}
      />
      <DateField
        id={`${id}-expires`}
        label={t('supervision.exemptions.expiresOn')}
        required
        error={errors.expiresOn}
        registration={register('expiresOn')}
      />
      <FormFooter save={request} submitLabel={t('supervision.exemptions.request')} success={t('supervision.exemptions.requested')} />
    </form>
  );
}

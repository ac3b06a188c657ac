import { actionSourceKinds, actionSourceLabels, ZCreateActionRequest } from '@core/supervision/schemas.ts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../api.ts';
import { controlProps, DateField, Field, optionalText } from '../components/field.tsx';
import { FormFooter, FormSummary, useSchemaForm } from '../components/form-parts.tsx';
import { useFormat } from '../format.ts';

type Output = z.output<typeof ZCreateActionRequest>;

/** Raise a follow-up action (フォローアップ措置) for a person of the bureau. */
export function ActionForm({ projectId }: { projectId: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const owners = useQuery({ queryKey: ['project', projectId, 'action-owners'], queryFn: () => api.supervision.owners(projectId) });
  const form = useSchemaForm(ZCreateActionRequest, {
    defaultValues: { title: '', ownerId: '', dueDate: '', blocking: false, source: { kind: 'status_report_risk' } },
  });
  const { id, register, errors } = form;
  const raise = useMutation({
    mutationFn: (values: Output) => api.supervision.raiseAction(projectId, values),
    onSuccess: () => {
      form.reset();
      void queryClient.invalidateQueries({ queryKey: ['project', projectId] });
    },
    onError: form.serverErrors(['title', 'ownerId', 'dueDate', 'blocking', 'source']),
  });
  return (
    <form className="form" noValidate onSubmit={form.handleSubmit((v) => raise.mutate(v))} aria-label={t('supervision.actions.raiseTitle')}>
      <FormSummary
        {...form.summary}
        fields={[
          { name: 'title', id: `${id}-title`, label: t('supervision.actions.action') },
          { name: 'ownerId', id: `${id}-owner`, label: t('supervision.actions.owner') },
          { name: 'dueDate', id: `${id}-due`, label: t('supervision.actions.due') },
          { name: 'source.kind', id: `${id}-source`, label: t('supervision.actions.sourceKind') },
          { name: 'source.detail', id: `${id}-detail`, label: t('supervision.actions.sourceDetail') },
        ]}
      />
      <Field id={`${id}-title`} label={t('supervision.actions.action')} required error={errors.title}>
        <input type="text" {...controlProps(`${id}-title`, { error: errors.title })} {...register('title')} />
      </Field>
      <Field id={`${id}-owner`} label={t('supervision.actions.owner')} required error={errors.ownerId}>
        <select {...controlProps(`${id}-owner`, { error: errors.ownerId })} {...register('ownerId')}>
          <option value="">{t('common.choose')}</option>
          {(owners.data ?? []).map((o) => (
            <option key={o.id} value={o.id}>
              {o.displayName}
            </option>
          ))}
        </select>
      </Field>
      <DateField id={`${id}-due`} label={t('supervision.actions.due')} required error={errors.dueDate} registration={register('dueDate')} />
      <Field id={`${id}-source`} label={t('supervision.actions.sourceKind')} required error={errors.source?.kind}>
        <select {...controlProps(`${id}-source`, { error: errors.source?.kind })} {...register('source.kind')}>
          {actionSourceKinds.map((kind) => (
            <option key={kind} value={kind}>
              {f.label(actionSourceLabels[kind])}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${id}-detail`} label={t('supervision.actions.sourceDetail')} required={false} error={errors.source?.detail}>
        <input
          type="text"
          {...controlProps(`${id}-detail`, { error: errors.source?.detail })}
          {...register('source.detail', { setValueAs: optionalText })}
        />
      </Field>
      <label className="checkbox">
        <input type="checkbox" {...register('blocking')} />
        {t('supervision.actions.blocking')}
      </label>
      <FormFooter save={raise} submitLabel={t('supervision.actions.raise')} success={t('supervision.actions.raised')} />
    </form>
  );
}

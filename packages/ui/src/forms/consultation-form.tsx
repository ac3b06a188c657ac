import { consultationTopicLabels, consultationTopics, ZCreateConsultationRequest } from '@core/supervision/schemas.ts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../api.ts';
import { controlProps, Field, FieldSet, TextAreaField } from '../components/field.tsx';
import { FormFooter, FormSummary, useSchemaForm } from '../components/form-parts.tsx';
import { useFormat } from '../format.ts';
import type { TConsultationDetail } from '../types.ts';

type Output = z.output<typeof ZCreateConsultationRequest>;

/** Open a consultation (協議) with the project's consultee: topic, subject, question, documents of the project. */
export function ConsultationForm({ projectId, onOpened }: { projectId: string; onOpened: (c: TConsultationDetail) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const documents = useQuery({ queryKey: ['project', projectId, 'documents'], queryFn: () => api.documents.list(projectId) });
  const form = useSchemaForm(ZCreateConsultationRequest, {
    defaultValues: { topic: 'requirements', subject: '', body: '', documentIds: [] },
  });
  const { id, register, handleSubmit, reset, errors } = form;
  const open = useMutation({
    mutationFn: (values: Output) => api.supervision.openConsultation(projectId, values),
    onSuccess: (consultation) => {
      reset();
      void queryClient.invalidateQueries({ queryKey: ['project', projectId] });
      void queryClient.invalidateQueries({ queryKey: ['inbox'] });
      onOpened(consultation);
    },
    onError: form.serverErrors(['topic', 'subject', 'body', 'documentIds']),
  });
  return (
    <form className="form" noValidate onSubmit={handleSubmit((v) => open.mutate(v))} aria-label={t('supervision.consultations.openTitle')}>
      <FormSummary
        {...form.summary}
        fields={[
          { name: 'topic', id: `${id}-topic`, label: t('supervision.consultations.topic') },
          { name: 'subject', id: `${id}-subject`, label: t('supervision.consultations.subject') },
          { name: 'body', id: `${id}-body`, label: t('supervision.consultations.body') },
          { name: 'documentIds', id: `${id}-docs`, label: t('supervision.consultations.documents') },
        ]}
      />
      <Field id={`${id}-topic`} label={t('supervision.consultations.topic')} required error={errors.topic}>
        <select {...controlProps(`${id}-topic`, { error: errors.topic })} {...register('topic')}>
          {consultationTopics.map((topic) => (
            <option key={topic} value={topic}>
              {f.label(consultationTopicLabels[topic])}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${id}-subject`} label={t('supervision.consultations.subject')} required error={errors.subject}>
        <input type="text" {...controlProps(`${id}-subject`, { error: errors.subject })} {...register('subject')} />
      </Field>
      <TextAreaField
        id={`${id}-body`}
        label={t('supervision.consultations.body')}
        required
        error={errors.body}
        rows={5}
        registration={register('body')}
      />
      <FieldSet
        id={`${id}-docs`}
        legend={t('supervision.consultations.documents')}
        required={false}
        error={errors.documentIds as { message?: string }}
      >
        {documents.data?.length ? (
          <div className="radio-stack">
            {documents.data.map((d) => (
              <label key={d.id} className="checkbox">
                <input type="checkbox" value={d.id} {...register('documentIds')} />
                {d.title}
              </label>
            ))}
          </div>
        ) : (
          <p className="small muted">{t('supervision.consultations.noDocuments')}</p>
        )}
      </FieldSet>
      <FormFooter save={open} submitLabel={t('supervision.consultations.open')} />
    </form>
  );
}

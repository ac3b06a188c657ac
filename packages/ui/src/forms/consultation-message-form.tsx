import { ZConsultationMessageRequest } from '@core/supervision/schemas.ts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api, isApiError } from '../api.ts';
import { ErrorAlert } from '../components/common.tsx';
import { controlProps, DateField, Field, FormErrors, TextAreaField } from '../components/field.tsx';
import { useSchemaForm } from '../components/form-parts.tsx';

type Output = z.output<typeof ZConsultationMessageRequest>;

/**
 * A message in a consultation. The consultee may record it as guidance (指導): the bureau then has a
 * follow-up action, owned by whoever opened the consultation.
 */
export function ConsultationMessageForm({
  consultationId,
  projectId,
  canGiveGuidance,
}: {
  consultationId: string;
  projectId: string;
  canGiveGuidance: boolean;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [isGuidance, setIsGuidance] = useState(false);
  const form = useSchemaForm(ZConsultationMessageRequest, {
    defaultValues: { body: '' },
    // Guidance fields leave the form when the box is unticked, so a half-filled guidance is not validated.
    shouldUnregister: true,
  });
  const { id, register, handleSubmit, reset, errors, unmatched } = form;
  const post = useMutation({
    mutationFn: (values: Output) => api.supervision.postMessage(consultationId, isGuidance ? values : { body: values.body }),
    onSuccess: (detail) => {
      reset({ body: '' });
      setIsGuidance(false);
      queryClient.setQueryData(['consultation', consultationId], detail);
      void queryClient.invalidateQueries({ queryKey: ['project', projectId] });
      void queryClient.invalidateQueries({ queryKey: ['inbox'] });
    },
    onError: form.serverErrors(['body', 'guidance']),
  });
  const guidanceErrors = errors.guidance;
  return (
    <form className="form" noValidate onSubmit={handleSubmit((v) => post.mutate(v))} aria-label={t('supervision.consultations.reply')}>
      <TextAreaField
        id={`${id}-body`}
        label={t('supervision.consultations.reply')}
        required
        error={errors.body}
        rows={4}
        registration={register('body')}
      />
      {canGiveGuidance ? (
        <>
          <label className="checkbox">
            <input type="checkbox" checked={isGuidance} onChange={(e) => setIsGuidance(e.target.checked)} />
            {t('supervision.consultations.recordGuidance')}
          </label>
          {isGuidance ? (
            <fieldset className="fieldset-group">
              <legend>{t('supervision.consultations.guidanceBadge')}</legend>
              <Field id={`${id}-gtitle`} label={t('supervision.consultations.guidanceTitle')} required error={guidanceErrors?.title}>
                <input type="text" {...controlProps(`${id}-gtitle`, { error: guidanceErrors?.title })} {...register('guidance.title')} />
              </Field>
              <DateField
                id={`${id}-gdue`}
                label={t('supervision.consultations.guidanceDue')}
                required
                error={guidanceErrors?.dueDate}
                registration={register('guidance.dueDate')}
              />
              <label className="checkbox">
                <input type="checkbox" {...register('guidance.blocking')} />
                {t('supervision.consultations.guidanceBlocking')}
              </label>
            </fieldset>
          ) : null}
        </>
      ) : null}
      {post.isError && !(isApiError(post.error) && post.error.errors.length) ? <ErrorAlert error={post.error} /> : null}
      <FormErrors messages={unmatched} />
      <button type="submit" className="button" disabled={post.isPending}>
        {post.isPending ? t('common.saving') : t('supervision.consultations.post')}
      </button>
    </form>
  );
}

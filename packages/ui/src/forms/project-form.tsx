import { fiscalYearOf, ZCreateProjectRequest } from '@core/projects/schemas.ts';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { FormProvider, useForm, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/common.tsx';
import { controlProps, Field } from '../components/field.tsx';
import { FormSummary } from '../components/form-parts.tsx';
import { cleanOversightInputs, OversightPreview } from '../components/oversight.tsx';
import { useFormat } from '../format.ts';
import type { TBureau, TProject, TUser } from '../types.ts';
import { ProjectFields, projectDetailFieldNames } from './project-fields.tsx';
import { applyServerErrors } from './server-errors.ts';

type Input = z.input<typeof ZCreateProjectRequest>;
type Output = z.output<typeof ZCreateProjectRequest>;

const fieldNames = ['name', 'summary', 'bureauCode', ...projectDetailFieldNames] as const;

/** The bureaus a user may register for: their own, or all for an admin. */
export function registrableBureaus(user: Pick<TUser, 'role' | 'bureauCodes'>, bureaus: readonly TBureau[]): TBureau[] {
  return user.role === 'admin' ? [...bureaus] : bureaus.filter((b) => user.bureauCodes.includes(b.code));
}

/**
 * The short registration form (DESIGN §2.1–2.2) with the live oversight preview beside it.
 * Validation is core's ZCreateProjectRequest; the server's field errors land on the same fields.
 */
export function RegisterProjectForm({
  user,
  bureaus,
  onCreated,
  now = new Date(),
}: {
  user: Pick<TUser, 'role' | 'bureauCodes'>;
  bureaus: readonly TBureau[];
  onCreated: (project: TProject) => void;
  now?: Date;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const fid = (name: string) => `${id}-${name}`;
  const options = registrableBureaus(user, bureaus);
  const [unmatched, setUnmatched] = useState<string[]>([]);

  const form = useForm<Input, unknown, Output>({
    resolver: zodResolver(ZCreateProjectRequest),
    defaultValues: {
      name: '',
      summary: '',
      bureauCode: options.length === 1 ? options[0]!.code : '',
      fiscalYear: fiscalYearOf(now),
      isNew: true,
      registrationTrigger: undefined,
      budgetJpy: null,
      maxDowntimeHours: null,
      confidentiality: null,
    },
  });
  const {
    register,
    control,
    handleSubmit,
    setError,
    formState: { errors, isSubmitted },
  } = form;
  const [budget, downtime, confidentiality] = useWatch({ control, name: ['budgetJpy', 'maxDowntimeHours', 'confidentiality'] });
  const preview = cleanOversightInputs({ budgetJpy: budget, maxDowntimeHours: downtime, confidentiality });

  const create = useMutation({
    mutationFn: (values: Output) => api.projects.create(values),
    onSuccess: onCreated,
    onError: (error) => setUnmatched(applyServerErrors(error, setError, fieldNames).unmatched),
  });

  const onSubmit = handleSubmit((values) => {
    setUnmatched([]);
    create.mutate(values);
  });

  return (
    <div className="two-column">
      <FormProvider {...form}>
        <form id={fid('form')} className="form" onSubmit={onSubmit} noValidate aria-label={t('register.formLabel')}>
          <FormSummary
            errors={errors}
            unmatched={unmatched}
            isSubmitted={isSubmitted}
            fields={fieldNames.map((name) => ({ name, id: fid(name), label: t(`register.${name}`) }))}
          />
          {create.isError && !applyServerErrorsHandled(create.error) ? <ErrorAlert error={create.error} /> : null}

          <ProjectFields
            idOf={fid}
            mode="create"
            afterName={
              <Field
                id={fid('bureauCode')}
                label={t('register.bureauCode')}
                required
                error={errors.bureauCode}
                hint={options.length === 0 ? t('register.noBureau') : undefined}
              >
                <select
                  {...controlProps(fid('bureauCode'), { error: errors.bureauCode, hint: options.length === 0 })}
                  {...register('bureauCode')}
                >
                  <option value="">{t('common.choose')}</option>
                  {options.map((b) => (
                    <option key={b.code} value={b.code}>
                      {f.label({ ja: b.nameJa, en: b.nameEn })}
                      {f.paren(b.code)}
                    </option>
                  ))}
                </select>
              </Field>
            }
          />
        </form>
      </FormProvider>
      <aside className="sticky-aside" aria-label={t('oversight.previewTitle')}>
        <OversightPreview inputs={preview} />
      </aside>
      {/* After the preview, so on a phone (one column) the person sees the tier before pressing 登録する. */}
      <div className="button-row">
        <button type="submit" form={fid('form')} className="button" disabled={create.isPending}>
          {create.isPending ? t('register.submitting') : t('register.submit')}
        </button>
      </div>
    </div>
  );
}

/** Errors with field paths are shown on the fields and in the summary, not again as a banner. */
function applyServerErrorsHandled(error: unknown): boolean {
  return Boolean(
    error &&
      typeof error === 'object' &&
      'errors' in error &&
      Array.isArray((error as { errors: unknown[] }).errors) &&
      (error as { errors: unknown[] }).errors.length,
  );
}

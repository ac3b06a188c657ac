import './zod-locale.ts';
import { ZCreateUserRequest, ZUpdateUserRequest } from '@core/auth/schemas.ts';
import { roleLabels, ZRole } from '@core/projects/schemas.ts';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Controller, useForm, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api, isApiError } from '../api.ts';
import { ErrorAlert } from '../components/common.tsx';
import { controlProps, Field, FieldSet, FormErrors, optionalText } from '../components/field.tsx';
import { useFormat } from '../format.ts';
import type { TAdminUser, TBureau } from '../types.ts';
import { applyServerErrors } from './server-errors.ts';

/** Which bureaus mean what for a role: own bureaus for staff and leads, advised bureaus for CIO advisors. */
function BureauChecklist({
  id,
  bureaus,
  value,
  onChange,
  role,
  error,
}: {
  id: string;
  bureaus: TBureau[];
  value: string[];
  onChange: (next: string[]) => void;
  role: string;
  error?: { message?: string };
}) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <FieldSet
      id={id}
      legend={role === 'cio_advisor' ? t('admin.advisedBureaus') : t('admin.bureaus')}
      hint={role === 'cio_advisor' ? t('admin.advisedHint') : t('admin.bureausHint')}
      error={error}
    >
      <div className="checkbox-grid">
        {bureaus.map((b) => (
          <label key={b.code} className="checkbox">
            <input
              type="checkbox"
              checked={value.includes(b.code)}
              onChange={(e) => onChange(e.target.checked ? [...value, b.code] : value.filter((c) => c !== b.code))}
            />
            {f.label({ ja: b.nameJa, en: b.nameEn })}
            {f.paren(b.code)}
          </label>
        ))}
      </div>
    </FieldSet>
  );
}

type CreateInput = z.input<typeof ZCreateUserRequest>;
type CreateOutput = z.output<typeof ZCreateUserRequest>;

export function CreateUserForm({ bureaus }: { bureaus: TBureau[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const queryClient = useQueryClient();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const defaults: CreateInput = { email: '', displayName: '', role: 'staff', bureauCodes: [], password: '' };
  const {
    register,
    control,
    handleSubmit,
    setError,
    reset,
    formState: { errors },
  } = useForm<CreateInput, unknown, CreateOutput>({ resolver: zodResolver(ZCreateUserRequest), defaultValues: defaults });
  const role = useWatch({ control, name: 'role' });
  const create = useMutation({
    mutationFn: (values: CreateOutput) => api.users.create(values),
    onSuccess: () => {
      reset(defaults);
      void queryClient.invalidateQueries({ queryKey: ['admin-users'] });
    },
    onError: (error) =>
      setUnmatched(applyServerErrors(error, setError, ['email', 'displayName', 'role', 'bureauCodes', 'password']).unmatched),
  });
  return (
    <form className="form" noValidate onSubmit={handleSubmit((v) => create.mutate(v))} aria-label={t('admin.createUser')}>
      <Field id={`${id}-email`} label={t('auth.email')} required error={errors.email}>
        <input type="email" autoComplete="off" {...controlProps(`${id}-email`, { error: errors.email })} {...register('email')} />
      </Field>
      <Field id={`${id}-name`} label={t('admin.displayName')} required error={errors.displayName}>
        <input type="text" {...controlProps(`${id}-name`, { error: errors.displayName })} {...register('displayName')} />
      </Field>
      <Field id={`${id}-role`} label={t('admin.role')} required error={errors.role}>
        <select {...controlProps(`${id}-role`, { error: errors.role })} {...register('role')}>
          {ZRole.options.map((r) => (
            <option key={r} value={r}>
              {f.label(roleLabels[r])}
            </option>
          ))}
        </select>
      </Field>
      <Controller
        control={control}
        name="bureauCodes"
        render={({ field }) => (
          <BureauChecklist
            id={`${id}-bureaus`}
            bureaus={bureaus}
            value={field.value ?? []}
            onChange={field.onChange}
            role={role}
            error={errors.bureauCodes as { message?: string } | undefined}
          />
        )}
      />
      <Field id={`${id}-password`} label={t('admin.initialPassword')} required error={errors.password} hint={t('admin.passwordHint')}>
        <input
          type="password"
          autoComplete="new-password"
          {...controlProps(`${id}-password`, { error: errors.password, hint: true })}
          {...register('password')}
        />
      </Field>
      {create.isError && !(isApiError(create.error) && create.error.errors.length) ? <ErrorAlert error={create.error} /> : null}
      <FormErrors messages={unmatched} />
      {create.isSuccess ? (
        <p className="alert alert-success" role="status">
          {t('admin.userCreated')}
        </p>
      ) : null}
      <button type="submit" className="button" disabled={create.isPending}>
        {t('admin.createUser')}
      </button>
    </form>
  );
}

type UpdateInput = z.input<typeof ZUpdateUserRequest>;
type UpdateOutput = z.output<typeof ZUpdateUserRequest>;

export function EditUserForm({ user, bureaus, onDone }: { user: TAdminUser; bureaus: TBureau[]; onDone: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const queryClient = useQueryClient();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const {
    register,
    control,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<UpdateInput, unknown, UpdateOutput>({
    resolver: zodResolver(ZUpdateUserRequest),
    defaultValues: {
      version: user.version,
      displayName: user.displayName,
      role: user.role,
      bureauCodes: user.bureauCodes,
      isActive: user.isActive,
    },
  });
  const role = useWatch({ control, name: 'role' }) ?? user.role;
  const save = useMutation({
    mutationFn: (values: UpdateOutput) => api.users.update(user.id, values),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['admin-users'] });
      onDone();
    },
    onError: (error) =>
      setUnmatched(applyServerErrors(error, setError, ['displayName', 'role', 'bureauCodes', 'isActive', 'password']).unmatched),
  });
  const conflict = isApiError(save.error) && save.error.code === 'version_conflict';
  return (
    <form
      className="form"
      noValidate
      onSubmit={handleSubmit((v) => save.mutate(v))}
      aria-label={t('admin.editUser', { name: user.displayName })}
    >
      <Field id={`${id}-name`} label={t('admin.displayName')} required error={errors.displayName}>
        <input type="text" {...controlProps(`${id}-name`, { error: errors.displayName })} {...register('displayName')} />
      </Field>
      <Field id={`${id}-role`} label={t('admin.role')} required error={errors.role}>
        <select {...controlProps(`${id}-role`, { error: errors.role })} {...register('role')}>
          {ZRole.options.map((r) => (
            <option key={r} value={r}>
              {f.label(roleLabels[r])}
            </option>
          ))}
        </select>
      </Field>
      <Controller
        control={control}
        name="bureauCodes"
        render={({ field }) => (
          <BureauChecklist
            id={`${id}-bureaus`}
            bureaus={bureaus}
            value={field.value ?? []}
            onChange={field.onChange}
            role={role}
            error={errors.bureauCodes as { message?: string } | undefined}
          />
        )}
      />
      <div className="field">
        <label className="checkbox" htmlFor={`${id}-active`}>
          <input id={`${id}-active`} type="checkbox" {...register('isActive')} />
          {t('admin.isActive')}
        </label>
      </div>
      <Field
        id={`${id}-password`}
        label={t('admin.newPassword')}
        required={false}
        error={errors.password}
        hint={t('admin.newPasswordHint')}
      >
        <input
          type="password"
          autoComplete="new-password"
          {...controlProps(`${id}-password`, { error: errors.password, hint: true })}
          {...register('password', { setValueAs: optionalText })}
        />
      </Field>
      {conflict ? (
        <div className="alert alert-warning" role="alert">
          <p>{t('errors.codes.version_conflict')}</p>
          <button type="button" className="button" onClick={onDone}>
            {t('common.reload')}
          </button>
        </div>
      ) : save.isError && !(isApiError(save.error) && save.error.errors.length) ? (
        <ErrorAlert error={save.error} />
      ) : null}
      <FormErrors messages={unmatched} />
      <div className="button-row">
        <button type="submit" className="button" disabled={save.isPending}>
          {t('common.save')}
        </button>
        <button type="button" className="button button-secondary" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

import { ZCreateUserRequest, ZUpdateUserRequest } from '@core/auth/schemas.ts';
import { roleLabels, ZRole } from '@core/projects/schemas.ts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type FieldErrors, type UseFormRegisterReturn, useController, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../api.ts';
import { controlProps, Field, FieldSet, optionalText } from '../components/field.tsx';
import { FormFooter, FormSummary, type SummaryField, useSchemaForm } from '../components/form-parts.tsx';
import { useFormat } from '../format.ts';
import type { TAdminUser, TBureau } from '../types.ts';

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

type Profile = { displayName?: unknown; role?: unknown; bureauCodes?: unknown };

const profileSummary = (id: string, role: string, t: TFunction): SummaryField[] => [
  { name: 'displayName', id: `${id}-name`, label: t('admin.displayName') },
  { name: 'role', id: `${id}-role`, label: t('admin.role') },
  { name: 'bureauCodes', id: `${id}-bureaus`, label: role === 'cio_advisor' ? t('admin.advisedBureaus') : t('admin.bureaus') },
];
const passwordSummary = (id: string, label: string): SummaryField => ({ name: 'password', id: `${id}-password`, label });

/** Name, role and bureaus: what creating and editing a user share. */
function ProfileFields({
  id,
  bureaus,
  role,
  errors,
  register,
  bureauCodes,
}: {
  id: string;
  bureaus: TBureau[];
  role: string;
  errors: FieldErrors<Profile>;
  /** The form's `register`: the name and role inputs are the profile's own. */
  register: (name: 'displayName' | 'role') => UseFormRegisterReturn;
  bureauCodes: { value?: string[] | undefined; onChange: (next: string[]) => void };
}) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <>
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
      <BureauChecklist
        id={`${id}-bureaus`}
        bureaus={bureaus}
        value={bureauCodes.value ?? []}
        onChange={bureauCodes.onChange}
        role={role}
        error={errors.bureauCodes as { message?: string } | undefined}
      />
    </>
  );
}

type CreateInput = z.input<typeof ZCreateUserRequest>;
type CreateOutput = z.output<typeof ZCreateUserRequest>;

export function CreateUserForm({ bureaus }: { bureaus: TBureau[] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const defaults: CreateInput = { email: '', displayName: '', role: 'staff', bureauCodes: [], password: '' };
  const form = useSchemaForm(ZCreateUserRequest, { defaultValues: defaults });
  const { id, register, control, handleSubmit, reset, errors } = form;
  const role = useWatch({ control, name: 'role' });
  const { field: bureauCodes } = useController({ control, name: 'bureauCodes' });
  const create = useMutation({
    mutationFn: (values: CreateOutput) => api.users.create(values),
    onSuccess: () => {
      reset(defaults);
      void queryClient.invalidateQueries({ queryKey: ['admin-users'] });
    },
    onError: form.serverErrors(['email', 'displayName', 'role', 'bureauCodes', 'password']),
  });
  return (
    <form className="form" noValidate onSubmit={handleSubmit((v) => create.mutate(v))} aria-label={t('admin.createUser')}>
      <FormSummary
        {...form.summary}
        fields={[
          { name: 'email', id: `${id}-email`, label: t('auth.email') },
          ...profileSummary(id, role, t),
          passwordSummary(id, t('admin.initialPassword')),
        ]}
      />
      <Field id={`${id}-email`} label={t('auth.email')} required error={errors.email}>
        <input type="email" autoComplete="off" {...controlProps(`${id}-email`, { error: errors.email })} {...register('email')} />
      </Field>
      <ProfileFields id={id} bureaus={bureaus} role={role} errors={errors} register={register} bureauCodes={bureauCodes} />
      <Field id={`${id}-password`} label={t('admin.initialPassword')} required error={errors.password} hint={t('admin.passwordHint')}>
        <input
          type="password"
          autoComplete="new-password"
          {...controlProps(`${id}-password`, { error: errors.password, hint: true })}
          {...register('password')}
        />
      </Field>
      <FormFooter save={create} submitLabel={t('admin.createUser')} success={t('admin.userCreated')} />
    </form>
  );
}

type UpdateOutput = z.output<typeof ZUpdateUserRequest>;

export function EditUserForm({ user, bureaus, onDone }: { user: TAdminUser; bureaus: TBureau[]; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const form = useSchemaForm(ZUpdateUserRequest, {
    defaultValues: {
      version: user.version,
      displayName: user.displayName,
      role: user.role,
      bureauCodes: user.bureauCodes,
      isActive: user.isActive,
    },
  });
  const { id, register, control, handleSubmit, errors } = form;
  const role = useWatch({ control, name: 'role' }) ?? user.role;
  const { field: bureauCodes } = useController({ control, name: 'bureauCodes' });
  const save = useMutation({
    mutationFn: (values: UpdateOutput) => api.users.update(user.id, values),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['admin-users'] });
      onDone();
    },
    onError: form.serverErrors(['displayName', 'role', 'bureauCodes', 'isActive', 'password']),
  });
  return (
    <form
      className="form"
      noValidate
      onSubmit={handleSubmit((v) => save.mutate(v))}
      aria-label={t('admin.editUser', { name: user.displayName })}
    >
      <FormSummary {...form.summary} fields={[...profileSummary(id, role, t), passwordSummary(id, t('admin.newPassword'))]} />
      <ProfileFields id={id} bureaus={bureaus} role={role} errors={errors} register={register} bureauCodes={bureauCodes} />
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
      <FormFooter save={save} submitLabel={t('common.save')} onCancel={onDone} onReload={onDone} />
    </form>
  );
}

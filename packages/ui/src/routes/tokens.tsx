import { ZCreateTokenRequest, ZTokenScope } from '@core/reviews/schemas.ts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { Controller } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';
import type { z } from 'zod';
import { api, isApiError } from '../api.ts';
import { canManageTokens, isAdmin, useUser } from '../auth.ts';
import { DateText, ErrorAlert, HiddenTarget, PageHeader } from '../components/common.tsx';
import { controlProps, Field, FieldSet, FormErrors, nullableNumber } from '../components/field.tsx';
import { useSchemaForm } from '../components/form-parts.tsx';
import { QueryTable } from '../components/query-table.tsx';
import { useFormat } from '../format.ts';
import type { TToken } from '../types.ts';

type Input = z.input<typeof ZCreateTokenRequest>;
type Output = z.output<typeof ZCreateTokenRequest>;
const scopes = ZTokenScope.options;

/** The secret of a new token, shown once, with a copy button. */
function NewToken({ token, onDismiss }: { token: TToken & { token: string }; onDismiss: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token.token);
      setCopied(true);
    } catch {
      // Without clipboard access, select the text so Ctrl+C works.
      inputRef.current?.select();
    }
  };
  return (
    <div className="alert alert-warning" role="alert">
      <h2>{t('tokens.createdTitle', { name: token.name })}</h2>
      <p>{t('tokens.showOnce')}</p>
      <label htmlFor={id} className="visually-hidden">
        {t('tokens.secret')}
      </label>
      <div className="input-with-button">
        <input
          id={id}
          ref={inputRef}
          type="text"
          readOnly
          value={token.token}
          className="token-secret"
          onFocus={(e) => e.target.select()}
        />
        <button type="button" className="button" onClick={() => void copy()}>
          {copied ? t('common.copied') : t('common.copy')}
        </button>
      </div>
      <p className="small" aria-live="polite">
        {copied ? t('tokens.copiedNote') : ''}
      </p>
      <p className="small">{t('tokens.usage')}</p>
      <pre className="code-block">
        <code>{`curl -H "Authorization: Bearer ${token.tokenPrefix}…" ${window.location.origin}/api/v1/tech-reviews?fiscalYear=…`}</code>
      </pre>
      <button type="button" className="button button-secondary" onClick={onDismiss}>
        {t('tokens.dismiss')}
      </button>
    </div>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: (token: TToken & { token: string }) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const defaults: Input = { name: '', scopes: ['tech_reviews:read'], expiresInDays: 365 };
  const form = useSchemaForm(ZCreateTokenRequest, { defaultValues: defaults });
  const { id, register, control, handleSubmit, reset, errors, unmatched } = form;
  const create = useMutation({
    mutationFn: (values: Output) => api.tokens.create(values),
    onSuccess: (token) => {
      reset(defaults);
      void queryClient.invalidateQueries({ queryKey: ['tokens'] });
      onCreated(token);
    },
    onError: form.serverErrors(['name', 'scopes', 'expiresInDays']),
  });
  return (
    <form className="form" noValidate onSubmit={handleSubmit((v) => create.mutate(v))} aria-label={t('tokens.createLabel')}>
      <Field id={`${id}-name`} label={t('tokens.name')} required error={errors.name} hint={t('tokens.nameHint')}>
        <input type="text" {...controlProps(`${id}-name`, { error: errors.name, hint: true })} {...register('name')} />
      </Field>
      <Controller
        control={control}
        name="scopes"
        render={({ field }) => (
          <FieldSet id={`${id}-scopes`} legend={t('tokens.scopes')} required error={errors.scopes as { message?: string } | undefined}>
            {scopes.map((scope) => (
              <label key={scope} className="checkbox">
                <input
                  type="checkbox"
                  checked={field.value.includes(scope)}
                  onChange={(e) => field.onChange(e.target.checked ? [...field.value, scope] : field.value.filter((s) => s !== scope))}
                />
                {t(`tokens.scopeLabels.${scope.replace(':', '_') as 'tech_reviews_read'}`)}
              </label>
            ))}
          </FieldSet>
        )}
      />
      <Field id={`${id}-days`} label={t('tokens.expiresInDays')} error={errors.expiresInDays} hint={t('tokens.expiresHint')}>
        <input
          type="number"
          className="input-short"
          min={1}
          max={730}
          {...controlProps(`${id}-days`, { error: errors.expiresInDays, hint: true })}
          {...register('expiresInDays', { setValueAs: (v) => nullableNumber(v) ?? undefined })}
        />
      </Field>
      {create.isError && !(isApiError(create.error) && create.error.errors.length) ? <ErrorAlert error={create.error} /> : null}
      <FormErrors messages={unmatched} />
      <button type="submit" className="button" disabled={create.isPending}>
        {t('tokens.create')}
      </button>
    </form>
  );
}

function RevokeButton({ token }: { token: TToken }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => api.tokens.revoke(token.id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['tokens'] }),
  });
  return (
    <>
      <button
        type="button"
        className="button button-small button-danger"
        disabled={revoke.isPending}
        onClick={() => {
          if (window.confirm(t('tokens.confirmRevoke', { name: token.name }))) revoke.mutate();
        }}
      >
        {t('tokens.revoke')}
        <HiddenTarget name={token.name} />
      </button>
      {revoke.isError ? <ErrorAlert error={revoke.error} /> : null}
    </>
  );
}

/** API tokens for machines (the budget office pulls tech reviews with one). */
export function TokenManager() {
  const { t } = useTranslation();
  const f = useFormat();
  const user = useUser();
  const headingId = useId();
  const [created, setCreated] = useState<(TToken & { token: string }) | null>(null);
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: api.tokens.list });
  return (
    <>
      {created ? <NewToken token={created} onDismiss={() => setCreated(null)} /> : null}
      <section className="card" aria-labelledby={`${headingId}-create`}>
        <h2 id={`${headingId}-create`}>{t('tokens.create')}</h2>
        <CreateTokenForm onCreated={setCreated} />
      </section>
      <section aria-labelledby={headingId}>
        <h2 id={headingId}>{isAdmin(user) ? t('tokens.allTokens') : t('tokens.myTokens')}</h2>
        <QueryTable
          query={tokens}
          empty={t('tokens.empty')}
          caption={t('tokens.listCaption')}
          head={
            <>
              <th scope="col">{t('tokens.name')}</th>
              <th scope="col">{t('tokens.prefix')}</th>
              <th scope="col">{t('tokens.scopes')}</th>
              <th scope="col">{t('tokens.statusLabel')}</th>
              <th scope="col">{t('tokens.created')}</th>
              <th scope="col">{t('tokens.expires')}</th>
              <th scope="col">{t('tokens.lastUsed')}</th>
              {isAdmin(user) ? <th scope="col">{t('tokens.owner')}</th> : null}
              <th scope="col">{t('documents.actions')}</th>
            </>
          }
        >
          {(items) =>
            items.map((token) => (
              <tr key={token.id}>
                <th scope="row">{token.name}</th>
                <td>
                  <code>{token.tokenPrefix}…</code>
                </td>
                <td>{token.scopes.map((s) => t(`tokens.scopeLabels.${s.replace(':', '_') as 'tech_reviews_read'}`)).join(f.listSep)}</td>
                <td>
                  <span className={`badge badge-${token.status === 'active' ? 'approved' : 'withdrawn'}`}>
                    {t(`tokens.status.${token.status}`)}
                  </span>
                </td>
                <td className="nowrap">
                  <DateText value={token.createdAt} />
                </td>
                <td className="nowrap">{token.expiresAt ? <DateText value={token.expiresAt} /> : t('tokens.never')}</td>
                <td className="nowrap">{token.lastUsedAt ? <DateText value={token.lastUsedAt} withTime /> : t('tokens.notUsed')}</td>
                {isAdmin(user) ? <td>{token.ownerEmail ?? '—'}</td> : null}
                <td>{token.status === 'active' ? <RevokeButton token={token} /> : '—'}</td>
              </tr>
            ))
          }
        </QueryTable>
      </section>
    </>
  );
}

export default function Tokens() {
  const { t } = useTranslation();
  const user = useUser();
  if (!canManageTokens(user)) return <Navigate to="/" replace />;
  return (
    <>
      <PageHeader title={t('tokens.title')} lead={t('tokens.lead')} />
      <TokenManager />
    </>
  );
}

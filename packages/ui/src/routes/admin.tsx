import { ZCreateBureauRequest } from '@core/auth/schemas.ts';
import { roleLabels, ZRole } from '@core/projects/schemas.ts';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useSearchParams } from 'react-router';
import type { z } from 'zod';
import { api, isApiError } from '../api.ts';
import { isAdmin, useUser } from '../auth.ts';
import { entityTypeLabels } from '../components/audit-labels.ts';
import { AuditTable } from '../components/audit-list.tsx';
import { useBureauName, useBureaus } from '../components/bureaus.ts';
import { Empty, ErrorAlert, HiddenTarget, Loading, PageHeader, TableScroll } from '../components/common.tsx';
import { controlProps, Field, FormErrors } from '../components/field.tsx';
import { useSchemaForm } from '../components/form-parts.tsx';
import { DataTable } from '../components/query-table.tsx';
import { useFormat } from '../format.ts';
import { CreateUserForm, EditUserForm } from '../forms/user-form.tsx';
import type { TBureau } from '../types.ts';
import { TokenManager } from './tokens.tsx';

const sections = ['users', 'bureaus', 'advisors', 'tokens', 'signIn', 'audit'] as const;
type Section = (typeof sections)[number];

function Users({ bureaus }: { bureaus: TBureau[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const bureauName = useBureauName();
  const id = useId();
  const [q, setQ] = useState('');
  const [filter, setFilter] = useState<{ q?: string; role?: string }>({});
  const [editing, setEditing] = useState<string | null>(null);
  const users = useInfiniteQuery({
    queryKey: ['admin-users', filter],
    queryFn: ({ pageParam }) => api.users.list({ ...filter, limit: 100 }, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = users.data?.pages.flatMap((p) => p.items) ?? [];
  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    setFilter((prev) => ({ ...prev, q: q.trim() || undefined }));
  };
  return (
    <>
      <search className="filters" aria-label={t('admin.userFilters')}>
        <form onSubmit={onSearch} className="inline-form">
          <div className="field">
            <label htmlFor={`${id}-q`}>{t('admin.searchUsers')}</label>
            <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-role`}>{t('admin.role')}</label>
            <select
              id={`${id}-role`}
              value={filter.role ?? ''}
              onChange={(e) => setFilter((prev) => ({ ...prev, role: e.target.value || undefined }))}
            >
              <option value="">{t('common.all')}</option>
              {ZRole.options.map((r) => (
                <option key={r} value={r}>
                  {f.label(roleLabels[r])}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button">
            {t('common.search')}
          </button>
        </form>
      </search>
      {users.isPending ? (
        <Loading />
      ) : !users.data ? (
        <ErrorAlert error={users.error} onRetry={() => void users.refetch()} />
      ) : items.length === 0 ? (
        <Empty>{t('admin.noUsers')}</Empty>
      ) : (
        <DataTable
          caption={t('admin.usersCaption')}
          head={
            <>
              <th scope="col">{t('admin.displayName')}</th>
              <th scope="col">{t('auth.email')}</th>
              <th scope="col">{t('admin.role')}</th>
              <th scope="col">{t('admin.bureaus')}</th>
              <th scope="col">{t('admin.state')}</th>
              <th scope="col">{t('documents.actions')}</th>
            </>
          }
        >
          {items.map((u) =>
            editing === u.id ? (
              <tr key={u.id}>
                <td colSpan={6}>
                  <h3>{t('admin.editUser', { name: u.displayName })}</h3>
                  <EditUserForm user={u} bureaus={bureaus} onDone={() => setEditing(null)} />
                </td>
              </tr>
            ) : (
              <tr key={u.id}>
                <th scope="row">{u.displayName}</th>
                <td>{u.email}</td>
                <td>{f.label(roleLabels[u.role], u.role)}</td>
                <td>{u.bureauCodes.map(bureauName).join(f.listSep) || '—'}</td>
                <td>
                  {u.isActive ? (
                    <span className="badge badge-approved">{t('admin.active')}</span>
                  ) : (
                    <span className="badge badge-withdrawn">{t('admin.inactive')}</span>
                  )}
                </td>
                <td>
                  <button type="button" className="button button-small button-secondary" onClick={() => setEditing(u.id)}>
                    {t('common.edit')}
                    <HiddenTarget name={u.displayName} />
                  </button>
                </td>
              </tr>
            ),
          )}
        </DataTable>
      )}
      {users.hasNextPage ? (
        <p className="load-more">
          <button type="button" className="button button-secondary" onClick={() => void users.fetchNextPage()}>
            {t('common.loadMore')}
          </button>
        </p>
      ) : null}
      <details className="disclosure">
        <summary>{t('admin.createUser')}</summary>
        <CreateUserForm bureaus={bureaus} />
      </details>
    </>
  );
}

type BureauInput = z.input<typeof ZCreateBureauRequest>;
type BureauOutput = z.output<typeof ZCreateBureauRequest>;

function Bureaus({ bureaus }: { bureaus: TBureau[] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const defaults: BureauInput = { code: '', nameJa: '', nameEn: '' };
  const form = useSchemaForm(ZCreateBureauRequest, { defaultValues: defaults });
  const { id, register, handleSubmit, reset, errors, unmatched } = form;
  const create = useMutation({
    mutationFn: (values: BureauOutput) => api.bureaus.create(values),
    onSuccess: () => {
      reset(defaults);
      void queryClient.invalidateQueries({ queryKey: ['bureaus'] });
    },
    onError: form.serverErrors(['code', 'nameJa', 'nameEn']),
  });
  return (
    <>
      <DataTable
        caption={t('admin.bureausCaption')}
        head={
          <>
            <th scope="col">{t('admin.bureauCode')}</th>
            <th scope="col">{t('admin.nameJa')}</th>
            <th scope="col">{t('admin.nameEn')}</th>
            <th scope="col">{t('nav.projects')}</th>
          </>
        }
      >
        {bureaus.map((b) => (
          <tr key={b.code}>
            <th scope="row">{b.code}</th>
            <td lang="ja">{b.nameJa}</td>
            <td lang="en">{b.nameEn}</td>
            <td>
              <Link to={`/projects?bureau=${b.code}`}>{t('admin.bureauProjects')}</Link>
            </td>
          </tr>
        ))}
      </DataTable>
      <details className="disclosure">
        <summary>{t('admin.createBureau')}</summary>
        <form className="form" noValidate onSubmit={handleSubmit((v) => create.mutate(v))} aria-label={t('admin.createBureau')}>
          <Field id={`${id}-code`} label={t('admin.bureauCode')} required error={errors.code} hint={t('admin.bureauCodeHint')}>
            <input
              type="text"
              className="input-short"
              autoComplete="off"
              {...controlProps(`${id}-code`, { error: errors.code, hint: true })}
              {...register('code')}
            />
          </Field>
          <Field id={`${id}-ja`} label={t('admin.nameJa')} required error={errors.nameJa}>
            <input type="text" lang="ja" {...controlProps(`${id}-ja`, { error: errors.nameJa })} {...register('nameJa')} />
          </Field>
          <Field id={`${id}-en`} label={t('admin.nameEn')} required error={errors.nameEn}>
            <input type="text" lang="en" {...controlProps(`${id}-en`, { error: errors.nameEn })} {...register('nameEn')} />
          </Field>
          {create.isError && !(isApiError(create.error) && create.error.errors.length) ? <ErrorAlert error={create.error} /> : null}
          <FormErrors messages={unmatched} />
          <button type="submit" className="button" disabled={create.isPending}>
            {t('admin.createBureau')}
          </button>
        </form>
      </details>
    </>
  );
}

/** CIO advisor assignments are the bureau codes of cio_advisor users; edit them on the user. */
function Advisors({ bureaus }: { bureaus: TBureau[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [editing, setEditing] = useState<string | null>(null);
  const advisors = useQuery({
    queryKey: ['admin-users', { role: 'cio_advisor' }],
    queryFn: () => api.users.all({ role: 'cio_advisor' }),
  });
  if (advisors.isPending) return <Loading />;
  if (advisors.isError) return <ErrorAlert error={advisors.error} />;
  const items = advisors.data;
  const byBureau = bureaus.map((b) => ({ bureau: b, advisors: items.filter((u) => u.isActive && u.bureauCodes.includes(b.code)) }));
  const editingUser = items.find((u) => u.id === editing);
  return (
    <>
      <p className="small">{t('admin.advisorsLead')}</p>
      <TableScroll>
        <table className="table">
          <caption>{t('admin.advisorsByBureau')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('projects.bureau')}</th>
              <th scope="col">{t('admin.assignedAdvisors')}</th>
            </tr>
          </thead>
          <tbody>
            {byBureau.map(({ bureau, advisors: list }) => (
              <tr key={bureau.code}>
                <th scope="row">{f.label({ ja: bureau.nameJa, en: bureau.nameEn })}</th>
                <td>
                  {list.length ? (
                    list.map((u, i) => (
                      <span key={u.id}>
                        {i ? f.listSep : ''}
                        <button type="button" className="button-link" onClick={() => setEditing(u.id)}>
                          {u.displayName}
                        </button>
                      </span>
                    ))
                  ) : (
                    <span className="text-error">{t('admin.noAdvisor')}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {editingUser ? (
        <section className="card" aria-label={t('admin.editUser', { name: editingUser.displayName })}>
          <h3>{t('admin.editUser', { name: editingUser.displayName })}</h3>
          <EditUserForm key={editingUser.id} user={editingUser} bureaus={bureaus} onDone={() => setEditing(null)} />
        </section>
      ) : null}
    </>
  );
}

function Audit() {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const [entityType, setEntityType] = useState('');
  const audit = useInfiniteQuery({
    queryKey: ['audit', entityType],
    queryFn: ({ pageParam }) => api.audit.list({ entityType: entityType || undefined, limit: 50 }, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const events = audit.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-type`}>{t('history.entity')}</label>
        <select id={`${id}-type`} className="input-short" value={entityType} onChange={(e) => setEntityType(e.target.value)}>
          <option value="">{t('common.all')}</option>
          {[
            'project',
            'canvas',
            'kpi',
            'document',
            'procurement',
            'release_request',
            'tech_review',
            'user',
            'bureau',
            'api_token',
            'expense_import',
            'ruleset',
          ].map((type) => (
            <option key={type} value={type}>
              {f.label(entityTypeLabels[type])}
            </option>
          ))}
        </select>
      </div>
      {audit.isPending ? (
        <Loading />
      ) : !audit.data ? (
        <ErrorAlert error={audit.error} />
      ) : events.length === 0 ? (
        <Empty>{t('history.empty')}</Empty>
      ) : (
        <AuditTable events={events} showProject />
      )}
      {audit.hasNextPage ? (
        <p className="load-more">
          <button type="button" className="button button-secondary" onClick={() => void audit.fetchNextPage()}>
            {t('common.loadMore')}
          </button>
        </p>
      ) : null}
    </>
  );
}

/** Password sign-in on or off (decision 0010): off only with single sign-on; admins keep it (break-glass). */
function SignInSettings() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['auth', 'sign-in-settings'], queryFn: api.auth.settings });
  const change = useMutation({
    mutationFn: (body: { localPasswords: boolean; version: number }) => api.auth.updateSettings(body),
    onSuccess: (data) => {
      queryClient.setQueryData(['auth', 'sign-in-settings'], data);
      void queryClient.invalidateQueries({ queryKey: ['auth', 'methods'] });
    },
  });
  if (settings.isPending) return <Loading />;
  if (settings.isError) return <ErrorAlert error={settings.error} />;
  const { localPasswords, version, ssoConfigured } = settings.data;
  return (
    <div className="card">
      <p>{ssoConfigured ? t('admin.signIn.ssoOn') : t('admin.signIn.ssoOff')}</p>
      <p>
        <strong>{localPasswords ? t('admin.signIn.passwordsOn') : t('admin.signIn.passwordsOff')}</strong>
      </p>
      <p className="small muted">{t('admin.signIn.breakGlass')}</p>
      {change.error ? <ErrorAlert error={change.error} /> : null}
      <button
        type="button"
        className="button button-secondary"
        disabled={change.isPending || (localPasswords && !ssoConfigured)}
        onClick={() => change.mutate({ localPasswords: !localPasswords, version })}
      >
        {localPasswords ? t('admin.signIn.turnOff') : t('admin.signIn.turnOn')}
      </button>
    </div>
  );
}

export default function Admin() {
  const { t } = useTranslation();
  const user = useUser();
  const bureaus = useBureaus();
  const [params, setParams] = useSearchParams();
  const section = (sections.includes(params.get('section') as Section) ? params.get('section') : 'users') as Section;
  if (!isAdmin(user)) return <Navigate to="/" replace />;
  return (
    <>
      <PageHeader
        title={t('admin.title')}
        lead={t('admin.lead')}
        actions={
          <>
            <Link className="button button-secondary" to="/admin/outbox">
              {t('notifications.outboxLink')}
            </Link>
            <Link className="button button-quiet" to="/notifications/preferences">
              {t('notifications.defaultsTitle')}
            </Link>
          </>
        }
      />
      <nav className="tabs" aria-label={t('admin.sectionsLabel')}>
        <ul>
          {sections.map((s) => (
            <li key={s}>
              <a
                href={`?section=${s}`}
                aria-current={s === section ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  setParams({ section: s });
                }}
              >
                {t(`admin.sections.${s}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <section aria-labelledby="admin-section">
        <h2 id="admin-section">{t(`admin.sections.${section}`)}</h2>
        {bureaus.isPending ? (
          <Loading />
        ) : bureaus.isError ? (
          <ErrorAlert error={bureaus.error} />
        ) : section === 'users' ? (
          <Users bureaus={bureaus.data} />
        ) : section === 'bureaus' ? (
          <Bureaus bureaus={bureaus.data} />
        ) : section === 'advisors' ? (
          <Advisors bureaus={bureaus.data} />
        ) : section === 'tokens' ? (
          <TokenManager />
        ) : section === 'signIn' ? (
          <SignInSettings />
        ) : (
          <Audit />
        )}
      </section>
    </>
  );
}

import { notificationKindList, notificationKinds } from '@core/notifications/schemas.ts';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { api } from '../api.ts';
import { isAdmin, useUser } from '../auth.ts';
import { DateText, Empty, ErrorAlert, Loading, LoadMore, Notice, PageHeader, TableScroll } from '../components/common.tsx';
import { useFormat } from '../format.ts';
import type { TNotification, TNotificationPreference, TNotificationSetting, TOutboxMail } from '../types.ts';

/** The signed-in user's notifications, newest first: each links to the screen to act on. */
export function Notifications() {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const filterId = useId();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const query = useInfiniteQuery({
    queryKey: ['notifications', 'list', unreadOnly],
    queryFn: ({ pageParam }) => api.notifications.list(unreadOnly ? { unread: 'true' } : {}, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 0,
  });
  const markRead = useMutation({
    mutationFn: api.notifications.markRead,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['notifications'] }),
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  const unread = query.data?.pages[0]?.unread ?? 0;
  // Opening a notice marks it read; the list and the bell follow.
  const open = (n: TNotification) => {
    if (!n.readAt) markRead.mutate({ ids: [n.id] });
  };
  return (
    <>
      <PageHeader
        title={t('notifications.title')}
        lead={t('notifications.lead')}
        actions={
          <>
            <button
              type="button"
              className="button button-secondary"
              disabled={!unread || markRead.isPending}
              onClick={() => markRead.mutate({ all: true })}
            >
              {t('notifications.markAllRead')}
            </button>
            <Link className="button button-quiet" to="/notifications/preferences">
              {t('notifications.preferencesLink')}
            </Link>
          </>
        }
      />
      <p role="status" data-testid="unread-status">
        {t('notifications.unreadCount', { count: unread })}
      </p>
      <label className="checkbox" htmlFor={filterId}>
        <input id={filterId} type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} />
        {t('notifications.unreadOnly')}
      </label>
      <ErrorAlert error={markRead.error} />
      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />
      ) : items.length === 0 ? (
        <Empty>{t('notifications.empty')}</Empty>
      ) : (
        <ul className="notification-list" aria-label={t('notifications.listLabel')}>
          {items.map((n) => (
            <li key={n.id} className={`notification-item${n.readAt ? '' : ' is-unread'}`}>
              <div className="notification-main">
                <p className="notification-meta">
                  {n.readAt ? t('notifications.read') : <strong>{t('notifications.unread')}</strong>}
                  {' · '}
                  {f.label(notificationKinds[n.kind])}
                  {' · '}
                  <DateText value={n.createdAt} withTime />
                </p>
                <Link to={n.path} className="notification-title" onClick={() => open(n)}>
                  {f.lang === 'en' ? n.titleEn : n.titleJa}
                </Link>
              </div>
              {n.readAt ? null : (
                <button
                  type="button"
                  className="button button-quiet"
                  onClick={() => markRead.mutate({ ids: [n.id] })}
                  disabled={markRead.isPending}
                  aria-label={`${t('notifications.markRead')}: ${f.lang === 'en' ? n.titleEn : n.titleJa}`}
                >
                  {t('notifications.markRead')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <LoadMore query={query} />
    </>
  );
}

/** One table of kinds with their channel and cadence; used for the user's own and the administrators' defaults. */
function PreferenceTable({
  settings,
  onSave,
  saving,
  label,
}: {
  settings: TNotificationSetting[];
  onSave: (items: TNotificationPreference[]) => void;
  saving: boolean;
  label: string;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const [draft, setDraft] = useState<Record<string, TNotificationPreference>>(() =>
    Object.fromEntries(settings.map((s) => [s.kind, { kind: s.kind, channel: s.channel, cadence: s.cadence }])),
  );
  const changed = notificationKindList
    .map((k) => draft[k]!)
    .filter((d) => {
      const s = settings.find((x) => x.kind === d.kind)!;
      return s.channel !== d.channel || s.cadence !== d.cadence;
    });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (changed.length) onSave(changed);
      }}
      aria-label={label}
    >
      <div className="preference-list">
        {settings.map((s) => {
          const d = draft[s.kind]!;
          const name = f.label(notificationKinds[s.kind]);
          return (
            <fieldset key={s.kind} className="preference-item">
              <legend>
                {name}
                {s.isDefault ? <span className="notification-meta"> {f.paren(t('notifications.isDefault'))}</span> : null}
              </legend>
              <div className="preference-controls">
                <label htmlFor={`${id}-${s.kind}-channel`}>
                  <span className="preference-label">{t('notifications.channel')}</span>
                  <select
                    id={`${id}-${s.kind}-channel`}
                    value={d.channel}
                    onChange={(e) => setDraft({ ...draft, [s.kind]: { ...d, channel: e.target.value as 'in_app' | 'email' } })}
                  >
                    <option value="in_app">{t('notifications.channels.in_app')}</option>
                    <option value="email">{t('notifications.channels.email')}</option>
                  </select>
                </label>
                <label htmlFor={`${id}-${s.kind}-cadence`}>
                  <span className="preference-label">{t('notifications.cadence')}</span>
                  <select
                    id={`${id}-${s.kind}-cadence`}
                    value={d.cadence}
                    disabled={d.channel === 'in_app'}
                    onChange={(e) => setDraft({ ...draft, [s.kind]: { ...d, cadence: e.target.value as 'immediate' | 'digest' } })}
                  >
                    <option value="immediate">{t('notifications.cadences.immediate')}</option>
                    <option value="digest">{t('notifications.cadences.digest')}</option>
                  </select>
                </label>
              </div>
            </fieldset>
          );
        })}
      </div>
      <button type="submit" className="button" disabled={!changed.length || saving}>
        {saving ? t('common.saving') : t('common.save')}
      </button>
    </form>
  );
}

function PreferenceSection({ scope }: { scope: 'own' | 'defaults' }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const key = ['notifications', 'preferences', scope];
  const settings = useQuery({ queryKey: key, queryFn: scope === 'own' ? api.notifications.preferences : api.notifications.defaults });
  const save = useMutation({
    mutationFn: scope === 'own' ? api.notifications.savePreferences : api.notifications.saveDefaults,
    onSuccess: (result) => {
      queryClient.setQueryData(key, result.items);
      if (scope === 'defaults') void queryClient.invalidateQueries({ queryKey: ['notifications', 'preferences', 'own'] });
    },
  });
  if (settings.isPending) return <Loading />;
  if (settings.isError) return <ErrorAlert error={settings.error} onRetry={() => void settings.refetch()} />;
  return (
    <>
      {save.isSuccess ? (
        <Notice tone="success" role="status">
          {t('notifications.saved')}
        </Notice>
      ) : null}
      <ErrorAlert error={save.error} />
      <PreferenceTable
        // A fresh form after each save, starting from what the server now holds.
        key={JSON.stringify(settings.data)}
        settings={settings.data}
        saving={save.isPending}
        onSave={(items) => save.mutate(items)}
        label={scope === 'own' ? t('notifications.preferencesTitle') : t('notifications.defaultsTitle')}
      />
    </>
  );
}

export function NotificationPreferences() {
  const { t } = useTranslation();
  const user = useUser();
  return (
    <>
      <PageHeader title={t('notifications.preferencesTitle')} lead={t('notifications.preferencesLead')} />
      <PreferenceSection scope="own" />
      {isAdmin(user) ? (
        <section aria-labelledby="notification-defaults">
          <h2 id="notification-defaults">{t('notifications.defaultsTitle')}</h2>
          <p>{t('notifications.defaultsLead')}</p>
          <PreferenceSection scope="defaults" />
          <p>
            <Link to="/admin/outbox">{t('notifications.outboxLink')}</Link>
          </p>
        </section>
      ) : null}
    </>
  );
}

function OutboxRow({ mail }: { mail: TOutboxMail }) {
  const { t } = useTranslation();
  return (
    <tr>
      <td>{t(`notifications.statuses.${mail.status}`)}</td>
      <td>{mail.toEmail}</td>
      <td>
        <details>
          <summary>{mail.subject}</summary>
          <pre className="mail-body">{mail.body}</pre>
        </details>
      </td>
      <td>{mail.attempts}</td>
      <td>{mail.lastError ?? '—'}</td>
      <td>
        <DateText value={mail.createdAt} withTime />
      </td>
      <td>
        <DateText value={mail.sentAt} withTime />
      </td>
    </tr>
  );
}

/** Administrators read the outbox: what waits, what went, what could not be delivered and why. */
export function Outbox() {
  const { t } = useTranslation();
  const user = useUser();
  const id = useId();
  const [status, setStatus] = useState('');
  const query = useInfiniteQuery({
    queryKey: ['notifications', 'outbox', status],
    queryFn: ({ pageParam }) => api.notifications.outbox(status ? { status } : {}, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: isAdmin(user),
  });
  if (!isAdmin(user)) return <Navigate to="/" replace />;
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader title={t('notifications.outboxTitle')} lead={t('notifications.outboxLead')} />
      <label htmlFor={id}>{t('notifications.status')}</label>{' '}
      <select id={id} value={status} onChange={(e) => setStatus(e.target.value)}>
        <option value="">{t('common.all')}</option>
        {(['pending', 'sent', 'failed'] as const).map((s) => (
          <option key={s} value={s}>
            {t(`notifications.statuses.${s}`)}
          </option>
        ))}
      </select>
      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />
      ) : items.length === 0 ? (
        <Empty>{t('notifications.outboxEmpty')}</Empty>
      ) : (
        <TableScroll label={t('notifications.outboxTitle')}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('notifications.status')}</th>
                <th scope="col">{t('notifications.to')}</th>
                <th scope="col">{t('notifications.subject')}</th>
                <th scope="col">{t('notifications.attempts')}</th>
                <th scope="col">{t('notifications.lastError')}</th>
                <th scope="col">{t('notifications.createdAt')}</th>
                <th scope="col">{t('notifications.sentAt')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((m) => (
                <OutboxRow key={m.id} mail={m} />
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <LoadMore query={query} />
    </>
  );
}

import { roleLabels } from '@core/registry/lists.ts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Suspense, useEffect, useRef, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { api } from '../api.ts';
import { canImport, canManageTokens, canRegisterProjects, canSeeBudgetReview, hasPortfolio, isAdmin, meKey, useMe } from '../auth.ts';
import { useFormat } from '../format.ts';
import { setLanguage } from '../i18n/index.ts';
import type { TUser } from '../types.ts';
import { bureausQuery, useBureauName } from './bureaus.ts';
import { ErrorAlert, Loading } from './common.tsx';
import { RouteErrorBoundary } from './route-error.tsx';

export function LanguageSwitch() {
  const { i18n } = useTranslation();
  const isEnglish = i18n.language === 'en';
  return (
    <button type="button" className="button button-quiet lang-switch" onClick={() => void setLanguage(isEnglish ? 'ja' : 'en')}>
      {isEnglish ? <span lang="ja">日本語</span> : <span lang="en">English</span>}
    </button>
  );
}

function navItems(user: TUser) {
  return [
    { to: '/', key: 'home', show: true },
    { to: '/projects', key: 'projects', show: true },
    { to: '/projects/new', key: 'register', show: canRegisterProjects(user) },
    { to: '/portfolio', key: 'portfolio', show: hasPortfolio(user) },
    { to: '/procurements', key: 'procurements', show: true },
    { to: '/budget-review', key: 'budgetReview', show: canSeeBudgetReview(user) },
    { to: '/tokens', key: 'tokens', show: canManageTokens(user) },
    { to: '/import', key: 'import', show: canImport(user) },
    { to: '/rules', key: 'rules', show: true },
    { to: '/admin', key: 'admin', show: isAdmin(user) },
  ] as const;
}

/** Under ['notifications'], so marking read anywhere (which invalidates that prefix) refreshes the bell. */
const unreadCountKey = ['notifications', 'unread-count'] as const;

/** The bell: how many notifications are unread, on every screen; a link to the list. */
function NotificationBell() {
  const { t } = useTranslation();
  // Checked every minute and whenever a screen marks something read (it invalidates this key).
  const unread = useQuery({ queryKey: unreadCountKey, queryFn: api.notifications.unreadCount, refetchInterval: 60_000, staleTime: 0 });
  const count = unread.data?.unread ?? 0;
  return (
    <Link to="/notifications" className="bell">
      <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {/* The name says the count in words; the badge shows the number to the eye. */}
      <span className="visually-hidden">{count ? t('notifications.bellUnread', { count }) : t('notifications.bell')}</span>
      {count ? (
        <span className="bell-count" data-testid="bell-count" aria-hidden="true">
          {count > 99 ? '99+' : count}
        </span>
      ) : null}
    </Link>
  );
}

function Header({ user }: { user: TUser }) {
  const { t } = useTranslation();
  const f = useFormat();
  const bureauName = useBureauName();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const signOut = useMutation({
    mutationFn: api.auth.logout,
    onSettled: () => {
      queryClient.clear();
      queryClient.setQueryData(meKey, null);
      // The sign-in page then offers the provider's own sign-out, when it has one.
      navigate('/sign-in?signedOut=1', { replace: true });
    },
  });
  return (
    <header className="site-header">
      <div className="site-header-inner">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            PS
          </span>
          <span>
            <span className="brand-name">{t('common.appName')}</span>
            <span className="brand-sub">{t('common.appFullName')}</span>
          </span>
        </Link>
        <div className="account">
          <p className="account-who">
            <span className="visually-hidden">{t('header.signedInAs')}</span>
            <strong>{user.displayName}</strong>
            <span className="account-meta">
              {f.label(roleLabels[user.role], user.role)}
              {user.bureauCodes.length ? ` · ${user.bureauCodes.map(bureauName).join(f.listSep)}` : ''}
            </span>
          </p>
          <NotificationBell />
          <LanguageSwitch />
          <button type="button" className="button button-quiet" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            {t('header.signOut')}
          </button>
        </div>
      </div>
      <nav className="site-nav" aria-label={t('nav.label')}>
        <ul>
          {navItems(user)
            .filter((item) => item.show)
            .map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.to === '/' || item.to === '/projects'}>
                  {t(`nav.${item.key}`)}
                </NavLink>
              </li>
            ))}
        </ul>
      </nav>
    </header>
  );
}

/** The signed-in frame: skip link, header with navigation, main region. Signed-out users go to sign-in. */
function subscribeOnline(onChange: () => void) {
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
}

/** While the browser is offline, every screen says so before a save fails. */
function OfflineBanner() {
  const { t } = useTranslation();
  const online = useSyncExternalStore(
    subscribeOnline,
    () => navigator.onLine,
    () => true,
  );
  return (
    <div role="status" className={online ? 'visually-hidden' : 'offline-banner'}>
      {online ? '' : t('common.offline')}
    </div>
  );
}

export function Layout() {
  const { t } = useTranslation();
  const me = useMe();
  const location = useLocation();
  // After moving to another screen, put focus at the top of the new content (keyboard and screen
  // reader users would otherwise stay on the link they left). Tabs of one project stay put.
  const screenKey = location.pathname.replace(
    /^(\/projects\/[^/]+)\/(canvas|kpis|procurements|documents|releases|tech-reviews|history)$/,
    '$1',
  );
  const firstScreen = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on purpose each time the screen (screenKey) changes
  useEffect(() => {
    if (firstScreen.current) {
      firstScreen.current = false;
      return;
    }
    document.getElementById('main')?.focus();
  }, [screenKey]);
  // The header names the user's bureaus; drawn before their names arrive, it grew a line when they
  // did and moved the whole page down (mobile CLS 0.31 on /rules). A failed list only shows the codes.
  const hasBureaus = Boolean(me.data?.bureauCodes.length);
  const bureausPending = useQuery({ ...bureausQuery, enabled: hasBureaus }).isPending && hasBureaus;
  if (me.isPending || bureausPending) return <Loading />;
  if (me.isError) return <ErrorAlert error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skipToMain')}
      </a>
      <Header user={me.data} />
      <OfflineBanner />
      <main id="main" tabIndex={-1} className="site-main">
        <RouteErrorBoundary key={location.pathname}>
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </RouteErrorBoundary>
      </main>
      <footer className="site-footer">
        <p>{t('common.footer')}</p>
      </footer>
    </>
  );
}

/** Pages without the frame (print view) still need a signed-in user. */
export function RequireSignIn({ children }: { children: React.ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorAlert error={me.error} />;
  if (!me.data) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname)}`} replace />;
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

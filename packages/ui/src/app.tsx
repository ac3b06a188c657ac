import type { QueryClient } from '@tanstack/react-query';
import { type ComponentProps, type ComponentType, createElement, lazy } from 'react';
import { createBrowserRouter, matchRoutes, type Params, type RouteObject } from 'react-router';
import { Layout, RequireSignIn } from './components/layout.tsx';
import { RouterErrorPage } from './components/route-error.tsx';

// Every screen is its own chunk, so the first load carries only the frame and the sign-in check.
// `screen` also remembers how to load each one, so the screens of the address the app starts on
// are fetched at once, beside the sign-in check, instead of after it (preloadScreensFor below).
// A screen whose code has arrived renders directly, not through React.lazy: a lazy screen first
// shows its loading indicator, and React then holds the screen back for a moment (~300 ms) so
// that indicators do not flicker, which the first screen of a visit need not pay.
const loaders = new Map<unknown, () => Promise<unknown>>();
function screen<T extends ComponentType<any>>(load: () => Promise<{ default: T }>) {
  let loaded: T | null = null;
  const remember = () =>
    load().then((module) => {
      loaded = module.default;
      return module;
    });
  const Lazy = lazy(remember);
  function Screen(props: ComponentProps<T>) {
    return loaded ? createElement(loaded, props) : createElement(Lazy, props);
  }
  loaders.set(Screen, remember);
  return Screen;
}
const SignIn = screen(() => import('./routes/sign-in.tsx'));
const Home = screen(() => import('./routes/home.tsx'));
const ProjectList = screen(() => import('./routes/project-list.tsx'));
const ProjectNew = screen(() => import('./routes/project-new.tsx'));
const ProjectPage = screen(() => import('./routes/project-page.tsx'));
const ProjectOverview = screen(() => import('./routes/project/overview.tsx'));
const CanvasTab = screen(() => import('./routes/project/canvas-tab.tsx'));
const KpisTab = screen(() => import('./routes/project/kpis-tab.tsx'));
const ProcurementsTab = screen(() => import('./routes/project/procurements-tab.tsx'));
const DocumentsTab = screen(() => import('./routes/project/documents-tab.tsx'));
const ReleasesTab = screen(() => import('./routes/project/releases-tab.tsx'));
const TechReviewsTab = screen(() => import('./routes/project/tech-reviews-tab.tsx'));
const HistoryTab = screen(() => import('./routes/project/history-tab.tsx'));
const ConsultationsTab = screen(() => import('./routes/project/consultations-tab.tsx'));
const ConsultationThread = screen(() => import('./routes/project/consultation-thread.tsx'));
const StatusReportsTab = screen(() => import('./routes/project/status-reports-tab.tsx'));
const SupervisionTab = screen(() => import('./routes/project/supervision-tab.tsx'));
const Portfolio = screen(() => import('./routes/portfolio.tsx'));
const CanvasPrint = screen(() => import('./routes/canvas-print.tsx'));
const ReleaseJudgement = screen(() => import('./routes/release-judgement.tsx'));
const BudgetReview = screen(() => import('./routes/budget-review.tsx'));
const Tokens = screen(() => import('./routes/tokens.tsx'));
const Procurements = screen(() => import('./routes/procurements.tsx'));
const Import = screen(() => import('./routes/import.tsx'));
const Rules = screen(() => import('./routes/rules.tsx'));
const RuleVersions = screen(() => import('./routes/rule-versions.tsx'));
const RuleVersion = screen(() => import('./routes/rule-versions.tsx').then((m) => ({ default: m.RuleVersion })));
const Admin = screen(() => import('./routes/admin.tsx'));
const Notifications = screen(() => import('./routes/notifications.tsx').then((m) => ({ default: m.Notifications })));
const NotificationPreferences = screen(() => import('./routes/notifications.tsx').then((m) => ({ default: m.NotificationPreferences })));
const Outbox = screen(() => import('./routes/notifications.tsx').then((m) => ({ default: m.Outbox })));
const NotFound = screen(() => import('./routes/not-found.tsx'));

export const routes: RouteObject[] = [
  {
    path: '/sign-in',
    element: <SignIn />,
    errorElement: <RouterErrorPage />,
  },
  {
    path: '/projects/:id/canvas/print',
    element: (
      <RequireSignIn>
        <CanvasPrint />
      </RequireSignIn>
    ),
    errorElement: <RouterErrorPage />,
  },
  {
    path: '/',
    element: <Layout />,
    errorElement: <RouterErrorPage />,
    children: [
      { index: true, element: <Home /> },
      { path: 'projects', element: <ProjectList /> },
      { path: 'projects/new', element: <ProjectNew /> },
      {
        path: 'projects/:id',
        element: <ProjectPage />,
        children: [
          { index: true, element: <ProjectOverview /> },
          { path: 'canvas', element: <CanvasTab /> },
          { path: 'kpis', element: <KpisTab /> },
          { path: 'procurements', element: <ProcurementsTab /> },
          { path: 'documents', element: <DocumentsTab /> },
          { path: 'releases', element: <ReleasesTab /> },
          { path: 'tech-reviews', element: <TechReviewsTab /> },
          { path: 'consultations', element: <ConsultationsTab /> },
          { path: 'consultations/:consultationId', element: <ConsultationThread /> },
          { path: 'status-reports', element: <StatusReportsTab /> },
          { path: 'supervision', element: <SupervisionTab /> },
          { path: 'history', element: <HistoryTab /> },
        ],
      },
      { path: 'release-requests/:id', element: <ReleaseJudgement /> },
      { path: 'portfolio', element: <Portfolio /> },
      { path: 'budget-review', element: <BudgetReview /> },
      { path: 'tokens', element: <Tokens /> },
      { path: 'procurements', element: <Procurements /> },
      { path: 'import', element: <Import /> },
      { path: 'rules', element: <Rules /> },
      { path: 'rules/versions', element: <RuleVersions /> },
      { path: 'rules/versions/:id', element: <RuleVersion /> },
      { path: 'admin', element: <Admin /> },
      { path: 'admin/outbox', element: <Outbox /> },
      { path: 'notifications', element: <Notifications /> },
      { path: 'notifications/preferences', element: <NotificationPreferences /> },
      { path: '*', element: <NotFound /> },
    ],
  },
];

export const createAppRouter = () => createBrowserRouter(routes);

/**
 * What a screen's module may export: how to fetch its data from the address, with the route's
 * parameters (`:id`) as the route table matched them, so no screen parses the path again.
 */
export type PrefetchScreen = (queryClient: QueryClient, url: URL, params: Params) => Promise<void>;
type ScreenModule = { prefetchScreen?: PrefetchScreen };

/**
 * How long the first drawing waits for the screen's own data once its code is here. On a working
 * line that data is back within a round trip, and drawing the screen once with it beats drawing it
 * empty and again when each answer arrives: those later drawings are not sliced by the transition
 * (React renders a query's answer in one task), and on a phone each blocked the page for 100–200 ms
 * (performance §4.9). On a line too slow for this wait, the screen draws with its loading states.
 */
export const firstDataWaitMs = 1_500;

/**
 * Load the screens the address shows (the layout's child and, for a project, its tab) and start
 * fetching the data of those that say how (`prefetchScreen`). Resolves when their code is here (or
 * failed to come: rendering the screen then loads it again and reports the failure) and their data
 * too, or `firstDataWaitMs` after the code.
 */
export async function preloadScreensFor(url: URL, queryClient: QueryClient): Promise<void> {
  const data: Promise<unknown>[] = [];
  const loads = (matchRoutes(routes, url.pathname) ?? []).flatMap((match) => {
    const type = (match.route.element as { type?: unknown } | undefined)?.type;
    const load = type ? loaders.get(type) : undefined;
    if (!load) return [];
    return [
      load()
        .then((module) => {
          const prefetch = (module as ScreenModule).prefetchScreen?.(queryClient, url, match.params);
          if (prefetch) data.push(prefetch.catch(() => undefined));
        })
        .catch(() => undefined),
    ];
  });
  await Promise.all(loads);
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([Promise.all(data), new Promise((resolve) => (timer = setTimeout(resolve, firstDataWaitMs)))]);
  clearTimeout(timer);
}

import { lazy } from 'react';
import { createBrowserRouter, type RouteObject } from 'react-router';
import { Layout, RequireSignIn } from './components/layout.tsx';
import { RouterErrorPage } from './components/route-error.tsx';

// Every screen is its own chunk, so the first load carries only the frame and the sign-in check.
const SignIn = lazy(() => import('./routes/sign-in.tsx'));
const Home = lazy(() => import('./routes/home.tsx'));
const ProjectList = lazy(() => import('./routes/project-list.tsx'));
const ProjectNew = lazy(() => import('./routes/project-new.tsx'));
const ProjectPage = lazy(() => import('./routes/project-page.tsx'));
const ProjectOverview = lazy(() => import('./routes/project/overview.tsx'));
const CanvasTab = lazy(() => import('./routes/project/canvas-tab.tsx'));
const KpisTab = lazy(() => import('./routes/project/kpis-tab.tsx'));
const ProcurementsTab = lazy(() => import('./routes/project/procurements-tab.tsx'));
const DocumentsTab = lazy(() => import('./routes/project/documents-tab.tsx'));
const ReleasesTab = lazy(() => import('./routes/project/releases-tab.tsx'));
const TechReviewsTab = lazy(() => import('./routes/project/tech-reviews-tab.tsx'));
const HistoryTab = lazy(() => import('./routes/project/history-tab.tsx'));
const ConsultationsTab = lazy(() => import('./routes/project/consultations-tab.tsx'));
const ConsultationThread = lazy(() => import('./routes/project/consultation-thread.tsx'));
const StatusReportsTab = lazy(() => import('./routes/project/status-reports-tab.tsx'));
const SupervisionTab = lazy(() => import('./routes/project/supervision-tab.tsx'));
const Portfolio = lazy(() => import('./routes/portfolio.tsx'));
const CanvasPrint = lazy(() => import('./routes/canvas-print.tsx'));
const ReleaseJudgement = lazy(() => import('./routes/release-judgement.tsx'));
const BudgetReview = lazy(() => import('./routes/budget-review.tsx'));
const Tokens = lazy(() => import('./routes/tokens.tsx'));
const Procurements = lazy(() => import('./routes/procurements.tsx'));
const Import = lazy(() => import('./routes/import.tsx'));
const Rules = lazy(() => import('./routes/rules.tsx'));
const RuleVersions = lazy(() => import('./routes/rule-versions.tsx'));
const RuleVersion = lazy(() => import('./routes/rule-versions.tsx').then((m) => ({ default: m.RuleVersion })));
const Admin = lazy(() => import('./routes/admin.tsx'));
const Notifications = lazy(() => import('./routes/notifications.tsx').then((m) => ({ default: m.Notifications })));
const NotificationPreferences = lazy(() => import('./routes/notifications.tsx').then((m) => ({ default: m.NotificationPreferences })));
const Outbox = lazy(() => import('./routes/notifications.tsx').then((m) => ({ default: m.Outbox })));
const NotFound = lazy(() => import('./routes/not-found.tsx'));

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

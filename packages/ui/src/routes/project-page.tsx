import { type QueryClient, useQuery } from '@tanstack/react-query';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useLocation, useOutletContext, useParams } from 'react-router';
import { api } from '../api.ts';
import type { PrefetchScreen } from '../app.tsx';
import { canWriteProject, useUser } from '../auth.ts';
import { useBureauName } from '../components/bureaus.ts';
import { ErrorAlert, Loading, Notice, StageBadge, TierBadge, useDocumentTitle } from '../components/common.tsx';
import { useFormat } from '../format.ts';
import type { TProject, TUser } from '../types.ts';

export type ProjectContext = { project: TProject; canWrite: boolean; user: TUser };

/** The project and the signed-in user's rights, for the tabs under the project page. */
export function useProjectContext(): ProjectContext {
  return useOutletContext<ProjectContext>();
}

export const projectKey = (id: string) => ['project', id] as const;

const projectQuery = (id: string) => ({ queryKey: projectKey(id), queryFn: () => api.projects.get(id) });

export function useProject(id: string) {
  return useQuery(projectQuery(id));
}

/** The project, fetched once for the page and its tab (a tab's prefetch waits on the same request). */
export const fetchProject = (queryClient: QueryClient, id: string) => queryClient.fetchQuery(projectQuery(id));

/**
 * Asked as soon as this screen's code arrives (app.tsx preloadScreensFor), beside the sign-in check,
 * rather than after the page's first render: on a slow line, one round trip less before the project
 * shows (performance §4.9).
 */
export const prefetchScreen: PrefetchScreen = async (queryClient, _url, { id }) => {
  if (id) await fetchProject(queryClient, id).catch(() => undefined);
};

const tabs = [
  { path: '', key: 'overview' },
  { path: 'canvas', key: 'canvas' },
  { path: 'kpis', key: 'kpis' },
  { path: 'procurements', key: 'procurements' },
  { path: 'documents', key: 'documents' },
  { path: 'releases', key: 'releases' },
  { path: 'tech-reviews', key: 'techReviews' },
  { path: 'consultations', key: 'consultations' },
  { path: 'status-reports', key: 'statusReports' },
  { path: 'supervision', key: 'supervision' },
  { path: 'history', key: 'history' },
] as const;

function ProjectHeader({ project }: { project: TProject }) {
  const { t } = useTranslation();
  const f = useFormat();
  const bureauName = useBureauName();
  useDocumentTitle(project.name);
  return (
    <div className="project-header">
      <p className="project-code">
        {t('project.code')} {project.code}
      </p>
      <h1>{project.name}</h1>
      <p className="project-meta">
        <span>{bureauName(project.bureauCode)}</span>
        <span>{f.fiscalYear(project.fiscalYear)}</span>
        <span>{project.isNew ? t('register.new') : t('register.continuing')}</span>
        <StageBadge stage={project.stage} />
        <TierBadge tier={project.tier} />
      </p>
    </div>
  );
}

export default function ProjectPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const user = useUser();
  const location = useLocation();
  const project = useProject(id);
  if (project.isPending) return <Loading />;
  if (project.isError) return <ErrorAlert error={project.error} onRetry={() => void project.refetch()} />;
  const context: ProjectContext = { project: project.data, canWrite: canWriteProject(user, project.data.bureauCode), user };
  return (
    <>
      <ProjectHeader project={project.data} />
      {(location.state as { created?: boolean } | null)?.created ? (
        <Notice tone="success" role="status">
          {t('project.created')}
        </Notice>
      ) : null}
      {!context.canWrite ? <p className="small muted">{t('project.readOnly')}</p> : null}
      <nav className="tabs" aria-label={t('project.tabsLabel')}>
        <ul>
          {tabs.map((tab) => (
            <li key={tab.key}>
              <NavLink to={tab.path ? `/projects/${id}/${tab.path}` : `/projects/${id}`} end>
                {t(`project.tabs.${tab.key}`)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <div className="tab-panel">
        <Suspense fallback={<Loading />}>
          <Outlet context={context} />
        </Suspense>
      </div>
    </>
  );
}

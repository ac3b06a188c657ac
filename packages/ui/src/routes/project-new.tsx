import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { canRegisterProjects, useUser } from '../auth.ts';
import { useBureaus } from '../components/bureaus.ts';
import { ErrorAlert, Loading, PageHeader } from '../components/common.tsx';
import { RegisterProjectForm } from '../forms/project-form.tsx';

export default function ProjectNew() {
  const { t } = useTranslation();
  const user = useUser();
  const bureaus = useBureaus();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  if (!canRegisterProjects(user)) return <Navigate to="/projects" replace />;
  return (
    <>
      <PageHeader title={t('register.title')} lead={t('register.lead')} />
      {bureaus.isPending ? (
        <Loading />
      ) : bureaus.isError ? (
        <ErrorAlert error={bureaus.error} onRetry={() => void bureaus.refetch()} />
      ) : (
        <RegisterProjectForm
          user={user}
          bureaus={bureaus.data}
          onCreated={(project) => {
            void queryClient.invalidateQueries({ queryKey: ['projects'] });
            queryClient.setQueryData(['project', project.id], project);
            navigate(`/projects/${project.id}`, { state: { created: true } });
          }}
        />
      )}
    </>
  );
}

import { useInfiniteQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { AuditTable } from '../../components/audit-list.tsx';
import { Empty, ErrorAlert, Loading } from '../../components/common.tsx';
import { useProjectContext } from '../project-page.tsx';

export default function HistoryTab() {
  const { t } = useTranslation();
  const { project } = useProjectContext();
  const headingId = useId();
  const history = useInfiniteQuery({
    queryKey: ['project', project.id, 'history', project.version],
    queryFn: ({ pageParam }) => api.projects.history(project.id, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const events = history.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('history.title')}</h2>
      <p className="small muted">{t('history.lead')}</p>
      {history.isPending ? (
        <Loading />
      ) : !history.data ? (
        <ErrorAlert error={history.error} onRetry={() => void history.refetch()} />
      ) : events.length === 0 ? (
        <Empty>{t('history.empty')}</Empty>
      ) : (
        <>
          <AuditTable events={events} />
          {history.hasNextPage ? (
            <p className="load-more">
              <button
                type="button"
                className="button button-secondary"
                onClick={() => void history.fetchNextPage()}
                disabled={history.isFetchingNextPage}
              >
                {history.isFetchingNextPage ? t('common.loading') : t('common.loadMore')}
              </button>
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}

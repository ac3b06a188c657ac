import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { Empty, ErrorAlert, HiddenTarget, Loading } from '../../components/common.tsx';
import { ProcurementTable } from '../../components/procurement-table.tsx';
import { useFormat } from '../../format.ts';
import { ProcurementForm } from '../../forms/procurement-form.tsx';
import { useProjectContext } from '../project-page.tsx';
import { useDocuments } from './documents-tab.tsx';

export default function ProcurementsTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const { project, canWrite } = useProjectContext();
  const headingId = useId();
  const [editing, setEditing] = useState<string | null>(null);
  const procurements = useQuery({
    queryKey: ['project', project.id, 'procurements'],
    queryFn: () => api.procurements.ofProject(project.id),
  });
  const documents = useDocuments(project.id);
  const specs = (documents.data ?? []).filter((d) => d.kind === 'procurement_spec');
  const flagged = procurements.data?.filter((p) => p.needsTierReview) ?? [];
  const editingItem = procurements.data?.find((p) => p.id === editing);
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('procurement.title')}</h2>
      <p className="small muted">{t('procurement.lead')}</p>
      {flagged.length ? (
        <div className="alert alert-warning" role="status">
          <p>
            {t('procurement.tierReviewWarning', {
              tier: flagged[0]?.project.tier ?? 1,
              threshold: flagged[0]?.tierReviewThresholdJpy ? f.manYen(flagged[0].tierReviewThresholdJpy) : '—',
            })}
          </p>
        </div>
      ) : null}
      {procurements.isPending ? (
        <Loading />
      ) : procurements.isError ? (
        <ErrorAlert error={procurements.error} onRetry={() => void procurements.refetch()} />
      ) : procurements.data.length === 0 ? (
        <Empty>{t('procurement.empty')}</Empty>
      ) : (
        <ProcurementTable
          items={procurements.data}
          renderActions={
            canWrite
              ? (p) => (
                  <button type="button" className="button button-small button-secondary" onClick={() => setEditing(p.id)}>
                    {t('common.edit')}
                    <HiddenTarget name={p.title} />
                  </button>
                )
              : undefined
          }
        />
      )}
      {canWrite && editingItem ? (
        <section className="card" aria-labelledby={`${headingId}-edit`}>
          <h3 id={`${headingId}-edit`}>{t('procurement.editTitle', { title: editingItem.title })}</h3>
          <ProcurementForm
            key={editingItem.id}
            projectId={project.id}
            procurement={editingItem}
            specDocuments={specs}
            onDone={() => setEditing(null)}
          />
        </section>
      ) : null}
      {canWrite ? (
        <section className="card" aria-labelledby={`${headingId}-add`}>
          <h3 id={`${headingId}-add`}>{t('procurement.add')}</h3>
          <ProcurementForm projectId={project.id} specDocuments={specs} />
        </section>
      ) : null}
    </section>
  );
}

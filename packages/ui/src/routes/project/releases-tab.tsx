import { roleLabels } from '@core/registry/lists.ts';
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { useReleaseChecklist } from '../../components/checklist.ts';
import { DateText, Notice } from '../../components/common.tsx';
import { QueryTable } from '../../components/query-table.tsx';
import { ReleaseStatusBadge } from '../../components/release-status.tsx';
import { useFormat } from '../../format.ts';
import { ReleaseRequestForm } from '../../forms/release-request-form.tsx';
import type { TReleaseRequest } from '../../types.ts';
import { useProjectContext } from '../project-page.tsx';

export default function ReleasesTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const { project, canWrite } = useProjectContext();
  const headingId = useId();
  const [filed, setFiled] = useState<TReleaseRequest | null>(null);
  const requests = useQuery({ queryKey: ['project', project.id, 'release-requests'], queryFn: () => api.releases.list(project.id) });
  const checklist = useReleaseChecklist(project.tier);
  const hasPending = requests.data?.some((r) => r.status === 'pending') ?? false;

  let formNote: string | null = null;
  if (project.stage !== 'development') formNote = t('release.onlyInDevelopment');
  else if (project.tier === null) formNote = t('release.tierNotSet');
  else if (hasPending) formNote = t('release.alreadyPending');

  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('release.title')}</h2>
      <p className="small muted">{t('release.lead')}</p>
      {filed ? (
        <Notice tone="success" role="status">
          {t('release.filed')} <Link to={`/release-requests/${filed.id}`}>{t('release.open')}</Link>
        </Notice>
      ) : null}
      <QueryTable
        query={requests}
        empty={t('release.empty')}
        caption={t('release.listCaption')}
        head={
          <>
            <th scope="col">{t('release.requestedAt')}</th>
            <th scope="col">{t('release.plannedDate')}</th>
            <th scope="col">{t('release.statusLabel')}</th>
            <th scope="col">{t('release.reviewer')}</th>
            <th scope="col">{t('release.due')}</th>
            <th scope="col">{t('release.decisionComment')}</th>
          </>
        }
      >
        {(items) =>
          items.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={`/release-requests/${r.id}`}>
                  <DateText value={r.requestedAt} />
                  <span className="visually-hidden">{t('release.openDetail')}</span>
                </Link>
                <br />
                <span className="small muted">{r.requestedByName}</span>
              </td>
              <td>
                <DateText value={r.plannedReleaseDate} />
              </td>
              <td>
                <ReleaseStatusBadge request={r} />
              </td>
              <td>{r.reviewerRole ? f.label(roleLabels[r.reviewerRole as keyof typeof roleLabels], r.reviewerRole) : '—'}</td>
              <td>
                <DateText value={r.dueAt} />
              </td>
              <td>{r.decision?.comment ?? '—'}</td>
            </tr>
          ))
        }
      </QueryTable>
      {canWrite ? (
        <section className="card" aria-labelledby={`${headingId}-file`}>
          <h3 id={`${headingId}-file`}>{t('release.fileTitle')}</h3>
          {formNote ? (
            <p>{formNote}</p>
          ) : (
            <>
              <p className="small">{t('release.fileLead', { tier: project.tier, count: checklist.length })}</p>
              <ReleaseRequestForm projectId={project.id} checklist={checklist} onFiled={setFiled} />
            </>
          )}
        </section>
      ) : null}
    </section>
  );
}

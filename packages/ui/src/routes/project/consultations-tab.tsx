import { roleLabels } from '@core/registry/lists.ts';
import { consultationStatusLabels, consultationTopicLabels } from '@core/supervision/schemas.ts';
import rules from '@rules/supervision.json';
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { DateText, Notice } from '../../components/common.tsx';
import { QueryTable } from '../../components/query-table.tsx';
import { useFormat } from '../../format.ts';
import { ConsultationForm } from '../../forms/consultation-form.tsx';
import type { TConsultation, TConsultationDetail } from '../../types.ts';
import { useProjectContext } from '../project-page.tsx';

export function ConsultationStatusBadge({ consultation }: { consultation: Pick<TConsultation, 'status' | 'isOverdue'> }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <>
      <span className={`badge badge-${consultation.status}`}>{f.label(consultationStatusLabels[consultation.status])}</span>
      {consultation.isOverdue ? <span className="badge badge-overdue">{t('supervision.consultations.overdueBadge')}</span> : null}
    </>
  );
}

/** The project's consultations (協議) and, for its bureau, the form to open one. */
export default function ConsultationsTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const { project, canWrite } = useProjectContext();
  const headingId = useId();
  const [opened, setOpened] = useState<TConsultationDetail | null>(null);
  const consultations = useQuery({
    queryKey: ['project', project.id, 'consultations'],
    queryFn: () => api.supervision.consultations(project.id),
  });
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('supervision.consultations.title')}</h2>
      <p className="small muted">{t('supervision.consultations.lead', { days: rules.consultationDueWorkingDays })}</p>
      {opened ? (
        <Notice tone="success" role="status">
          {t('supervision.consultations.opened')} <Link to={`/projects/${project.id}/consultations/${opened.id}`}>{opened.subject}</Link>
        </Notice>
      ) : null}
      <QueryTable
        query={consultations}
        empty={t('supervision.consultations.empty')}
        caption={t('supervision.consultations.caption')}
        head={
          <>
            <th scope="col">{t('supervision.consultations.subject')}</th>
            <th scope="col">{t('supervision.consultations.topic')}</th>
            <th scope="col">{t('supervision.consultations.status')}</th>
            <th scope="col">{t('supervision.consultations.consultee')}</th>
            <th scope="col">{t('supervision.consultations.due')}</th>
          </>
        }
      >
        {(items) =>
          items.map((c) => (
            <tr key={c.id} className={c.isOverdue ? 'row-overdue' : undefined}>
              <td>
                <Link to={`/projects/${project.id}/consultations/${c.id}`}>{c.subject}</Link>
                <br />
                <span className="small muted">
                  {c.openedByName} · <DateText value={c.openedAt} />
                </span>
              </td>
              <td>{f.label(consultationTopicLabels[c.topic])}</td>
              <td>
                <ConsultationStatusBadge consultation={c} />
              </td>
              <td>{c.reviewerRole ? f.label(roleLabels[c.reviewerRole as keyof typeof roleLabels], c.reviewerRole) : '—'}</td>
              <td className="nowrap">
                <DateText value={c.dueOn} />
              </td>
            </tr>
          ))
        }
      </QueryTable>
      {canWrite ? (
        <section className="card" aria-labelledby={`${headingId}-open`}>
          <h3 id={`${headingId}-open`}>{t('supervision.consultations.openTitle')}</h3>
          {project.tier === null ? (
            <p>{t('supervision.consultations.tierNotSet')}</p>
          ) : (
            <ConsultationForm projectId={project.id} onOpened={setOpened} />
          )}
        </section>
      ) : null}
    </section>
  );
}

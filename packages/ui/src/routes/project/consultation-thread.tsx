import { roleLabels } from '@core/registry/lists.ts';
import { consultationTopicLabels } from '@core/supervision/schemas.ts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { canGiveTechnicalGuidance } from '../../auth.ts';
import { DateText, ErrorAlert, Facts, Loading, Notice } from '../../components/common.tsx';
import { isConsulteeOf } from '../../components/supervision.tsx';
import { useFormat } from '../../format.ts';
import { ConsultationMessageForm } from '../../forms/consultation-message-form.tsx';
import { useProjectContext } from '../project-page.tsx';
import { ConsultationStatusBadge } from './consultations-tab.tsx';

/** One consultation: its thread of messages, guidance marked, and the reply form for the bureau and the consultee. */
export default function ConsultationThread() {
  const { t } = useTranslation();
  const f = useFormat();
  const { project, canWrite, user } = useProjectContext();
  const { consultationId = '' } = useParams();
  const headingId = useId();
  const queryClient = useQueryClient();
  const consultation = useQuery({
    queryKey: ['consultation', consultationId],
    queryFn: () => api.supervision.consultation(consultationId),
  });
  const documents = useQuery({ queryKey: ['project', project.id, 'documents'], queryFn: () => api.documents.list(project.id) });
  const close = useMutation({
    mutationFn: (version: number) => api.supervision.closeConsultation(consultationId, version),
    onSuccess: (detail) => {
      queryClient.setQueryData(['consultation', consultationId], detail);
      void queryClient.invalidateQueries({ queryKey: ['project', project.id] });
    },
  });
  if (consultation.isPending) return <Loading />;
  if (consultation.isError) return <ErrorAlert error={consultation.error} onRetry={() => void consultation.refetch()} />;
  const c = consultation.data;
  // The consultee is routed by the consultation's own tier (it follows tier changes), never its opener.
  const isConsultee =
    isConsulteeOf(user, { reviewerRole: c.reviewerRole as typeof project.reviewerRole, bureauCode: c.bureauCode }) &&
    c.openedBy !== user.id;
  // GovTech Tokyo gives technical guidance in any consultation; closing it stays with the two parties.
  const isTechnical = canGiveTechnicalGuidance(user) && !isConsultee;
  const canTakePart = canWrite || isConsultee || isTechnical;
  const lastRouting = c.routing.at(-1);
  return (
    <section aria-labelledby={headingId}>
      <p>
        <Link to={`/projects/${project.id}/consultations`}>{t('supervision.consultations.back')}</Link>
      </p>
      <h2 id={headingId}>{c.subject}</h2>
      <Facts
        items={[
          { term: t('supervision.consultations.topic'), value: f.label(consultationTopicLabels[c.topic]) },
          { term: t('supervision.consultations.status'), value: <ConsultationStatusBadge consultation={c} /> },
          {
            term: t('supervision.consultations.consultee'),
            value: (
              <>
                {c.reviewerRole ? f.label(roleLabels[c.reviewerRole as keyof typeof roleLabels], c.reviewerRole) : '—'}
                {c.status !== 'closed' ? (
                  <span className="small muted">
                    {' '}
                    {c.consultees.length
                      ? c.consultees.map((r) => r.displayName).join(f.listSep)
                      : t('supervision.consultations.noConsultee')}
                  </span>
                ) : null}
              </>
            ),
          },
          { term: t('supervision.consultations.due'), value: <DateText value={c.dueOn} /> },
          { term: t('supervision.consultations.openedBy'), value: c.openedByName },
          {
            term: t('supervision.consultations.attached'),
            value: c.documentIds.length ? (
              <ul className="plain-list">
                {(documents.data ?? [])
                  .filter((d) => c.documentIds.includes(d.id))
                  .map((d) => (
                    <li key={d.id}>
                      <a href={d.url} target="_blank" rel="noopener noreferrer">
                        {d.title}
                        <span className="visually-hidden">{t('common.opensNewWindow')}</span>
                      </a>
                    </li>
                  ))}
              </ul>
            ) : (
              '—'
            ),
          },
        ]}
      />
      {lastRouting ? (
        <Notice>{t('supervision.consultations.rerouted', { from: lastRouting.fromTier ?? '—', to: lastRouting.toTier ?? '—' })}</Notice>
      ) : null}
      <h3>{t('supervision.consultations.thread')}</h3>
      <ol className="thread">
        {c.messages.map((m) => (
          <li key={m.id} className={`thread-message thread-message-${m.side}`}>
            <p className="thread-meta">
              <strong>{m.authorName}</strong> ·{' '}
              {m.side === 'consultee'
                ? t('supervision.consultations.sideConsultee')
                : m.side === 'technical'
                  ? t('supervision.consultations.sideTechnical')
                  : t('supervision.consultations.sideBureau')}{' '}
              · <DateText value={m.createdAt} withTime />
              {m.actionId ? (
                <>
                  {' '}
                  <Link className="badge badge-answered" to={`/projects/${project.id}/supervision`}>
                    {t('supervision.consultations.guidanceBadge')}
                  </Link>
                </>
              ) : null}
            </p>
            <p className="canvas-text">{m.body}</p>
          </li>
        ))}
      </ol>
      {c.status === 'closed' ? (
        <p>{t('supervision.consultations.closed')}</p>
      ) : canTakePart ? (
        <>
          <ConsultationMessageForm consultationId={c.id} projectId={project.id} canGiveGuidance={isConsultee || isTechnical} />
          {close.isError ? <ErrorAlert error={close.error} /> : null}
          {isTechnical ? null : (
            <p>
              <button type="button" className="button button-secondary" onClick={() => close.mutate(c.version)} disabled={close.isPending}>
                {t('supervision.consultations.close')}
              </button>
            </p>
          )}
        </>
      ) : (
        <p className="small muted">{t('supervision.consultations.readOnly')}</p>
      )}
    </section>
  );
}

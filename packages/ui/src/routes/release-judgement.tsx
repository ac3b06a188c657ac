import { roleLabels } from '@core/registry/lists.ts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, isApiError } from '../api.ts';
import type { PrefetchScreen } from '../app.tsx';
import { canWriteProject, useUser } from '../auth.ts';
import { useBureauName } from '../components/bureaus.ts';
import { CanvasGrid } from '../components/canvas-grid.tsx';
import { DateText, ErrorAlert, Facts, Loading, Notice, PageHeader, TableScroll, TierBadge } from '../components/common.tsx';
import { controlProps, Field, optionalText } from '../components/field.tsx';
import { KpiSummaryTable } from '../components/kpi-table.tsx';
import { ReleaseStatusBadge } from '../components/release-status.tsx';
import { useFormat } from '../format.ts';
import { ReleaseDecisionForm } from '../forms/release-decision-form.tsx';
import type { TReleaseRequestDetail as TReleaseRequest } from '../types.ts';
import { canvasQuery, kpisQuery } from './project/project-queries.ts';

/** Only the applicant correcting a pending request opens it: not part of the page's first load. */
const ReleaseRequestForm = lazy(() => import('../forms/release-request-form.tsx').then((m) => ({ default: m.ReleaseRequestForm })));

function DecisionView({ request }: { request: TReleaseRequest }) {
  const { t } = useTranslation();
  const f = useFormat();
  const headingId = useId();
  const decision = request.decision;
  if (!decision) return null;
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('judge.decisionTitle')}</h2>
      <p>
        <span className={`badge badge-${decision.decision}`}>{t(`release.status.${decision.decision}`)}</span>{' '}
        {t('judge.decidedBy', { name: decision.decidedByName ?? t('common.notRecorded') })} <DateText value={decision.decidedAt} withTime />
      </p>
      {decision.comment ? (
        <blockquote className="quote">
          <p className="canvas-text">{decision.comment}</p>
        </blockquote>
      ) : null}
      <TableScroll>
        <table className="table">
          <caption>{t('judge.itemsCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('judge.item')}</th>
              <th scope="col">{t('judge.result')}</th>
              <th scope="col">{t('judge.itemNote')}</th>
            </tr>
          </thead>
          <tbody>
            {request.checklist.map((item) => {
              const result = decision.items.find((i) => i.itemId === item.itemId);
              return (
                <tr key={item.itemId}>
                  <th scope="row">{f.lang === 'en' ? (item.labelEn ?? item.label) : item.label}</th>
                  <td>{result ? <span className={`badge badge-${result.result}`}>{t(`judge.results.${result.result}`)}</span> : '—'}</td>
                  <td>{result?.note ?? '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

function EvidenceTable({ request }: { request: TReleaseRequest }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <TableScroll>
      <table className="table table-compact">
        <caption>{t('judge.evidenceCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('judge.item')}</th>
            <th scope="col">{t('judge.evidence')}</th>
          </tr>
        </thead>
        <tbody>
          {request.checklist.map((item) => {
            const e = request.evidence.find((x) => x.itemId === item.itemId);
            return (
              <tr key={item.itemId}>
                <th scope="row">{f.lang === 'en' ? (item.labelEn ?? item.label) : item.label}</th>
                <td>
                  {e?.url ? (
                    <a href={e.url} target="_blank" rel="noopener noreferrer">
                      {e.url}
                      <span className="visually-hidden">{t('common.opensNewWindow')}</span>
                    </a>
                  ) : null}{' '}
                  {e?.note ?? (e?.url ? '' : <span className="muted">{t('judge.noEvidence')}</span>)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}

function ProjectAtAGlance({ request }: { request: TReleaseRequest }) {
  const { t } = useTranslation();
  const bureauName = useBureauName();
  const headingId = useId();
  const canvas = useQuery(canvasQuery(request.projectId));
  const kpis = useQuery(kpisQuery(request.projectId));
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('judge.atAGlance')}</h2>
      <h3>{t('canvas.title')}</h3>
      {canvas.isPending ? (
        <Loading />
      ) : canvas.isError ? (
        <ErrorAlert error={canvas.error} />
      ) : (
        <details className="disclosure" open>
          <summary>{t('judge.toggleCanvas')}</summary>
          <CanvasGrid
            fields={canvas.data.fields}
            keyItems={canvas.data.keyItems ?? []}
            kpis={kpis.data}
            defaults={{ projectName: request.projectName, department: bureauName(request.bureauCode) }}
          />
        </details>
      )}
      <h3>{t('kpi.title')}</h3>
      {kpis.isPending ? (
        <Loading />
      ) : kpis.isError ? (
        <ErrorAlert error={kpis.error} />
      ) : kpis.data.length === 0 ? (
        <p className="muted">{t('kpi.empty')}</p>
      ) : (
        <KpiSummaryTable kpis={kpis.data} baseline={false} className="table table-compact" />
      )}
    </section>
  );
}

/**
 * What the applicant's bureau may do while the request waits: correct it (the same form it was filed
 * with, filled in) or withdraw it, each behind its own step.
 */
function ApplicantActions({ request, onDone }: { request: TReleaseRequest; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const headingId = useId();
  const reasonId = useId();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<'idle' | 'correct' | 'withdraw'>('idle');
  const [reason, setReason] = useState('');
  const withdraw = useMutation({
    mutationFn: () => api.releases.withdraw(request.id, { version: request.version, reason: optionalText(reason) as string | undefined }),
    onSuccess: (updated) => {
      queryClient.setQueryData(['release-request', request.id], updated);
      void queryClient.invalidateQueries({ queryKey: ['project', request.projectId] });
      void queryClient.invalidateQueries({ queryKey: ['inbox'] });
      setMode('idle');
      onDone(t('release.withdrawn'));
    },
  });
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('release.applicantTitle')}</h2>
      {mode === 'idle' ? (
        <>
          <p className="small">{t('release.applicantLead')}</p>
          <div className="button-row">
            <button type="button" className="button button-secondary" onClick={() => setMode('correct')}>
              {t('release.correct')}
            </button>
            <button type="button" className="button button-danger" onClick={() => setMode('withdraw')}>
              {t('release.withdraw')}
            </button>
          </div>
        </>
      ) : mode === 'correct' ? (
        <Suspense fallback={<Loading />}>
          <ReleaseRequestForm
            projectId={request.projectId}
            checklist={request.checklist}
            existing={request}
            onCancel={() => setMode('idle')}
            onFiled={() => {
              setMode('idle');
              onDone(t('release.corrected'));
            }}
          />
        </Suspense>
      ) : (
        <div className="confirm-panel">
          <h3>{t('release.withdrawTitle')}</h3>
          <p>{t('release.withdrawLead')}</p>
          <Field id={reasonId} label={t('release.withdrawReason')} required={false}>
            <textarea rows={2} {...controlProps(reasonId, {})} value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          {withdraw.isError ? <ErrorAlert error={withdraw.error} /> : null}
          <div className="button-row">
            <button type="button" className="button button-danger" disabled={withdraw.isPending} onClick={() => withdraw.mutate()}>
              {withdraw.isPending ? t('common.saving') : t('release.withdrawConfirm')}
            </button>
            <button type="button" className="button button-secondary" disabled={withdraw.isPending} onClick={() => setMode('idle')}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

const releaseRequestQuery = (id: string) => ({ queryKey: ['release-request', id], queryFn: () => api.releases.get(id) });

/**
 * The request, then the project's canvas and KPIs beside it, fetched with the screen's code so that
 * the page is first drawn with them (app.tsx preloadScreensFor, performance §4.9).
 */
export const prefetchScreen: PrefetchScreen = async (queryClient, _url, { id }) => {
  if (!id) return;
  const request = await queryClient.fetchQuery(releaseRequestQuery(id));
  await Promise.all([queryClient.prefetchQuery(canvasQuery(request.projectId)), queryClient.prefetchQuery(kpisQuery(request.projectId))]);
};

export default function ReleaseJudgement() {
  const { t } = useTranslation();
  const f = useFormat();
  const { id = '' } = useParams();
  const user = useUser();
  const bureauName = useBureauName();
  const query = useQuery(releaseRequestQuery(id));
  const [done, setDone] = useState<string | null>(null);

  if (query.isPending) return <Loading />;
  if (query.isError) {
    return (
      <>
        <PageHeader title={t('judge.title')} />
        {isApiError(query.error) && query.error.status === 403 ? (
          <div className="alert alert-error" role="alert">
            {t('judge.forbiddenView')}
          </div>
        ) : (
          <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />
        )}
      </>
    );
  }
  const request = query.data;
  const reviewers = request.reviewers ?? [];
  const canJudge = request.status === 'pending' && reviewers.some((r) => r.id === user.id) && request.requestedBy !== user.id;
  const canAmend = request.status === 'pending' && !canJudge && canWriteProject(user, request.bureauCode);
  const reviewerRole = request.reviewerRole
    ? f.label(roleLabels[request.reviewerRole as keyof typeof roleLabels], request.reviewerRole)
    : '—';

  return (
    <>
      <PageHeader title={t('judge.title')} lead={t('judge.lead')} />
      {done ? (
        <Notice tone="success" role="status">
          {done}
        </Notice>
      ) : null}
      <section className="card" aria-label={t('judge.requestSummary')}>
        <h2>
          <Link to={`/projects/${request.projectId}/releases`}>{request.projectName}</Link>
          <span className="small muted"> {request.projectCode}</span>
        </h2>
        <Facts
          items={[
            { term: t('release.statusLabel'), value: <ReleaseStatusBadge request={request} /> },
            { term: t('projects.bureau'), value: bureauName(request.bureauCode) },
            { term: t('projects.tier'), value: <TierBadge tier={request.tier} /> },
            { term: t('release.reviewer'), value: reviewerRole },
            { term: t('release.requestedBy'), value: `${request.requestedByName}` },
            { term: t('release.requestedAt'), value: <DateText value={request.requestedAt} withTime /> },
            { term: t('release.due'), value: <DateText value={request.dueAt} /> },
            { term: t('release.plannedDate'), value: <DateText value={request.plannedReleaseDate} /> },
          ]}
        />
        {request.notes ? <p className="canvas-text">{request.notes}</p> : null}
      </section>

      {request.status === 'pending' ? (
        canJudge ? (
          <section className="card" aria-labelledby="judge-form-title">
            <h2 id="judge-form-title">{t('judge.checklistTitle')}</h2>
            <p className="small">{t('judge.checklistLead')}</p>
            <ReleaseDecisionForm request={request} />
          </section>
        ) : (
          <>
            <Notice tone="info">
              {request.requestedBy === user.id
                ? t('judge.ownRequest')
                : t('judge.notYourRequest', {
                    role: reviewerRole,
                    names: reviewers.map((r) => r.displayName).join(f.listSep) || t('judge.noReviewer'),
                  })}
            </Notice>
            <EvidenceTable request={request} />
            {canAmend ? <ApplicantActions request={request} onDone={setDone} /> : null}
          </>
        )
      ) : request.status === 'withdrawn' ? (
        <>
          <Notice tone="info">{t('release.withdrawnNotice')}</Notice>
          <EvidenceTable request={request} />
        </>
      ) : (
        <>
          <DecisionView request={request} />
          <EvidenceTable request={request} />
        </>
      )}
      <ProjectAtAGlance request={request} />
    </>
  );
}

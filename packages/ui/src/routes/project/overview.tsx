import { registrationTriggerLabels, roleLabels, stageLabels } from '@core/registry/lists.ts';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { PrefetchScreen } from '../../app.tsx';
import { useBureauName } from '../../components/bureaus.ts';
import { ChangeArrow, DateText, Empty, ErrorAlert, Facts, Loading, Notice, TableScroll, TierBadge } from '../../components/common.tsx';
import { gatesQuery } from '../../components/gates-query.ts';
import { OversightExplanation, rulesQuery } from '../../components/oversight.tsx';
import { GateChecklist, StageStepper } from '../../components/stage-stepper.tsx';
import { TierDecreasePanel, tierDecreasesQuery } from '../../components/tier-decrease.tsx';
import { useFormat } from '../../format.ts';
import type { TProject, TStage } from '../../types.ts';
import { fetchProject, useProjectContext } from '../project-page.tsx';

// The forms bring zod and the request schemas: they load when one is shown, after the overview has
// drawn, not before it (performance §4.9, mobile Lighthouse).
const ProjectEditForm = lazy(() => import('../../forms/project-edit-form.tsx').then((m) => ({ default: m.ProjectEditForm })));
const RetirementForm = lazy(() => import('../../forms/retirement-form.tsx').then((m) => ({ default: m.RetirementForm })));
const TransitionForm = lazy(() => import('../../forms/transition-form.tsx').then((m) => ({ default: m.TransitionForm })));
const YearlyReviewForm = lazy(() => import('../../forms/yearly-review-form.tsx').then((m) => ({ default: m.YearlyReviewForm })));

const transitionsQuery = (project: Pick<TProject, 'id' | 'version'>) => ({
  queryKey: ['project', project.id, 'transitions', project.version],
  queryFn: () => api.projects.transitions(project.id),
});
const yearlyReviewsQuery = (project: Pick<TProject, 'id'>) => ({
  queryKey: ['project', project.id, 'yearly-reviews'],
  queryFn: () => api.yearlyReviews.list(project.id),
});
const tierHistoryQuery = (project: Pick<TProject, 'id' | 'version'>) => ({
  queryKey: ['project', project.id, 'tier-history', project.version],
  queryFn: () => api.projects.tierHistory(project.id),
});

/**
 * Everything the overview's sections ask for is asked as soon as the project has arrived (the
 * page's own prefetch), not after the overview first renders: a round trip less on a slow line,
 * and the first drawing (which waits for this, app.tsx) shows the sections whole instead of
 * drawing each again as its answer comes (performance §4.9).
 */
export const prefetchScreen: PrefetchScreen = async (queryClient, _url, { id }) => {
  const project = id ? await fetchProject(queryClient, id).catch(() => null) : null;
  if (!project) return;
  await Promise.all([
    queryClient.prefetchQuery(gatesQuery(project)),
    queryClient.prefetchQuery(transitionsQuery(project)),
    queryClient.prefetchQuery(yearlyReviewsQuery(project)),
    queryClient.prefetchQuery(tierHistoryQuery(project)),
    queryClient.prefetchQuery(tierDecreasesQuery(project)),
    queryClient.prefetchQuery(rulesQuery),
  ]);
};

function Lifecycle({ project, canWrite }: { project: TProject; canWrite: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const headingId = useId();
  const gates = useQuery(gatesQuery(project));
  const transitions = useQuery(transitionsQuery(project));
  // The change form opens by itself when every gate is met; after that the person decides.
  const [formOpen, setFormOpen] = useState(false);
  const [movedTo, setMovedTo] = useState<TStage | null>(null);
  const canAdvance = project.stage !== 'retired' && gates.data?.canAdvance === true && !gates.isFetching;
  useEffect(() => {
    if (canAdvance) setFormOpen(true);
  }, [canAdvance]);
  return (
    // While the gates refresh, the checklist may be stale: say so (aria-busy) rather than show it as current.
    <section className="card" aria-labelledby={headingId} aria-busy={gates.isFetching}>
      <h2 id={headingId}>{t('lifecycle.title')}</h2>
      {movedTo ? (
        <Notice tone="success" role="status">
          {t('lifecycle.moved', { stage: f.label(stageLabels[movedTo]) })}
        </Notice>
      ) : null}
      <StageStepper stage={project.stage} />
      {project.stage !== 'retired' ? (
        <>
          <h3>{t('lifecycle.gatesTitle', { stage: f.label(stageLabels[project.stage]) })}</h3>
          {gates.isPending ? (
            <Loading />
          ) : gates.isError ? (
            <ErrorAlert error={gates.error} onRetry={() => void gates.refetch()} />
          ) : (
            <>
              <GateChecklist gates={gates.data.gates} projectId={project.id} />
              {gates.data.nextStage ? (
                <p className="small">
                  {gates.data.canAdvance
                    ? t('lifecycle.canAdvance', { stage: f.label(stageLabels[gates.data.nextStage]) })
                    : t('lifecycle.cannotAdvance', { stage: f.label(stageLabels[gates.data.nextStage]) })}
                </p>
              ) : null}
            </>
          )}
        </>
      ) : null}
      {canWrite ? (
        <details className="disclosure" open={formOpen} onToggle={(e) => setFormOpen(e.currentTarget.open)}>
          <summary>{t('lifecycle.changeStage')}</summary>
          {formOpen ? (
            <Suspense fallback={<Loading />}>
              <TransitionForm
                project={project}
                nextStage={gates.data?.nextStage ?? null}
                onMoved={(stage) => {
                  setMovedTo(stage);
                  setFormOpen(false);
                }}
              />
            </Suspense>
          ) : null}
        </details>
      ) : null}
      <h3>{t('lifecycle.historyTitle')}</h3>
      {transitions.isPending ? (
        <Loading />
      ) : transitions.isError ? (
        <ErrorAlert error={transitions.error} />
      ) : transitions.data.length === 0 ? (
        <p className="muted">{t('lifecycle.noTransitions')}</p>
      ) : (
        <TableScroll label={t('lifecycle.historyTitle')}>
          <table className="table table-compact">
            <caption className="visually-hidden">{t('lifecycle.historyTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('history.at')}</th>
                <th scope="col">{t('lifecycle.move')}</th>
                <th scope="col">{t('lifecycle.reason')}</th>
                <th scope="col">{t('history.actor')}</th>
              </tr>
            </thead>
            <tbody>
              {transitions.data.map((tr) => (
                <tr key={tr.id}>
                  <td className="nowrap">
                    <DateText value={tr.at} withTime />
                  </td>
                  <td>
                    {f.label(stageLabels[tr.fromStage])} → {f.label(stageLabels[tr.toStage])}
                    {tr.direction !== 'forward' ? <span className="tag">{t(`lifecycle.directionTag.${tr.direction}`)}</span> : null}
                  </td>
                  <td>{tr.reason ?? '—'}</td>
                  <td>{tr.actorName ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}

function YearlyReviews({ project, canWrite }: { project: TProject; canWrite: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const headingId = useId();
  const [yearlyOpen, setYearlyOpen] = useState(false);
  const reviews = useQuery(yearlyReviewsQuery(project));
  if (project.stage !== 'operation' && !reviews.data?.length) return null;
  return (
    <section className="card" aria-labelledby={headingId} id="yearly-reviews">
      <h2 id={headingId}>{t('yearly.title')}</h2>
      <p className="small muted">{t('yearly.lead')}</p>
      {reviews.isPending ? (
        <Loading />
      ) : reviews.isError ? (
        <ErrorAlert error={reviews.error} />
      ) : reviews.data.length === 0 ? (
        <Empty>{t('yearly.empty')}</Empty>
      ) : (
        <table className="table table-compact">
          <caption className="visually-hidden">{t('yearly.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('yearly.fiscalYear')}</th>
              <th scope="col">{t('yearly.decision')}</th>
              <th scope="col">{t('yearly.rationale')}</th>
              <th scope="col">{t('history.actor')}</th>
              <th scope="col">{t('retirement.column')}</th>
            </tr>
          </thead>
          <tbody>
            {reviews.data.map((r) => (
              <tr key={r.fiscalYear}>
                <td className="nowrap">{f.fiscalYear(r.fiscalYear)}</td>
                <td>{t(`yearly.decisions.${r.decision}`)}</td>
                <td>{r.rationale}</td>
                <td>
                  {r.decidedByName ?? '—'} <DateText value={r.decidedAt} />
                </td>
                <td>
                  {r.retirement ? (
                    <>
                      <span className={r.retirement.status === 'pending' ? 'badge badge-behind' : 'badge'}>
                        {t(`retirement.status.${r.retirement.status}`)}
                      </span>
                      {r.retirement.reason ? <span className="small"> {r.retirement.reason}</span> : null}
                    </>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canWrite && project.stage === 'operation'
        ? (reviews.data ?? [])
            .filter((r) => r.retirement?.status === 'pending')
            .map((r) => (
              <Suspense key={r.fiscalYear} fallback={<Loading />}>
                <RetirementForm projectId={project.id} fiscalYear={r.fiscalYear} />
              </Suspense>
            ))
        : null}
      {canWrite && project.stage === 'operation' ? (
        <details className="disclosure" open={yearlyOpen} onToggle={(e) => setYearlyOpen(e.currentTarget.open)}>
          <summary>{t('yearly.add')}</summary>
          {yearlyOpen ? (
            <Suspense fallback={<Loading />}>
              <YearlyReviewForm projectId={project.id} />
            </Suspense>
          ) : null}
        </details>
      ) : null}
    </section>
  );
}

function OversightCard({ project }: { project: TProject }) {
  const { t } = useTranslation();
  const headingId = useId();
  const history = useQuery(tierHistoryQuery(project));
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('project.oversightTitle')}</h2>
      <TierDecreasePanel project={project} />
      <OversightExplanation evaluation={project.oversight} headingLevel={3} />
      <h3>{t('project.tierHistory')}</h3>
      {history.isPending ? (
        <Loading />
      ) : history.isError ? (
        <ErrorAlert error={history.error} />
      ) : history.data.length === 0 ? (
        <p className="muted">{t('project.noTierHistory')}</p>
      ) : (
        <TableScroll label={t('project.tierHistory')}>
          <table className="table table-compact">
            <caption className="visually-hidden">{t('project.tierHistory')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('history.at')}</th>
                <th scope="col">{t('project.tierChange')}</th>
                <th scope="col">{t('project.tierCause')}</th>
                <th scope="col">{t('project.tierActor')}</th>
              </tr>
            </thead>
            <tbody>
              {history.data.map((h, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: history rows have no id in the API
                <tr key={i}>
                  <td className="nowrap">
                    <DateText value={h.at} withTime />
                  </td>
                  <td>
                    <TierBadge tier={h.fromTier} /> <ChangeArrow /> <TierBadge tier={h.toTier} />
                  </td>
                  <td>{t(`project.causes.${h.cause}`)}</td>
                  <td>{h.actorName ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}

function Basics({ project, canWrite }: { project: TProject; canWrite: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const bureauName = useBureauName();
  const headingId = useId();
  const [editing, setEditing] = useState(false);
  return (
    <section className="card" aria-labelledby={headingId}>
      <div className="card-header">
        <h2 id={headingId}>{t('project.basicsTitle')}</h2>
        {canWrite && !editing ? (
          <button type="button" className="button button-secondary" onClick={() => setEditing(true)}>
            {t('project.editBasics')}
          </button>
        ) : null}
      </div>
      {editing ? (
        <Suspense fallback={<Loading />}>
          <ProjectEditForm project={project} onDone={() => setEditing(false)} />
        </Suspense>
      ) : (
        <Facts
          items={[
            { term: t('register.name'), value: project.name },
            { term: t('register.bureauCode'), value: bureauName(project.bureauCode) },
            { term: t('register.fiscalYear'), value: f.fiscalYear(project.fiscalYear) },
            { term: t('register.isNew'), value: project.isNew ? t('register.new') : t('register.continuing') },
            {
              term: t('register.registrationTrigger'),
              value: project.registrationTrigger ? f.label(registrationTriggerLabels[project.registrationTrigger]) : '—',
            },
            {
              term: t('register.budgetJpy'),
              value:
                project.budgetJpy === null ? t('oversight.notGiven') : `${f.yen(project.budgetJpy)}${f.paren(f.manYen(project.budgetJpy))}`,
            },
            {
              term: t('register.maxDowntimeHours'),
              value: project.maxDowntimeHours === null ? t('oversight.notGiven') : f.hours(project.maxDowntimeHours),
            },
            { term: t('register.confidentiality'), value: project.confidentiality ?? t('oversight.notGiven') },
            { term: t('project.reviewerRole'), value: project.reviewerRole ? f.label(roleLabels[project.reviewerRole]) : '—' },
            { term: t('project.canvasWritten'), value: project.canvasWritten ? t('common.yes') : t('common.no') },
            { term: t('project.updatedAt'), value: <DateText value={project.updatedAt} withTime /> },
            { term: t('project.version'), value: project.version },
            { term: t('register.summary'), value: project.summary || '—' },
          ]}
        />
      )}
    </section>
  );
}

export default function ProjectOverview() {
  const { project, canWrite } = useProjectContext();
  return (
    <>
      <Lifecycle project={project} canWrite={canWrite} />
      <YearlyReviews project={project} canWrite={canWrite} />
      <OversightCard project={project} />
      <Basics project={project} canWrite={canWrite} />
    </>
  );
}

import { expenseCategoryLabels, stageLabels } from '@core/registry/lists.ts';
import { type QueryClient, useQueries, useQuery } from '@tanstack/react-query';
import { lazy, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api.ts';
import { hasPortfolio, isReviewer, meQuery, useUser } from '../auth.ts';
import { useBureauName } from '../components/bureaus.ts';
import {
  ArriveTogether,
  DateText,
  Empty,
  ErrorAlert,
  LazyChart,
  Loading,
  PageHeader,
  TableScroll,
  TierBadge,
} from '../components/common.tsx';
import { gatesQuery } from '../components/gates-query.ts';
import { useFormat } from '../format.ts';
import { readExpenses, readRegistrations, readStageStats, tierKeys } from '../stats.ts';
import type { TGateStatus, TInboxItem, TStage, TUser } from '../types.ts';

const RegistrationsChart = lazy(() => import('../components/charts/registrations-chart.tsx'));
const AmountsChart = lazy(() => import('../components/charts/amounts-chart.tsx'));

const inboxQuery = { queryKey: ['inbox'], queryFn: api.reviews.inbox };
const outstandingQuery = { queryKey: ['yearly-outstanding'], queryFn: () => api.yearlyReviews.outstanding() };
const portfolioQuery = { queryKey: ['portfolio', {}], queryFn: () => api.supervision.portfolio({}) };
const stageStatsQuery = { queryKey: ['stats', 'stages'], queryFn: api.stats.stages };
const registrationsQuery = { queryKey: ['stats', 'registrations', 'week'], queryFn: () => api.stats.registrations('week') };
const expensesQuery = (year: number | undefined) => ({ queryKey: ['stats', 'expenses', year], queryFn: () => api.stats.expenses(year) });
const expenseYearsQuery = { queryKey: ['stats', 'expenses', 'years'], queryFn: () => api.stats.expenseYears() };
/** My bureaus' projects in 設計開発 (the stage that files release requests). */
const developmentProjectsQuery = (user: TUser) => ({
  queryKey: ['projects', 'mine', 'development', user.bureauCodes],
  queryFn: () => api.projects.list({ bureau: user.bureauCodes.join(','), stage: 'development' }, null, 30),
  enabled: user.bureauCodes.length > 0,
});
/** My bureaus' projects whose next gate may be unmet. */
const gatedProjectsQuery = (user: TUser) => ({
  queryKey: ['projects', 'mine', user.bureauCodes],
  queryFn: () => api.projects.list({ bureau: user.bureauCodes.join(','), stage: 'planning,requirements,development,operation' }, null, 30),
  enabled: user.bureauCodes.length > 0,
});
const releaseRequestsQuery = (projectId: string) => ({
  queryKey: ['project', projectId, 'release-requests'],
  queryFn: () => api.releases.list(projectId),
});

/** Which of the task lists a person sees (MyTasks shows them; the prefetch asks for their data). */
function tasksOf(user: TUser) {
  const budgetOffice = user.role === 'budget_office';
  return {
    budgetOffice,
    portfolio: !budgetOffice && hasPortfolio(user),
    inbox: !budgetOffice,
    department: !budgetOffice && (user.role === 'staff' || user.role === 'bureau_lead'),
    // GovTech Tokyo reviews budgets, not operations: the yearly follow-up is not theirs (the API says 403).
    outstanding: !budgetOffice && user.role !== 'chief_cio_advisor' && user.role !== 'govtech',
  };
}

/**
 * Everything the home screen shows for this person, fetched with its code so that its sections are
 * first drawn together with their data (app.tsx preloadScreensFor): arriving one by one, each answer
 * was a drawing of its own that the transition does not slice (performance §4.9).
 */
export async function prefetchScreen(queryClient: QueryClient): Promise<void> {
  const user = await queryClient.fetchQuery(meQuery);
  if (!user) return;
  const tasks = tasksOf(user);
  const prefetch = (query: Parameters<QueryClient['prefetchQuery']>[0]) => queryClient.prefetchQuery(query);
  // Then each project's own answer, as UnmetGates and the release requests ask for them.
  const projectsThen = async (
    query: ReturnType<typeof developmentProjectsQuery>,
    next: (project: { id: string; version: number }) => Promise<void>,
  ) => {
    if (!query.enabled) return;
    const page = await queryClient.fetchQuery(query);
    await Promise.all(page.items.map(next));
  };
  await Promise.all([
    prefetch(stageStatsQuery),
    prefetch(registrationsQuery),
    prefetch(expensesQuery(undefined)),
    prefetch(expenseYearsQuery),
    tasks.portfolio && prefetch(portfolioQuery),
    tasks.inbox && prefetch(inboxQuery),
    tasks.outstanding && prefetch(outstandingQuery),
    tasks.department && projectsThen(developmentProjectsQuery(user), (p) => prefetch(releaseRequestsQuery(p.id))),
    tasks.department && projectsThen(gatedProjectsQuery(user), (p) => prefetch(gatesQuery(p))),
  ]);
}

function InboxTasks() {
  const { t } = useTranslation();
  const f = useFormat();
  const bureauName = useBureauName();
  const inbox = useQuery(inboxQuery);
  if (inbox.isPending) return <Loading />;
  if (inbox.isError) return <ErrorAlert error={inbox.error} onRetry={() => void inbox.refetch()} />;
  const items = inbox.data.items;
  if (items.length === 0) return <Empty>{t('home.inboxEmpty')}</Empty>;
  const linkOf = (item: TInboxItem) => {
    switch (item.kind) {
      case 'tech_review':
        return '/budget-review';
      case 'tier_decrease':
        return `/projects/${item.projectId}#tier-decrease`;
      case 'consultation':
        return `/projects/${item.projectId}/consultations/${item.id}`;
      case 'status_report':
        return `/projects/${item.projectId}/status-reports#report-${item.id}`;
      case 'retirement':
        return `/projects/${item.projectId}#yearly-reviews`;
      case 'exemption':
      case 'follow_up_action':
        return `/projects/${item.projectId}/supervision`;
      default:
        return item.action === 'resubmit' ? `/projects/${item.projectId}/releases` : `/release-requests/${item.id}`;
    }
  };
  const overdue = items.filter((i) => i.isOverdue).length;
  return (
    <>
      {overdue ? (
        <p className="alert alert-error">
          <strong>{t('home.overdueCount', { count: overdue })}</strong>
        </p>
      ) : null}
      <TableScroll>
        <table className="table">
          <caption className="visually-hidden">{t('home.inboxTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('home.task')}</th>
              <th scope="col">{t('home.project')}</th>
              <th scope="col">{t('projects.tier')}</th>
              <th scope="col">{t('home.since')}</th>
              <th scope="col">{t('release.due')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={`${item.kind}-${item.id}`} className={item.isOverdue ? 'row-overdue' : undefined}>
                <td>
                  <Link to={linkOf(item)}>{t(`home.actions.${item.action}`)}</Link>
                </td>
                <td>
                  {item.projectName}
                  <br />
                  <span className="small muted">
                    {item.projectCode} · {bureauName(item.bureauCode)}
                  </span>
                </td>
                <td>
                  <TierBadge tier={item.tier} />
                </td>
                <td className="nowrap">
                  <DateText value={item.since} />
                </td>
                <td className="nowrap">
                  {item.dueAt ? f.date(item.dueAt) : '—'}
                  {item.isOverdue ? <span className="badge badge-overdue">{t('release.overdue')}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {inbox.data.nextCursor !== null ? <p className="small">{t('home.inboxMore')}</p> : null}
    </>
  );
}

/** The latest release request of each project of my bureaus in 設計開発 (the stage that files them). */
function useMyReleaseRequests(user: TUser) {
  const projects = useQuery(developmentProjectsQuery(user));
  const items = projects.data?.items ?? [];
  const requests = useQueries({ queries: items.map((p) => releaseRequestsQuery(p.id)) });
  const isPending = user.bureauCodes.length > 0 && (projects.isPending || requests.some((r) => r.isPending));
  const latest = items.flatMap((project, i) => {
    const request = requests[i]?.data?.[0];
    return request ? [{ project, request }] : [];
  });
  return { isPending, error: projects.error, latest };
}

/**
 * Where the bureau's release requests stand: waiting (with the reviewer and the due date), or approved
 * with the next step, 運用へ進める. A returned request is in the inbox above (差し戻された申請に対応する).
 */
function ReleaseRequestTasks({ user }: { user: TUser }) {
  const { t } = useTranslation();
  const f = useFormat();
  const mine = useMyReleaseRequests(user);
  if (mine.isPending) return <Loading />;
  if (mine.error) return <ErrorAlert error={mine.error} />;
  const rows = mine.latest.filter(({ request }) => request.status === 'pending' || request.status === 'approved');
  if (!rows.length) return <Empty>{t('home.noReleaseRequests')}</Empty>;
  return (
    <ul className="task-list">
      {rows.map(({ project, request }) => (
        <li key={request.id}>
          {request.status === 'pending' ? (
            <>
              <span className="badge badge-pending">{t('home.releasePending')}</span>{' '}
              <Link to={`/release-requests/${request.id}`}>{project.name}</Link>
              <span className="small">
                {f.paren(
                  t('home.releasePendingDetail', {
                    reviewer: f.role(request.reviewerRole),
                    due: f.date(request.dueAt),
                  }),
                )}
              </span>
              {request.isOverdue ? <span className="badge badge-overdue">{t('release.overdue')}</span> : null}
            </>
          ) : (
            <>
              <span className="badge badge-approved">{t('home.releaseApproved')}</span> {project.name}{' '}
              <Link to={`/projects/${project.id}`}>{t('home.releaseApprovedNext')}</Link>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Projects of my bureaus that cannot leave their stage yet, with what is missing. */
function UnmetGates({ user }: { user: TUser }) {
  const { t } = useTranslation();
  const f = useFormat();
  const mine = useMyReleaseRequests(user);
  const projects = useQuery(gatedProjectsQuery(user));
  const items = projects.data?.items ?? [];
  const gates = useQueries({ queries: items.map((p) => gatesQuery(p)) });
  if (!user.bureauCodes.length) return null;
  if (projects.isPending) return <Loading />;
  if (projects.isError) return <ErrorAlert error={projects.error} />;
  const waiting = new Set(mine.latest.filter(({ request }) => request.status === 'pending').map(({ project }) => project.id));
  // A release gate with its request waiting is not a missing step: 「リリース判定」 above says where it stands.
  const unmetOf = (projectId: string, list: TGateStatus[]) =>
    list.filter((g) => !g.met && !(g.gate === 'release_approved' && waiting.has(projectId)));
  const blocked = items
    .map((p, i) => ({ project: p, gates: gates[i]?.data }))
    .filter((x) => x.gates && !x.gates.canAdvance && unmetOf(x.project.id, x.gates.gates).length > 0);
  if (gates.some((g) => g.isPending)) return <Loading />;
  if (!blocked.length) return <Empty>{t('home.noUnmetGates')}</Empty>;
  return (
    <ul className="task-list">
      {blocked.map(({ project, gates: g }) => (
        <li key={project.id}>
          <Link to={`/projects/${project.id}`}>{project.name}</Link>{' '}
          <span className="small muted">{f.paren(f.label(stageLabels[project.stage]))}</span>
          <ul>
            {unmetOf(project.id, g!.gates).map((x) => (
              <li key={x.gate}>{f.lang === 'en' ? x.messageEn : x.message}</li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

function OutstandingMeasurements() {
  const { t } = useTranslation();
  const f = useFormat();
  const outstanding = useQuery(outstandingQuery);
  if (outstanding.isPending) return <Loading />;
  if (outstanding.isError) return <ErrorAlert error={outstanding.error} />;
  const items = outstanding.data.items;
  if (!items.length) return <Empty>{t('home.noOutstanding', { year: f.fiscalYear(outstanding.data.fiscalYear) })}</Empty>;
  return (
    <ul className="task-list">
      {items.map((item) => (
        <li key={item.projectId}>
          <Link to={`/projects/${item.projectId}/kpis`}>{item.projectName}</Link>
          <ul>
            {item.unmeasuredKpis.map((k) => (
              <li key={k.id}>{t('home.unmeasured', { name: k.name, year: f.fiscalYear(outstanding.data.fiscalYear) })}</li>
            ))}
            {!item.hasDecision ? <li>{t('home.noDecision', { year: f.fiscalYear(outstanding.data.fiscalYear) })}</li> : null}
          </ul>
        </li>
      ))}
    </ul>
  );
}

/** For reviewers: the portfolio in one line, with the way to it. */
function PortfolioSummary() {
  const { t } = useTranslation();
  const portfolio = useQuery(portfolioQuery);
  if (!portfolio.data) return null;
  const rows = portfolio.data;
  return (
    <p>
      <strong>{t('supervision.portfolio.title')}</strong>
      {'：'}
      {t('supervision.portfolio.summary', {
        divergent: rows.filter((r) => r.divergent).length,
        overdue: rows.filter((r) => r.reportOverdue).length,
        awaiting: rows.filter((r) => r.awaitingAssessment).length,
      })}{' '}
      <Link to="/portfolio">{t('supervision.portfolio.open')}</Link>
    </p>
  );
}

function MyTasks({ user }: { user: TUser }) {
  const { t } = useTranslation();
  const headingId = useId();
  const tasks = tasksOf(user);
  if (tasks.budgetOffice) {
    return (
      <section className="card" aria-labelledby={headingId}>
        <h2 id={headingId}>{t('home.tasksTitle')}</h2>
        <p>{t('home.budgetOfficeTasks')}</p>
        <p>
          <Link to="/budget-review">{t('nav.budgetReview')}</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('home.tasksTitle')}</h2>
      {tasks.portfolio ? <PortfolioSummary /> : null}
      <h3>{isReviewer(user) ? t('home.inboxTitleReviewer') : t('home.inboxTitle')}</h3>
      <InboxTasks />
      {tasks.department ? (
        <>
          <h3>{t('home.releaseRequestsTitle')}</h3>
          <ReleaseRequestTasks user={user} />
          <h3>{t('home.unmetGatesTitle')}</h3>
          <UnmetGates user={user} />
        </>
      ) : null}
      {tasks.outstanding ? (
        <>
          <h3>{t('home.outstandingTitle')}</h3>
          <OutstandingMeasurements />
        </>
      ) : null}
    </section>
  );
}

/** The head of a table with a column a tier (1, 2, 3, 未設定) and the total, after the rows' own column. */
function TierColumnsHead({ first }: { first: string }) {
  const { t } = useTranslation();
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        {tierKeys.map((k) => (
          <th scope="col" key={k} className="num">
            {k === 'unset' ? t('tier.unset') : t('tier.label', { tier: k })}
          </th>
        ))}
        <th scope="col" className="num">
          {t('common.total')}
        </th>
      </tr>
    </thead>
  );
}

function StageCounts() {
  const { t } = useTranslation();
  const f = useFormat();
  const headingId = useId();
  const stats = useQuery(stageStatsQuery);
  const rows = stats.data ? readStageStats(stats.data) : [];
  const totals = tierKeys.map((k) => rows.reduce((n, r) => n + r.counts[k], 0));
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('home.stagesTitle')}</h2>
      {stats.isPending ? (
        <Loading />
      ) : stats.isError ? (
        <ErrorAlert error={stats.error} onRetry={() => void stats.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>{t('home.noStats')}</Empty>
      ) : (
        <TableScroll>
          <table className="table">
            <caption className="visually-hidden">{t('home.stagesCaption')}</caption>
            <TierColumnsHead first={t('projects.stage')} />
            <tbody>
              {rows.map((row) => (
                <tr key={row.stage}>
                  <th scope="row">
                    <Link to={`/projects?stage=${row.stage}`}>{f.label(stageLabels[row.stage as TStage], row.stage)}</Link>
                  </th>
                  {tierKeys.map((k) => (
                    <td key={k} className="num">
                      {row.counts[k] ? <Link to={`/projects?stage=${row.stage}&tier=${k}`}>{f.number(row.counts[k])}</Link> : 0}
                    </td>
                  ))}
                  <td className="num">
                    <strong>{f.number(row.total)}</strong>
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('common.total')}</th>
                {totals.map((n, i) => (
                  <td key={tierKeys[i]} className="num">
                    <strong>{f.number(n)}</strong>
                  </td>
                ))}
                <td className="num">
                  <strong>{f.number(totals.reduce((a, b) => a + b, 0))}</strong>
                </td>
              </tr>
            </tfoot>
          </table>
        </TableScroll>
      )}
    </section>
  );
}

function Registrations() {
  const { t } = useTranslation();
  const f = useFormat();
  const headingId = useId();
  const [mode, setMode] = useState<'cumulative' | 'added'>('cumulative');
  const stats = useQuery(registrationsQuery);
  const points = stats.data ? readRegistrations(stats.data) : [];
  const names = {
    '1': t('tier.label', { tier: 1 }),
    '2': t('tier.label', { tier: 2 }),
    '3': t('tier.label', { tier: 3 }),
    unset: t('tier.unset'),
  };
  const bars = points.map((p) => ({ label: f.shortDate(p.period), ...p[mode] }));
  return (
    <section className="card" aria-labelledby={headingId}>
      <div className="card-header">
        <h2 id={headingId}>{t('home.registrationsTitle')}</h2>
        <fieldset className="segmented">
          <legend className="visually-hidden">{t('home.registrationsMode')}</legend>
          {(['cumulative', 'added'] as const).map((m) => (
            <label key={m} className="radio">
              <input type="radio" name={`${headingId}-mode`} checked={mode === m} onChange={() => setMode(m)} />
              {t(`home.mode.${m}`)}
            </label>
          ))}
        </fieldset>
      </div>
      {stats.isPending ? (
        <Loading />
      ) : stats.isError ? (
        <ErrorAlert error={stats.error} onRetry={() => void stats.refetch()} />
      ) : points.length === 0 ? (
        <Empty>{t('home.noStats')}</Empty>
      ) : (
        <>
          <LazyChart>
            <RegistrationsChart data={bars} names={names} ariaLabel={t('home.registrationsChartLabel')} />
          </LazyChart>
          <details className="disclosure">
            <summary>{t('common.showTable')}</summary>
            <TableScroll>
              <table className="table table-compact">
                <caption>{t('common.chartTableCaption', { title: t('home.registrationsTitle') })}</caption>
                <TierColumnsHead first={t('home.week')} />
                <tbody>
                  {points.map((p) => (
                    <tr key={p.period}>
                      <th scope="row">{f.date(p.period)}</th>
                      {tierKeys.map((k) => (
                        <td key={k} className="num">
                          {f.number(p[mode][k])}
                        </td>
                      ))}
                      <td className="num">{f.number(tierKeys.reduce((n, k) => n + p[mode][k], 0))}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </details>
        </>
      )}
    </section>
  );
}

function Expenses() {
  const { t } = useTranslation();
  const f = useFormat();
  const bureauName = useBureauName();
  const headingId = useId();
  const [year, setYear] = useState<number | undefined>(undefined);
  const stats = useQuery({ ...expensesQuery(year), placeholderData: (previous) => previous });
  const data = stats.data ? readExpenses(stats.data) : null;
  const years = ((stats.data as { fiscalYears?: unknown } | undefined)?.fiscalYears ?? []) as number[];
  const oku = (yen: number) => (f.lang === 'en' ? `¥${f.number(yen / 1e8)}00m` : `${f.number(yen / 1e8)}億円`);
  const categoryRows = (data?.byCategory ?? []).map((r) => ({
    label: f.label(expenseCategoryLabels[r.key as keyof typeof expenseCategoryLabels], r.key),
    value: r.amountJpy,
  }));
  const bureauRows = (data?.byBureau ?? []).map((r) => ({ label: bureauName(r.key), value: r.amountJpy }));
  const table = (rows: { label: string; value: number }[], caption: string, col: string) => (
    <TableScroll>
      <table className="table table-compact">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{col}</th>
            <th scope="col" className="num">
              {t('home.amount')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label}>
              <th scope="row">{r.label}</th>
              <td className="num">{f.yen(r.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
  return (
    <section className="card" aria-labelledby={headingId}>
      <div className="card-header">
        <h2 id={headingId}>{t('home.expensesTitle', { year: data?.fiscalYear ? f.fiscalYear(data.fiscalYear) : '' })}</h2>
        {data?.fiscalYear ? (
          <a className="button button-secondary" href={api.stats.expensesXlsxUrl(data.fiscalYear)} download>
            {t('home.expensesXlsx')}
          </a>
        ) : null}
        {years.length > 1 ? (
          <div className="field">
            <label htmlFor={`${headingId}-year`}>{t('projects.fiscalYear')}</label>
            <select
              id={`${headingId}-year`}
              className="input-short"
              value={data?.fiscalYear ?? ''}
              onChange={(e) => setYear(Number(e.target.value))}
            >
              {years.map((y) => (
                <option key={y} value={y}>
                  {f.fiscalYear(y)}
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </div>
      {stats.isPending ? (
        <Loading />
      ) : stats.isError ? (
        <ErrorAlert error={stats.error} onRetry={() => void stats.refetch()} />
      ) : !data || [...categoryRows, ...bureauRows].every((r) => r.value === 0) ? (
        <Empty>{t('home.noExpenses')}</Empty>
      ) : (
        <>
          {data.totalJpy !== null ? (
            <p>
              {t('home.expensesTotal', { total: f.yen(data.totalJpy) })}
              {data.overlapJpy ? ` ${t('home.expensesOverlap', { overlap: f.yen(data.overlapJpy) })}` : ''}
            </p>
          ) : null}
          <div className="card-grid">
            <div>
              <h3>{t('home.byCategory')}</h3>
              <LazyChart>
                <AmountsChart rows={categoryRows} ariaLabel={t('home.byCategoryChart')} formatAxis={oku} formatValue={(v) => f.yen(v)} />
              </LazyChart>
              {table(categoryRows, t('common.chartTableCaption', { title: t('home.byCategory') }), t('home.category'))}
            </div>
            <div>
              <h3>{t('home.byBureau')}</h3>
              <LazyChart>
                <AmountsChart rows={bureauRows} ariaLabel={t('home.byBureauChart')} formatAxis={oku} formatValue={(v) => f.yen(v)} />
              </LazyChart>
              {table(bureauRows, t('common.chartTableCaption', { title: t('home.byBureau') }), t('projects.bureau'))}
            </div>
          </div>
        </>
      )}
    </section>
  );
}

/**
 * Digital-related expenses over the fiscal years with lines (slide 82: 1,737 → 2,334 → 2,758 億円,
 * 約1.6倍): each year's total with the overlap between categories removed, its growth, and the
 * categories, as a chart and the same figures as a table.
 */
function ExpenseYears() {
  const { t } = useTranslation();
  const f = useFormat();
  const headingId = useId();
  const stats = useQuery(expenseYearsQuery);
  const years = stats.data?.years ?? [];
  if (stats.isSuccess && years.length < 2) return null;
  const oku = (yen: number) => (f.lang === 'en' ? `¥${f.number(yen / 1e8)}00m` : `${f.number(yen / 1e8)}億円`);
  const ratio = (value: number | null) =>
    value === null ? '—' : t('expenseYears.times', { ratio: f.number(Math.round(value * 100) / 100) });
  const last = years[years.length - 1];
  const categories = years[0]?.byCategory.map((c) => c.category) ?? [];
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('expenseYears.title')}</h2>
      {stats.isPending ? (
        <Loading />
      ) : stats.isError ? (
        <ErrorAlert error={stats.error} onRetry={() => void stats.refetch()} />
      ) : (
        <>
          {last && years[0] ? (
            <p>
              {t('expenseYears.summary', {
                first: f.fiscalYear(years[0].fiscalYear),
                last: f.fiscalYear(last.fiscalYear),
                total: oku(last.totalJpy),
                ratio: ratio(last.growthFromFirst),
              })}
            </p>
          ) : null}
          <LazyChart>
            <AmountsChart
              rows={years.map((y) => ({ label: f.fiscalYear(y.fiscalYear), value: y.totalJpy }))}
              ariaLabel={t('expenseYears.chart')}
              formatAxis={oku}
              formatValue={(v) => f.yen(v)}
            />
          </LazyChart>
          <TableScroll>
            <table className="table table-compact">
              <caption>{t('common.chartTableCaption', { title: t('expenseYears.title') })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('projects.fiscalYear')}</th>
                  <th scope="col" className="num">
                    {t('expenseYears.total')}
                  </th>
                  <th scope="col" className="num">
                    {t('expenseYears.growthFromPrevious')}
                  </th>
                  <th scope="col" className="num">
                    {t('expenseYears.growthFromFirst')}
                  </th>
                  {categories.map((category) => (
                    <th key={category} scope="col" className="num">
                      {f.label(expenseCategoryLabels[category as keyof typeof expenseCategoryLabels], category)}
                    </th>
                  ))}
                  <th scope="col" className="num">
                    {t('expenseYears.overlap')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {years.map((y) => (
                  <tr key={y.fiscalYear}>
                    <th scope="row">{f.fiscalYear(y.fiscalYear)}</th>
                    <td className="num">{oku(y.totalJpy)}</td>
                    <td className="num">{ratio(y.growthFromPrevious)}</td>
                    <td className="num">{ratio(y.growthFromFirst)}</td>
                    {y.byCategory.map((c) => (
                      <td key={c.category} className="num">
                        {oku(c.amountJpy)}
                      </td>
                    ))}
                    <td className="num">{oku(y.overlapJpy)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </section>
  );
}

export default function Home() {
  const { t } = useTranslation();
  const user = useUser();
  return (
    <>
      <PageHeader title={t('home.title')} lead={t('home.lead', { name: user.displayName })} />
      <ArriveTogether>
        <MyTasks user={user} />
        <StageCounts />
        <Registrations />
        <Expenses />
        <ExpenseYears />
      </ArriveTogether>
    </>
  );
}

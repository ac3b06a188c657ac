import { kpiStatusLabels } from '@core/kpis/status.ts';
import { stageLabels } from '@core/registry/lists.ts';
import { ratingLabels, ratings } from '@core/supervision/schemas.ts';
import { useQuery } from '@tanstack/react-query';
import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, type Query } from '../api.ts';
import { BureauFilterOptions } from '../components/bureau-options.tsx';
import { useBureauName } from '../components/bureaus.ts';
import { Empty, ErrorAlert, Loading, PageHeader, TableScroll, TierBadge, useDocumentTitle } from '../components/common.tsx';
import { DataTable } from '../components/query-table.tsx';
import { SortHeader } from '../components/sort-header.tsx';
import { RatingBadge } from '../components/supervision.tsx';
import { type Format, useFormat } from '../format.ts';
import type { TPortfolioRow } from '../types.ts';

const filterKeys = ['bureau', 'tier', 'rating', 'divergent', 'overdue'] as const;
type SortKey = 'attention' | 'project' | 'tier' | 'rating' | 'latest' | 'actions' | 'consultations';
const sortKeys: SortKey[] = ['attention', 'project', 'tier', 'rating', 'latest', 'actions', 'consultations'];
const ratingRank = { green: 0, amber: 1, red: 2 } as const;

/** The rating a row is counted and sorted by: the independent assessment where there is one, else the self-rating. */
const latestRating = (r: TPortfolioRow) => r.assessment ?? r.selfRating;
const attention = (r: TPortfolioRow) => (r.divergent ? 2 : 0) + (r.reportOverdue ? 1 : 0);

export function sortPortfolio(rows: readonly TPortfolioRow[], key: SortKey, dir: 'asc' | 'desc', f: Pick<Format, 'compare'>) {
  const sign = dir === 'asc' ? 1 : -1;
  const rank = (r: TPortfolioRow) => {
    const rating = latestRating(r);
    return rating ? ratingRank[rating] : -1;
  };
  const compare = (a: TPortfolioRow, b: TPortfolioRow): number => {
    switch (key) {
      case 'attention':
        return sign * (attention(b) - attention(a)) || (b.tier ?? 0) - (a.tier ?? 0);
      case 'project':
        return sign * f.compare(a.projectName, b.projectName);
      case 'tier':
        return sign * ((a.tier ?? 0) - (b.tier ?? 0));
      case 'rating':
        return sign * (rank(b) - rank(a));
      case 'latest':
        return sign * (a.latestPeriod ?? '').localeCompare(b.latestPeriod ?? '');
      case 'actions':
        return sign * (a.openActions - b.openActions);
      case 'consultations':
        return sign * (a.openConsultations - b.openConsultations);
    }
  };
  return [...rows].sort((a, b) => compare(a, b) || f.compare(a.projectCode, b.projectCode));
}

/** Tier × rating: how many projects of each tier sit at each latest rating; a count filters the list to its cell. */
function RatingGrid({ rows, onPick }: { rows: readonly TPortfolioRow[]; onPick: (tier: number, rating: string) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const count = (tier: number, rating: TPortfolioRow['selfRating']) =>
    rows.filter((r) => r.tier === tier && latestRating(r) === rating).length;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{t('supervision.portfolio.gridTitle')}</h2>
      <DataTable
        className="table rating-grid"
        captionClassName="small"
        caption={t('supervision.portfolio.gridCaption')}
        head={
          <>
            <td />
            {ratings.map((r) => (
              <th key={r} scope="col">
                {f.label(ratingLabels[r])}
              </th>
            ))}
            <th scope="col">{t('supervision.notRated')}</th>
          </>
        }
      >
        {[3, 2, 1].map((tier) => (
          <tr key={tier}>
            <th scope="row">{t('supervision.portfolio.tierRow', { tier })}</th>
            {[...ratings, null].map((r) => {
              const n = count(tier, r);
              return (
                <td key={r ?? 'none'}>
                  {n && r ? (
                    <button type="button" className="button-link" onClick={() => onPick(tier, r)}>
                      {n}
                      <span className="visually-hidden">
                        {f.paren(`${t('supervision.portfolio.tierRow', { tier })} ${f.label(ratingLabels[r])}`)}
                      </span>
                    </button>
                  ) : (
                    n
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </DataTable>
    </section>
  );
}

/**
 * The reviewer's portfolio (監理ポートフォリオ): every project they are consultee of, divergent and
 * overdue first, with a tier × rating grid, filters, sortable columns and a CSV for Excel.
 */
export default function Portfolio() {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const bureauName = useBureauName();
  useDocumentTitle(t('supervision.portfolio.title'));
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => {
    const q: Query = {};
    for (const key of filterKeys) {
      const v = params.get(key);
      if (v) q[key] = v;
    }
    return q;
  }, [params]);
  const sortParam = params.get('sort') as SortKey | null;
  const sort = {
    key: sortParam && sortKeys.includes(sortParam) ? sortParam : 'attention',
    dir: params.get('dir') === 'desc' ? 'desc' : 'asc',
  } as const;
  const portfolio = useQuery({ queryKey: ['portfolio', filter], queryFn: () => api.supervision.portfolio(filter) });
  const rows = useMemo(() => sortPortfolio(portfolio.data ?? [], sort.key, sort.dir, f), [portfolio.data, sort.key, sort.dir, f]);
  const setFilter = (key: (typeof filterKeys)[number], value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const onSort = (key: SortKey) => {
    const next = new URLSearchParams(params);
    next.set('sort', key);
    next.set('dir', sort.key === key && sort.dir === 'asc' ? 'desc' : 'asc');
    setParams(next, { replace: true });
  };
  const header = (key: SortKey, label: string) => <SortHeader column={key} label={label} sort={sort} onSort={onSort} />;
  return (
    <>
      <PageHeader
        title={t('supervision.portfolio.title')}
        lead={t('supervision.portfolio.lead')}
        actions={
          <a className="button button-secondary" href={api.supervision.portfolioCsvUrl(filter)} download>
            {t('supervision.portfolio.csv')}
          </a>
        }
      />
      <search className="filters" aria-label={t('supervision.portfolio.filters')}>
        <div className="filter-grid">
          <div className="field">
            <label htmlFor={`${id}-bureau`}>{t('supervision.portfolio.bureau')}</label>
            <select id={`${id}-bureau`} value={params.get('bureau') ?? ''} onChange={(e) => setFilter('bureau', e.target.value)}>
              <BureauFilterOptions />
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-tier`}>{t('supervision.portfolio.tier')}</label>
            <select id={`${id}-tier`} value={params.get('tier') ?? ''} onChange={(e) => setFilter('tier', e.target.value)}>
              <option value="">{t('common.all')}</option>
              {[1, 2, 3].map((tier) => (
                <option key={tier} value={String(tier)}>
                  {t('tier.label', { tier })}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-rating`}>{t('supervision.portfolio.rating')}</label>
            <select id={`${id}-rating`} value={params.get('rating') ?? ''} onChange={(e) => setFilter('rating', e.target.value)}>
              <option value="">{t('common.all')}</option>
              {ratings.map((r) => (
                <option key={r} value={r}>
                  {f.label(ratingLabels[r])}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label className="checkbox">
              <input
                type="checkbox"
                checked={params.get('divergent') === 'true'}
                onChange={(e) => setFilter('divergent', e.target.checked ? 'true' : '')}
              />
              {t('supervision.portfolio.divergentOnly')}
            </label>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={params.get('overdue') === 'true'}
                onChange={(e) => setFilter('overdue', e.target.checked ? 'true' : '')}
              />
              {t('supervision.portfolio.overdueOnly')}
            </label>
          </div>
        </div>
      </search>
      {portfolio.isPending ? (
        <Loading />
      ) : portfolio.isError ? (
        <ErrorAlert error={portfolio.error} onRetry={() => void portfolio.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>{t('supervision.portfolio.empty')}</Empty>
      ) : (
        <>
          <p role="status">
            {t('supervision.portfolio.summary', {
              divergent: rows.filter((r) => r.divergent).length,
              overdue: rows.filter((r) => r.reportOverdue).length,
              awaiting: rows.filter((r) => r.awaitingAssessment).length,
            })}
          </p>
          <RatingGrid
            rows={rows}
            onPick={(tier, rating) => {
              const next = new URLSearchParams(params);
              next.set('tier', String(tier));
              next.set('rating', rating);
              setParams(next, { replace: true });
            }}
          />
          <TableScroll>
            <table className="table">
              <caption>{t('supervision.portfolio.caption')}</caption>
              <thead>
                <tr>
                  {header('attention', t('supervision.portfolio.flags'))}
                  {header('project', t('supervision.portfolio.project'))}
                  {header('tier', t('supervision.portfolio.tier'))}
                  {header('rating', t('supervision.portfolio.assessment'))}
                  <th scope="col">{t('supervision.portfolio.selfRating')}</th>
                  {header('latest', t('supervision.portfolio.latestPeriod'))}
                  {header('actions', t('supervision.portfolio.openActions'))}
                  {header('consultations', t('supervision.portfolio.openConsultations'))}
                  <th scope="col">{t('supervision.portfolio.kpi')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.projectId} className={r.reportOverdue ? 'row-overdue' : undefined}>
                    <td>
                      {r.divergent ? <span className="badge badge-divergent">{t('supervision.divergent')}</span> : null}
                      {r.reportOverdue ? <span className="badge badge-overdue">{t('supervision.overdue')}</span> : null}
                      {r.awaitingAssessment ? <span className="badge badge-pending">{t('supervision.awaitingAssessment')}</span> : null}
                      {!r.divergent && !r.reportOverdue && !r.awaitingAssessment ? '—' : null}
                    </td>
                    <td>
                      <Link to={`/projects/${r.projectId}/status-reports`}>{r.projectName}</Link>
                      <br />
                      <span className="small muted">
                        {r.projectCode} · {bureauName(r.bureauCode)} · {f.label(stageLabels[r.stage])}
                      </span>
                    </td>
                    <td>
                      <TierBadge tier={r.tier} />
                    </td>
                    <td>
                      <RatingBadge rating={r.assessment} />
                    </td>
                    <td>
                      <RatingBadge rating={r.selfRating} />
                    </td>
                    <td className="nowrap">
                      {r.latestPeriod ?? '—'}
                      {r.nextPeriod ? (
                        <p className="small muted">
                          {t('supervision.portfolio.nextDue', { period: r.nextPeriod, date: f.date(r.nextDeadline) })}
                        </p>
                      ) : null}
                    </td>
                    <td>
                      <Link to={`/projects/${r.projectId}/supervision`}>{r.openActions}</Link>
                      {r.openBlockingActions ? (
                        <span className="small muted">{f.paren(`${t('supervision.blocking')} ${r.openBlockingActions}`)}</span>
                      ) : null}
                    </td>
                    <td>
                      <Link to={`/projects/${r.projectId}/consultations`}>{r.openConsultations}</Link>
                    </td>
                    <td>
                      {r.kpiStatus ? <span className={`badge badge-${r.kpiStatus}`}>{f.label(kpiStatusLabels[r.kpiStatus])}</span> : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </>
  );
}

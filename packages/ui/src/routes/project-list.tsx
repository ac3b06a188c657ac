import { fiscalYearOf } from '@core/projects/fiscal-year.ts';
import { stageLabels } from '@core/registry/lists.ts';
import { type QueryClient, useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, type ProjectFilter } from '../api.ts';
import { canRegisterProjects, useUser } from '../auth.ts';
import { BureauFilterOptions } from '../components/bureau-options.tsx';
import { bureausQuery, useBureauName } from '../components/bureaus.ts';
import { Empty, ErrorAlert, Loading, PageHeader, StageBadge, TableScroll, TierBadge } from '../components/common.tsx';
import { rulesQuery, useOversightTable } from '../components/oversight-table.ts';
import { SortHeader } from '../components/sort-header.tsx';
import { type Format, useFormat } from '../format.ts';
import type { TProject } from '../types.ts';

const filterKeys = ['bureau', 'stage', 'tier', 'reviewerRole', 'fiscalYear', 'q'] as const;
const stageOrder = ['planning', 'requirements', 'development', 'operation', 'retired'];
type SortKey = 'code' | 'name' | 'bureau' | 'fiscalYear' | 'stage' | 'tier' | 'budget' | 'updatedAt';
const sortKeys: SortKey[] = ['code', 'name', 'bureau', 'fiscalYear', 'stage', 'tier', 'budget', 'updatedAt'];

export function filterFromParams(params: URLSearchParams): ProjectFilter {
  const filter: ProjectFilter = {};
  for (const key of filterKeys) {
    const value = params.get(key)?.trim();
    if (value) filter[key] = value;
  }
  return filter;
}

/** Sort the rows already loaded; names compare in Japanese order (Intl.Collator('ja')). */
export function sortProjects(
  rows: readonly TProject[],
  key: SortKey | null,
  dir: 'asc' | 'desc',
  f: Pick<Format, 'compare'>,
  bureauName: (code: string) => string,
) {
  if (!key) return [...rows];
  const sign = dir === 'asc' ? 1 : -1;
  // Not-set tier and unknown budget sort last either way: they are the rows to look at, not outliers.
  const num = (a: number | null, b: number | null) => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : sign * (a - b));
  const compare = (a: TProject, b: TProject): number => {
    switch (key) {
      case 'code':
        return sign * f.compare(a.code, b.code);
      case 'name':
        return sign * f.compare(a.name, b.name);
      case 'bureau':
        return sign * f.compare(bureauName(a.bureauCode), bureauName(b.bureauCode));
      case 'fiscalYear':
        return sign * (a.fiscalYear - b.fiscalYear);
      case 'stage':
        return sign * (stageOrder.indexOf(a.stage) - stageOrder.indexOf(b.stage));
      case 'tier':
        return num(a.tier, b.tier);
      case 'budget':
        return num(a.budgetJpy, b.budgetJpy);
      case 'updatedAt':
        return sign * a.updatedAt.localeCompare(b.updatedAt);
    }
  };
  return [...rows].sort((a, b) => compare(a, b) || f.compare(a.code, b.code));
}

function FilterForm({ filter, onChange }: { filter: ProjectFilter; onChange: (next: ProjectFilter) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const table = useOversightTable();
  const [q, setQ] = useState(filter.q ?? '');
  const currentFy = fiscalYearOf(new Date());
  const years = Array.from({ length: 8 }, (_, i) => currentFy + 1 - i);
  const set = (key: keyof ProjectFilter) => (event: { target: { value: string } }) =>
    onChange({ ...filter, [key]: event.target.value || undefined });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    onChange({ ...filter, q: q.trim() || undefined });
  };
  return (
    <search className="filters" aria-label={t('projects.filters')}>
      <form onSubmit={onSubmit}>
        <div className="filter-grid">
          <div className="field">
            <label htmlFor={`${id}-bureau`}>{t('projects.bureau')}</label>
            <select id={`${id}-bureau`} value={filter.bureau ?? ''} onChange={set('bureau')}>
              <BureauFilterOptions />
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-stage`}>{t('projects.stage')}</label>
            <select id={`${id}-stage`} value={filter.stage ?? ''} onChange={set('stage')}>
              <option value="">{t('common.all')}</option>
              {stageOrder.map((stage) => (
                <option key={stage} value={stage}>
                  {f.label(stageLabels[stage as keyof typeof stageLabels])}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-tier`}>{t('projects.tier')}</label>
            <select id={`${id}-tier`} value={filter.tier ?? ''} onChange={set('tier')}>
              <option value="">{t('common.all')}</option>
              {[1, 2, 3].map((tier) => (
                <option key={tier} value={String(tier)}>
                  {t('tier.label', { tier })}
                </option>
              ))}
              <option value="unset">{t('tier.unset')}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-reviewer`}>{t('projects.reviewer')}</label>
            <select id={`${id}-reviewer`} value={filter.reviewerRole ?? ''} onChange={set('reviewerRole')}>
              <option value="">{t('common.all')}</option>
              {table.reviewers.map((r) => (
                <option key={r.role} value={r.role}>
                  {f.label(r.label)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-fy`}>{t('projects.fiscalYear')}</label>
            <select id={`${id}-fy`} value={filter.fiscalYear ?? ''} onChange={set('fiscalYear')}>
              <option value="">{t('common.all')}</option>
              {years.map((y) => (
                <option key={y} value={String(y)}>
                  {f.fiscalYear(y)}
                </option>
              ))}
            </select>
          </div>
          <div className="field field-wide">
            <label htmlFor={`${id}-q`}>{t('projects.q')}</label>
            <p className="hint" id={`${id}-q-hint`}>
              {t('projects.qHint')}
            </p>
            <div className="input-with-button">
              <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} aria-describedby={`${id}-q-hint`} />
              <button type="submit" className="button">
                {t('common.search')}
              </button>
            </div>
          </div>
        </div>
        {Object.keys(filter).length ? (
          <p>
            <button
              type="button"
              className="button button-link"
              onClick={() => {
                setQ('');
                onChange({});
              }}
            >
              {t('projects.clearFilters')}
            </button>
          </p>
        ) : null}
      </form>
    </search>
  );
}

const listQuery = (filter: ProjectFilter) => ({
  queryKey: ['projects', 'list', filter],
  queryFn: ({ pageParam }: { pageParam: string | null }) => api.projects.list(filter, pageParam),
  initialPageParam: null as string | null,
  getNextPageParam: (last: Awaited<ReturnType<typeof api.projects.list>>) => last.nextCursor ?? undefined,
});

/**
 * The first page of the list, asked for as soon as this screen's code has arrived (app.tsx,
 * preloadScreensFor) rather than once the screen has been shown: React holds a screen's first
 * showing back a little after its loading indicator, and the list would wait for that too.
 */
export async function prefetchScreen(queryClient: QueryClient, url: URL): Promise<void> {
  await Promise.all([
    queryClient.prefetchInfiniteQuery(listQuery(filterFromParams(url.searchParams))),
    queryClient.prefetchQuery(bureausQuery),
    queryClient.prefetchQuery(rulesQuery),
  ]);
}

export default function ProjectList() {
  const { t } = useTranslation();
  const f = useFormat();
  const user = useUser();
  const bureauName = useBureauName();
  const table = useOversightTable();
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => filterFromParams(params), [params]);
  const sortParam = params.get('sort');
  const sort = {
    key: sortKeys.includes(sortParam as SortKey) ? (sortParam as SortKey) : null,
    dir: params.get('dir') === 'desc' ? ('desc' as const) : ('asc' as const),
  };

  const query = useInfiniteQuery(listQuery(filter));
  const rows = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  const sorted = useMemo(() => sortProjects(rows, sort.key, sort.dir, f, bureauName), [rows, sort.key, sort.dir, f, bureauName]);

  const setFilter = (next: ProjectFilter) => {
    const nextParams = new URLSearchParams();
    for (const key of filterKeys) if (next[key]) nextParams.set(key, next[key]!);
    if (sort.key) {
      nextParams.set('sort', sort.key);
      nextParams.set('dir', sort.dir);
    }
    setParams(nextParams);
  };
  const onSort = (key: SortKey) => {
    const next = new URLSearchParams(params);
    const dir = sort.key === key && sort.dir === 'asc' ? 'desc' : 'asc';
    next.set('sort', key);
    next.set('dir', dir);
    setParams(next, { replace: true });
  };
  const reviewerLabel = (role: string | null) => {
    const reviewer = table.reviewers.find((r) => r.role === role);
    return reviewer ? f.label(reviewer.label) : '—';
  };

  return (
    <>
      <PageHeader
        title={t('projects.title')}
        lead={t('projects.lead')}
        actions={
          <>
            {canRegisterProjects(user) ? (
              <Link className="button" to="/projects/new">
                {t('nav.register')}
              </Link>
            ) : null}
            <a className="button button-secondary" href={api.projects.exportCsvUrl(filter)} download>
              {t('projects.csv')}
            </a>
            <a className="button button-secondary" href={api.projects.exportXlsxUrl(filter)} download>
              {t('projects.xlsx')}
            </a>
          </>
        }
      />
      <FilterForm key={params.get('q') ?? ''} filter={filter} onChange={setFilter} />

      {query.isPending ? (
        <Loading />
      ) : !query.data ? (
        <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>{Object.keys(filter).length ? t('projects.emptyFiltered') : t('projects.empty')}</Empty>
      ) : (
        <>
          <p className="result-count" role="status">
            {query.hasNextPage ? t('projects.countMore', { count: rows.length }) : t('projects.count', { count: rows.length })}
          </p>
          <TableScroll>
            <table className="table table-cards">
              <caption className="visually-hidden">{t('projects.caption')}</caption>
              <thead>
                <tr>
                  <SortHeader column="code" label={t('projects.colCode')} sort={sort} onSort={onSort} />
                  <SortHeader column="name" label={t('projects.colName')} sort={sort} onSort={onSort} />
                  <SortHeader column="bureau" label={t('projects.bureau')} sort={sort} onSort={onSort} />
                  <SortHeader column="fiscalYear" label={t('projects.fiscalYear')} sort={sort} onSort={onSort} />
                  <SortHeader column="stage" label={t('projects.stage')} sort={sort} onSort={onSort} />
                  <SortHeader column="tier" label={t('projects.tier')} sort={sort} onSort={onSort} />
                  <th scope="col">{t('projects.reviewer')}</th>
                  <SortHeader column="budget" label={t('projects.colBudget')} sort={sort} onSort={onSort} />
                  <SortHeader column="updatedAt" label={t('projects.colUpdated')} sort={sort} onSort={onSort} />
                </tr>
              </thead>
              <tbody>
                {sorted.map((p) => (
                  <tr key={p.id}>
                    <td className="nowrap" data-label={t('projects.colCode')}>
                      {p.code}
                    </td>
                    <td data-label={t('projects.colName')}>
                      <Link to={`/projects/${p.id}`}>{p.name}</Link>
                    </td>
                    <td data-label={t('projects.bureau')}>{bureauName(p.bureauCode)}</td>
                    <td className="nowrap" data-label={t('projects.fiscalYear')}>
                      {f.fiscalYear(p.fiscalYear)}
                    </td>
                    <td data-label={t('projects.stage')}>
                      <StageBadge stage={p.stage} />
                    </td>
                    <td data-label={t('projects.tier')}>
                      <TierBadge tier={p.tier} />
                    </td>
                    <td data-label={t('projects.reviewer')}>{reviewerLabel(p.reviewerRole)}</td>
                    <td className="num" data-label={t('projects.colBudget')}>
                      {f.yen(p.budgetJpy)}
                    </td>
                    <td className="nowrap" data-label={t('projects.colUpdated')}>
                      {f.date(p.updatedAt)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          {query.hasNextPage ? (
            <p className="load-more">
              <button
                type="button"
                className="button button-secondary"
                onClick={() => void query.fetchNextPage()}
                disabled={query.isFetchingNextPage}
              >
                {query.isFetchingNextPage ? t('common.loading') : t('common.loadMore')}
              </button>
            </p>
          ) : null}
          {query.isError ? <ErrorAlert error={query.error} /> : null}
        </>
      )}
    </>
  );
}

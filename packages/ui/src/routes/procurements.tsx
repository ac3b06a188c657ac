import { procurementMethodLabels, procurementStatusLabels, ZProcurementMethod, ZProcurementStatus } from '@core/reviews/schemas.ts';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api } from '../api.ts';
import { Empty, ErrorAlert, Loading, PageHeader, TableScroll } from '../components/common.tsx';
import { ProcurementTable } from '../components/procurement-table.tsx';
import { useFormat } from '../format.ts';

const keys = ['method', 'status', 'isStartup'] as const;

function Stats() {
  const { t } = useTranslation();
  const f = useFormat();
  const headingId = useId();
  const stats = useQuery({ queryKey: ['procurements', 'stats'], queryFn: () => api.procurements.stats() });
  const percent = (share: number | null) => (share === null ? '—' : `${f.number(Math.round(share * 1000) / 10)}%`);
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('procurement.statsTitle')}</h2>
      {stats.isPending ? (
        <Loading />
      ) : stats.isError ? (
        <ErrorAlert error={stats.error} onRetry={() => void stats.refetch()} />
      ) : (
        <>
          <p>
            {t('procurement.startupShare', {
              count: stats.data.startups.awardedCount,
              amount: f.yen(stats.data.startups.contractTotalJpy),
              countShare: percent(stats.data.startups.countShare),
              amountShare: percent(stats.data.startups.amountShare),
            })}
            {stats.data.needsTierReview ? ` ${t('procurement.needsTierReviewCount', { count: stats.data.needsTierReview })}` : ''}
          </p>
          <TableScroll>
            <table className="table">
              <caption>{t('procurement.statsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('procurement.method')}</th>
                  <th scope="col" className="num">
                    {t('procurement.count')}
                  </th>
                  <th scope="col" className="num">
                    {t('procurement.awardedCount')}
                  </th>
                  <th scope="col" className="num">
                    {t('procurement.contractTotal')}
                  </th>
                  <th scope="col" className="num">
                    {t('procurement.startupAwarded')}
                  </th>
                  <th scope="col" className="num">
                    {t('procurement.startupTotal')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {stats.data.byMethod.map((row) => (
                  <tr key={row.method}>
                    <th scope="row">{f.label(row.label ?? procurementMethodLabels[row.method], row.method)}</th>
                    <td className="num">{f.number(row.count)}</td>
                    <td className="num">{f.number(row.awardedCount)}</td>
                    <td className="num">{f.yen(row.contractTotalJpy)}</td>
                    <td className="num">{f.number(row.startupAwardedCount)}</td>
                    <td className="num">{f.yen(row.startupContractTotalJpy)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{t('common.total')}</th>
                  <td className="num">{f.number(stats.data.total.count)}</td>
                  <td className="num">{f.number(stats.data.total.awardedCount)}</td>
                  <td className="num">{f.yen(stats.data.total.contractTotalJpy)}</td>
                  <td className="num">{f.number(stats.data.startups.awardedCount)}</td>
                  <td className="num">{f.yen(stats.data.startups.contractTotalJpy)}</td>
                </tr>
              </tfoot>
            </table>
          </TableScroll>
        </>
      )}
    </section>
  );
}

export default function Procurements() {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const [params, setParams] = useSearchParams();
  const filter = useMemo(
    () => Object.fromEntries(keys.map((k) => [k, params.get(k) ?? undefined]).filter(([, v]) => v)) as Record<string, string>,
    [params],
  );
  const list = useInfiniteQuery({
    queryKey: ['procurements', 'list', filter],
    queryFn: ({ pageParam }) => api.procurements.list(filter, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const set = (key: (typeof keys)[number]) => (e: { target: { value: string } }) => {
    const next = new URLSearchParams(params);
    if (e.target.value) next.set(key, e.target.value);
    else next.delete(key);
    setParams(next);
  };
  return (
    <>
      <PageHeader
        title={t('procurement.bookTitle')}
        lead={t('procurement.bookLead')}
        actions={
          <>
            <a className="button button-secondary" href={api.procurements.csvUrl(filter)} download>
              {t('procurement.csv')}
            </a>
            <a className="button button-secondary" href={api.procurements.xlsxUrl(filter)} download>
              {t('procurement.xlsx')}
            </a>
          </>
        }
      />
      <Stats />
      <search className="filters" aria-label={t('procurement.filters')}>
        <div className="filter-grid">
          <div className="field">
            <label htmlFor={`${id}-method`}>{t('procurement.method')}</label>
            <select id={`${id}-method`} value={filter.method ?? ''} onChange={set('method')}>
              <option value="">{t('common.all')}</option>
              {ZProcurementMethod.options.map((m) => (
                <option key={m} value={m}>
                  {f.label(procurementMethodLabels[m])}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-status`}>{t('procurement.status')}</label>
            <select id={`${id}-status`} value={filter.status ?? ''} onChange={set('status')}>
              <option value="">{t('common.all')}</option>
              {ZProcurementStatus.options.map((s) => (
                <option key={s} value={s}>
                  {f.label(procurementStatusLabels[s])}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-startup`}>{t('procurement.startupFilter')}</label>
            <select id={`${id}-startup`} value={filter.isStartup ?? ''} onChange={set('isStartup')}>
              <option value="">{t('common.all')}</option>
              <option value="true">{t('procurement.startupOnly')}</option>
              <option value="false">{t('procurement.notStartup')}</option>
            </select>
          </div>
        </div>
      </search>
      {list.isPending ? (
        <Loading />
      ) : !list.data ? (
        <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <Empty>{t('procurement.emptyFiltered')}</Empty>
      ) : (
        <>
          <p className="result-count" role="status">
            {list.hasNextPage ? t('projects.countMore', { count: items.length }) : t('projects.count', { count: items.length })}
          </p>
          <ProcurementTable items={items} showProject />
          {list.hasNextPage ? (
            <p className="load-more">
              <button
                type="button"
                className="button button-secondary"
                onClick={() => void list.fetchNextPage()}
                disabled={list.isFetchingNextPage}
              >
                {list.isFetchingNextPage ? t('common.loading') : t('common.loadMore')}
              </button>
            </p>
          ) : null}
          {list.isError ? <ErrorAlert error={list.error} /> : null}
        </>
      )}
    </>
  );
}

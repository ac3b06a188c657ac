import { expectedValue, kpiStatusLabels } from '@core/kpis/status.ts';
import { lazy, Suspense, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PrefetchScreen } from '../../app.tsx';
import { Empty, ErrorAlert, Facts, LazyChart, Loading, TableScroll } from '../../components/common.tsx';
import { KpiSummaryTable } from '../../components/kpi-table.tsx';
import { SavedWithNextStep } from '../../components/stage-stepper.tsx';
import { useFormat } from '../../format.ts';
import type { TKpi } from '../../types.ts';
import { useProjectContext } from '../project-page.tsx';
import { kpisQuery, useKpis } from './project-queries.ts';

const KpiChart = lazy(() => import('../../components/charts/kpi-chart.tsx'));
// The forms (and zod, which checks them) load after the tab is first drawn, not before it (performance §4.9).
const KpiForm = lazy(() => import('../../forms/kpi-form.tsx').then((m) => ({ default: m.KpiForm })));
const MeasurementForm = lazy(() => import('../../forms/measurement-form.tsx').then((m) => ({ default: m.MeasurementForm })));

/** One row per fiscal year from the baseline to the target (and any measured year outside). */
export function kpiSeries(kpi: TKpi) {
  const years = new Set<number>();
  const first = kpi.baselineYear ?? Math.min(kpi.targetFiscalYear, ...kpi.measurements.map((m) => m.fiscalYear));
  for (let y = first; y <= kpi.targetFiscalYear; y++) years.add(y);
  for (const m of kpi.measurements) years.add(m.fiscalYear);
  return [...years]
    .sort((a, b) => a - b)
    .map((year) => {
      const m = kpi.measurements.find((x) => x.fiscalYear === year) ?? null;
      const plan = kpi.targetValue === null ? null : expectedValue(kpi, year);
      return { year, plan, measurement: m };
    });
}

function KpiCard({ kpi, canWrite }: { kpi: TKpi; canWrite: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const headingId = useId();
  const unit = kpi.unit ?? '';
  const series = kpiSeries(kpi);
  const isNumeric = kpi.targetValue !== null;
  const withUnit = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${f.number(v)}${unit}`);
  // The measurement form (and zod with it) is loaded when its disclosure is opened, not for every
  // KPI card while the tab first draws (performance §4.9).
  const [measuring, setMeasuring] = useState(false);
  return (
    <section className="card kpi-card" aria-labelledby={headingId}>
      <div className="card-header">
        <h3 id={headingId}>{kpi.name}</h3>
        <span className={`badge badge-${kpi.status}`}>{f.label(kpiStatusLabels[kpi.status])}</span>
      </div>
      <Facts
        items={[
          { term: t('kpi.direction'), value: t(`kpi.directions.${kpi.direction}`) },
          {
            term: t('kpi.baseline'),
            value: kpi.baselineValue === null ? '—' : `${withUnit(kpi.baselineValue)}${f.paren(f.fiscalYear(kpi.baselineYear))}`,
          },
          {
            term: t('kpi.target'),
            value: `${isNumeric ? withUnit(kpi.targetValue) : (kpi.targetText ?? '—')}${f.paren(f.fiscalYear(kpi.targetFiscalYear))}`,
          },
        ]}
      />
      {isNumeric && series.length > 1 ? (
        <LazyChart>
          <KpiChart
            points={series.map((s) => ({ year: s.year, label: f.fiscalYear(s.year), plan: s.plan, actual: s.measurement?.value ?? null }))}
            planLabel={t('kpi.plan')}
            actualLabel={t('kpi.actual')}
            unit={unit}
            ariaLabel={t('kpi.chartLabel', { name: kpi.name })}
          />
        </LazyChart>
      ) : null}
      <TableScroll>
        <table className="table table-compact">
          <caption>{t('kpi.tableCaption', { name: kpi.name })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('kpi.fiscalYear')}</th>
              {isNumeric ? <th scope="col">{t('kpi.plan')}</th> : null}
              <th scope="col">{t('kpi.actual')}</th>
              <th scope="col">{t('kpi.onPlan')}</th>
              <th scope="col">{t('kpi.comment')}</th>
            </tr>
          </thead>
          <tbody>
            {series.map(({ year, plan, measurement: m }) => (
              <tr key={year}>
                <th scope="row" className="nowrap">
                  {f.fiscalYear(year)}
                </th>
                {isNumeric ? <td className="num">{withUnit(plan)}</td> : null}
                <td className="num">
                  {m ? (
                    isNumeric ? (
                      withUnit(m.value)
                    ) : m.achieved ? (
                      t('kpi.achievedYes')
                    ) : (
                      t('kpi.achievedNo')
                    )
                  ) : (
                    <span className="muted">{t('kpi.notMeasured')}</span>
                  )}
                </td>
                <td>
                  {m ? (
                    m.isOnPlan === false ? (
                      <span className="badge badge-behind">{t('kpi.behind')}</span>
                    ) : (
                      <span className="badge badge-on_track">{t('kpi.onTrack')}</span>
                    )
                  ) : (
                    '—'
                  )}
                </td>
                <td>{m?.comment ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {canWrite ? (
        <details className="disclosure" open={measuring} onToggle={(e) => setMeasuring(e.currentTarget.open)}>
          <summary>{t('kpi.addMeasurement')}</summary>
          {measuring ? (
            <Suspense fallback={<Loading />}>
              <MeasurementForm kpi={kpi} />
            </Suspense>
          ) : null}
        </details>
      ) : null}
    </section>
  );
}

/** The KPIs, fetched with the tab's code so that the tab is first drawn with them (performance §4.9). */
export const prefetchScreen: PrefetchScreen = async (queryClient, _url, { id }) => {
  if (id) await queryClient.prefetchQuery(kpisQuery(id));
};

export default function KpisTab() {
  const { t } = useTranslation();
  const { project, canWrite } = useProjectContext();
  const kpis = useKpis(project.id);
  const headingId = useId();
  const [added, setAdded] = useState(false);
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('kpi.title')}</h2>
      <p className="small muted">{t('kpi.lead')}</p>
      {kpis.isPending ? (
        <Loading />
      ) : kpis.isError ? (
        <ErrorAlert error={kpis.error} onRetry={() => void kpis.refetch()} />
      ) : kpis.data.length === 0 ? (
        <Empty>{t('kpi.empty')}</Empty>
      ) : (
        <>
          <TableScroll>
            <KpiSummaryTable kpis={kpis.data} baseline className="table" />
          </TableScroll>
          {kpis.data.map((kpi) => (
            <KpiCard key={kpi.id} kpi={kpi} canWrite={canWrite} />
          ))}
        </>
      )}
      {/* After the list has arrived: appearing first, the form would be pushed down the page by it. */}
      {canWrite && !kpis.isPending ? (
        <section className="card" aria-labelledby={`${headingId}-add`}>
          <h3 id={`${headingId}-add`}>{t('kpi.add')}</h3>
          {added ? <SavedWithNextStep projectId={project.id} version={project.version} saved={t('kpi.added')} /> : null}
          <Suspense fallback={<Loading />}>
            <KpiForm projectId={project.id} onDone={() => setAdded(true)} />
          </Suspense>
        </section>
      ) : null}
    </section>
  );
}

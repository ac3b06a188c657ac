import { kpiStatusLabels } from '@core/kpis/status.ts';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../format.ts';
import type { TKpi } from '../types.ts';

/**
 * A project's KPIs at a glance, one row each: target, latest measurement, status (and, on the KPI tab,
 * the baseline). The KPI tab and the release judgement show the same figures the same way.
 */
export function KpiSummaryTable({ kpis, baseline, className }: { kpis: TKpi[]; baseline: boolean; className: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <table className={className}>
      <caption className="visually-hidden">{t('kpi.summaryCaption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('kpi.name')}</th>
          {baseline ? <th scope="col">{t('kpi.baseline')}</th> : null}
          <th scope="col">{t('kpi.target')}</th>
          <th scope="col">{t('kpi.latest')}</th>
          <th scope="col">{t('kpi.status')}</th>
        </tr>
      </thead>
      <tbody>
        {kpis.map((kpi) => {
          const latest = [...kpi.measurements].sort((a, b) => b.fiscalYear - a.fiscalYear)[0];
          const unit = kpi.unit ?? '';
          return (
            <tr key={kpi.id}>
              <th scope="row">{kpi.name}</th>
              {baseline ? (
                <td>
                  {kpi.baselineValue === null ? '—' : `${f.number(kpi.baselineValue)}${unit}${f.paren(f.fiscalYear(kpi.baselineYear))}`}
                </td>
              ) : null}
              <td>
                {kpi.targetValue !== null ? `${f.number(kpi.targetValue)}${unit}` : kpi.targetText}
                {f.paren(f.fiscalYear(kpi.targetFiscalYear))}
              </td>
              <td>
                {latest
                  ? `${latest.value !== null ? `${f.number(latest.value)}${unit}` : latest.achieved ? t('kpi.achievedYes') : t('kpi.achievedNo')}（${f.fiscalYear(latest.fiscalYear)}）`
                  : t('kpi.notMeasured')}
              </td>
              <td>
                <span className={`badge badge-${kpi.status}`}>{f.label(kpiStatusLabels[kpi.status])}</span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

import { procurementMethodLabels, procurementStatusLabels } from '@core/reviews/schemas.ts';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../format.ts';
import type { TProcurement } from '../types.ts';
import { useBureauName } from './bureaus.ts';
import { TableScroll } from './common.tsx';

/** Contract amount against the budget the tier was based on, as a sentence. */
export function BudgetComparison({ procurement }: { procurement: TProcurement }) {
  const { t } = useTranslation();
  const f = useFormat();
  const c = procurement.budgetComparison;
  if (c.contractAmountJpy === null) return <span className="muted">—</span>;
  return (
    <>
      {f.yen(c.contractAmountJpy)}
      {c.budgetJpy !== null ? (
        <span className={`block small ${c.isOverBudget ? 'text-error' : 'muted'}`}>
          {t('procurement.ofBudget', {
            budget: f.yen(c.budgetJpy),
            ratio: c.ratio === null ? '—' : f.number(Math.round(c.ratio * 1000) / 10),
          })}
          {c.isOverBudget ? ` ${t('procurement.overBudget', { margin: f.number(Math.round(c.overBudgetMarginRatio * 1000) / 10) })}` : ''}
        </span>
      ) : (
        <span className="block small muted">{t('procurement.noBudget')}</span>
      )}
    </>
  );
}

export function ProcurementTable({
  items,
  showProject = false,
  renderActions,
}: {
  items: TProcurement[];
  showProject?: boolean;
  renderActions?: (p: TProcurement) => React.ReactNode;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const bureauName = useBureauName();
  return (
    <TableScroll>
      <table className="table">
        <caption className="visually-hidden">{t('procurement.listCaption')}</caption>
        <thead>
          <tr>
            {showProject ? <th scope="col">{t('home.project')}</th> : null}
            <th scope="col">{t('procurement.titleField')}</th>
            <th scope="col">{t('procurement.method')}</th>
            <th scope="col">{t('procurement.status')}</th>
            <th scope="col">{t('procurement.vendor')}</th>
            <th scope="col">{t('procurement.contractAmount')}</th>
            <th scope="col">{t('procurement.period')}</th>
            {renderActions ? <th scope="col">{t('documents.actions')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {items.map((p) => (
            <tr key={p.id}>
              {showProject ? (
                <td>
                  <Link to={`/projects/${p.projectId}/procurements`}>{p.project.name}</Link>
                  <span className="block small muted">
                    {p.project.code} · {bureauName(p.project.bureauCode)}
                  </span>
                </td>
              ) : null}
              <th scope="row">
                {p.title}
                {p.needsTierReview ? (
                  <span className="block">
                    <span className="badge badge-behind">{t('procurement.needsTierReview')}</span>
                  </span>
                ) : null}
              </th>
              <td>{f.label(procurementMethodLabels[p.method], p.method)}</td>
              <td>{f.label(procurementStatusLabels[p.status], p.status)}</td>
              <td>
                {p.vendorName ?? '—'}
                {p.corporateNumber ? (
                  <span className="block small muted">{t('procurement.corporateNumberShort', { n: p.corporateNumber })}</span>
                ) : null}
                {p.isStartup ? <span className="badge badge-on_track">{t('procurement.startup')}</span> : null}
              </td>
              <td className="num">
                <BudgetComparison procurement={p} />
              </td>
              <td className="nowrap">
                {p.contractStart || p.contractEnd ? `${f.date(p.contractStart)} 〜 ${f.date(p.contractEnd)}` : '—'}
              </td>
              {renderActions ? <td>{renderActions(p)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

import { milestoneLabels, ratingDimensionLabels, riskLevelLabels } from '@core/supervision/schemas.ts';
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { DateText, Empty, ErrorAlert, Loading, Notice, TableScroll } from '../../components/common.tsx';
import { isConsulteeOf, MilestoneTableHead, RatingBadge, RatingsTable } from '../../components/supervision.tsx';
import { useFormat } from '../../format.ts';
import { AssessmentForm } from '../../forms/assessment-form.tsx';
import { StatusReportForm } from '../../forms/status-report-form.tsx';
import type { TStatusReport, TStatusReportList } from '../../types.ts';
import { useProjectContext } from '../project-page.tsx';

function DivergenceNotice({ list }: { list: TStatusReportList }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (!list.divergent) return null;
  const dims = (ds: TStatusReportList['divergence'][number]['dimensions']) =>
    ds.map((d) => f.label(ratingDimensionLabels[d])).join(f.listSep);
  return (
    <div className="alert alert-error" role="status">
      <p>
        <span className="badge badge-divergent">{t('supervision.divergent')}</span> {t('supervision.reports.divergentNotice')}
      </p>
      <ul>
        {list.divergence.map((reason) => (
          <li key={reason.rule}>
            {reason.rule === 'two_steps'
              ? t('supervision.reports.twoSteps', { period: reason.periods[0], dimensions: dims(reason.dimensions) })
              : t('supervision.reports.twoPeriods', { periods: reason.periods.join(f.listSep), dimensions: dims(reason.dimensions) })}
          </li>
        ))}
      </ul>
    </div>
  );
}

function ReportView({ report, canAssess, projectId }: { report: TStatusReport; canAssess: boolean; projectId: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const headingId = useId();
  // Open while the report waits for its assessment; recording one must not fold away its confirmation.
  const [isAssessOpen] = useState(!report.assessment);
  return (
    <article className="card" aria-labelledby={headingId} id={`report-${report.period}`}>
      <h3 id={headingId}>
        {report.period} <RatingBadge rating={report.selfRating.overall} />
        {report.assessment ? null : <span className="badge badge-pending">{t('supervision.awaitingAssessment')}</span>}
      </h3>
      <p className="small muted">
        {t('supervision.reports.filedBy')}：{report.filedByName} · <DateText value={report.filedAt} />
      </p>
      <p className="canvas-text">{report.narrative}</p>
      <TableScroll>
        <RatingsTable
          caption={t('supervision.reports.selfRating')}
          self={report.selfRating}
          assessed={report.assessment?.ratings ?? null}
        />
      </TableScroll>
      {report.assessment ? (
        <blockquote className="quote">
          <p className="canvas-text">{report.assessment.comment}</p>
          <p className="small muted">{t('supervision.reports.assessedBy', { name: report.assessment.assessedByName ?? '—' })}</p>
        </blockquote>
      ) : null}
      <TableScroll>
        <table className="table">
          <MilestoneTableHead />
          <tbody>
            {report.milestones.map((m) => (
              <tr key={m.milestone}>
                <th scope="row">{f.label(milestoneLabels[m.milestone])}</th>
                <td>{f.date(m.plannedDate)}</td>
                <td>{f.date(m.forecastDate)}</td>
                <td>{f.date(m.actualDate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <TableScroll>
        <table className="table">
          <caption>{t('supervision.reports.cost')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('supervision.reports.budget')}</th>
              <th scope="col">{t('supervision.reports.contract')}</th>
              <th scope="col">{t('supervision.reports.spent')}</th>
              <th scope="col">{t('supervision.reports.forecastCost')}</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td>{f.yen(report.cost.budgetJpy)}</td>
              <td>{f.yen(report.cost.contractJpy)}</td>
              <td>{f.yen(report.cost.spentJpy)}</td>
              <td>{f.yen(report.cost.forecastJpy)}</td>
            </tr>
          </tbody>
        </table>
      </TableScroll>
      {report.risks.length ? (
        <TableScroll>
          <table className="table">
            <caption>{t('supervision.reports.risks')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('supervision.reports.riskTitle')}</th>
                <th scope="col">{t('supervision.reports.likelihood')}</th>
                <th scope="col">{t('supervision.reports.impact')}</th>
                <th scope="col">{t('supervision.reports.owner')}</th>
                <th scope="col">{t('supervision.reports.mitigation')}</th>
              </tr>
            </thead>
            <tbody>
              {report.risks.map((r, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: risks have no id; the report is read-only
                <tr key={i}>
                  <th scope="row">{r.title}</th>
                  <td>{f.label(riskLevelLabels[r.likelihood])}</td>
                  <td>{f.label(riskLevelLabels[r.impact])}</td>
                  <td>{r.owner}</td>
                  <td>{r.mitigation}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      {canAssess ? (
        <details open={isAssessOpen}>
          <summary>{t('supervision.reports.assessTitle')}</summary>
          <AssessmentForm projectId={projectId} report={report} />
        </details>
      ) : null}
    </article>
  );
}

/** Status reports (状況報告) with the consultee's assessments, the divergence flag and the report owed next. */
export default function StatusReportsTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const { project, canWrite, user } = useProjectContext();
  const headingId = useId();
  const [filed, setFiled] = useState(false);
  const reports = useQuery({ queryKey: ['project', project.id, 'status-reports'], queryFn: () => api.supervision.reports(project.id) });
  const isConsultee = isConsulteeOf(user, project);
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('supervision.reports.title')}</h2>
      <p className="small muted">{t('supervision.reports.lead')}</p>
      {reports.isPending ? (
        <Loading />
      ) : reports.isError ? (
        <ErrorAlert error={reports.error} onRetry={() => void reports.refetch()} />
      ) : (
        <>
          {reports.data.supervised ? (
            <p>
              {t('supervision.reports.cadence', { months: reports.data.cadenceMonths })}
              {reports.data.nextPeriod
                ? ` · ${t('supervision.reports.next', { period: reports.data.nextPeriod, date: f.date(reports.data.nextDeadline) })}`
                : ''}
            </p>
          ) : (
            <Notice>{t('supervision.reports.notSupervised')}</Notice>
          )}
          {reports.data.reportOverdue ? (
            <p className="alert alert-error" role="status">
              <span className="badge badge-overdue">{t('supervision.overdue')}</span>{' '}
              {t('supervision.reports.overdueNotice', { period: reports.data.duePeriod })}
            </p>
          ) : null}
          <DivergenceNotice list={reports.data} />
          {filed ? (
            <Notice tone="success" role="status">
              {t('supervision.reports.filed')}
            </Notice>
          ) : null}
          {reports.data.items.length === 0 ? (
            <Empty>{t('supervision.reports.empty')}</Empty>
          ) : (
            reports.data.items.map((r) => (
              <ReportView key={r.id} report={r} projectId={project.id} canAssess={isConsultee && r.filedBy !== user.id} />
            ))
          )}
          {canWrite && reports.data.supervised ? (
            <section className="card" aria-labelledby={`${headingId}-file`}>
              <h3 id={`${headingId}-file`}>{t('supervision.reports.fileTitle')}</h3>
              <StatusReportForm projectId={project.id} budgetJpy={project.budgetJpy} onFiled={() => setFiled(true)} />
            </section>
          ) : null}
        </>
      )}
    </section>
  );
}

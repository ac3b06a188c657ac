import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, isApiError } from '../../api.ts';
import { canSeeBudgetReview } from '../../auth.ts';
import { Empty, ErrorAlert, Loading, TierBadge } from '../../components/common.tsx';
import { useFormat } from '../../format.ts';
import { viewpoints } from '../../forms/tech-review-form.tsx';
import { useProjectContext } from '../project-page.tsx';

/** The budget-compilation tech reviews (技術的関与) this project was extracted for, every year. */
export default function TechReviewsTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const { project, user } = useProjectContext();
  const headingId = useId();
  const reviews = useQuery({
    queryKey: ['tech-reviews', 'all'],
    queryFn: () => api.budget.techReviews({ limit: 1000 }),
  });
  const mine = reviews.data?.items.filter((r) => r.projectId === project.id) ?? [];
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('budget.projectTabTitle')}</h2>
      <p className="small muted">{t('budget.projectTabLead')}</p>
      {reviews.isPending ? (
        <Loading />
      ) : reviews.isError ? (
        isApiError(reviews.error) && reviews.error.status === 403 ? (
          <p>{t('budget.cannotRead')}</p>
        ) : (
          <ErrorAlert error={reviews.error} onRetry={() => void reviews.refetch()} />
        )
      ) : mine.length === 0 ? (
        <Empty>{t('budget.notExtracted')}</Empty>
      ) : (
        mine.map((r) => (
          <article key={r.id} className="card" aria-label={f.fiscalYear(r.fiscalYear)}>
            <h3>
              {t('budget.reviewsTitle', { year: f.fiscalYear(r.fiscalYear) })}{' '}
              <span className="small">{t(`budget.reviewStatus.${r.status}`)}</span>
            </h3>
            <p className="small">
              <TierBadge tier={r.tierAtExtraction} /> · {t('budget.budgetAtExtraction')}
              {f.colon}
              {f.yen(r.budgetJpyAtExtraction)}
            </p>
            <table className="table table-compact">
              <caption className="visually-hidden">{t('budget.viewpointsCaption', { name: project.name })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('budget.viewpoint')}</th>
                  <th scope="col">{t('budget.rating')}</th>
                  <th scope="col">{t('budget.comment')}</th>
                </tr>
              </thead>
              <tbody>
                {viewpoints.map((vp) => (
                  <tr key={vp}>
                    <th scope="row">{t(`budget.viewpoints.${vp}`)}</th>
                    <td>{r[vp].rating === null ? t('budget.notRated') : t('budget.ratingValue', { n: r[vp].rating })}</td>
                    <td className="canvas-text">{r[vp].comment || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h4>{t('budget.overallOpinion')}</h4>
            <p className="canvas-text">{r.overallOpinion || '—'}</p>
          </article>
        ))
      )}
      {canSeeBudgetReview(user) ? (
        <p>
          <Link to="/budget-review">{t('nav.budgetReview')}</Link>
        </p>
      ) : null}
    </section>
  );
}

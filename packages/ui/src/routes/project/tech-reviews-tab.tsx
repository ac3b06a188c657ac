import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, isApiError } from '../../api.ts';
import { canSeeBudgetReview } from '../../auth.ts';
import { Empty, ErrorAlert, Loading, TierBadge } from '../../components/common.tsx';
import { ExtractionFlags, ReflectionView, ViewpointTable } from '../../components/tech-review.tsx';
import { useFormat } from '../../format.ts';
import { useProjectContext } from '../project-page.tsx';

/** The budget-compilation tech reviews (技術的関与) this project was extracted for, every year. */
export default function TechReviewsTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const { project, user } = useProjectContext();
  const headingId = useId();
  const reviews = useQuery({
    queryKey: ['tech-reviews', 'all'],
    queryFn: () => api.budget.techReviews({}),
  });
  const mine = reviews.data?.items.filter((r) => r.projectId === project.id) ?? [];
  // Each year's reviews rate on that cycle's scale.
  const cycles = useQuery({ queryKey: ['budget-cycles'], queryFn: api.budget.cycles });
  const maxOf = (fiscalYear: number) =>
    Math.max(...(cycles.data?.find((c) => c.fiscalYear === fiscalYear)?.ratingScale.map((s) => s.value) ?? [5]));
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
            <ExtractionFlags review={r} />
            <ViewpointTable review={r} max={maxOf(r.fiscalYear)} caption={t('budget.viewpointsCaption', { name: project.name })} />
            <h4>{t('budget.overallOpinion')}</h4>
            <p className="canvas-text">{r.overallOpinion || '—'}</p>
            <ReflectionView review={r} />
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

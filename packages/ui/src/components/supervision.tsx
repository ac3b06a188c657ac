import { ratingDefinitions, ratingDimensionLabels, ratingDimensions, ratingLabels } from '@core/supervision/schemas.ts';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../format.ts';
import type { TProject, TRatings, TUser } from '../types.ts';

type TRating = TRatings['overall'];

/** A rating as a labelled badge (緑・黄・赤): the word carries the meaning, the colour only repeats it. */
export function RatingBadge({ rating }: { rating: TRating | null | undefined }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (!rating) return <span className="badge badge-rating-none">{t('supervision.notRated')}</span>;
  return <span className={`badge badge-rating-${rating}`}>{f.label(ratingLabels[rating])}</span>;
}

/** The plain-language definition of each rating, shown where ratings are chosen. */
export function RatingLegend() {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <details className="small">
      <summary>{t('supervision.ratingsLegend')}</summary>
      <dl>
        {(['green', 'amber', 'red'] as const).map((r) => (
          <div key={r}>
            <dt>
              <RatingBadge rating={r} />
            </dt>
            <dd>{f.label(ratingDefinitions[r])}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

/** Self-rating beside the assessment, one row per dimension. */
/** The caption and head of a report's milestone table (マイルストーン: 計画・見込・実績), as filed and as read. */
export function MilestoneTableHead() {
  const { t } = useTranslation();
  return (
    <>
      <caption>{t('supervision.reports.milestones')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('supervision.reports.milestone')}</th>
          <th scope="col">{t('supervision.reports.planned')}</th>
          <th scope="col">{t('supervision.reports.forecast')}</th>
          <th scope="col">{t('supervision.reports.actual')}</th>
        </tr>
      </thead>
    </>
  );
}

export function RatingsTable({ caption, self, assessed }: { caption: string; self: TRatings; assessed: TRatings | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <table className="table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('supervision.reports.dimension')}</th>
          <th scope="col">{t('supervision.reports.selfRating')}</th>
          <th scope="col">{t('supervision.reports.assessment')}</th>
        </tr>
      </thead>
      <tbody>
        {ratingDimensions.map((d) => (
          <tr key={d}>
            <th scope="row">{f.label(ratingDimensionLabels[d])}</th>
            <td>
              <RatingBadge rating={self[d]} />
            </td>
            <td>{assessed ? <RatingBadge rating={assessed[d]} /> : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Whether `user` is the consultee of `project` (mirrors the API's reviewer reach): the role the tier
 * designates, for the project's bureau (the chief CIO advisor for every bureau). The API decides; this
 * only chooses which controls to show.
 */
export function isConsulteeOf(user: Pick<TUser, 'role' | 'bureauCodes'>, project: Pick<TProject, 'reviewerRole' | 'bureauCode'>): boolean {
  if (!project.reviewerRole || user.role !== project.reviewerRole) return false;
  return user.role === 'chief_cio_advisor' || user.bureauCodes.includes(project.bureauCode);
}

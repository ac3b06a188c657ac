import { reflectionOutcomeLabels } from '@core/reviews/reflection-outcomes.ts';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../format.ts';
import type { TTechReview } from '../types.ts';
import { DateText, TableScroll } from './common.tsx';

/** A review's rating on one viewpoint, as stars over the cycle's scale and as text. */
export function Rating({ value, max }: { value: number | null; max: number }) {
  const { t } = useTranslation();
  if (value === null) return <span className="muted">{t('budget.notRated')}</span>;
  return (
    <span className="rating">
      {/* Drawn by CSS: the text beside it says the rating, and a lone symbol is text axe cannot judge. */}
      <span className="rating-stars" aria-hidden="true" data-stars={'★'.repeat(value) + '☆'.repeat(Math.max(0, max - value))} />{' '}
      {t('budget.ratingValue', { n: value, max })}
    </span>
  );
}

/** What extraction noted: 区分未設定 (extracted on its known factors) and no written canvas. */
export function ExtractionFlags({ review }: { review: Pick<TTechReview, 'isTierNotSet' | 'isCanvasMissing'> }) {
  const { t } = useTranslation();
  if (!review.isTierNotSet && !review.isCanvasMissing) return null;
  return (
    <span className="button-row">
      {review.isTierNotSet ? (
        <span className="badge badge-pending" title={t('budget.flags.tierNotSetHint')}>
          {t('budget.flags.tierNotSet')}
        </span>
      ) : null}
      {review.isCanvasMissing ? (
        <span className="badge badge-pending" title={t('budget.flags.canvasMissingHint')}>
          {t('budget.flags.canvasMissing')}
        </span>
      ) : null}
    </span>
  );
}

export function ViewpointTable({ review, caption, max }: { review: TTechReview; caption: string; max: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <TableScroll>
      <table className="table table-compact">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('budget.viewpoint')}</th>
            <th scope="col">{t('budget.rating')}</th>
            <th scope="col">{t('budget.comment')}</th>
          </tr>
        </thead>
        <tbody>
          {review.viewpoints.map((vp) => (
            <tr key={vp.id}>
              <th scope="row">{f.label(vp.label)}</th>
              <td className="nowrap">
                <Rating value={vp.rating} max={max} />
              </td>
              <td className="canvas-text">{vp.comment || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** How the budget office reflected the opinion: seen by the bureau, the DSB and the budget office. */
export function ReflectionView({ review }: { review: TTechReview }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (review.status !== 'submitted') return null;
  const r = review.reflection;
  return (
    <div className="reflection">
      <h4>{t('budget.reflection.title')}</h4>
      {r ? (
        <p>
          <span
            className={`badge badge-${r.outcome === 'reflected' ? 'approved' : r.outcome === 'partly_reflected' ? 'on_track' : 'pending'}`}
          >
            {f.label(reflectionOutcomeLabels[r.outcome])}
          </span>{' '}
          {t('budget.reflection.amountChange')}
          {f.colon}
          {r.amountChangeJpy > 0 ? '+' : ''}
          {f.yen(r.amountChangeJpy)}
          {r.comment ? (
            <>
              <br />
              <span className="canvas-text">{r.comment}</span>
            </>
          ) : null}
          <br />
          <span className="small muted">
            {r.recordedByName ?? ''} <DateText value={r.recordedAt} withTime />
          </span>
        </p>
      ) : (
        <p className="muted">{t('budget.reflection.none')}</p>
      )}
    </div>
  );
}

import '../forms/zod-locale.ts';
import { fiscalYearOf } from '@core/projects/schemas.ts';
import { ZBudgetCycleRequest } from '@core/reviews/schemas.ts';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useSearchParams } from 'react-router';
import type { z } from 'zod';
import { api, isApiError } from '../api.ts';
import { canManageTokens, canSeeBudgetReview, isAdmin, useUser } from '../auth.ts';
import { DateText, Empty, ErrorAlert, Facts, Loading, Notice, PageHeader, TableScroll, TierBadge } from '../components/common.tsx';
import { controlProps, Field, FormErrors, requiredNumber } from '../components/field.tsx';
import { useFormat } from '../format.ts';
import { applyServerErrors } from '../forms/server-errors.ts';
import { TechReviewForm, viewpoints } from '../forms/tech-review-form.tsx';
import type { TBudgetCycle, TExtraction, TTechReview } from '../types.ts';

type CycleInput = z.input<typeof ZBudgetCycleRequest>;
type CycleOutput = z.output<typeof ZBudgetCycleRequest>;

/** Tokyo's calendar (DESIGN §2.4): request late July, evaluation by late October, report in November. */
function defaultCycle(fiscalYear: number): CycleInput {
  const y = fiscalYear - 1;
  return {
    fiscalYear,
    requestDate: `${y}-07-28`,
    requestDeadline: `${y}-09-30`,
    evaluationDeadline: `${y}-10-31`,
    submissionDate: `${y}-11-10`,
  };
}

/** Opens a cycle; the new year then becomes the one shown (and in the address). */
function CycleForm({ onCreated }: { onCreated: (fiscalYear: number) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const queryClient = useQueryClient();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<CycleInput, unknown, CycleOutput>({
    resolver: zodResolver(ZBudgetCycleRequest),
    defaultValues: defaultCycle(fiscalYearOf(new Date()) + 1),
  });
  const create = useMutation({
    mutationFn: (values: CycleOutput) => api.budget.createCycle(values),
    onSuccess: (_created, values) => {
      void queryClient.invalidateQueries({ queryKey: ['budget-cycles'] });
      onCreated(values.fiscalYear);
    },
    onError: (error) =>
      setUnmatched(
        applyServerErrors(error, setError, ['fiscalYear', 'requestDate', 'requestDeadline', 'evaluationDeadline', 'submissionDate'])
          .unmatched,
      ),
  });
  const dateField = (name: 'requestDate' | 'requestDeadline' | 'evaluationDeadline' | 'submissionDate') => (
    <Field id={`${id}-${name}`} label={t(`budget.dates.${name}`)} required error={errors[name]}>
      <input type="date" {...controlProps(`${id}-${name}`, { error: errors[name] })} {...register(name)} />
    </Field>
  );
  return (
    <form className="form" noValidate onSubmit={handleSubmit((v) => create.mutate(v))} aria-label={t('budget.createCycle')}>
      <Field id={`${id}-fy`} label={t('budget.fiscalYear')} required error={errors.fiscalYear} hint={t('budget.fiscalYearHint')}>
        <input
          type="number"
          className="input-short"
          {...controlProps(`${id}-fy`, { error: errors.fiscalYear, hint: true })}
          {...register('fiscalYear', { setValueAs: requiredNumber })}
        />
      </Field>
      <div className="field-row">
        {dateField('requestDate')}
        {dateField('requestDeadline')}
      </div>
      <div className="field-row">
        {dateField('evaluationDeadline')}
        {dateField('submissionDate')}
      </div>
      {create.isError && !(isApiError(create.error) && create.error.errors.length) ? <ErrorAlert error={create.error} /> : null}
      <FormErrors messages={unmatched} />
      <button type="submit" className="button" disabled={create.isPending}>
        {t('budget.createCycle')}
      </button>
    </form>
  );
}

function CycleStatus({ cycle, admin }: { cycle: TBudgetCycle; admin: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const [extraction, setExtraction] = useState<TExtraction | null>(null);
  const extract = useMutation({
    mutationFn: () => api.budget.extract(cycle.fiscalYear),
    onSuccess: (result) => {
      setExtraction(result);
      void queryClient.invalidateQueries({ queryKey: ['budget-cycles'] });
      void queryClient.invalidateQueries({ queryKey: ['tech-reviews'] });
    },
  });
  const submit = useMutation({
    mutationFn: () => api.budget.submit(cycle.fiscalYear),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['budget-cycles'] });
      void queryClient.invalidateQueries({ queryKey: ['tech-reviews'] });
    },
  });
  const incomplete =
    isApiError(submit.error) && Array.isArray(submit.error.body.incomplete)
      ? (submit.error.body.incomplete as { id: string; projectCode: string; missing: string[] }[])
      : [];
  const missingLabel = (m: string) => {
    const [vp, part] = m.split('.');
    if (vp === 'overallOpinion') return t('budget.overallOpinion');
    return `${t(`budget.viewpoints.${vp as 'technical'}`)}${part === 'rating' ? t('budget.ratingSuffix') : ''}`;
  };
  return (
    <>
      <Facts
        items={[
          {
            term: t('budget.status'),
            value: cycle.isSubmitted ? (
              <span className="badge badge-approved">{t('budget.submitted')}</span>
            ) : (
              <span className="badge badge-pending">{t('budget.open')}</span>
            ),
          },
          { term: t('budget.dates.requestDate'), value: <DateText value={cycle.requestDate} /> },
          { term: t('budget.dates.requestDeadline'), value: <DateText value={cycle.requestDeadline} /> },
          { term: t('budget.dates.evaluationDeadline'), value: <DateText value={cycle.evaluationDeadline} /> },
          { term: t('budget.dates.submissionDate'), value: <DateText value={cycle.submissionDate} /> },
          { term: t('budget.submittedAt'), value: cycle.submittedAt ? <DateText value={cycle.submittedAt} withTime /> : '—' },
          {
            term: t('budget.reviewCounts'),
            value: t('budget.counts', {
              total: cycle.techReviews.total,
              extracted: cycle.techReviews.extracted,
              inReview: cycle.techReviews.inReview,
              submitted: cycle.techReviews.submitted,
            }),
          },
        ]}
      />
      {admin && !cycle.isSubmitted ? (
        <div className="button-row">
          <button type="button" className="button" disabled={extract.isPending} onClick={() => extract.mutate()}>
            {extract.isPending ? t('budget.extracting') : t('budget.extract')}
          </button>
          <button
            type="button"
            className="button button-secondary"
            disabled={submit.isPending || cycle.techReviews.total === 0}
            onClick={() => {
              if (window.confirm(t('budget.confirmSubmit', { year: f.fiscalYear(cycle.fiscalYear) }))) submit.mutate();
            }}
          >
            {t('budget.submit')}
          </button>
        </div>
      ) : null}
      {extract.isError ? <ErrorAlert error={extract.error} /> : null}
      {extraction ? (
        <Notice tone="success" role="status">
          <p>{t('budget.extracted', { extracted: extraction.extracted, already: extraction.alreadyExtracted, total: extraction.total })}</p>
          {extraction.comparison.previousFiscalYear ? (
            <p>
              {t('budget.comparison', {
                year: f.fiscalYear(extraction.comparison.previousFiscalYear),
                added: extraction.comparison.added.length,
                continued: extraction.comparison.continued.length,
                dropped: extraction.comparison.dropped.length,
              })}
            </p>
          ) : null}
        </Notice>
      ) : null}
      {submit.isError ? (
        incomplete.length ? (
          <div className="alert alert-error" role="alert">
            <p>{t('budget.incomplete')}</p>
            <ul>
              {incomplete.map((r) => (
                <li key={r.id}>
                  {r.projectCode}
                  {f.colon}
                  {r.missing.map(missingLabel).join(f.listSep)}
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <ErrorAlert error={submit.error} />
        )
      ) : null}
      {submit.isSuccess ? (
        <Notice tone="success" role="status">
          {t('budget.submittedNotice')}
        </Notice>
      ) : null}
    </>
  );
}

function Rating({ value }: { value: number | null }) {
  const { t } = useTranslation();
  if (value === null) return <span className="muted">{t('budget.notRated')}</span>;
  return (
    <span className="rating">
      <span aria-hidden="true">
        {'★'.repeat(value)}
        {'☆'.repeat(5 - value)}
      </span>{' '}
      {t('budget.ratingValue', { n: value })}
    </span>
  );
}

function ReviewRow({ review, canEdit }: { review: TTechReview; canEdit: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [editing, setEditing] = useState(false);
  const headingId = useId();
  return (
    <article className="card review-card" aria-labelledby={headingId}>
      <div className="card-header">
        <h3 id={headingId}>
          <Link to={`/projects/${review.projectId}`}>{review.projectName}</Link> <span className="small muted">{review.projectCode}</span>
        </h3>
        <span
          className={`badge badge-${review.status === 'submitted' ? 'approved' : review.status === 'in_review' ? 'on_track' : 'pending'}`}
        >
          {t(`budget.reviewStatus.${review.status}`)}
        </span>
      </div>
      <p className="small">
        {review.bureauName} · <TierBadge tier={review.tierAtExtraction} /> · {t('budget.budgetAtExtraction')}
        {f.colon}
        {f.yen(review.budgetJpyAtExtraction)}
        {review.reviewerName ? ` · ${t('budget.reviewer')}${f.colon}${review.reviewerName}` : ''}
      </p>
      {editing ? (
        <TechReviewForm review={review} onDone={() => setEditing(false)} />
      ) : (
        <>
          <TableScroll>
            <table className="table table-compact">
              <caption className="visually-hidden">{t('budget.viewpointsCaption', { name: review.projectName })}</caption>
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
                    <td className="nowrap">
                      <Rating value={review[vp].rating} />
                    </td>
                    <td className="canvas-text">{review[vp].comment || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <h4>{t('budget.overallOpinion')}</h4>
          <p className="canvas-text">{review.overallOpinion || <span className="muted">{t('budget.noOpinion')}</span>}</p>
          {canEdit && review.status !== 'submitted' ? (
            <button type="button" className="button button-secondary" onClick={() => setEditing(true)}>
              {t('budget.editReview')}
              <span className="visually-hidden">
                {f.colon}
                {review.projectName}
              </span>
            </button>
          ) : null}
        </>
      )}
    </article>
  );
}

export default function BudgetReview() {
  const { t } = useTranslation();
  const f = useFormat();
  const user = useUser();
  const admin = isAdmin(user);
  const id = useId();
  const cycles = useQuery({ queryKey: ['budget-cycles'], queryFn: api.budget.cycles });
  // The year is in the address (?year=2027), so a link or a reload shows the same cycle.
  const [params, setParams] = useSearchParams();
  const chosen = Number(params.get('year')) || null;
  const setChosen = (year: number) => setParams({ year: String(year) }, { replace: true });
  const fiscalYear = chosen ?? cycles.data?.[0]?.fiscalYear ?? null;
  const reviews = useQuery({
    queryKey: ['tech-reviews', fiscalYear],
    queryFn: () => api.budget.techReviews({ fiscalYear: fiscalYear!, limit: 1000 }),
    enabled: fiscalYear !== null,
  });
  if (!canSeeBudgetReview(user)) return <Navigate to="/" replace />;
  const cycle = cycles.data?.find((c) => c.fiscalYear === fiscalYear) ?? null;

  return (
    <>
      <PageHeader
        title={t('budget.title')}
        lead={t('budget.lead')}
        actions={
          canManageTokens(user) ? (
            <Link className="button button-secondary" to="/tokens">
              {t('nav.tokens')}
            </Link>
          ) : null
        }
      />
      {cycles.isPending ? (
        <Loading />
      ) : cycles.isError ? (
        <ErrorAlert error={cycles.error} onRetry={() => void cycles.refetch()} />
      ) : (
        <>
          {cycles.data.length ? (
            <div className="field">
              <label htmlFor={`${id}-fy`}>{t('budget.chooseYear')}</label>
              <select id={`${id}-fy`} className="input-short" value={fiscalYear ?? ''} onChange={(e) => setChosen(Number(e.target.value))}>
                {cycles.data.map((c) => (
                  <option key={c.fiscalYear} value={c.fiscalYear}>
                    {f.fiscalYear(c.fiscalYear)}
                  </option>
                ))}
              </select>
            </div>
          ) : (
            <Empty>{t('budget.noCycles')}</Empty>
          )}
          {cycle ? (
            <section className="card" aria-labelledby={`${id}-cycle`}>
              <h2 id={`${id}-cycle`}>{t('budget.cycleTitle', { year: f.fiscalYear(cycle.fiscalYear) })}</h2>
              <CycleStatus cycle={cycle} admin={admin} />
            </section>
          ) : null}
          {admin ? (
            <details className="disclosure">
              <summary>{t('budget.createCycle')}</summary>
              <CycleForm onCreated={setChosen} />
            </details>
          ) : null}
          {fiscalYear !== null ? (
            <section aria-labelledby={`${id}-reviews`}>
              <div className="card-header">
                <h2 id={`${id}-reviews`}>{t('budget.reviewsTitle', { year: f.fiscalYear(fiscalYear) })}</h2>
                <span className="button-row">
                  <a className="button button-secondary" href={api.budget.csvUrl(fiscalYear)} download>
                    {t('budget.csv')}
                  </a>
                  <a className="button button-secondary" href={api.budget.xlsxUrl(fiscalYear)} download>
                    {t('budget.xlsx')}
                  </a>
                </span>
              </div>
              <p className="small muted">{admin ? t('budget.adminHint') : t('budget.readerHint')}</p>
              {reviews.isPending ? (
                <Loading />
              ) : reviews.isError ? (
                <ErrorAlert error={reviews.error} onRetry={() => void reviews.refetch()} />
              ) : reviews.data.items.length === 0 ? (
                <Empty>{t('budget.noReviews')}</Empty>
              ) : (
                reviews.data.items.map((r) => <ReviewRow key={r.id} review={r} canEdit={admin} />)
              )}
            </section>
          ) : null}
        </>
      )}
    </>
  );
}

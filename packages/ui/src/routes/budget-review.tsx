import { reflectionOutcomeLabels } from '@core/reviews/reflection-outcomes.ts';
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useSearchParams } from 'react-router';
import { api, isApiError } from '../api.ts';
import { canManageTokens, canRecordReflections, canSeeBudgetReview, canWriteTechReviews, isAdmin, meQuery, useUser } from '../auth.ts';
import {
  DateText,
  Empty,
  ErrorAlert,
  Facts,
  HiddenTarget,
  Loading,
  Notice,
  PageHeader,
  TableScroll,
  TierBadge,
} from '../components/common.tsx';
import { rulesQuery, useRules } from '../components/oversight-table.ts';
import { ExtractionFlags, ReflectionView, ViewpointTable } from '../components/tech-review.tsx';
import { useFormat } from '../format.ts';
import type { TBudgetCycle, TExtraction, TTechReview } from '../types.ts';

/**
 * Who reads the page decides what it says first: the Digital Service Bureau's administrator opens
 * cycles and extracts, GovTech Tokyo writes the reviews, the budget office (財務局) reads the submitted
 * ones and records how they were reflected; anyone else only reads.
 */
type Audience = 'admin' | 'govtech' | 'budgetOffice' | 'reader';

/**
 * The extraction rule in force, in the words of its own ruleset (rules/tech-review-extraction.json,
 * `source`), so an extraction's result is read against the rule that produced it.
 */
function useExtractionRule(): { text: string; activatedAt: string | null } | null {
  const rules = useRules();
  // The response's ruleset list is typed loosely in the UI (types.ts TRulesResponse); read it defensively.
  const list: unknown[] = Array.isArray(rules.data?.rulesets) ? rules.data.rulesets : [];
  const ruleset = list.find((r): r is { name: string; title: { ja: string; en: string }; activatedAt: string | null; content: unknown } =>
    Boolean(r && typeof r === 'object' && 'name' in r && r.name === 'tech-review-extraction'),
  );
  const content = ruleset?.content;
  const source = content && typeof content === 'object' && 'source' in content ? content.source : null;
  if (!ruleset || typeof source !== 'string') return null;
  return { text: source, activatedAt: ruleset.activatedAt };
}

function CycleStatus({ cycle, admin }: { cycle: TBudgetCycle; admin: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const [extraction, setExtraction] = useState<TExtraction | null>(null);
  const rule = useExtractionRule();
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
  const viewpointLabel = new Map(cycle.viewpoints.map((v) => [v.id, f.label(v.label)]));
  const missingLabel = (m: string) => {
    const [head, vp, part] = m.split('.');
    if (head === 'overallOpinion') return t('budget.overallOpinion');
    return `${viewpointLabel.get(vp ?? '') ?? vp}${part === 'rating' ? t('budget.ratingSuffix') : ''}`;
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
          ...(cycle.isSubmitted
            ? [
                {
                  term: t('budget.reflection.count'),
                  value: t('budget.reflection.counts', { reflected: cycle.techReviews.reflected, total: cycle.techReviews.submitted }),
                },
              ]
            : []),
          { term: t('budget.viewpointsOfCycle'), value: cycle.viewpoints.map((v) => f.label(v.label)).join(f.listSep) },
        ]}
      />
      {rule ? (
        // Under the facts, not in their grid: the rule is a sentence, too long for a fact's column.
        <p className="small extraction-rule">
          <strong>{t('plainWords.extractionRule')}</strong>
          {f.colon}
          {rule.text}
          {rule.activatedAt ? f.paren(t('rules.activatedAt', { when: f.date(rule.activatedAt) })) : ''}
        </p>
      ) : null}
      <Milestones cycle={cycle} />
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
        // Nothing new extracted is news to read, not a success to tick off: said with the rule that found nothing.
        <Notice tone={extraction.extracted > 0 ? 'success' : 'info'} role="status">
          <p>
            {extraction.extracted > 0
              ? t('budget.extracted', { extracted: extraction.extracted, already: extraction.alreadyExtracted, total: extraction.total })
              : t('plainWords.extractedNone', { already: extraction.alreadyExtracted })}
          </p>
          {rule ? <p className="small">{t('plainWords.extractedBy', { rule: rule.text })}</p> : null}
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

/** The cycle's steps on slide 83's calendar, each late step with its warning. */
function Milestones({ cycle }: { cycle: TBudgetCycle }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <>
      <h3>{t('budget.milestones.title')}</h3>
      <ol className="milestones">
        {cycle.milestones.map((m) => (
          <li key={m.key} className={`milestone milestone-${m.status}`}>
            <span className={`badge badge-${m.status === 'done' ? 'approved' : m.status === 'late' ? 'returned' : 'pending'}`}>
              {t(`budget.milestones.${m.status}`)}
            </span>{' '}
            <strong>{f.label(m.label)}</strong> <DateText value={m.date} />
            {m.warning ? (
              <span className="milestone-warning" role="note">
                {' '}
                {f.label(m.warning)}
              </span>
            ) : null}
          </li>
        ))}
      </ol>
    </>
  );
}

/** The year-on-year comparison of the list, readable before and after it is frozen. */
function Comparison({ fiscalYear }: { fiscalYear: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const headingId = useId();
  const comparison = useQuery(comparisonQuery(fiscalYear));
  if (comparison.isPending) return null;
  if (comparison.isError)
    return isApiError(comparison.error) && comparison.error.status === 403 ? null : <ErrorAlert error={comparison.error} />;
  const c = comparison.data;
  if (c.previousFiscalYear === null) return null;
  const rows = [
    { key: 'added', codes: c.added },
    { key: 'continued', codes: c.continued },
    { key: 'dropped', codes: c.dropped },
  ] as const;
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>{t('budget.comparisonTitle', { year: f.fiscalYear(c.previousFiscalYear) })}</h3>
      <TableScroll>
        <table className="table table-compact">
          <caption className="visually-hidden">{t('budget.comparisonTitle', { year: f.fiscalYear(c.previousFiscalYear) })}</caption>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <th scope="row">{t(`budget.comparisonRows.${row.key}`)}</th>
                <td className="numeric">{row.codes.length}</td>
                <td className="small">{row.codes.join(f.listSep) || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

/** Reflection outcomes of every submitted cycle, latest year first. */
function ReflectionOutcomes() {
  const { t } = useTranslation();
  const f = useFormat();
  const headingId = useId();
  const outcomes = useQuery(reflectionOutcomesQuery);
  if (outcomes.isPending) return <Loading />;
  if (outcomes.isError) return <ErrorAlert error={outcomes.error} onRetry={() => void outcomes.refetch()} />;
  if (outcomes.data.length === 0) return null;
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('budget.reflection.yearOnYear')}</h2>
      <TableScroll>
        <table className="table">
          <caption className="visually-hidden">{t('budget.reflection.yearOnYear')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('budget.fiscalYear')}</th>
              <th scope="col">{t('budget.reflection.submitted')}</th>
              <th scope="col">{f.label(reflectionOutcomeLabels.reflected)}</th>
              <th scope="col">{f.label(reflectionOutcomeLabels.partly_reflected)}</th>
              <th scope="col">{f.label(reflectionOutcomeLabels.not_reflected)}</th>
              <th scope="col">{t('budget.reflection.unrecorded')}</th>
              <th scope="col">{t('budget.reflection.amountChangeTotal')}</th>
            </tr>
          </thead>
          <tbody>
            {outcomes.data.map((y) => (
              <tr key={y.fiscalYear}>
                <th scope="row">{f.fiscalYear(y.fiscalYear)}</th>
                <td className="numeric">{y.submitted}</td>
                <td className="numeric">{y.reflected}</td>
                <td className="numeric">{y.partlyReflected}</td>
                <td className="numeric">{y.notReflected}</td>
                <td className="numeric">{y.unrecorded}</td>
                <td className="numeric">{f.yen(y.amountChangeJpy)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

function ReviewRow({
  review,
  cycle,
  canEdit,
  canReflect,
}: {
  review: TTechReview;
  cycle: TBudgetCycle;
  canEdit: boolean;
  canReflect: boolean;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const [editing, setEditing] = useState<'review' | 'reflection' | null>(null);
  const headingId = useId();
  const max = Math.max(...cycle.ratingScale.map((r) => r.value));
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
      <ExtractionFlags review={review} />
      {editing === 'review' ? (
        <Suspense fallback={<Loading />}>
          <TechReviewForm review={review} cycle={cycle} onDone={() => setEditing(null)} />
        </Suspense>
      ) : (
        <>
          <ViewpointTable review={review} max={max} caption={t('budget.viewpointsCaption', { name: review.projectName })} />
          <h4>{t('budget.overallOpinion')}</h4>
          <p className="canvas-text">{review.overallOpinion || <span className="muted">{t('budget.noOpinion')}</span>}</p>
          {canEdit && review.status !== 'submitted' ? (
            <button type="button" className="button button-secondary" onClick={() => setEditing('review')}>
              {t('budget.editReview')}
              <HiddenTarget name={review.projectName} />
            </button>
          ) : null}
        </>
      )}
      {editing === 'reflection' ? (
        <Suspense fallback={<Loading />}>
          <ReflectionForm review={review} onDone={() => setEditing(null)} />
        </Suspense>
      ) : (
        <>
          <ReflectionView review={review} />
          {canReflect && review.status === 'submitted' ? (
            <button type="button" className="button button-secondary" onClick={() => setEditing('reflection')}>
              {review.reflection ? t('budget.reflection.edit') : t('budget.reflection.record')}
              <HiddenTarget name={review.projectName} />
            </button>
          ) : null}
        </>
      )}
    </article>
  );
}

// The forms (and zod, which checks them) load when one opens, not before the page's first drawing (performance §4.9).
const CycleForm = lazy(() => import('../forms/cycle-form.tsx').then((m) => ({ default: m.CycleForm })));
const ReflectionForm = lazy(() => import('../forms/reflection-form.tsx').then((m) => ({ default: m.ReflectionForm })));
const TechReviewForm = lazy(() => import('../forms/tech-review-form.tsx').then((m) => ({ default: m.TechReviewForm })));

const cyclesQuery = { queryKey: ['budget-cycles'], queryFn: api.budget.cycles };
const techReviewsQuery = (fiscalYear: number) => ({
  queryKey: ['tech-reviews', fiscalYear],
  queryFn: () => api.budget.techReviews({ fiscalYear }),
});
const comparisonQuery = (fiscalYear: number) => ({
  queryKey: ['tech-reviews', 'comparison', fiscalYear],
  queryFn: () => api.budget.comparison(fiscalYear),
});
const reflectionOutcomesQuery = { queryKey: ['reflection-outcomes'], queryFn: api.budget.reflectionOutcomes };

/** The year is in the address (?year=2027), so a link or a reload shows the same cycle. */
const chosenYear = (params: URLSearchParams) => Number(params.get('year')) || null;

/** The cycle the page shows: the one chosen, or else the budget office's latest submitted (評価書提出) cycle, or else the latest. */
function yearShown(chosen: number | null, cycles: readonly TBudgetCycle[] | undefined, reflector: boolean): number | null {
  const shownFirst = reflector ? (cycles?.find((c) => c.isSubmitted) ?? cycles?.[0]) : cycles?.[0];
  return chosen ?? shownFirst?.fiscalYear ?? null;
}

/**
 * The cycles, then the year's reviews and comparison, the reflection outcomes and the rules, fetched
 * with the screen's code so that the page is first drawn with them (app.tsx preloadScreensFor,
 * performance §4.9).
 */
export async function prefetchScreen(queryClient: QueryClient, url: URL): Promise<void> {
  const [user, cycles] = await Promise.all([queryClient.fetchQuery(meQuery), queryClient.fetchQuery(cyclesQuery)]);
  if (!user || !canSeeBudgetReview(user)) return;
  const fiscalYear = yearShown(chosenYear(url.searchParams), cycles, canRecordReflections(user));
  await Promise.all([
    queryClient.prefetchQuery(rulesQuery),
    queryClient.prefetchQuery(reflectionOutcomesQuery),
    ...(fiscalYear === null ? [] : [queryClient.prefetchQuery(techReviewsQuery(fiscalYear))]),
    // The comparison shows under a cycle that exists.
    ...(cycles.some((c) => c.fiscalYear === fiscalYear) ? [queryClient.prefetchQuery(comparisonQuery(fiscalYear!))] : []),
  ]);
}

export default function BudgetReview() {
  const { t } = useTranslation();
  const f = useFormat();
  const user = useUser();
  const admin = isAdmin(user);
  const writer = canWriteTechReviews(user);
  const reflector = canRecordReflections(user);
  const id = useId();
  const cycles = useQuery(cyclesQuery);
  const [params, setParams] = useSearchParams();
  const chosen = chosenYear(params);
  const setChosen = (year: number) => setParams({ year: String(year) }, { replace: true });
  const fiscalYear = yearShown(chosen, cycles.data, reflector);
  // The year shown is always in the address, also when the page chose it, so a copied link shows the same cycle.
  useEffect(() => {
    if (chosen === null && fiscalYear !== null) setParams({ year: String(fiscalYear) }, { replace: true });
  }, [chosen, fiscalYear, setParams]);
  const reviews = useQuery({ ...techReviewsQuery(fiscalYear ?? 0), enabled: fiscalYear !== null });
  if (!canSeeBudgetReview(user)) return <Navigate to="/" replace />;
  const cycle = cycles.data?.find((c) => c.fiscalYear === fiscalYear) ?? null;
  const audience: Audience = admin ? 'admin' : writer ? 'govtech' : reflector ? 'budgetOffice' : 'reader';

  return (
    <>
      <PageHeader
        title={t('budget.title')}
        lead={t(`plainWords.budgetLead.${audience}`)}
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
            <Empty>{t(`plainWords.noCycles.${audience}`)}</Empty>
          )}
          {cycle ? (
            <section className="card" aria-labelledby={`${id}-cycle`}>
              <h2 id={`${id}-cycle`}>{t('budget.cycleTitle', { year: f.fiscalYear(cycle.fiscalYear) })}</h2>
              <CycleStatus cycle={cycle} admin={admin} />
              <Comparison fiscalYear={cycle.fiscalYear} />
            </section>
          ) : null}
          {admin ? (
            <details className="disclosure">
              <summary>{t('budget.createCycle')}</summary>
              <Suspense fallback={<Loading />}>
                <CycleForm onCreated={setChosen} />
              </Suspense>
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
              <p className="small muted">
                {writer
                  ? t('budget.writerHint')
                  : admin
                    ? t('budget.adminHint')
                    : reflector
                      ? t('budget.reflectorHint')
                      : t('budget.readerHint')}
              </p>
              {reflector && cycle && !cycle.isSubmitted ? (
                <Notice>{t('budget.notSubmittedYet', { date: f.date(cycle.submissionDate) })}</Notice>
              ) : null}
              {reviews.isPending ? (
                <Loading />
              ) : reviews.isError ? (
                <ErrorAlert error={reviews.error} onRetry={() => void reviews.refetch()} />
              ) : reviews.data.items.length === 0 ? (
                <Empty>{t(`plainWords.noReviews.${audience}`)}</Empty>
              ) : (
                cycle &&
                reviews.data.items.map((r) => <ReviewRow key={r.id} review={r} cycle={cycle} canEdit={writer} canReflect={reflector} />)
              )}
            </section>
          ) : null}
          <ReflectionOutcomes />
        </>
      )}
    </>
  );
}

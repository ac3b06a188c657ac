import { roleLabels } from '@core/registry/lists.ts';
import type { TReviewerRole } from '@core/rules/schemas.ts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../api.ts';
import { describeError } from '../errors.ts';
import { formatManYen, useFormat } from '../format.ts';
import type { TOversightEvaluation, TOversightFactor } from '../types.ts';
import { TierBadge } from './common.tsx';
import { describeCondition, type TFactorDef, type TTierChange, whatWouldChange } from './oversight-changes.ts';
import { type TOversightTable, useOversightTable } from './oversight-table.ts';

/** `sha256:3152a…` → `3152a1b2`: enough to tell rulesets apart. */
export const shortVersion = (version: string) => version.replace(/^sha256:/, '').slice(0, 8);

// Where screens and tests have always found them.
export { oversightTableFrom, rulesQuery, type TOversightTable, useOversightTable, useRules } from './oversight-table.ts';

export function useDebounced<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

function useReviewerLabel(table: TOversightTable) {
  const f = useFormat();
  const { t } = useTranslation();
  return (tier: number | null) => {
    if (tier === null) return t('oversight.reviewerUnknown');
    const reviewer = table.reviewers.find((r) => r.tier === tier);
    return reviewer ? f.label(reviewer.label) : '—';
  };
}

function useValueFormatter() {
  const f = useFormat();
  return (input: TFactorDef['input'], value: unknown): string => {
    if (value === null || value === undefined) return '—';
    if (input === 'budgetJpy' && typeof value === 'number') return f.lang === 'en' ? f.yen(value) : formatManYen(value, 'ja');
    if (input === 'maxDowntimeHours' && typeof value === 'number') return f.hours(value);
    return String(value);
  };
}

type TranslateFactor = (key: 'oversight.factor.budget' | 'oversight.factor.downtime' | 'oversight.factor.confidentiality') => string;

function factorName(t: TranslateFactor, factor: TOversightFactor['factor']): string {
  return t(`oversight.factor.${factor}`);
}

function ChangeList({ changes, table }: { changes: TTierChange[]; table: TOversightTable }) {
  const { t } = useTranslation();
  const f = useFormat();
  const formatValue = useValueFormatter();
  const reviewerLabel = useReviewerLabel(table);
  if (!changes.length) return <p>{t('oversight.noChange')}</p>;
  return (
    <ul className="change-list">
      {changes.map((change) => {
        const condition = change.bandLabel
          ? `「${f.label(change.bandLabel)}」`
          : change.conditions
              .map((c) => describeCondition(change.input, c, { lang: f.lang, formatValue }))
              .join(f.lang === 'en' ? ' and ' : 'かつ');
        const key =
          change.direction === 'down' ? 'oversight.changeDown' : change.bandLabel ? 'oversight.changeIfGiven' : 'oversight.changeUp';
        return (
          <li key={`${change.factor}-${change.direction}-${change.toTier}`}>
            {t(key, { factor: factorName(t, change.factor), condition, tier: change.toTier, reviewer: reviewerLabel(change.toTier) })}
          </li>
        );
      })}
    </ul>
  );
}

/** The full explanation of one evaluation: result, reviewer, every factor, and what would change it. */
export function OversightExplanation({
  evaluation,
  headingLevel = 3,
  showChanges = true,
}: {
  evaluation: TOversightEvaluation;
  headingLevel?: 2 | 3 | 4;
  showChanges?: boolean;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const table = useOversightTable();
  const reviewerLabel = useReviewerLabel(table);
  const formatValue = useValueFormatter();
  const Heading = `h${headingLevel}` as 'h3';
  const drivers = evaluation.factors.filter((x) => x.drives && evaluation.tier !== null);
  const changes = showChanges ? whatWouldChange(evaluation, table.factors) : [];
  return (
    <div className="oversight">
      <div className="oversight-result">
        <div>
          <p className="oversight-label">{t('oversight.tier')}</p>
          <p className="oversight-tier">
            <TierBadge tier={evaluation.tier} />
          </p>
        </div>
        <div>
          <p className="oversight-label">{t('oversight.reviewer')}</p>
          <p className="oversight-value">{reviewerLabel(evaluation.tier)}</p>
        </div>
        <div>
          <p className="oversight-label">{t('oversight.drivenBy')}</p>
          <p className="oversight-value">
            {drivers.length ? drivers.map((d) => factorName(t, d.factor)).join(f.lang === 'en' ? ', ' : '・') : '—'}
          </p>
        </div>
      </div>
      {evaluation.tier === null ? (
        <p className="oversight-missing">
          {t('oversight.notSet', {
            missing: evaluation.missing
              .map((input) => {
                const factor = evaluation.factors.find((x) => x.input === input)?.factor;
                return factor ? factorName(t, factor) : input;
              })
              .join(f.listSep),
            lowerBound: evaluation.lowerBound,
          })}
        </p>
      ) : null}
      <Heading className="oversight-subheading">{t('oversight.factors')}</Heading>
      {/* Each factor is two rows, its reason written under it across the table: a fourth column
          squeezed the reason to a few characters a line in the registration form's preview, and on
          a phone past the screen's edge. */}
      <table className="table table-compact oversight-factors">
        <caption className="visually-hidden">{t('oversight.factorsCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('oversight.colFactor')}</th>
            <th scope="col">{t('oversight.colValue')}</th>
            <th scope="col">{t('oversight.colTier')}</th>
          </tr>
        </thead>
        {evaluation.factors.map((factor) => (
          <tbody key={factor.factor} className={factor.drives && evaluation.tier !== null ? 'row-emphasis' : undefined}>
            <tr>
              <th scope="row">
                {factorName(t, factor.factor)}
                {factor.drives && evaluation.tier !== null ? <span className="tag">{t('oversight.drives')}</span> : null}
              </th>
              <td>{factor.value === null ? t('oversight.notGiven') : formatValue(factor.input, factor.value)}</td>
              <td>{factor.tier === null ? '—' : t('tier.label', { tier: factor.tier })}</td>
            </tr>
            <tr className="oversight-reason">
              <td colSpan={3}>
                <span className="visually-hidden">
                  {t('oversight.colReason')}
                  {f.colon}
                </span>
                {f.lang === 'en' ? factor.reason : factor.reasonJa}
              </td>
            </tr>
          </tbody>
        ))}
      </table>
      {showChanges ? (
        <>
          <Heading className="oversight-subheading">{t('oversight.whatWouldChange')}</Heading>
          <ChangeList changes={changes} table={table} />
        </>
      ) : null}
      <details className="technical-details small muted">
        <summary>{t('plainWords.rulesetVersionDetails')}</summary>
        <p>
          {t('plainWords.rulesetVersion')}
          {f.colon}
          <code lang="en">{shortVersion(evaluation.rulesetVersion)}</code>
        </p>
      </details>
    </div>
  );
}

export type TOversightInputs = { budgetJpy: number | null; maxDowntimeHours: number | null; confidentiality: 'A' | 'B' | 'C' | null };

const validNumber = (value: unknown, max: number) =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= max ? value : null;

/** Keep only inputs the API would accept, so a half-typed value previews as "not given". */
export function cleanOversightInputs(raw: {
  budgetJpy?: unknown;
  maxDowntimeHours?: unknown;
  confidentiality?: unknown;
}): TOversightInputs {
  const budget = validNumber(raw.budgetJpy, 9_000_000_000_000_000);
  return {
    budgetJpy: budget !== null && Number.isInteger(budget) ? budget : null,
    maxDowntimeHours: validNumber(raw.maxDowntimeHours, 8760),
    confidentiality: raw.confidentiality === 'A' || raw.confidentiality === 'B' || raw.confidentiality === 'C' ? raw.confidentiality : null,
  };
}

/** Live preview of the tier for inputs being typed: debounced POST /oversight/evaluate. */
/** The preview's cache key for some inputs: their JSON, so inputs equal in content share an answer. */
export const oversightPreviewKey = (inputs: TOversightInputs) => JSON.stringify(inputs);

/**
 * The preview's evaluation of the inputs a key names: a screen that opens with a preview asks for
 * its first one with its code (the rules page's what-if, `prefetchScreen` in routes/rules.tsx).
 */
export const oversightPreviewQuery = (inputsKey: string) => ({
  queryKey: ['oversight-preview', inputsKey],
  queryFn: ({ signal }: { signal: AbortSignal }) => api.oversight.evaluate(JSON.parse(inputsKey) as TOversightInputs, signal),
  staleTime: 5 * 60_000,
});

export function OversightPreview({
  inputs,
  title,
  inForce,
}: {
  inputs: TOversightInputs;
  title?: string;
  /** When editing: the tier in force, which a lower evaluation does not replace without consent (decision 0008). */
  inForce?: { tier: number | null; reviewerRole: TReviewerRole | null };
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const headingId = useId();
  // Compare by content: the inputs object is new on every render of the form.
  const key = oversightPreviewKey(inputs);
  const debouncedKey = useDebounced(key, 400);
  const query = useQuery({ ...oversightPreviewQuery(debouncedKey), placeholderData: keepPreviousData });
  const isStale = query.isFetching || debouncedKey !== key;
  return (
    <section className="card oversight-preview" aria-labelledby={headingId} aria-busy={isStale}>
      <h2 id={headingId}>{title ?? t('oversight.previewTitle')}</h2>
      <p className="small muted">{t('oversight.previewLead')}</p>
      <p className="visually-hidden" aria-live="polite">
        {query.data && !isStale
          ? query.data.tier === null
            ? t('oversight.announceUnset')
            : t('oversight.announce', { tier: query.data.tier })
          : ''}
      </p>
      {query.isError ? (
        <p className="alert alert-error">
          {isApiError(query.error) && query.error.status === 404 ? t('oversight.previewUnavailable') : describeError(query.error, t)}
        </p>
      ) : query.data ? (
        <div className={isStale ? 'is-updating' : undefined}>
          {inForce?.tier && inForce.reviewerRole && (query.data.tier ?? 0) < inForce.tier ? (
            <p className="alert alert-warning">
              {t('oversight.decreaseNeedsConsent', {
                from: inForce.tier,
                reviewer: f.label(roleLabels[inForce.reviewerRole]),
              })}
            </p>
          ) : null}
          <OversightExplanation evaluation={query.data} headingLevel={3} />
        </div>
      ) : (
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" />
          {t('oversight.evaluating')}
        </p>
      )}
    </section>
  );
}

import { stageLabels } from '@core/registry/lists.ts';
import { useIsFetching } from '@tanstack/react-query';
import { type ReactNode, Suspense, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../errors.ts';
import { useFormat } from '../format.ts';
import type { TStage } from '../types.ts';

/** Sets the window title; every screen has one <h1> with the same words. */
export function useDocumentTitle(title: string) {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${title} | ${t('common.appName')}`;
  }, [title, t]);
}

export function PageHeader({ title, lead, actions }: { title: string; lead?: ReactNode; actions?: ReactNode }) {
  useDocumentTitle(title);
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {lead ? <p className="lead">{lead}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </div>
  );
}

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('common.loading')}
    </p>
  );
}

/** Where a chart will be, at its size, while its code loads: the page below it does not jump. */
export function ChartPlaceholder() {
  const { t } = useTranslation();
  return (
    <div className="chart chart-placeholder">
      <Loading label={t('kpi.chartLoading')} />
    </div>
  );
}

export function ErrorAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert">
      <p>{describeError(error, t)}</p>
      {onRetry ? (
        <button type="button" className="button button-secondary" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}

export function Notice({ tone = 'info', children, role }: { tone?: 'info' | 'success' | 'warning'; children: ReactNode; role?: 'status' }) {
  return (
    <div className={`alert alert-${tone}`} role={role}>
      {children}
    </div>
  );
}

/** もっと見る under a paged list while the server has more; pressed again while a page loads, it waits. */
export function LoadMore({
  query,
}: {
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> };
}) {
  const { t } = useTranslation();
  if (!query.hasNextPage) return null;
  return (
    <button
      type="button"
      className="button button-secondary"
      onClick={() => void query.fetchNextPage()}
      disabled={query.isFetchingNextPage}
    >
      {t('common.loadMore')}
    </button>
  );
}

/** Words only a screen reader hears after a row's button, saying which row it acts on (編集：山田 太郎). */
export function HiddenTarget({ name }: { name: ReactNode }) {
  const f = useFormat();
  return (
    <span className="visually-hidden">
      {f.colon}
      {name}
    </span>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function TierBadge({ tier }: { tier: number | null | undefined }) {
  const { t } = useTranslation();
  if (tier === null || tier === undefined) return <span className="badge badge-tier-unset">{t('tier.unset')}</span>;
  return <span className={`badge badge-tier-${tier}`}>{t('tier.label', { tier })}</span>;
}

export function StageBadge({ stage }: { stage: TStage }) {
  const f = useFormat();
  return <span className={`badge badge-stage badge-stage-${stage}`}>{f.label(stageLabels[stage], stage)}</span>;
}

/** A run of label/value pairs. */
export function Facts({ items }: { items: { term: ReactNode; value: ReactNode }[] }) {
  return (
    <dl className="facts">
      {items.map((item, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the list is fixed per render
        <div key={i}>
          <dt>{item.term}</dt>
          <dd>{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function DateText({ value, withTime = false }: { value: string | null | undefined; withTime?: boolean }) {
  const f = useFormat();
  if (!value) return <>—</>;
  return <time dateTime={value}>{withTime ? f.dateTime(value) : f.date(value)}</time>;
}

/** A wide table's horizontal scroller: focusable so keyboard users can scroll it (axe scrollable-region-focusable). */
export function TableScroll({ label, children }: { label?: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus to be scrolled by keyboard
    // biome-ignore lint/a11y/useSemanticElements: a fieldset would announce a form group; this only labels a scroller
    <div className="table-scroll" tabIndex={0} role="group" aria-label={label ?? t('common.scrollTable')}>
      {children}
    </div>
  );
}

/**
 * The arrow between a value before and after a change: drawn by CSS (a lone → is text that contrast
 * checkers cannot judge), read as 「から」/"to".
 */
export function ChangeArrow() {
  const { t } = useTranslation();
  return (
    <span className="change-arrow">
      <span className="visually-hidden">{t('common.changedTo')}</span>
    </span>
  );
}

/**
 * A page of independent sections, shown at once when their data has arrived: each section filling
 * in on its own pushed the ones below it down, one after another (layout shift). Until nothing has
 * been fetching for a moment (dependent queries start a tick after the ones they need), the
 * sections are laid out but invisible under one loading line; after `maxWaitMs` they show anyway.
 */
export function ArriveTogether({ children, maxWaitMs = 4000 }: { children: ReactNode; maxWaitMs?: number }) {
  const fetching = useIsFetching();
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (ready) return;
    const timer = setTimeout(() => setReady(true), fetching ? maxWaitMs : 120);
    return () => clearTimeout(timer);
  }, [fetching, ready, maxWaitMs]);
  useEffect(() => {
    const cap = setTimeout(() => setReady(true), maxWaitMs);
    return () => clearTimeout(cap);
  }, [maxWaitMs]);
  return (
    <div className="arrive-together" aria-busy={ready ? undefined : true}>
      {ready ? null : (
        <div className="arrive-together-loading">
          <Loading />
        </div>
      )}
      <div className={ready ? undefined : 'arrive-together-pending'}>{children}</div>
    </div>
  );
}

/**
 * A chart drawn when it comes near the screen: until then (and while its code loads) a placeholder
 * of its height holds its place. The charts are the heaviest thing a page renders, and one further
 * down than the reader scrolls costs a slow phone seconds of script for nothing.
 */
export function LazyChart({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [near, setNear] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (near || !element) return;
    if (typeof IntersectionObserver === 'undefined') {
      setNear(true);
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setNear(true);
      },
      { rootMargin: '200px 0px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [near]);
  // Not yet near: an empty box of the chart's height (not a loading indicator — nothing is loading).
  return near ? (
    <Suspense fallback={<ChartPlaceholder />}>{children}</Suspense>
  ) : (
    <div ref={ref} className="chart chart-placeholder" aria-hidden="true" />
  );
}

import { Component, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../errors.ts';

function Fallback({ error, onReset }: { error: unknown; onReset: () => void }) {
  const { t } = useTranslation();
  // A failed lazy chunk (after a new deployment) needs a full reload, not a re-render.
  const isChunk = error instanceof Error && /dynamically imported module|Importing a module script failed|chunk/i.test(error.message);
  return (
    <div className="alert alert-error" role="alert">
      <h2>{t('errors.pageFailed')}</h2>
      <p>{isChunk ? t('errors.chunkFailed') : describeError(error, t)}</p>
      <p className="button-row">
        <button type="button" className="button" onClick={() => (isChunk ? window.location.reload() : onReset())}>
          {t('common.retry')}
        </button>
        <a className="button button-secondary" href="/">
          {t('nav.home')}
        </a>
      </p>
    </div>
  );
}

/** Keeps one broken screen from blanking the whole app. */
export class RouteErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    if (this.state.error) return <Fallback error={this.state.error} onReset={() => this.setState({ error: null })} />;
    return this.props.children;
  }
}

/** The router's own error element (unknown failures while matching or rendering a route). */
export function RouterErrorPage() {
  const { t } = useTranslation();
  return (
    <main id="main" className="site-main">
      <h1>{t('errors.pageFailed')}</h1>
      <p>{t('errors.generic')}</p>
      <p>
        <a className="button" href="/">
          {t('nav.home')}
        </a>
      </p>
    </main>
  );
}

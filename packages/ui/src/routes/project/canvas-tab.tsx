import { canvasFields } from '@core/canvas/fields.ts';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, lazy, Suspense, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import type { PrefetchScreen } from '../../app.tsx';
import { useBureauName } from '../../components/bureaus.ts';
import { CanvasDiff } from '../../components/canvas-diff.tsx';
import { CanvasGrid } from '../../components/canvas-grid.tsx';
import { DateText, Empty, ErrorAlert, Loading, Notice, TableScroll } from '../../components/common.tsx';
import { useFormat } from '../../format.ts';
import type { TProject } from '../../types.ts';
import { useProjectContext } from '../project-page.tsx';
import { canvasQuery, kpisQuery, useCanvas, useKpis } from './project-queries.ts';

/** What the header cells show until someone writes them: the registered name and bureau. */
export function useCanvasDefaults(project: TProject) {
  const bureauName = useBureauName();
  return { projectName: project.name, department: bureauName(project.bureauCode) };
}

function Revisions({ projectId, latest }: { projectId: string; latest: number }) {
  const { t } = useTranslation();
  const id = useId();
  const revisions = useQuery({
    queryKey: ['project', projectId, 'canvas', 'revisions', latest],
    queryFn: () => api.canvas.revisions(projectId),
  });
  const [pair, setPair] = useState<{ a: number; b: number } | null>(null);
  const [a, setA] = useState<string>('');
  const [b, setB] = useState<string>('');
  const revA = useQuery({
    queryKey: ['project', projectId, 'canvas', 'revision', pair?.a],
    queryFn: () => api.canvas.revision(projectId, pair!.a),
    enabled: Boolean(pair),
  });
  const revB = useQuery({
    queryKey: ['project', projectId, 'canvas', 'revision', pair?.b],
    queryFn: () => api.canvas.revision(projectId, pair!.b),
    enabled: Boolean(pair),
  });

  if (revisions.isPending) return <Loading />;
  if (revisions.isError) return <ErrorAlert error={revisions.error} />;
  if (revisions.data.length === 0) return <Empty>{t('canvas.noRevisions')}</Empty>;

  const list = revisions.data;
  const valueA = a || String(list[1]?.revision ?? list[0]!.revision);
  const valueB = b || String(list[0]!.revision);
  const onCompare = (event: FormEvent) => {
    event.preventDefault();
    const x = Number(valueA);
    const y = Number(valueB);
    setPair({ a: Math.min(x, y), b: Math.max(x, y) });
  };
  return (
    <>
      <TableScroll>
        <table className="table table-compact">
          <caption className="visually-hidden">{t('canvas.revisionsTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('canvas.revision')}</th>
              <th scope="col">{t('history.at')}</th>
              <th scope="col">{t('history.actor')}</th>
              <th scope="col">{t('canvas.writtenState')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => (
              <tr key={r.revision}>
                <td>{t('canvas.revisionN', { n: r.revision })}</td>
                <td>
                  <DateText value={r.createdAt} withTime />
                </td>
                <td>{r.createdByName ?? '—'}</td>
                <td>{r.isWritten ? t('canvas.written') : t('canvas.notWritten')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {list.length > 1 ? (
        <form className="inline-form" onSubmit={onCompare} aria-label={t('canvas.compareLabel')}>
          {(
            [
              ['a', t('canvas.compareFrom'), valueA, setA],
              ['b', t('canvas.compareTo'), valueB, setB],
            ] as const
          ).map(([side, label, value, set]) => (
            <div key={side} className="field">
              <label htmlFor={`${id}-${side}`}>{label}</label>
              <select id={`${id}-${side}`} value={value} onChange={(e) => set(e.target.value)}>
                {list.map((r) => (
                  <option key={r.revision} value={r.revision}>
                    {t('canvas.revisionN', { n: r.revision })}
                  </option>
                ))}
              </select>
            </div>
          ))}
          <button type="submit" className="button button-secondary">
            {t('canvas.compare')}
          </button>
        </form>
      ) : null}
      {pair ? (
        revA.isPending || revB.isPending ? (
          <Loading />
        ) : revA.isError || revB.isError ? (
          <ErrorAlert error={revA.error ?? revB.error} />
        ) : (
          <CanvasDiff before={revA.data} after={revB.data} />
        )
      ) : null}
    </>
  );
}

/** The canvas and the KPIs it lists, fetched with the tab's code so that the tab is first drawn with them (performance §4.9). */
export const prefetchScreen: PrefetchScreen = async (queryClient, _url, { id }) => {
  if (id) await Promise.all([queryClient.prefetchQuery(canvasQuery(id)), queryClient.prefetchQuery(kpisQuery(id))]);
};

// The editor (and zod, which checks it) loads when someone starts editing (performance §4.9).
const CanvasForm = lazy(() => import('../../forms/canvas-form.tsx').then((m) => ({ default: m.CanvasForm })));

export default function CanvasTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const { project, canWrite } = useProjectContext();
  const canvas = useCanvas(project.id);
  const kpis = useKpis(project.id);
  const defaults = useCanvasDefaults(project);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const headingId = useId();
  const historyId = useId();

  if (canvas.isPending) return <Loading />;
  if (canvas.isError) return <ErrorAlert error={canvas.error} onRetry={() => void canvas.refetch()} />;
  const data = canvas.data;
  const missing = data.missingKeyItems.map((key) => f.label(canvasFields.find((c) => c.key === key)!, key));

  return (
    <>
      <section aria-labelledby={headingId}>
        <div className="card-header">
          <h2 id={headingId}>{t('canvas.title')}</h2>
          <div className="button-row button-row-tight">
            {canWrite && !editing ? (
              <button
                type="button"
                className="button"
                onClick={() => {
                  setSaved(false);
                  setEditing(true);
                }}
              >
                {t('canvas.edit')}
              </button>
            ) : null}
            {!editing ? (
              <Link className="button button-secondary" to={`/projects/${project.id}/canvas/print`}>
                {t('canvas.printView')}
              </Link>
            ) : null}
          </div>
        </div>
        <p className="small muted">
          {data.revision === 0
            ? t('canvas.neverSaved')
            : t('canvas.revisionInfo', {
                n: data.revision,
                name: data.createdByName ?? t('common.notRecorded'),
                when: f.dateTime(data.createdAt),
              })}
        </p>
        {saved ? (
          <Notice tone="success" role="status">
            {t('canvas.saved', { n: data.revision })}
          </Notice>
        ) : null}
        {!editing ? (
          data.isWritten ? (
            <Notice tone="success">{t('canvas.allKeyItems')}</Notice>
          ) : (
            <Notice tone="warning">{t('canvas.missingKeyItems', { items: missing.join(f.listSep) })}</Notice>
          )
        ) : null}
        {editing ? (
          <Suspense fallback={<Loading />}>
            <CanvasForm
              projectId={project.id}
              canvas={data}
              kpis={kpis.data}
              defaults={defaults}
              onSaved={() => {
                setEditing(false);
                setSaved(true);
              }}
              onCancel={() => setEditing(false)}
            />
          </Suspense>
        ) : (
          <CanvasGrid fields={data.fields} keyItems={data.keyItems ?? []} kpis={kpis.data} defaults={defaults} />
        )}
        <p className="small">
          <Link to={`/projects/${project.id}/kpis`}>{t('canvas.kpiLink')}</Link>
        </p>
      </section>
      <section aria-labelledby={historyId} className="card">
        <h2 id={historyId}>{t('canvas.revisionsTitle')}</h2>
        <Revisions projectId={project.id} latest={data.revision} />
      </section>
    </>
  );
}

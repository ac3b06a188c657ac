import { canvasFields } from '@core/canvas/fields.ts';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../format.ts';
import type { TCanvas } from '../types.ts';
import { TableScroll } from './common.tsx';

/** The cells whose text differs between two revisions. */
export function changedCells(a: Pick<TCanvas, 'fields'>, b: Pick<TCanvas, 'fields'>): string[] {
  return canvasFields.map((f) => f.key).filter((key) => (a.fields[key] ?? '').trim() !== (b.fields[key] ?? '').trim());
}

/** Two revisions side by side, cell by cell, changed cells marked. */
export function CanvasDiff({ before, after }: { before: TCanvas; after: TCanvas }) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const [onlyChanged, setOnlyChanged] = useState(true);
  const changed = new Set(changedCells(before, after));
  const rows = canvasFields.filter((field) => !onlyChanged || changed.has(field.key));
  return (
    <div className="canvas-diff">
      <p role="status">{t('canvas.diffSummary', { count: changed.size })}</p>
      <label className="checkbox" htmlFor={`${id}-only`}>
        <input id={`${id}-only`} type="checkbox" checked={onlyChanged} onChange={(e) => setOnlyChanged(e.target.checked)} />
        {t('canvas.onlyChanged')}
      </label>
      {rows.length === 0 ? (
        <p className="empty">{t('canvas.noDifference')}</p>
      ) : (
        <TableScroll>
          <table className="table diff-table">
            <caption>{t('canvas.diffCaption', { a: before.revision, b: after.revision })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('canvas.cell')}</th>
                <th scope="col">{t('canvas.revisionN', { n: before.revision })}</th>
                <th scope="col">{t('canvas.revisionN', { n: after.revision })}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((field) => {
                const isChanged = changed.has(field.key);
                return (
                  <tr key={field.key} className={isChanged ? 'diff-changed' : undefined}>
                    <th scope="row">
                      {f.label(field)}
                      {isChanged ? <span className="tag">{t('canvas.changed')}</span> : null}
                    </th>
                    <td className="diff-before">{before.fields[field.key] || <span className="muted">{t('canvas.empty')}</span>}</td>
                    <td className="diff-after">{after.fields[field.key] || <span className="muted">{t('canvas.empty')}</span>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      )}
    </div>
  );
}

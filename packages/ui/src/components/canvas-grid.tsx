import { canvasFields, type TCanvasArea } from '@core/canvas/fields.ts';
import type { TCanvasFieldKey } from '@core/canvas/schemas.ts';
import { kpiStatusLabels } from '@core/kpis/status.ts';
import { type ReactNode, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { fieldMessage } from '../errors.ts';
import { useFormat } from '../format.ts';
import type { CanvasGuidance, TKpi } from '../types.ts';

type CanvasField = (typeof canvasFields)[number];
const inArea = (area: TCanvasArea) => canvasFields.filter((f) => f.area === area);

export type CanvasEditing = {
  values: Partial<Record<TCanvasFieldKey, string>>;
  onChange: (key: TCanvasFieldKey, value: string) => void;
  errors?: Partial<Record<TCanvasFieldKey, { message?: string } | undefined>>;
};

function KpiList({ kpis }: { kpis: readonly TKpi[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (!kpis.length) return <p className="canvas-empty">{t('canvas.noKpis')}</p>;
  return (
    <ul className="canvas-kpis">
      {kpis.map((kpi) => {
        const target = kpi.targetValue !== null ? `${f.number(kpi.targetValue)}${kpi.unit ?? ''}` : (kpi.targetText ?? '—');
        const baseline = kpi.baselineValue !== null ? `${f.number(kpi.baselineValue)}${kpi.unit ?? ''}` : null;
        return (
          <li key={kpi.id}>
            <strong>{kpi.name}</strong>
            <span>
              {baseline ? `${baseline} → ` : ''}
              {target}
              {f.paren(f.fiscalYear(kpi.targetFiscalYear))}
            </span>
            <span className={`badge badge-${kpi.status}`}>{f.label(kpiStatusLabels[kpi.status])}</span>
          </li>
        );
      })}
    </ul>
  );
}

function Cell({
  field,
  isKey,
  guidance,
  value,
  editing,
  kpis,
  fallback,
}: {
  field: CanvasField;
  isKey: boolean;
  guidance?: { ja: string; en: string };
  value: string | undefined;
  editing?: CanvasEditing;
  kpis?: readonly TKpi[];
  fallback?: string;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const label = f.label(field);
  const keyMark = isKey ? (
    <span className="key-mark" title={t('canvas.keyItemHint')}>
      {t('canvas.keyItem')}
    </span>
  ) : null;
  const isEmpty = !(value ?? '').trim();
  const error = editing?.errors?.[field.key];
  let body: ReactNode;
  // The KPI cell shows the KPI tab's list: it is edited there, not as a second free-text copy here.
  const kpiCellReadOnly = Boolean(editing && field.key === 'activityIndicators' && kpis);
  if (kpiCellReadOnly) {
    body = (
      <p className="small">
        {isEmpty ? null : <span className="canvas-text">{value}</span>}{' '}
        <Link to="../kpis" relative="path">
          {t('canvas.editKpisOnTab')}
        </Link>
      </p>
    );
  } else if (editing) {
    body = (
      <>
        {error ? (
          <p className="field-error" id={`${id}-error`}>
            {fieldMessage(error.message, t)}
          </p>
        ) : null}
        <textarea
          id={id}
          name={field.key}
          value={editing.values[field.key] ?? ''}
          onChange={(e) => editing.onChange(field.key, e.target.value)}
          rows={field.area === 'header' ? 2 : 5}
          placeholder={fallback}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />
      </>
    );
  } else if (isEmpty && fallback) {
    body = <p className="canvas-text">{fallback}</p>;
  } else if (isEmpty) {
    body = <p className={isKey ? 'canvas-empty canvas-empty-key' : 'canvas-empty'}>{isKey ? t('canvas.emptyKey') : t('canvas.empty')}</p>;
  } else {
    body = <p className="canvas-text">{value}</p>;
  }
  return (
    <div className={`canvas-cell canvas-cell-${field.key}${isKey ? ' is-key' : ''}`} data-testid={`canvas-cell-${field.key}`}>
      {editing && !kpiCellReadOnly ? (
        <label htmlFor={id} className="canvas-cell-label">
          {label}
          {keyMark}
        </label>
      ) : (
        <h4 className="canvas-cell-label">
          {label}
          {keyMark}
        </h4>
      )}
      {editing && guidance ? <p className="canvas-guidance small muted">{f.label(guidance)}</p> : null}
      {field.key === 'activityIndicators' && kpis ? <KpiList kpis={kpis} /> : null}
      {field.key === 'activityIndicators' && !editing && isEmpty ? null : body}
    </div>
  );
}

function Area({
  area,
  guidance,
  className,
  children,
}: {
  area: Exclude<TCanvasArea, 'header'>;
  guidance?: { ja: string; en: string };
  className?: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  return (
    <section className={`canvas-area canvas-area-${area} ${className ?? ''}`} aria-labelledby={id}>
      <h3 id={id} className="canvas-area-title">
        {t(`canvas.areas.${area}`)}
      </h3>
      {guidance ? <p className="canvas-guidance small muted">{f.label(guidance)}</p> : null}
      <div className="canvas-area-cells">{children}</div>
    </section>
  );
}

/**
 * The Tokyo service canvas as the one-page grid it is on paper: the header row, then the user,
 * value and provider areas side by side, then the solution area across the bottom. The
 * activity-indicator cell lists the project's KPIs (linked, not copied).
 */
export function CanvasGrid({
  fields,
  kpis,
  defaults,
  editing,
  keyItems,
  guidance,
}: {
  fields: Partial<Record<string, string>>;
  /** The key items of the active service-canvas ruleset (the canvas response's keyItems). */
  keyItems: readonly string[];
  /** Shown while editing: the slide's prompts beside the areas and cells. */
  guidance?: CanvasGuidance;
  kpis?: readonly TKpi[];
  /** Shown (not saved) while the header cells are empty: the registered name and bureau. */
  defaults?: Partial<Record<TCanvasFieldKey, string>>;
  editing?: CanvasEditing;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const headerId = useId();
  const cell = (field: CanvasField) => (
    <Cell
      key={field.key}
      field={field}
      isKey={keyItems.includes(field.key)}
      guidance={guidance?.fields[field.key]}
      value={fields[field.key]}
      editing={editing}
      kpis={kpis}
      fallback={defaults?.[field.key]}
    />
  );
  const areaGuidance = (area: TCanvasArea) => (editing ? guidance?.areas[area] : undefined);
  return (
    <section className="canvas" aria-label={t('canvas.title')}>
      <div className="canvas-title-row">
        <p className="canvas-title">{t('canvas.title')}</p>
        <p className="canvas-legend">
          <span className="key-mark">{t('canvas.keyItem')}</span> {t('canvas.keyItemLegend')}
        </p>
      </div>
      {areaGuidance('header') ? <p className="canvas-guidance small muted">{f.label(areaGuidance('header')!)}</p> : null}
      {/* A heading for the header row too, so its cells' h4 follow an h3 like every other area's. */}
      <section className="canvas-header" aria-labelledby={headerId}>
        <h3 id={headerId} className="visually-hidden">
          {t('uiAudit2.canvasHeader')}
        </h3>
        {inArea('header').map(cell)}
      </section>
      <div className="canvas-body">
        <Area area="user" guidance={areaGuidance('user')}>
          {inArea('user').map(cell)}
        </Area>
        <Area area="value" guidance={areaGuidance('value')}>
          {inArea('value').map(cell)}
        </Area>
        <Area area="provider" guidance={areaGuidance('provider')}>
          {inArea('provider').map(cell)}
        </Area>
      </div>
      <Area area="solution" guidance={areaGuidance('solution')}>
        {inArea('solution').map(cell)}
      </Area>
    </section>
  );
}

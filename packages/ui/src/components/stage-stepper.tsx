import { stageOrder } from '@core/lifecycle/stages.ts';
import { stageLabels } from '@core/registry/lists.ts';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../format.ts';
import type { TGateStatus, TStage } from '../types.ts';
import { gatesQuery } from './gates-query.ts';

export { stageOrder };

/** 企画 → 要件定義 → 設計開発 → 運用 → 廃止, with the current stage marked (aria-current="step"). */
export function StageStepper({ stage }: { stage: TStage }) {
  const { t } = useTranslation();
  const f = useFormat();
  const current = stageOrder.indexOf(stage);
  return (
    <ol className="stepper" aria-label={t('lifecycle.stepperLabel')}>
      {stageOrder.map((s, i) => {
        const state = i < current && stage !== 'retired' ? 'done' : i === current ? 'current' : 'todo';
        return (
          <li key={s} className={`step step-${state}`} aria-current={state === 'current' ? 'step' : undefined}>
            {/* The tick is drawn by CSS: a lone symbol character is text whose contrast checkers cannot judge. */}
            <span className={state === 'done' ? 'step-number step-number-done' : 'step-number'} aria-hidden="true">
              {state === 'done' ? null : i + 1}
            </span>
            <span className="step-label">{f.label(stageLabels[s])}</span>
            <span className="visually-hidden">{t(`lifecycle.stepState.${state}`)}</span>
          </li>
        );
      })}
    </ol>
  );
}

/** Where each gate of rules/lifecycle-gates.json is met; unknown gates get no link. */
const gateTabs: Record<string, string> = {
  canvas_written: 'canvas',
  kpi_with_target: 'kpis',
  requirements_definition: 'documents',
  procurement_spec: 'documents',
  release_approved: 'releases',
  kpis_measured_yearly: 'kpis',
  planning_actions_verified: 'supervision',
  requirements_actions_verified: 'supervision',
  development_actions_verified: 'supervision',
};

/** The gates of one stage as a checklist: met ✓ or not yet, with what to do and where. */
export function GateChecklist({ gates, projectId }: { gates: TGateStatus[]; projectId?: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (!gates.length) return <p>{t('lifecycle.noGates')}</p>;
  return (
    <ul className="checklist">
      {gates.map((gate) => (
        <li key={gate.gate} className={gate.met ? 'check-met' : 'check-unmet'}>
          <span className="check-icon" aria-hidden="true" />
          <span>
            <strong>{f.lang === 'en' ? gate.labelEn : gate.label}</strong>
            <span className="visually-hidden">{f.colon}</span>
            {gate.exemption ? (
              <>
                <span className="badge badge-exempt">{t('supervision.exempt')}</span>
                <span className="check-message">
                  {t('supervision.exemptUntil', { date: f.date(gate.exemption.expiresOn), reason: gate.exemption.reason })}
                </span>
              </>
            ) : (
              <span className={`badge ${gate.met ? 'badge-ok' : 'badge-pending'}`}>
                {gate.met ? t('lifecycle.met') : t('lifecycle.unmet')}
              </span>
            )}
            {!gate.met ? (
              <span className="check-message">
                {f.lang === 'en' ? gate.messageEn : gate.message}
                {projectId && gateTabs[gate.gate] ? (
                  <>
                    {' '}
                    <Link to={`/projects/${projectId}/${gateTabs[gate.gate]}`}>
                      {t('lifecycle.goFix', { tab: t(`lifecycle.gateTab.${gateTabs[gate.gate] as 'canvas'}`) })}
                    </Link>
                  </>
                ) : null}
              </span>
            ) : null}
          </span>
        </li>
      ))}
    </ul>
  );
}

/**
 * Said after a save on a tab that feeds a gate (a KPI, a document): what was saved and, when that met
 * the last gate of the stage, that the project can now move on, with the way back to 概要.
 */
export function SavedWithNextStep({ projectId, version, saved }: { projectId: string; version: number; saved: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const gates = useQuery(gatesQuery({ id: projectId, version }));
  const next = gates.data?.canAdvance && gates.data.nextStage ? gates.data.nextStage : null;
  return (
    <div className="alert alert-success" role="status">
      <p>{saved}</p>
      {next ? (
        <p>
          {t('lifecycle.nowCanAdvance', { stage: f.label(stageLabels[next]) })}{' '}
          <Link to={`/projects/${projectId}`}>{t('lifecycle.toOverview')}</Link>
        </p>
      ) : null}
    </div>
  );
}

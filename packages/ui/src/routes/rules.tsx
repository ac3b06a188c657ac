import { roleLabels, stageLabels } from '@core/registry/lists.ts';
import supervisionRules from '@rules/supervision.json';
import type { QueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isAdmin, useUser } from '../auth.ts';
import { Loading, PageHeader, TableScroll, TierBadge } from '../components/common.tsx';
import { nullableNumber } from '../components/field.tsx';
import {
  cleanOversightInputs,
  OversightPreview,
  oversightPreviewKey,
  oversightPreviewQuery,
  rulesQuery,
  useOversightTable,
  useRules,
} from '../components/oversight.tsx';
import { RulesSimulation } from '../components/rules-simulation.tsx';
import { useFormat } from '../format.ts';
import type { TStage } from '../types.ts';

/** The tier table as on the slide: factors down the side, tiers across, the consulted reviewer last. */
function TierTable() {
  const { t } = useTranslation();
  const f = useFormat();
  const table = useOversightTable();
  const tiers = [1, 2, 3];
  return (
    <TableScroll>
      <table className="table tier-table">
        <caption>{t('rules.tierTableCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('rules.factor')}</th>
            {tiers.map((tier) => (
              <th scope="col" key={tier}>
                <TierBadge tier={tier} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.factors.map((factor) => (
            <tr key={factor.factor}>
              <th scope="row">{f.label(factor.label)}</th>
              {tiers.map((tier) => {
                const band = factor.bands.find((b) => b.tier === tier);
                return <td key={tier}>{band ? f.label(band.label) : '—'}</td>;
              })}
            </tr>
          ))}
          <tr>
            <th scope="row">{t('oversight.reviewer')}</th>
            {tiers.map((tier) => {
              const reviewer = table.reviewers.find((r) => r.tier === tier);
              return <td key={tier}>{reviewer ? f.label(reviewer.label) : '—'}</td>;
            })}
          </tr>
        </tbody>
      </table>
    </TableScroll>
  );
}

function ActiveRulesets() {
  const { t } = useTranslation();
  const f = useFormat();
  const rules = useRules();
  if (rules.isPending) return <Loading />;
  if (rules.isError) return <p className="small muted">{t('rules.bundledNote')}</p>;
  const raw = rules.data as Record<string, unknown>;
  const list = (Array.isArray(raw.rulesets) ? raw.rulesets : Array.isArray(raw.items) ? raw.items : []) as {
    name?: string;
    ruleset?: string;
    version?: string;
    activatedAt?: string;
    title?: { ja: string; en: string };
  }[];
  if (!list.length) return null;
  return (
    <ul className="plain-list small">
      {list.map((r) => (
        <li key={r.name ?? r.ruleset}>
          {r.title ? f.label(r.title) : (r.name ?? r.ruleset)}
          {f.colon}
          {/* The version's content hash means nothing to a reader; when it came into force does (its hash is on the versions screen, under 詳細). */}
          {r.activatedAt ? t('rules.activatedAt', { when: f.dateTime(r.activatedAt) }) : t('plainWords.rulesBundled')}
        </li>
      ))}
    </ul>
  );
}

function WhatIf() {
  const { t } = useTranslation();
  const id = useId();
  const [budget, setBudget] = useState('');
  const [downtime, setDowntime] = useState('');
  const [confidentiality, setConfidentiality] = useState('');
  const inputs = cleanOversightInputs({
    budgetJpy: nullableNumber(budget),
    maxDowntimeHours: nullableNumber(downtime),
    confidentiality: confidentiality || null,
  });
  return (
    <div className="two-column">
      {/* Not a form: nothing is sent, the preview follows each keystroke (a form would need a submit button). */}
      <fieldset className="form fieldset-plain">
        <legend className="visually-hidden">{t('rules.whatIfLabel')}</legend>
        <div className="field">
          <label htmlFor={`${id}-budget`}>{t('register.budgetJpy')}</label>
          <p className="hint" id={`${id}-budget-hint`}>
            {t('register.budgetHint')}
          </p>
          <input
            id={`${id}-budget`}
            type="number"
            min={0}
            value={budget}
            onChange={(e) => setBudget(e.target.value)}
            aria-describedby={`${id}-budget-hint`}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-downtime`}>{t('register.maxDowntimeHours')}</label>
          <input
            id={`${id}-downtime`}
            type="number"
            min={0}
            step="any"
            className="input-short"
            value={downtime}
            onChange={(e) => setDowntime(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-conf`}>{t('register.confidentiality')}</label>
          <select id={`${id}-conf`} className="input-short" value={confidentiality} onChange={(e) => setConfidentiality(e.target.value)}>
            <option value="">{t('register.confidentialityUnknown')}</option>
            <option value="A">A</option>
            <option value="B">B</option>
            <option value="C">C</option>
          </select>
        </div>
      </fieldset>
      <OversightPreview inputs={inputs} title={t('rules.whatIfResult')} />
    </div>
  );
}

type SupervisionContent = {
  supervisedStages: TStage[];
  cadence: { tier: number; months: number; label: { ja: string; en: string } }[];
  reportGraceDays: number;
  consultationDueWorkingDays: number;
};

/** The active supervision ruleset (rules/supervision.json): who reports how often, and the due days. */
function SupervisionRules() {
  const { t } = useTranslation();
  const f = useFormat();
  const rules = useRules();
  const raw = (rules.data ?? {}) as { rulesets?: { name?: string; content?: unknown }[] };
  const content = (raw.rulesets?.find((r) => r.name === 'supervision')?.content ?? supervisionRules) as SupervisionContent;
  return (
    <>
      <TableScroll>
        <table className="table">
          <caption>{t('supervision.rules.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('supervision.portfolio.tier')}</th>
              <th scope="col">{t('supervision.rules.cadence')}</th>
            </tr>
          </thead>
          <tbody>
            {[...content.cadence]
              .sort((a, b) => b.tier - a.tier)
              .map((c) => (
                <tr key={c.tier}>
                  <th scope="row">{t('tier.label', { tier: c.tier })}</th>
                  <td>{f.label(c.label)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </TableScroll>
      <p className="small">
        {t('supervision.rules.stages', { stages: content.supervisedStages.map((s) => f.label(stageLabels[s])).join(f.listSep) })}{' '}
        {t('supervision.rules.grace', { days: content.reportGraceDays })}{' '}
        {t('supervision.rules.consultationDue', { days: content.consultationDueWorkingDays })}
      </p>
    </>
  );
}

/**
 * The rules and the what-if's first evaluation (every input empty), fetched with the screen's code
 * so that the page is first drawn with them (app.tsx preloadScreensFor).
 */
export async function prefetchScreen(queryClient: QueryClient): Promise<void> {
  await Promise.all([
    queryClient.prefetchQuery(rulesQuery),
    queryClient.prefetchQuery(oversightPreviewQuery(oversightPreviewKey(cleanOversightInputs({})))),
  ]);
}

export default function Rules() {
  const { t } = useTranslation();
  const f = useFormat();
  const user = useUser();
  const id = useId();
  return (
    <>
      <PageHeader title={t('rules.title')} lead={t('rules.lead')} actions={<Link to="/rules/versions">{t('ruleVersions.link')}</Link>} />
      <section className="card" aria-labelledby={`${id}-table`}>
        <h2 id={`${id}-table`}>{t('rules.tierTableTitle')}</h2>
        <TierTable />
        <p className="small">{t('rules.maxRule')}</p>
        <p className="small">
          {t('rules.reviewerRoles', {
            lead: f.label(roleLabels.bureau_lead),
            advisor: f.label(roleLabels.cio_advisor),
            chief: f.label(roleLabels.chief_cio_advisor),
          })}
        </p>
        <ActiveRulesets />
      </section>
      <section className="card" aria-labelledby={`${id}-supervision`}>
        <h2 id={`${id}-supervision`}>{t('supervision.rules.title')}</h2>
        <SupervisionRules />
      </section>
      <section className="card" aria-labelledby={`${id}-whatif`}>
        <h2 id={`${id}-whatif`}>{t('rules.whatIfTitle')}</h2>
        <p className="small">{t('rules.whatIfLead')}</p>
        <WhatIf />
      </section>
      {isAdmin(user) ? (
        <section className="card" aria-labelledby={`${id}-simulate`}>
          <h2 id={`${id}-simulate`}>{t('rules.simulateTitle')}</h2>
          <p className="small">{t('rules.simulateLead')}</p>
          <RulesSimulation />
        </section>
      ) : null}
    </>
  );
}

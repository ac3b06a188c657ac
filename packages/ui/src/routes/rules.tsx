import { roleLabels, stageLabels } from '@core/projects/schemas.ts';
import supervisionRules from '@rules/supervision.json';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, isApiError } from '../api.ts';
import { isAdmin, useUser } from '../auth.ts';
import { useBureauName } from '../components/bureaus.ts';
import { ErrorAlert, Loading, PageHeader, TableScroll, TierBadge } from '../components/common.tsx';
import { nullableNumber } from '../components/field.tsx';
import { cleanOversightInputs, OversightPreview, shortVersion, useOversightTable, useRules } from '../components/oversight.tsx';
import { fieldMessage } from '../errors.ts';
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
          <code>{r.version ? shortVersion(r.version) : '—'}</code>
          {r.activatedAt ? f.paren(t('rules.activatedAt', { when: f.dateTime(r.activatedAt) })) : ''}
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
      <form className="form" onSubmit={(e) => e.preventDefault()} aria-label={t('rules.whatIfLabel')}>
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
      </form>
      <OversightPreview inputs={inputs} title={t('rules.whatIfResult')} />
    </div>
  );
}

export type TSimulation = {
  candidateVersion: string;
  activeVersion: string;
  isSameAsActive: boolean;
  projects: number;
  combinations: number;
  changed: number;
  byBureau: {
    bureauCode: string;
    total: number;
    changed: number;
    toTier: { tier1: number; tier2: number; tier3: number; unset: number };
  }[];
  transitions: { fromTier: number | null; toTier: number | null; fromReviewer: string | null; toReviewer: string | null; count: number }[];
  sample: {
    code: string;
    name: string;
    bureauCode: string;
    fromTier: number | null;
    toTier: number | null;
    fromReviewer: string | null;
    toReviewer: string | null;
  }[];
};

/** What the candidate would change: counts, by bureau, by tier move, and a sample of projects. */
export function SimulationResult({ result }: { result: TSimulation }) {
  const { t } = useTranslation();
  const f = useFormat();
  const bureauName = useBureauName();
  const reviewer = (role: string | null) => (role ? f.label(roleLabels[role as keyof typeof roleLabels], role) : '—');
  const changedBureaus = result.byBureau.filter((b) => b.changed > 0);
  return (
    <section className="card" aria-labelledby="simulation-result">
      <h3 id="simulation-result">{t('rules.simulationResult')}</h3>
      <p role="status">
        {result.isSameAsActive
          ? t('rules.sameAsActive')
          : t('rules.simulationSummary', { projects: f.number(result.projects), changed: f.number(result.changed) })}
      </p>
      <p className="small muted">
        {t('rules.versions', {
          candidate: shortVersion(result.candidateVersion),
          active: shortVersion(result.activeVersion),
          combinations: f.number(result.combinations),
        })}
      </p>
      {changedBureaus.length ? (
        <TableScroll>
          <table className="table table-compact">
            <caption>{t('rules.byBureau')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('projects.bureau')}</th>
                <th scope="col" className="num">
                  {t('rules.changed')}
                </th>
                <th scope="col" className="num">
                  {t('rules.total')}
                </th>
                {(['tier1', 'tier2', 'tier3', 'unset'] as const).map((k) => (
                  <th scope="col" className="num" key={k}>
                    {t('rules.after', { tier: k === 'unset' ? t('tier.unset') : t('tier.label', { tier: k.slice(4) }) })}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {changedBureaus.map((row) => (
                <tr key={row.bureauCode}>
                  <th scope="row">{bureauName(row.bureauCode)}</th>
                  <td className="num">{f.number(row.changed)}</td>
                  <td className="num">{f.number(row.total)}</td>
                  {(['tier1', 'tier2', 'tier3', 'unset'] as const).map((k) => (
                    <td className="num" key={k}>
                      {f.number(row.toTier[k])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      {result.transitions.length ? (
        <TableScroll>
          <table className="table table-compact">
            <caption>{t('rules.transitions')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('rules.from')}</th>
                <th scope="col">{t('rules.to')}</th>
                <th scope="col" className="num">
                  {t('rules.count')}
                </th>
              </tr>
            </thead>
            <tbody>
              {result.transitions.map((row, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: transitions have no id
                <tr key={i}>
                  <td>
                    <TierBadge tier={row.fromTier} /> {reviewer(row.fromReviewer)}
                  </td>
                  <td>
                    <TierBadge tier={row.toTier} /> {reviewer(row.toReviewer)}
                  </td>
                  <td className="num">{f.number(row.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      {result.sample.length ? (
        <TableScroll>
          <table className="table table-compact">
            <caption>{t('rules.sample')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('projects.colCode')}</th>
                <th scope="col">{t('projects.colName')}</th>
                <th scope="col">{t('projects.bureau')}</th>
                <th scope="col">{t('rules.from')}</th>
                <th scope="col">{t('rules.to')}</th>
              </tr>
            </thead>
            <tbody>
              {result.sample.map((p) => (
                <tr key={p.code}>
                  <td>{p.code}</td>
                  <td>{p.name}</td>
                  <td>{bureauName(p.bureauCode)}</td>
                  <td>
                    <TierBadge tier={p.fromTier} />
                  </td>
                  <td>
                    <TierBadge tier={p.toTier} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      {result.changed === 0 && !result.isSameAsActive ? <p>{t('rules.noChange')}</p> : null}
    </section>
  );
}

function Simulate() {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const [text, setText] = useState('');
  const [parseError, setParseError] = useState<string | null>(null);
  const simulate = useMutation({
    mutationFn: (content: unknown) => api.rules.simulate({ ruleset: 'oversight-tier', content }) as unknown as Promise<TSimulation>,
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      setParseError(t('rules.invalidJson'));
      return;
    }
    setParseError(null);
    simulate.mutate(parsed);
  };
  const fieldErrors = isApiError(simulate.error) ? simulate.error.errors : [];
  return (
    <form className="form form-wide" onSubmit={onSubmit} noValidate aria-label={t('rules.simulateLabel')}>
      <div className={`field${parseError || fieldErrors.length ? ' field-invalid' : ''}`}>
        <label htmlFor={`${id}-json`}>
          {t('rules.candidate')} <span className="required">{t('common.required')}</span>
        </label>
        <p className="hint" id={`${id}-hint`}>
          {t('rules.candidateHint')}
        </p>
        {parseError ? (
          <p className="field-error" id={`${id}-error`}>
            {parseError}
          </p>
        ) : null}
        <textarea
          id={`${id}-json`}
          rows={12}
          className="code-input"
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={parseError ? true : undefined}
          aria-describedby={`${id}-hint${parseError ? ` ${id}-error` : ''}`}
        />
      </div>
      {fieldErrors.length ? (
        <div className="alert alert-error" role="alert">
          <p>{t('rules.invalidRuleset')}</p>
          <ul>
            {fieldErrors.map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: errors may repeat
              <li key={i}>
                <code>{e.path.replace(/^content\.?/, '') || '/'}</code>
                {f.colon}
                {fieldMessage(e.message, t)}
              </li>
            ))}
          </ul>
        </div>
      ) : simulate.isError ? (
        <ErrorAlert error={simulate.error} />
      ) : null}
      <button type="submit" className="button" disabled={!text.trim() || simulate.isPending}>
        {simulate.isPending ? t('rules.simulating') : t('rules.simulate')}
      </button>
      {simulate.data ? <SimulationResult result={simulate.data} /> : null}
    </form>
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
          <Simulate />
        </section>
      ) : null}
    </>
  );
}

import { roleLabels } from '@core/projects/schemas.ts';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../api.ts';
import { isAdmin, useUser } from '../auth.ts';
import { useBureauName } from '../components/bureaus.ts';
import { ErrorAlert, Loading, PageHeader, TierBadge } from '../components/common.tsx';
import { nullableNumber } from '../components/field.tsx';
import { cleanOversightInputs, OversightPreview, shortVersion, useOversightTable, useRules } from '../components/oversight.tsx';
import { fieldMessage } from '../errors.ts';
import { useFormat } from '../format.ts';

/** The tier table as on the slide: factors down the side, tiers across, the consulted reviewer last. */
function TierTable() {
  const { t } = useTranslation();
  const f = useFormat();
  const table = useOversightTable();
  const tiers = [1, 2, 3];
  return (
    <div className="table-scroll">
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
    </div>
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
          {r.title ? f.label(r.title) : (r.name ?? r.ruleset)}：<code>{r.version ? shortVersion(r.version) : '—'}</code>
          {r.activatedAt ? `（${t('rules.activatedAt', { when: f.dateTime(r.activatedAt) })}）` : ''}
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

type Row = Record<string, unknown>;
const rowsOf = (v: unknown): Row[] => (Array.isArray(v) ? (v as Row[]) : []);

/** The simulation answer: changed counts by bureau and the tier transitions, whatever extra it carries. */
function SimulationResult({ result }: { result: Record<string, unknown> }) {
  const { t } = useTranslation();
  const f = useFormat();
  const bureauName = useBureauName();
  const byBureau = rowsOf(result.byBureau ?? result.bureaus);
  const transitions = rowsOf(result.transitions ?? result.changes);
  const tierText = (v: unknown) =>
    v === null || v === undefined || v === 'unset' ? t('tier.unset') : t('tier.label', { tier: String(v).replace(/^tier/, '') });
  const numbers = Object.entries(result).filter(([, v]) => typeof v === 'number') as [string, number][];
  return (
    <section className="card" aria-labelledby="simulation-result" role="status">
      <h3 id="simulation-result">{t('rules.simulationResult')}</h3>
      {numbers.length ? (
        <dl className="facts">
          {numbers.map(([k, v]) => (
            <div key={k}>
              <dt>{t(`rules.simulationKeys.${k as 'total'}`, { defaultValue: k })}</dt>
              <dd>{f.number(v)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {byBureau.length ? (
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
            </tr>
          </thead>
          <tbody>
            {byBureau.map((row) => (
              <tr key={String(row.bureauCode ?? row.bureau)}>
                <th scope="row">{bureauName(String(row.bureauCode ?? row.bureau ?? ''))}</th>
                <td className="num">{f.number(Number(row.changed ?? row.changedCount ?? row.count ?? 0))}</td>
                <td className="num">{row.total === undefined ? '—' : f.number(Number(row.total))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {transitions.length ? (
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
            {transitions.map((row, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: transitions have no id
              <tr key={i}>
                <td>{tierText(row.fromTier ?? row.from)}</td>
                <td>{tierText(row.toTier ?? row.to)}</td>
                <td className="num">{f.number(Number(row.count ?? 0))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {!numbers.length && !byBureau.length && !transitions.length ? <p>{t('rules.noChange')}</p> : null}
    </section>
  );
}

function Simulate() {
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState('');
  const [parseError, setParseError] = useState<string | null>(null);
  const simulate = useMutation({ mutationFn: (body: unknown) => api.rules.simulate(body) });
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
                <code>{e.path}</code>：{fieldMessage(e.message, t)}
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

export default function Rules() {
  const { t } = useTranslation();
  const f = useFormat();
  const user = useUser();
  const id = useId();
  return (
    <>
      <PageHeader title={t('rules.title')} lead={t('rules.lead')} />
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

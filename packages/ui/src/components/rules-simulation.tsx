import bundledTierRules from '@rules/oversight-tier.json';
import { useMutation } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type FormEvent, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, isApiError } from '../api.ts';
import { fieldMessage } from '../errors.ts';
import { type Format, useFormat } from '../format.ts';
import type { TSimulationResult } from '../types.ts';
import { useBureauName } from './bureaus.ts';
import { ErrorAlert, Loading, TableScroll, TierBadge } from './common.tsx';
import { controlProps, ErrorSummary, Field } from './field.tsx';
import { MovesTable } from './moves-table.tsx';
import { useRules } from './oversight.tsx';

type Label = { ja: string; en: string };
type Condition = { operator: string; value: unknown };
type Band = { tier: number; label: Label; conditions: Condition[] };
type Factor = { factor: string; input: string; label: Label; bands: Band[] };
export type TOversightContent = { maxTier?: number; factors: Factor[]; reviewers: unknown[]; [key: string]: unknown };

/** One threshold of a numeric factor: the value where `lowerTier` ends and `upperTier` begins. */
export type Boundary = { key: string; factor: Factor; value: number; lowerTier: number; upperTier: number };
/** A class of a set-valued factor (confidentiality A/B/C) and the tier it falls in. */
export type ClassTier = { key: string; factor: Factor; value: string; tier: number };

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The editable values of a ruleset: every numeric threshold once, and every class of a set-valued factor. */
export function thresholdsOf(content: TOversightContent): { boundaries: Boundary[]; classes: ClassTier[] } {
  const boundaries: Boundary[] = [];
  const classes: ClassTier[] = [];
  for (const factor of content.factors) {
    const values = [...new Set(factor.bands.flatMap((b) => b.conditions.map((c) => c.value)).filter(isNumber))].sort((a, b) => a - b);
    for (const value of values) {
      const tiers = factor.bands.filter((b) => b.conditions.some((c) => c.value === value)).map((b) => b.tier);
      boundaries.push({
        key: `${factor.factor}:${value}`,
        factor,
        value,
        lowerTier: Math.min(...tiers),
        upperTier: Math.max(...tiers),
      });
    }
    for (const band of factor.bands) {
      for (const c of band.conditions) {
        const members = c.operator === 'equal' ? [c.value] : c.operator === 'in' && Array.isArray(c.value) ? c.value : [];
        for (const m of members)
          if (typeof m === 'string') classes.push({ key: `${factor.factor}:${m}`, factor, value: m, tier: band.tier });
      }
    }
  }
  classes.sort((a, b) => a.key.localeCompare(b.key));
  return { boundaries, classes };
}

const operatorWords: Record<string, Label> = {
  greaterThanInclusive: { ja: '以上', en: 'or more' },
  greaterThan: { ja: '超', en: 'more than' },
  lessThan: { ja: '未満', en: 'below' },
  lessThanInclusive: { ja: '以下', en: 'or less' },
};

function numericLabel(input: string, conditions: Condition[]): Label {
  const amount = (v: number, lang: 'ja' | 'en') =>
    input === 'budgetJpy'
      ? lang === 'ja'
        ? `${v.toLocaleString('ja-JP')}円`
        : `¥${v.toLocaleString('en-US')}`
      : input === 'maxDowntimeHours'
        ? lang === 'ja'
          ? `${v}時間`
          : `${v} hours`
        : String(v);
  const part = (c: Condition, lang: 'ja' | 'en') => {
    const word = operatorWords[c.operator]?.[lang] ?? c.operator;
    const v = amount(c.value as number, lang);
    return lang === 'ja' ? `${v}${word}` : word === 'more than' || word === 'below' ? `${word} ${v}` : `${v} ${word}`;
  };
  return { ja: conditions.map((c) => part(c, 'ja')).join('、'), en: conditions.map((c) => part(c, 'en')).join(', ') };
}

/**
 * The active ruleset with the form's values in place: numeric thresholds replaced wherever they
 * occur (so adjacent bands keep meeting), set-valued factors regrouped by the tier chosen per class.
 * Band labels are rewritten where their values changed, so the candidate reads true.
 */
export function candidateOf(
  content: TOversightContent,
  numbers: Record<string, number>,
  classTiers: Record<string, number>,
): TOversightContent {
  const { classes } = thresholdsOf(content);
  const factors = content.factors.map((factor): Factor => {
    const ownClasses = classes.filter((c) => c.factor.factor === factor.factor);
    if (ownClasses.length) {
      const byTier = new Map<number, string[]>();
      for (const c of ownClasses) {
        const tier = classTiers[c.key] ?? c.tier;
        byTier.set(tier, [...(byTier.get(tier) ?? []), c.value]);
      }
      const unchanged = ownClasses.every((c) => (classTiers[c.key] ?? c.tier) === c.tier);
      if (unchanged) return factor;
      const bands = [...byTier.entries()]
        .sort((a, b) => b[0] - a[0])
        .map(([tier, members]) => ({
          tier,
          label: { ja: members.join('又は'), en: members.join(' or ') },
          conditions: members.length === 1 ? [{ operator: 'equal', value: members[0] }] : [{ operator: 'in', value: members }],
        }));
      return { ...factor, bands };
    }
    const bands = factor.bands.map((band) => {
      const conditions = band.conditions.map((c) =>
        isNumber(c.value) && numbers[`${factor.factor}:${c.value}`] !== undefined
          ? { ...c, value: numbers[`${factor.factor}:${c.value}`] }
          : c,
      );
      const changed = conditions.some((c, i) => c.value !== band.conditions[i]!.value);
      return changed ? { ...band, conditions, label: numericLabel(factor.input, conditions) } : band;
    });
    return { ...factor, bands };
  });
  return { ...content, factors };
}

/** What a simulation's result shows: POST /rules/simulate's answer (a version's stored impact is the same). */
export type TSimulation = Pick<TSimulationResult, 'isSameAsActive' | 'projects' | 'changed' | 'byBureau' | 'transitions' | 'sample'>;

function useActiveContent(): { content: TOversightContent; pending: boolean } {
  const rules = useRules();
  const raw = rules.data as { rulesets?: { name?: string; content?: unknown }[] } | undefined;
  const active = raw?.rulesets?.find((r) => r.name === 'oversight-tier')?.content as TOversightContent | undefined;
  return { content: active ?? (bundledTierRules as unknown as TOversightContent), pending: rules.isPending };
}

const unitOf = (input: string, t: TFunction) =>
  input === 'budgetJpy' ? t('rulesSim.unitYen') : input === 'maxDowntimeHours' ? t('rulesSim.unitHours') : '';

function formatThreshold(input: string, value: number, f: Format) {
  return input === 'budgetJpy' ? f.manYen(value) : input === 'maxDowntimeHours' ? f.hours(value) : f.number(value);
}

/** What the candidate changes against the active rules, in words. */
function changesOf(
  content: TOversightContent,
  numbers: Record<string, number>,
  classTiers: Record<string, number>,
  f: Format,
  t: TFunction,
): string[] {
  const { boundaries, classes } = thresholdsOf(content);
  return [
    ...boundaries
      .filter((b) => numbers[b.key] !== undefined && numbers[b.key] !== b.value)
      .map((b) =>
        t('rulesSim.changedBoundary', {
          factor: f.label(b.factor.label),
          tier: b.upperTier,
          from: formatThreshold(b.factor.input, b.value, f),
          to: formatThreshold(b.factor.input, numbers[b.key]!, f),
        }),
      ),
    ...classes
      .filter((c) => classTiers[c.key] !== undefined && classTiers[c.key] !== c.tier)
      .map((c) => t('rulesSim.changedClass', { factor: f.label(c.factor.label), value: c.value, from: c.tier, to: classTiers[c.key] })),
  ];
}

export function SimulationResult({ result, changes = [] }: { result: TSimulation; changes?: string[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const bureauName = useBureauName();
  const changedBureaus = result.byBureau.filter((b) => b.changed > 0);
  const tierKeys = ['tier1', 'tier2', 'tier3', 'unset'] as const;
  return (
    <section className="card" aria-labelledby="simulation-result">
      <h3 id="simulation-result">{t('rules.simulationResult')}</h3>
      {changes.length ? (
        <>
          <p>{t('rulesSim.candidateIs')}</p>
          <ul>
            {changes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </>
      ) : null}
      <p role="status">
        {result.isSameAsActive || !changes.length
          ? t('rules.sameAsActive')
          : t('rules.simulationSummary', { projects: f.number(result.projects), changed: f.number(result.changed) })}
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
                {tierKeys.map((k) => (
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
                  {tierKeys.map((k) => (
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
              {result.transitions.map((row) => (
                <tr key={`${row.fromTier}|${row.toTier}|${row.fromReviewer}|${row.toReviewer}`}>
                  <td>
                    <TierBadge tier={row.fromTier} /> {f.role(row.fromReviewer)}
                  </td>
                  <td>
                    <TierBadge tier={row.toTier} /> {f.role(row.toReviewer)}
                  </td>
                  <td className="num">{f.number(row.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      {result.sample.length ? (
        <>
          <MovesTable
            caption={t('rules.sample')}
            rows={result.sample.map((p) => ({
              key: p.id,
              project: (
                <>
                  <Link to={`/projects/${p.id}`}>{p.name}</Link> <span className="small muted">{p.code}</span>
                </>
              ),
              bureauCode: p.bureauCode,
              from: (
                <>
                  <TierBadge tier={p.fromTier} /> {f.role(p.fromReviewer)}
                </>
              ),
              to: (
                <>
                  <TierBadge tier={p.toTier} /> {f.role(p.toReviewer)}
                </>
              ),
            }))}
          />
          {result.changed > result.sample.length ? (
            <p className="small">
              {t('rulesSim.sampleNote', { shown: f.number(result.sample.length), changed: f.number(result.changed) })}
            </p>
          ) : null}
        </>
      ) : null}
      {result.changed === 0 && changes.length && !result.isSameAsActive ? <p>{t('rules.noChange')}</p> : null}
    </section>
  );
}

type Problem = { id: string; message: string };

/** The thresholds form and, after 影響を試算する, what the candidate would change. */
export function RulesSimulation() {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const { content, pending } = useActiveContent();
  const { boundaries, classes } = useMemo(() => thresholdsOf(content), [content]);
  const [numberText, setNumberText] = useState<Record<string, string>>({});
  const [classTiers, setClassTiers] = useState<Record<string, number>>({});
  const [problems, setProblems] = useState<Problem[]>([]);
  const [submitted, setSubmitted] = useState<{ numbers: Record<string, number>; classTiers: Record<string, number> } | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const simulate = useMutation({
    mutationFn: (candidate: TOversightContent) => api.rules.simulate({ ruleset: 'oversight-tier', content: candidate }),
  });
  const maxTier = content.maxTier ?? 3;
  const fieldId = (key: string) => `${id}-${key.replace(/[^A-Za-z0-9]/g, '-')}`;

  if (pending) return <Loading />;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const found: Problem[] = [];
    const numbers: Record<string, number> = {};
    for (const b of boundaries) {
      const text = (numberText[b.key] ?? String(b.value)).trim();
      const value = Number(text);
      const label = t('rulesSim.boundaryLabel', { factor: f.label(b.factor.label), tier: b.upperTier });
      if (text === '' || !Number.isFinite(value) || value < 0) {
        found.push({ id: fieldId(b.key), message: t('rulesSim.needNumber', { label }) });
      } else if (b.factor.input === 'budgetJpy' && !Number.isInteger(value)) {
        found.push({ id: fieldId(b.key), message: t('rulesSim.needWholeYen', { label }) });
      } else numbers[b.key] = value;
    }
    // Thresholds of one factor must keep their order, or a band would be empty or overlap another.
    for (let i = 1; i < boundaries.length; i++) {
      const [before, after] = [boundaries[i - 1]!, boundaries[i]!];
      if (before.factor !== after.factor) continue;
      const [a, b] = [numbers[before.key], numbers[after.key]];
      if (a !== undefined && b !== undefined && a >= b) {
        found.push({
          id: fieldId(after.key),
          message: t('rulesSim.needOrder', {
            label: t('rulesSim.boundaryLabel', { factor: f.label(after.factor.label), tier: after.upperTier }),
            other: t('rulesSim.boundaryLabel', { factor: f.label(before.factor.label), tier: before.upperTier }),
          }),
        });
      }
    }
    setProblems(found);
    if (found.length) {
      setSubmitted(null);
      simulate.reset();
      requestAnimationFrame(() => summaryRef.current?.focus());
      return;
    }
    setSubmitted({ numbers, classTiers });
    simulate.mutate(candidateOf(content, numbers, classTiers));
  };
  const problemOf = (key: string) => problems.find((p) => p.id === fieldId(key));
  const serverErrors = isApiError(simulate.error) ? simulate.error.errors : [];

  return (
    <form className="form form-wide" onSubmit={onSubmit} noValidate aria-label={t('rules.simulateLabel')}>
      <div ref={summaryRef} tabIndex={-1}>
        <ErrorSummary items={problems} />
      </div>
      {boundaries.map((b) => {
        const fid = fieldId(b.key);
        const problem = problemOf(b.key);
        const upper = b.factor.bands.find((band) => band.tier === b.upperTier);
        return (
          <Field
            key={b.key}
            id={fid}
            label={`${t('rulesSim.boundaryLabel', { factor: f.label(b.factor.label), tier: b.upperTier })}（${unitOf(b.factor.input, t)}）`}
            hint={t('rulesSim.boundaryHint', {
              now: formatThreshold(b.factor.input, b.value, f),
              band: upper ? f.label(upper.label) : '—',
              tier: b.upperTier,
            })}
            error={problem}
          >
            <input
              {...controlProps(fid, { hint: true, error: problem })}
              type="number"
              inputMode="decimal"
              min={0}
              step="any"
              className="input-short"
              value={numberText[b.key] ?? String(b.value)}
              onChange={(e) => setNumberText((prev) => ({ ...prev, [b.key]: e.target.value }))}
            />
          </Field>
        );
      })}
      {classes.map((c) => {
        const fid = fieldId(c.key);
        return (
          <Field
            key={c.key}
            id={fid}
            label={t('rulesSim.classLabel', { factor: f.label(c.factor.label), value: c.value })}
            hint={t('rulesSim.classHint', { tier: c.tier })}
          >
            <select
              {...controlProps(fid, { hint: true })}
              className="input-short"
              value={classTiers[c.key] ?? c.tier}
              onChange={(e) => setClassTiers((prev) => ({ ...prev, [c.key]: Number(e.target.value) }))}
            >
              {Array.from({ length: maxTier }, (_, i) => i + 1).map((tier) => (
                <option key={tier} value={tier}>
                  {t('tier.label', { tier })}
                </option>
              ))}
            </select>
          </Field>
        );
      })}
      {serverErrors.length ? (
        <div className="alert alert-error" role="alert">
          <p>{t('rules.invalidRuleset')}</p>
          <ul>
            {serverErrors.map((e) => (
              <li key={`${e.path}|${e.message}`}>{fieldMessage(e.message, t)}</li>
            ))}
          </ul>
        </div>
      ) : simulate.isError ? (
        <ErrorAlert error={simulate.error} />
      ) : null}
      <div className="button-row">
        <button type="submit" className="button" disabled={simulate.isPending}>
          {simulate.isPending ? t('rules.simulating') : t('rules.simulate')}
        </button>
        <button
          type="button"
          className="button button-secondary"
          onClick={() => {
            setNumberText({});
            setClassTiers({});
            setProblems([]);
            setSubmitted(null);
            simulate.reset();
          }}
        >
          {t('rulesSim.reset')}
        </button>
      </div>
      {simulate.data && submitted ? (
        <SimulationResult result={simulate.data} changes={changesOf(content, submitted.numbers, submitted.classTiers, f, t)} />
      ) : null}
    </form>
  );
}

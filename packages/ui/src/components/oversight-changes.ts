/**
 * "What would change the tier": derived from the tier table's bands, not hard-coded, so a new
 * ruleset changes the hints with it. Pure functions, shared by the live preview and the project page.
 */
import type { TOversightFactorName, TOversightInputName } from '@core/registry/domain-lists.ts';
import { conditionHolds } from '@core/rules/operators.ts';
import type { TOversightEvaluation } from '../types.ts';

export type TBandCondition = { operator: string; value: unknown };
export type TBand = { tier: number; label: { ja: string; en: string }; conditions: TBandCondition[] };
export type TFactorDef = {
  factor: TOversightFactorName;
  input: TOversightInputName;
  label: { ja: string; en: string };
  bands: TBand[];
};
export type TReviewerDef = { tier: number; role: string; label: { ja: string; en: string } };

export type TTierChange = {
  factor: TFactorDef['factor'];
  input: TFactorDef['input'];
  direction: 'up' | 'down';
  toTier: number;
  /** The comparisons the input would have to satisfy (empty when `bandLabel` says it better). */
  conditions: TBandCondition[];
  /** Set when the input is not given yet: the whole band, as the tier table words it. */
  bandLabel: { ja: string; en: string } | null;
};

/**
 * Whether an input value meets a band's condition: core's operator registry, which the decision table
 * and the tier table's SQL read too and a core test holds against json-rules-engine. A condition the
 * engine would throw on (a membership test against a number) is met by no value.
 */
export function holds(condition: TBandCondition, value: unknown): boolean {
  try {
    return conditionHolds(condition.operator, value ?? undefined, condition.value);
  } catch {
    return false;
  }
}

/**
 * For each factor: the bands above the current tier it could reach (tier goes up), and — when it
 * alone drives the tier — the band below that would lower the tier.
 */
export function whatWouldChange(evaluation: TOversightEvaluation, defs: readonly TFactorDef[]): TTierChange[] {
  // A lower bound is always a tier (the document's Tier also allows null, for a project without one).
  const current = evaluation.tier ?? evaluation.lowerBound ?? 1;
  const factorOf = (def: TFactorDef) => evaluation.factors.find((f) => f.factor === def.factor);
  const drivers = evaluation.factors.filter((f) => f.drives);
  const changes: TTierChange[] = [];

  for (const def of defs) {
    const factor = factorOf(def);
    const value = factor?.value ?? null;
    const upward = def.bands.filter((b) => b.tier > current).sort((a, b) => a.tier - b.tier);
    for (const band of upward) {
      changes.push({
        factor: def.factor,
        input: def.input,
        direction: 'up',
        toTier: band.tier,
        conditions: value === null ? [] : band.conditions.filter((c) => !holds(c, value)),
        bandLabel: value === null ? band.label : null,
      });
    }
    const isSoleDriver = evaluation.tier !== null && drivers.length === 1 && drivers[0]?.factor === def.factor && value !== null;
    if (isSoleDriver) {
      const others = evaluation.factors.filter((f) => f.factor !== def.factor);
      // With another factor unknown, a lower band would leave the tier not set rather than lower it.
      if (others.some((f) => f.tier === null)) continue;
      const othersTier = Math.max(1, ...others.map((f) => f.tier ?? 1));
      const below = def.bands.filter((b) => b.tier < current).sort((a, b) => b.tier - a.tier)[0];
      if (below) {
        const toTier = Math.max(othersTier, below.tier);
        if (toTier < current) {
          changes.push({
            factor: def.factor,
            input: def.input,
            direction: 'down',
            toTier,
            conditions: below.conditions.filter((c) => !holds(c, value)),
            bandLabel: null,
          });
        }
      }
    }
  }
  return changes;
}

type Phrase = { lang: string; formatValue: (input: TFactorDef['input'], value: unknown) => string };

/** "1,000万円以上" / "at least ¥10,000,000" for one comparison. */
export function describeCondition(input: TFactorDef['input'], condition: TBandCondition, { lang, formatValue }: Phrase): string {
  const v = condition.value;
  const shown = Array.isArray(v) ? v.map((x) => formatValue(input, x)).join(lang === 'en' ? ' or ' : '又は') : formatValue(input, v);
  const isHours = input === 'maxDowntimeHours';
  if (lang === 'en') {
    switch (condition.operator) {
      case 'greaterThanInclusive':
        return `${shown} or more`;
      case 'greaterThan':
        return `more than ${shown}`;
      case 'lessThan':
        return `less than ${shown}`;
      case 'lessThanInclusive':
        return `${shown} or less`;
      case 'notEqual':
      case 'notIn':
        return `other than ${shown}`;
      default:
        return shown;
    }
  }
  switch (condition.operator) {
    case 'greaterThanInclusive':
      return `${shown}以上`;
    case 'greaterThan':
      return `${shown}超`;
    case 'lessThan':
      return `${shown}未満`;
    case 'lessThanInclusive':
      return isHours ? `${shown}以内` : `${shown}以下`;
    case 'notEqual':
    case 'notIn':
      return `${shown}以外`;
    default:
      return shown;
  }
}

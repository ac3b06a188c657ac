import { factorOfInput, type TOversightFactorName, type TOversightInput, type TOversightInputName } from '../registry/domain-lists.ts';
import { compileRules, type LoadedRuleset } from '../rules/engine.ts';
import type { TReviewerRole } from '../rules/schemas.ts';

export type { TConfidentiality, TOversightFactorName, TOversightInput, TOversightInputName } from '../registry/domain-lists.ts';
export type TTier = 1 | 2 | 3;

export type TOversightFactor = {
  factor: TOversightFactorName;
  input: TOversightInputName;
  value: number | string | null;
  /** The tier this factor alone gives, or null when its input is missing. */
  tier: TTier | null;
  /** True when this factor's tier is the one the result takes (several factors can drive it). */
  drives: boolean;
  /** The band it fell in, as the tier table words it. */
  band: { ja: string; en: string } | null;
  /** The comparisons of that band, e.g. `[{ operator: 'greaterThanInclusive', value: 50000000 }]`. */
  thresholds: { operator: string; value: unknown }[];
  reason: string;
  reasonJa: string;
};

export type TOversightEvaluation = {
  tier: TTier | null;
  /** The least tier the known factors already give (1 when nothing is known). */
  lowerBound: TTier;
  reviewerRole: TReviewerRole | null;
  missing: TOversightInputName[];
  factors: TOversightFactor[];
  rulesetVersion: string;
};

const yen = new Intl.NumberFormat('ja-JP');

/** How an input value reads inside a factor's reason, by the unit its registry entry gives: ¥/円, h/時間. */
export function formatOversightValue(input: TOversightInputName, value: number | string): { en: string; ja: string } {
  const { unit } = factorOfInput(input);
  if (unit === 'yen') {
    const written = yen.format(Number(value));
    return { en: `¥${written}`, ja: `${written}円` };
  }
  if (unit === 'hours') return { en: `${value} h`, ja: `${value}時間` };
  return { en: String(value), ja: String(value) };
}

export type OversightEvaluator = (input: TOversightInput) => Promise<TOversightEvaluation>;

/** The band index json-rules-engine picks for a factor, or this when none of its bands holds. */
export const noBandHolds = -1;

/**
 * The json-rules-engine side of the tier table: for an input, the band each factor falls in (its index in
 * the ruleset, `noBandHolds` when none holds). Every band is its own rule, so all are evaluated.
 */
export function createOversightBandMatcher(ruleset: LoadedRuleset<'oversight-tier'>): (input: TOversightInput) => Promise<number[]> {
  const { factors } = ruleset.content;
  const bandRules = factors.flatMap((factor, f) =>
    factor.bands.map((band, b) => ({
      id: `${f}:${b}`,
      conditions: { all: band.conditions.map((c) => ({ fact: factor.input, operator: c.operator, value: c.value })) },
    })),
  );
  const compiled = compileRules(bandRules);
  return async (input) => {
    const outcome = await compiled.evaluate(input);
    return factors.map((factor, f) => {
      // The highest band that holds wins (the first listed among equals), so overlapping bands cannot under-rate a project.
      let matched = noBandHolds;
      factor.bands.forEach((band, b) => {
        if (outcome.get(`${f}:${b}`) && (matched === noBandHolds || band.tier > factor.bands[matched]!.tier)) matched = b;
      });
      return matched;
    });
  };
}

/**
 * The evaluation for the band of each factor (`matched`, as the band matcher gives it) and the
 * inputs' values; `shown` is how each given value reads in the reasons. Pure: the tier is the maximum
 * over the factors, determined when every factor is known or the known ones already reach the
 * ruleset's top tier (DESIGN §2.1); otherwise it is not set and the result names the missing inputs.
 */
export function explainOversight(
  ruleset: LoadedRuleset<'oversight-tier'>,
  matched: readonly number[],
  values: readonly (number | string | null)[],
  shown: readonly ({ en: string; ja: string } | null)[],
): TOversightEvaluation {
  const { factors, reviewers, maxTier } = ruleset.content;
  const partial = factors.map((factor, f) => ({
    factor,
    value: values[f] ?? null,
    band: matched[f] === noBandHolds ? null : (factor.bands[matched[f]!] ?? null),
  }));

  const known = partial.filter((p) => p.band).map((p) => p.band!.tier);
  const lowerBound = (known.length ? Math.max(...known) : 1) as TTier;
  const missing = partial.filter((p) => p.value === null).map((p) => p.factor.input);
  const unrated = partial.filter((p) => p.value !== null && !p.band).map((p) => p.factor.input);
  const isDetermined = (missing.length === 0 && unrated.length === 0) || lowerBound === maxTier;
  const tier = isDetermined ? lowerBound : null;

  const result: TOversightFactor[] = partial.map(({ factor, value, band }, f) => {
    const drives = band !== null && band.tier === lowerBound;
    const text = value === null ? null : (shown[f] ?? formatOversightValue(factor.input, value));
    let reason: string;
    let reasonJa: string;
    if (text === null) {
      reason = `${factor.label.en}: not given${tier === null ? ', so the tier cannot be set yet' : ', but the other factors already reach the top tier'}`;
      reasonJa = `${factor.label.ja}：未入力${tier === null ? '（区分を確定できません）' : '（他の観点で最上位の区分に達しています）'}`;
    } else if (!band) {
      reason = `${factor.label.en}: ${text.en} matches no band of the tier table`;
      reasonJa = `${factor.label.ja}：${text.ja}は区分表のどの区分にも該当しません`;
    } else {
      const role = drives ? ' — this factor decides the tier' : ` — lower than tier ${lowerBound}, so it does not decide`;
      const roleJa = drives ? '（この観点が区分を決定）' : `（区分${lowerBound}より低いため決定要因ではありません）`;
      reason = `${factor.label.en}: ${text.en} is ${band.label.en} → tier ${band.tier}${role}`;
      reasonJa = `${factor.label.ja}：${text.ja}は「${band.label.ja}」→ 区分${band.tier}${roleJa}`;
    }
    return {
      factor: factor.factor,
      input: factor.input,
      value,
      tier: band?.tier ?? null,
      drives,
      band: band ? band.label : null,
      thresholds: band ? band.conditions : [],
      reason,
      reasonJa,
    };
  });

  return {
    tier,
    lowerBound,
    reviewerRole: tier === null ? null : (reviewers.find((r) => r.tier === tier)?.role ?? null),
    missing: [...missing, ...unrated],
    factors: result,
    rulesetVersion: ruleset.version,
  };
}

/** The given inputs of each factor, in ruleset order (null when not given). */
export const oversightValuesOf = (ruleset: LoadedRuleset<'oversight-tier'>, input: TOversightInput) =>
  ruleset.content.factors.map((factor) => input[factor.input] ?? null);

/**
 * Build the evaluator that runs json-rules-engine on every call: the definition and the judge of
 * the tier. Everything that serves evaluations reads the compiled decision table instead
 * (`compileOversightRuleset`), which this evaluator proves (decision-table.test.ts).
 */
export function createOversightEvaluator(ruleset: LoadedRuleset<'oversight-tier'>): OversightEvaluator {
  const matchBands = createOversightBandMatcher(ruleset);
  return async (input) => {
    const values = oversightValuesOf(ruleset, input);
    return explainOversight(ruleset, await matchBands(input), values, []);
  };
}

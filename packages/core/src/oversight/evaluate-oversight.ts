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

/** A factor's input value as the explanation shows it, by the unit its registry entry gives. */
export function formatOversightValue(input: TOversightInputName, value: number | string): { en: string; ja: string } {
  const { unit } = factorOfInput(input);
  if (unit === 'yen') return { en: `¥${yen.format(Number(value))}`, ja: `${yen.format(Number(value))}円` };
  if (unit === 'hours') return { en: `${value} h`, ja: `${value}時間` };
  return { en: String(value), ja: String(value) };
}

export type OversightEvaluator = (input: TOversightInput) => Promise<TOversightEvaluation>;

/**
 * Build the evaluator for one oversight ruleset. The tier is the maximum over the factors; it is
 * determined when every factor is known or the known ones already reach the ruleset's top tier
 * (DESIGN §2.1); otherwise it is not set and the result names the missing inputs.
 */
export function createOversightEvaluator(ruleset: LoadedRuleset<'oversight-tier'>): OversightEvaluator {
  const { factors, reviewers, maxTier } = ruleset.content;
  const bandRules = factors.flatMap((factor, f) =>
    factor.bands.map((band, b) => ({
      id: `${f}:${b}`,
      conditions: { all: band.conditions.map((c) => ({ fact: factor.input, operator: c.operator, value: c.value })) },
    })),
  );
  const compiled = compileRules(bandRules);
  const reviewerByTier = new Map(reviewers.map((r) => [r.tier, r.role]));

  return async (input) => {
    const outcome = await compiled.evaluate(input);
    const partial = factors.map((factor, f) => {
      const raw = input[factor.input];
      const value = raw === undefined || raw === null ? null : raw;
      // The highest band that holds wins, so overlapping bands cannot under-rate a project.
      let matched: (typeof factor.bands)[number] | null = null;
      factor.bands.forEach((band, b) => {
        if (outcome.get(`${f}:${b}`) && (!matched || band.tier > matched.tier)) matched = band;
      });
      return { factor, value, band: matched as (typeof factor.bands)[number] | null };
    });

    const known = partial.filter((p) => p.band).map((p) => p.band!.tier);
    const lowerBound = (known.length ? Math.max(...known) : 1) as TTier;
    const missing = partial.filter((p) => p.value === null).map((p) => p.factor.input);
    const unrated = partial.filter((p) => p.value !== null && !p.band).map((p) => p.factor.input);
    const isDetermined = (missing.length === 0 && unrated.length === 0) || lowerBound === maxTier;
    const tier = isDetermined ? lowerBound : null;

    const result: TOversightFactor[] = partial.map(({ factor, value, band }) => {
      const drives = band !== null && band.tier === lowerBound;
      const shown = value === null ? null : formatOversightValue(factor.input, value);
      let reason: string;
      let reasonJa: string;
      if (shown === null) {
        reason = `${factor.label.en}: not given${tier === null ? ', so the tier cannot be set yet' : ', but the other factors already reach the top tier'}`;
        reasonJa = `${factor.label.ja}：未入力${tier === null ? '（区分を確定できません）' : '（他の観点で最上位の区分に達しています）'}`;
      } else if (!band) {
        reason = `${factor.label.en}: ${shown.en} matches no band of the tier table`;
        reasonJa = `${factor.label.ja}：${shown.ja}は区分表のどの区分にも該当しません`;
      } else {
        const role = drives ? ' — this factor decides the tier' : ` — lower than tier ${lowerBound}, so it does not decide`;
        const roleJa = drives ? '（この観点が区分を決定）' : `（区分${lowerBound}より低いため決定要因ではありません）`;
        reason = `${factor.label.en}: ${shown.en} is ${band.label.en} → tier ${band.tier}${role}`;
        reasonJa = `${factor.label.ja}：${shown.ja}は「${band.label.ja}」→ 区分${band.tier}${roleJa}`;
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
      reviewerRole: tier === null ? null : (reviewerByTier.get(tier) ?? null),
      missing: [...missing, ...unrated],
      factors: result,
      rulesetVersion: ruleset.version,
    };
  };
}

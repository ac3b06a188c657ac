import type { TOversightRuleset } from '../rules/schemas.ts';

/*
 * Changes to the oversight ruleset that the core and API tests both re-tier with: one definition, so
 * the decision table's proof (core) and the re-tier's (API) judge the same rules. Each edits a copy of
 * the ruleset's content in place.
 */

const factorOf = (ruleset: TOversightRuleset, name: string) => {
  const factor = ruleset.factors.find((f) => f.factor === name);
  if (!factor) throw new Error(`the oversight ruleset has no factor ${name}`);
  return factor;
};

/**
 * The revision the retier benchmark measures (tier 2 from ¥8,000,000 instead of ¥10,000,000), plus
 * gaps: downtime above 720 h and confidentiality C match no band, so some tiers cannot be set.
 */
export function reviseOversightThresholds(ruleset: TOversightRuleset): void {
  for (const band of factorOf(ruleset, 'budget').bands) {
    for (const c of band.conditions) if (c.value === 10_000_000) c.value = 8_000_000;
    band.label = { ja: band.label.ja.replace('1,000万円', '800万円'), en: band.label.en.replace('¥10,000,000', '¥8,000,000') };
  }
  const downtimeTier1 = factorOf(ruleset, 'downtime').bands.find((b) => b.tier === 1);
  downtimeTier1?.conditions.push({ operator: 'lessThanInclusive', value: 720 });
  const confidentialityTier1 = factorOf(ruleset, 'confidentiality').bands.find((b) => b.tier === 1);
  if (confidentialityTier1?.conditions[0]) confidentialityTier1.conditions[0].value = ['B'];
}

/**
 * Every operator in a band: notIn and notEqual also hold for a missing input (undefined is in no list
 * and equals nothing), so a project without confidentiality falls in band 2 here; a tier-3 band for
 * budgets that are not ¥0 and not in a list tries notEqual / notIn on numbers.
 */
export function addBandsOfEveryOperator(ruleset: TOversightRuleset): void {
  factorOf(ruleset, 'confidentiality').bands.push(
    { tier: 1, label: { ja: 'x', en: 'x' }, conditions: [{ operator: 'notIn', value: ['A', 1] }] },
    { tier: 1, label: { ja: 'y', en: 'y' }, conditions: [{ operator: 'contains', value: 'A' }] },
    {
      tier: 1,
      label: { ja: 'z', en: 'z' },
      conditions: [
        { operator: 'doesNotContain', value: 'A' },
        { operator: 'notEqual', value: 'B' },
      ],
    },
  );
  factorOf(ruleset, 'downtime').bands.push({
    tier: 1,
    label: { ja: 'w', en: 'w' },
    conditions: [
      { operator: 'greaterThanInclusive', value: 0.25 },
      { operator: 'in', value: [0.5, 'x', true] },
      { operator: 'equal', value: 0.5 },
    ],
  });
  factorOf(ruleset, 'budget').bands.push({
    tier: 3,
    label: { ja: 'v', en: 'v' },
    conditions: [
      { operator: 'notEqual', value: 0 },
      { operator: 'notIn', value: [1000, 9_999_999] },
      { operator: 'lessThanInclusive', value: 1000 },
      { operator: 'greaterThan', value: 0.5 },
    ],
  });
}

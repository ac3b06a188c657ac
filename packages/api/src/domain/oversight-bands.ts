/**
 * The oversight tier table as SQL: for each factor, a CASE that names the band json-rules-engine would
 * pick for a project's input, so projects can be grouped (retierAllProjects) or tiered (the retier
 * benchmark's limit) without running the engine per row.
 *
 * Exactness is the point: a condition is translated only when its SQL form agrees with the engine's
 * operator (json-rules-engine 7, engine-default-operators.js) for every value the column can hold;
 * anything else throws UntranslatableRulesetError and callers take the engine path. One value is left to
 * callers: NaN, which a double precision column accepts and which compares greater than everything in
 * SQL but fails every comparison in JavaScript.
 */
import {
  conditionOperatorRegistry,
  holdsWhenNotGiven,
  oversightFactorRegistry,
  type TOversightInputName,
  type TOversightRuleset,
} from '@psbook/core';

type Factor = TOversightRuleset['factors'][number];
type Band = Factor['bands'][number];
type Condition = Band['conditions'][number];

/** The band index of an input that is given but falls in no band (a null index means "not given"). */
export const unmatchedBand = -1;

export class UntranslatableRulesetError extends Error {
  constructor(factor: Factor, band: number, condition: Condition, why: string) {
    super(
      `oversight factor ${factor.factor}, band ${band}: ${condition.operator} ${JSON.stringify(condition.value)} has no exact SQL form (${why})`,
    );
    this.name = 'UntranslatableRulesetError';
  }
}

/** The project column of each input, and the JavaScript type the engine sees for it: from the factor registry. */
export const oversightInputColumns = Object.fromEntries(
  oversightFactorRegistry.entries.map((f) => [f.input, { column: f.column, type: f.valueType }]),
) as Record<TOversightInputName, { column: string; type: 'number' | 'string' }>;

function literal(value: number | string, factor: Factor, band: number, condition: Condition): string {
  if (typeof value === 'number') {
    // Safe integers as they are (bigint against integer is exact); other numbers as double precision,
    // which is what JavaScript compares in. String(n) reads back as the same double in PostgreSQL.
    return Number.isSafeInteger(value) ? String(value) : `'${String(value)}'::double precision`;
  }
  if (value.includes('\u0000')) throw new UntranslatableRulesetError(factor, band, condition, 'text with a NUL character');
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * One condition as SQL, for a column that is not null. The engine's semantics, per operator:
 * equal/notEqual are === / !== (a value of another type never equals); in/notIn look the fact up in
 * an array with ===; contains/doesNotContain require the fact to be an array, which ours never are;
 * the comparisons require a fact that parses as a number, then compare with JavaScript's < and >.
 */
function conditionSql(column: string, type: 'number' | 'string', factor: Factor, band: number, condition: Condition): string {
  const { operator, value } = condition;
  const lit = (v: number | string) => literal(v, factor, band, condition);
  // The operator's kind and SQL symbol come from core's operator registry (held against the engine).
  const { kind, isNegated, sql: symbol } = conditionOperatorRegistry.get(operator);
  switch (kind) {
    case 'equality':
      if (typeof value === type) return `${column} ${symbol} ${lit(value as number | string)}`;
      return isNegated ? 'true' : 'false';
    case 'membership': {
      // With a string the engine does a substring search (and coerces the fact); with anything else
      // but an array it throws. Neither is a tier table anyone means to write.
      if (!Array.isArray(value)) throw new UntranslatableRulesetError(factor, band, condition, 'the value is not a list');
      const items = value.filter((v): v is number | string => typeof v === type);
      if (items.length === 0) return isNegated ? 'true' : 'false';
      return `${column} ${symbol} (${items.map(lit).join(', ')})`;
    }
    case 'collection':
      return 'false';
    case 'order':
      // Confidentiality is 'A', 'B' or 'C' (a check constraint): none parses as a number.
      if (type === 'string') return 'false';
      // JavaScript would coerce a string, null, boolean or list; SQL has no such comparison.
      if (typeof value !== 'number') throw new UntranslatableRulesetError(factor, band, condition, 'the value is not a number');
      return `${column} ${symbol} ${lit(value)}`;
  }
}

/** Bands in the order the engine prefers them: the highest tier, then the first listed. */
function bandsByPreference(factor: Factor): { band: Band; index: number }[] {
  return factor.bands.map((band, index) => ({ band, index })).sort((a, b) => b.band.tier - a.band.tier || a.index - b.index);
}

/** The band the engine gives a factor whose input is missing (null: none, as in every sensible table). */
export function bandWhenMissing(factor: Factor): number | null {
  const hit = bandsByPreference(factor).find(({ band }) => band.conditions.every(holdsWhenNotGiven));
  return hit ? hit.index : null;
}

/**
 * `when <conditions> then <result>` for each band that can hold, most preferred first. Throws
 * UntranslatableRulesetError for a condition without an exact SQL form.
 */
function bandWhens(factor: Factor, column: string, result: (band: Band, index: number) => string): string[] {
  const { type } = oversightInputColumns[factor.input];
  const whens: string[] = [];
  for (const { band, index } of bandsByPreference(factor)) {
    const conditions = band.conditions.map((c) => conditionSql(column, type, factor, index, c));
    if (conditions.includes('false')) continue;
    const holding = conditions.filter((c) => c !== 'true');
    whens.push(`when ${holding.length ? holding.join(' and ') : 'true'} then ${result(band, index)}`);
  }
  return whens;
}

const columnRef = (factor: Factor, alias?: string) => `${alias ? `${alias}.` : ''}${oversightInputColumns[factor.input].column}`;

/**
 * Per factor (in ruleset order), a SQL expression for the index of the band the engine picks: null
 * when the input is not given, `unmatchedBand` when it is given but no band holds. Exact for every
 * value but NaN. Throws UntranslatableRulesetError when a condition has no exact SQL form.
 */
export function bandIndexSql(ruleset: TOversightRuleset, alias?: string): string[] {
  return ruleset.factors.map((factor) => {
    const column = columnRef(factor, alias);
    return `(case when ${column} is null then null ${bandWhens(factor, column, (_, i) => String(i)).join(' ')} else ${unmatchedBand} end)`;
  });
}

/**
 * The whole tier table as SQL expressions over a project row: tier, lower bound and reviewer role, as
 * the engine's evaluator gives them (DESIGN §2.1). One UPDATE with these is the retier benchmark's limit.
 */
export function tierSql(ruleset: TOversightRuleset, alias?: string): { tier: string; lowerBound: string; reviewer: string } {
  const factors = ruleset.factors.map((factor) => {
    const column = columnRef(factor, alias);
    const missing = bandWhenMissing(factor);
    const whenMissing = missing === null ? 'null' : String(factor.bands[missing]!.tier);
    const whens = bandWhens(factor, column, (band) => String(band.tier));
    // A factor's own tier: that of its band, null when no band holds.
    return { column, tier: `(case when ${column} is null then ${whenMissing} ${whens.join(' ')} end)` };
  });
  const lowerBound = `greatest(${factors.map((f) => `coalesce(${f.tier}, 1)`).join(', ')})`;
  // Determined when every input is given and rated, or the known factors already reach the top tier.
  const allRated = factors.map((f) => `${f.column} is not null and ${f.tier} is not null`).join(' and ');
  const tier = `(case when (${allRated}) or ${lowerBound} = ${ruleset.maxTier} then ${lowerBound} end)`;
  const reviewer = `(case ${tier} ${ruleset.reviewers.map((r) => `when ${r.tier} then '${r.role}'`).join(' ')} end)`;
  return { tier, lowerBound, reviewer };
}

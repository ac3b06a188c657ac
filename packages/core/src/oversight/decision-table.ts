/**
 * The oversight ruleset compiled into a decision table (DESIGN §2.1 "Compiled, not re-run").
 *
 * The tier and its explanation depend on an input only through the band each factor falls in (and,
 * in the reasons, the value as written). So the compiler cuts each factor's input domain into cells
 * on the thresholds its conditions name, asks json-rules-engine which band each cell falls in, and
 * then runs the engine's evaluator once per band combination, keeping tier, lower bound, reviewer and
 * the explanation as a template with the factors' values left open. The engine stays the definition
 * and the judge: every row is checked against it while compiling, and decision-table.test.ts proves
 * table = engine for random and boundary inputs.
 *
 * A ruleset whose conditions cannot be cut into cells exactly (a comparison with a value that is not
 * a number, a string searched as a substring, two factors reading the same input) is not compiled:
 * `fallback` says why and every evaluation goes to the engine. So does an input the table does not
 * cover (a type the schema does not allow), one call at a time.
 */
import { oversightFactorRegistry } from '../registry/domain-lists.ts';
import type { LoadedRuleset } from '../rules/engine.ts';
import { conditionOperatorRegistry } from '../rules/operators.ts';
import type { TOversightRuleset, TReviewerRole } from '../rules/schemas.ts';
import {
  createOversightBandMatcher,
  createOversightEvaluator,
  explainOversight,
  formatOversightValue,
  noBandHolds,
  type OversightEvaluator,
  oversightValuesOf,
  type TOversightEvaluation,
  type TOversightFactor,
  type TOversightInput,
  type TOversightInputName,
  type TTier,
} from './evaluate-oversight.ts';

/** The band key of a factor whose input is not given (band keys ≥ 0 are band indexes, -1 is "no band holds"). */
export const bandNotGiven = -2;
export { noBandHolds };

/**
 * The values an input can take besides "not given": numbers, or one of a closed list of codes (the
 * codes its registry entry's schema allows, which the column's check constraint mirrors).
 */
export const oversightInputDomains = Object.fromEntries(
  oversightFactorRegistry.entries.map((f) => [
    f.input,
    f.valueType === 'number' ? { type: 'number' as const } : { type: 'code' as const, codes: codesOf(f.schema) },
  ]),
) as Record<TOversightInputName, { type: 'number' } | { type: 'code'; codes: readonly string[] }>;

function codesOf(schema: (typeof oversightFactorRegistry.entries)[number]['schema']): readonly string[] {
  if (!('options' in schema)) throw new Error('an oversight input of type string must be an enum');
  return schema.options;
}

/**
 * How one factor's given values map to band keys. Numbers: `cuts` are the thresholds in ascending
 * order and `cells[2i]` is the key of the values below `cuts[i]` (and above `cuts[i-1]`),
 * `cells[2i+1]` the key of `cuts[i]` itself, the last cell that of the values above every cut;
 * NaN has its own key (JavaScript's comparisons all fail on it). Codes: one key per code.
 */
export type FactorCells =
  | { type: 'number'; cuts: number[]; cells: number[]; nan: number }
  | { type: 'code'; codes: Record<string, number> };

/** One explanation text with the factor's value left open: `[before, after]`, or the whole text when no value appears. */
export type TextTemplate = readonly [string, string] | readonly [string];

export type DecisionRow = {
  /** Per factor, in ruleset order. */
  bands: number[];
  tier: TTier | null;
  lowerBound: TTier;
  reviewerRole: TReviewerRole | null;
  missing: TOversightInputName[];
  factors: (Omit<TOversightFactor, 'value' | 'reason' | 'reasonJa'> & { reason: TextTemplate; reasonJa: TextTemplate })[];
};

export type OversightDecisionTable = {
  version: string;
  ruleset: LoadedRuleset<'oversight-tier'>;
  /** Null when compiled; otherwise why the ruleset is evaluated by the engine instead. */
  fallback: string | null;
  /** Per factor, in ruleset order (empty when not compiled). */
  factors: { factor: TOversightRuleset['factors'][number]['factor']; input: TOversightInputName; cells: FactorCells }[];
  /** One row per band combination the inputs can reach. */
  rows: DecisionRow[];
  /** The band key of each factor for an input, or null when the table does not cover it. */
  bandsOf(input: TOversightInput): number[] | null;
  /** The row of a band combination. */
  rowOf(bands: readonly number[]): DecisionRow | undefined;
  /** The evaluation the engine would give, from the table (the engine only for inputs the table does not cover). */
  evaluate: OversightEvaluator;
  /** The same from the table alone: null when not compiled or the input is not covered. */
  evaluateFromTable(input: TOversightInput): TOversightEvaluation | null;
  /** `JSON.stringify` of `evaluate(input)`, written from the row's JSON pieces when the table covers the input. */
  evaluateJson(input: TOversightInput): Promise<string>;
  /** The same from the table alone: null when not compiled or the input is not covered. */
  evaluateJsonFromTable(input: TOversightInput): string | null;
};

class NotBandable extends Error {}

/** More band combinations than this are not compiled: the table would cost more to build than it saves. */
export const maxCombinations = 4096;

/** Numbers a factor's conditions compare with; throws NotBandable for a condition without an exact cut. */
function cutsOf(factor: TOversightRuleset['factors'][number]): number[] {
  const cuts = new Set<number>();
  const number = (value: unknown, what: string) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new NotBandable(`${factor.factor}: ${what} ${JSON.stringify(value)}`);
    cuts.add(value === 0 ? 0 : value);
  };
  for (const band of factor.bands) {
    for (const { operator, value } of band.conditions) {
      // Where an operator cuts the domain follows from its kind (rules/operators.ts, held against the engine).
      const kind = conditionOperatorRegistry.has(operator) ? conditionOperatorRegistry.get(operator).kind : null;
      switch (kind) {
        case 'order':
          // JavaScript coerces a string, boolean or null before comparing: no exact threshold.
          number(value, operator);
          break;
        case 'equality':
          // === with another type never holds: no threshold, the same outcome everywhere.
          if (typeof value === 'number') number(value, operator);
          break;
        case 'membership':
          // A string is searched as a substring of the coerced number; anything else but a list throws.
          if (!Array.isArray(value)) throw new NotBandable(`${factor.factor}: ${operator} ${JSON.stringify(value)} is not a list`);
          for (const item of value) if (typeof item === 'number') number(item, operator);
          break;
        case 'collection':
          // The engine requires the fact to be a list, which a number never is: never holds.
          break;
        default:
          throw new NotBandable(`${factor.factor}: unknown operator ${String(operator)}`);
      }
    }
  }
  return [...cuts].sort((a, b) => a - b);
}

/** A value inside each cell of `cuts` (null for a cell no double falls in); the last is NaN's. */
function representatives(cuts: number[]): (number | null)[] {
  if (cuts.length === 0) return [0, Number.NaN];
  const out: (number | null)[] = [];
  const first = cuts[0]!;
  out.push(first - Math.max(1, Math.abs(first)));
  cuts.forEach((cut, i) => {
    out.push(cut);
    const next = cuts[i + 1];
    if (next === undefined) out.push(cut + Math.max(1, Math.abs(cut)));
    else {
      const middle = cut / 2 + next / 2;
      out.push(middle > cut && middle < next ? middle : null);
    }
  });
  out.push(Number.NaN);
  return out;
}

function numberCell(cells: Extract<FactorCells, { type: 'number' }>, value: number): number {
  if (Number.isNaN(value)) return cells.nan;
  const { cuts } = cells;
  for (let i = 0; i < cuts.length; i++) {
    const cut = cuts[i]!;
    if (value < cut) return cells.cells[2 * i]!;
    if (value === cut) return cells.cells[2 * i + 1]!;
  }
  return cells.cells[2 * cuts.length]!;
}

const markerOf = (f: number) => ({ en: `\u0000oversight-value-${f}\u0000`, ja: `\u0000oversight-value-ja-${f}\u0000` });

function templateOf(text: string, marker: string | null): TextTemplate | null {
  if (marker === null) return text.includes('\u0000') ? null : [text];
  const parts = text.split(marker);
  if (parts.length !== 2 || parts.some((p) => p.includes('\u0000'))) return null;
  return [parts[0]!, parts[1]!];
}

const fill = (template: TextTemplate, text: string | undefined) => (template.length === 1 ? template[0] : template[0] + text + template[1]);

/** The evaluation of a row for the inputs' values, in the shape and key order the engine's evaluator gives. */
function render(table: { version: string }, row: DecisionRow, values: readonly (number | string | null)[]): TOversightEvaluation {
  return {
    tier: row.tier,
    lowerBound: row.lowerBound,
    reviewerRole: row.reviewerRole,
    missing: [...row.missing],
    factors: row.factors.map((f, i) => {
      const value = values[i] ?? null;
      const shown = value === null ? undefined : formatOversightValue(f.input, value);
      return {
        factor: f.factor,
        input: f.input,
        value,
        tier: f.tier,
        drives: f.drives,
        band: f.band,
        thresholds: f.thresholds,
        reason: fill(f.reason, shown?.en),
        reasonJa: fill(f.reasonJa, shown?.ja),
      };
    }),
    rulesetVersion: table.version,
  };
}

const keyOf = (bands: readonly number[]) => bands.join(',');

function isSameEvaluation(a: TOversightEvaluation, b: TOversightEvaluation): boolean {
  // NaN values: JSON would turn them into null on both sides, Object.is tells them apart from null.
  return (
    JSON.stringify(a) === JSON.stringify(b) &&
    a.factors.every((f, i) => Object.is(f.value, b.factors[i]!.value) && typeof f.value === typeof b.factors[i]!.value)
  );
}

/**
 * Compile an oversight ruleset into its decision table: json-rules-engine once per cell of each
 * factor (which band?) and once per band combination (the evaluation), a few dozen runs. Never throws
 * for a valid ruleset: what cannot be compiled exactly comes back with `fallback` set.
 */
export async function compileOversightRuleset(ruleset: LoadedRuleset<'oversight-tier'>): Promise<OversightDecisionTable> {
  const engine = createOversightEvaluator(ruleset);
  const matchBands = createOversightBandMatcher(ruleset);
  const { factors } = ruleset.content;
  const rowsByKey = new Map<string, DecisionRow>();
  const compiled: OversightDecisionTable['factors'] = [];
  let fallback: string | null = null;

  try {
    if (new Set(factors.map((f) => f.input)).size !== factors.length) throw new NotBandable('two factors read the same input');
    // notEqual and notIn hold for an input not given (undefined is in no list), so it can still fall in a band.
    const whenNotGiven = await matchBands({});
    // Per factor: its cells, and a value of each band key it can reach (null: not given).
    const reachable: Map<number, number | string | null>[] = [];
    for (const [f, factor] of factors.entries()) {
      const domain = oversightInputDomains[factor.input];
      const bandOf = async (value: number | string) => (await matchBands({ [factor.input]: value } as TOversightInput))[f]!;
      const keys = new Map<number, number | string | null>([[bandNotGiven, null]]);
      let cells: FactorCells;
      if (domain.type === 'code') {
        const codes: Record<string, number> = {};
        for (const code of domain.codes) {
          codes[code] = await bandOf(code);
          if (!keys.has(codes[code]!)) keys.set(codes[code]!, code);
        }
        cells = { type: 'code', codes };
      } else {
        const cuts = cutsOf(factor);
        const reps = representatives(cuts);
        const bands: number[] = [];
        for (const rep of reps) {
          // A cell no double falls in takes its lower neighbour's key: never looked up.
          const band = rep === null ? bands[bands.length - 1]! : await bandOf(rep);
          bands.push(band);
          if (rep !== null && !keys.has(band)) keys.set(band, rep);
        }
        cells = { type: 'number', cuts, cells: bands.slice(0, -1), nan: bands[bands.length - 1]! };
      }
      compiled.push({ factor: factor.factor, input: factor.input, cells });
      reachable.push(keys);
    }

    // Every band combination: the engine's evaluation of one input, kept as a template and checked.
    const count = reachable.reduce((n, keys) => n * keys.size, 1);
    // A real tier table has a few dozen; a candidate with thousands of bands is answered by the engine.
    if (count > maxCombinations) throw new NotBandable(`${count} band combinations (at most ${maxCombinations} are compiled)`);
    let combinations: number[][] = [[]];
    for (const keys of reachable) combinations = combinations.flatMap((c) => [...keys.keys()].map((k) => [...c, k]));
    for (const bands of combinations) {
      const values = bands.map((band, f) => reachable[f]!.get(band) ?? null);
      const input = Object.fromEntries(factors.map((factor, f) => [factor.input, values[f]])) as TOversightInput;
      const expected = await engine(input);
      const matched = bands.map((band, f) => (band === bandNotGiven ? whenNotGiven[f]! : band));
      const marked = explainOversight(
        ruleset,
        matched,
        values,
        values.map((v, f) => (v === null ? null : markerOf(f))),
      );
      const row: DecisionRow = {
        bands,
        tier: marked.tier,
        lowerBound: marked.lowerBound,
        reviewerRole: marked.reviewerRole,
        missing: marked.missing,
        factors: marked.factors.map((f, i) => {
          const marker = values[i] === null ? null : markerOf(i);
          const reason = templateOf(f.reason, marker?.en ?? null);
          const reasonJa = templateOf(f.reasonJa, marker?.ja ?? null);
          if (!reason || !reasonJa) throw new NotBandable(`${f.factor}: the value cannot be found once in its reason`);
          const { value: _v, reason: _r, reasonJa: _j, ...fixed } = f;
          return { ...fixed, reason, reasonJa };
        }),
      };
      if (!isSameEvaluation(render(ruleset, row, values), expected)) {
        throw new NotBandable(`band combination ${keyOf(bands)}: the table's explanation differs from the engine's`);
      }
      rowsByKey.set(keyOf(bands), row);
    }
  } catch (error) {
    if (!(error instanceof NotBandable)) throw error;
    fallback = error.message;
    rowsByKey.clear();
    compiled.length = 0;
  }

  const bandsOf = (input: TOversightInput): number[] | null => {
    if (fallback !== null) return null;
    const bands: number[] = [];
    for (const { input: name, cells } of compiled) {
      const value = input[name];
      if (value === undefined || value === null) bands.push(bandNotGiven);
      else if (cells.type === 'number') {
        if (typeof value !== 'number') return null;
        bands.push(numberCell(cells, value));
      } else {
        const band = typeof value === 'string' && Object.hasOwn(cells.codes, value) ? cells.codes[value] : undefined;
        if (band === undefined) return null;
        bands.push(band);
      }
    }
    return bands;
  };
  const rowOf = (bands: readonly number[]) => rowsByKey.get(keyOf(bands));
  const evaluateFromTable = (input: TOversightInput): TOversightEvaluation | null => {
    const bands = bandsOf(input);
    const row = bands && rowOf(bands);
    return row ? render(ruleset, row, oversightValuesOf(ruleset, input)) : null;
  };
  // Serialising the evaluation object was most of an evaluate request's own CPU (decision 0030): the
  // answer is written from the row's JSON pieces instead, cut once per row when first asked for.
  const jsonPieces = new Map<DecisionRow, string[]>();
  const evaluateJsonFromTable = (input: TOversightInput): string | null => {
    const bands = bandsOf(input);
    const row = bands && rowOf(bands);
    if (!row) return null;
    let pieces = jsonPieces.get(row);
    if (!pieces) {
      pieces = decisionRowJsonPieces(ruleset, row, () => noAffixes);
      jsonPieces.set(row, pieces);
    }
    const values = oversightValuesOf(ruleset, input);
    let json = pieces[0]!;
    for (let f = 0; f < values.length; f++) {
      const value = values[f]!;
      const shown = value === null ? null : formatOversightValue(compiled[f]!.input, value);
      json += shown
        ? JSON.stringify(value) + pieces[3 * f + 1] + jsonText(shown.en) + pieces[3 * f + 2] + jsonText(shown.ja)
        : pieces[3 * f + 1]! + pieces[3 * f + 2];
      json += pieces[3 * f + 3];
    }
    return json;
  };
  return {
    version: ruleset.version,
    ruleset,
    fallback,
    factors: compiled,
    rows: [...rowsByKey.values()],
    bandsOf,
    rowOf,
    evaluateFromTable,
    evaluate: async (input) => evaluateFromTable(input) ?? engine(input),
    evaluateJsonFromTable,
    evaluateJson: async (input) => evaluateJsonFromTable(input) ?? JSON.stringify(await engine(input)),
  };
}

export { render as renderDecisionRow };

/** Text put on either side of a factor's value where the reasons show it, e.g. `['¥', '']` and `['', '円']`. */
export type ValueAffixes = { en: readonly [string, string]; ja: readonly [string, string] };

/** No text around the values: each hole takes the value as the reason shows it, whole. */
const noAffixes: ValueAffixes = { en: ['', ''], ja: ['', ''] };

/** What JSON.stringify escapes in a string: quotes, backslashes, controls and (lone) surrogates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are among what JSON escapes
const escapedInJson = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as it is written inside a JSON string literal (most values' texts need no escaping). */
const jsonText = (s: string) => (escapedInJson.test(s) ? JSON.stringify(s).slice(1, -1) : s);

/**
 * A row's evaluation as JSON text cut where each factor's value goes: 3 × factors + 1 pieces, and per
 * factor three holes — the value as JSON, then the value as the English reason shows it, then as the
 * Japanese one shows it, each without `affixes` (which go into the pieces). A factor not given has
 * empty holes. Joined with its holes filled, it is `JSON.stringify` of the row's evaluation; so SQL can
 * write an explanation by concatenation (decision-table.test.ts checks this).
 */
export function decisionRowJsonPieces(
  table: { version: string },
  row: DecisionRow,
  affixes: (input: TOversightInputName) => ValueAffixes,
): string[] {
  const json = JSON.stringify;
  const pieces: string[] = [];
  let piece = `{"tier":${json(row.tier)},"lowerBound":${row.lowerBound},"reviewerRole":${json(row.reviewerRole)},"missing":${json(row.missing)},"factors":[`;
  row.factors.forEach((f, i) => {
    const isGiven = row.bands[i] !== bandNotGiven;
    const around = affixes(f.input);
    piece += `${i ? ',' : ''}{"factor":${json(f.factor)},"input":${json(f.input)},"value":${isGiven ? '' : 'null'}`;
    pieces.push(piece);
    piece = `,"tier":${json(f.tier)},"drives":${json(f.drives)},"band":${json(f.band)},"thresholds":${json(f.thresholds)},"reason":"${jsonText(f.reason[0])}`;
    pieces.push(isGiven ? piece + jsonText(around.en[0]) : piece);
    piece = isGiven ? jsonText(around.en[1]) + jsonText(f.reason[1]!) : '';
    piece += `","reasonJa":"${jsonText(f.reasonJa[0])}`;
    pieces.push(isGiven ? piece + jsonText(around.ja[0]) : piece);
    piece = `${isGiven ? jsonText(around.ja[1]) + jsonText(f.reasonJa[1]!) : ''}"}`;
  });
  pieces.push(`${piece}],"rulesetVersion":${json(table.version)}}`);
  return pieces;
}

/**
 * The text the reasons put around a value (formatOversightValue), found by formatting `sample`, which
 * the caller writes as `written`: `['¥', '']` for a budget written `1,234,567`. Throws when `written`
 * does not occur exactly once, in either language.
 */
export function oversightValueAffixes(input: TOversightInputName, sample: number | string, written: string): ValueAffixes {
  const shown = formatOversightValue(input, sample);
  const cut = (text: string) => {
    const parts = text.split(written);
    if (parts.length !== 2) throw new Error(`${input}: ${JSON.stringify(written)} does not occur once in ${JSON.stringify(text)}`);
    return [parts[0]!, parts[1]!] as const;
  };
  return { en: cut(shown.en), ja: cut(shown.ja) };
}

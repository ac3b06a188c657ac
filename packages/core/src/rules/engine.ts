/**
 * The one module that talks to json-rules-engine. Everything else in PS Book asks it
 * "which of these rules hold for these facts", so the engine can be swapped or upgraded here.
 *
 * json-rules-engine stops evaluating a rule's `all` at its first failing condition, which is
 * fine for a yes/no answer but not for an explanation. So every fact we need to explain is its own
 * rule, and callers get every rule's outcome back, not just the first failure.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { Engine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import type { z } from 'zod';
import type { Registry } from '../registry/define-registry.ts';
import { extractionFactRegistry, gateFactRegistry } from '../registry/domain-lists.ts';
import { rulesetSchemas, type TConditionTree, type TRulesetName } from './schemas.ts';

export type RulesetOf<N extends TRulesetName> = z.infer<(typeof rulesetSchemas)[N]>;
export type LoadedRuleset<N extends TRulesetName = TRulesetName> = {
  name: N;
  version: string;
  content: RulesetOf<N>;
};

export class RulesetError extends Error {
  readonly file: string;
  readonly problems: { path: string; message: string }[];
  constructor(file: string, problems: { path: string; message: string }[]) {
    super(`${file}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    this.name = 'RulesetError';
    this.file = file;
    this.problems = problems;
  }
}

/** Deeper than any real policy; a hostile file this deep would overflow the recursive schema check. */
export const maxRulesetDepth = 64;

/** The path of the first value nested deeper than `limit`, found without recursion. */
function findTooDeep(root: unknown, limit: number): PropertyKey[] | null {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: root, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (path.length > limit) return path;
    if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        stack.push({ value: child, path: [...path, Array.isArray(value) ? Number(key) : key] });
      }
    }
  }
  return null;
}

/** `$.factors[0].bands[1]` style path, as people read JSON. */
export function toJsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`), '$');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Content hash of a ruleset: formatting and key order do not change it, any policy edit does. */
export function computeRulesetVersion(content: unknown): string {
  return `sha256:${bytesToHex(sha256(utf8ToBytes(canonicalJson(content)))).slice(0, 16)}`;
}

/**
 * Validate a ruleset document (already parsed or as JSON text). A malformed document is rejected
 * with a RulesetError naming the file and the JSON path of every problem.
 */
export function parseRuleset<N extends TRulesetName>(name: N, file: string, source: string | unknown): LoadedRuleset<N> {
  let json: unknown = source;
  if (typeof source === 'string') {
    try {
      json = JSON.parse(source);
    } catch (error) {
      throw new RulesetError(file, [{ path: '$', message: `not valid JSON: ${(error as Error).message}` }]);
    }
  }
  const tooDeep = findTooDeep(json, maxRulesetDepth);
  if (tooDeep) throw new RulesetError(file, [{ path: toJsonPath(tooDeep), message: `nested deeper than ${maxRulesetDepth} levels` }]);
  const result = rulesetSchemas[name].safeParse(json);
  if (!result.success) {
    throw new RulesetError(
      file,
      result.error.issues.map((issue) => ({ path: toJsonPath(issue.path), message: issue.message })),
    );
  }
  const unknownFacts = findUnknownFacts(name, result.data);
  if (unknownFacts.length) throw new RulesetError(file, unknownFacts);
  return { name, version: computeRulesetVersion(result.data), content: result.data as RulesetOf<N> };
}

/** The facts each ruleset's conditions may name: the registries of what the API can gather. */
const factRegistries: Partial<Record<TRulesetName, Registry<{ key: string; ja: string; en: string }>>> = {
  'lifecycle-gates': gateFactRegistry,
  'tech-review-extraction': extractionFactRegistry,
};

/** Every condition leaf of a tree, with its JSON path below `at`. */
export function conditionLeaves(tree: TConditionTree, at: PropertyKey[] = []): { fact: string; path: PropertyKey[] }[] {
  if ('all' in tree) return tree.all.flatMap((t, i) => conditionLeaves(t, [...at, 'all', i]));
  if ('any' in tree) return tree.any.flatMap((t, i) => conditionLeaves(t, [...at, 'any', i]));
  if ('not' in tree) return conditionLeaves(tree.not, [...at, 'not']);
  return [{ fact: tree.fact, path: [...at, 'fact'] }];
}

/**
 * A fact no registry entry names would be undefined at evaluation, which json-rules-engine treats as
 * "condition fails": a typo would silently close a gate for every project. So it is refused at load.
 */
function findUnknownFacts(name: TRulesetName, content: unknown): { path: string; message: string }[] {
  const registry = factRegistries[name];
  if (!registry) return [];
  const trees: { tree: TConditionTree; at: PropertyKey[] }[] =
    name === 'lifecycle-gates'
      ? (content as RulesetOf<'lifecycle-gates'>).gates.map((g, i) => ({ tree: g.conditions, at: ['gates', i, 'conditions'] }))
      : [{ tree: (content as RulesetOf<'tech-review-extraction'>).conditions, at: ['conditions'] }];
  return trees
    .flatMap(({ tree, at }) => conditionLeaves(tree, at))
    .filter((leaf) => !registry.has(leaf.fact))
    .map((leaf) => ({ path: toJsonPath(leaf.path), message: `unknown fact "${leaf.fact}"; known facts: ${registry.keys.join(', ')}` }));
}

export type Facts = Record<string, unknown>;

/** A set of named condition trees compiled once into a json-rules-engine Engine. */
export type CompiledRules<Id extends string = string> = {
  /** Every rule's outcome, in the order the rules were given. */
  evaluate(facts: Facts): Promise<Map<Id, boolean>>;
};

function toEngineCondition(tree: TConditionTree): TopLevelCondition {
  // Our schema is a strict subset of json-rules-engine's condition format.
  return ('all' in tree || 'any' in tree || 'not' in tree ? tree : { all: [tree] }) as TopLevelCondition;
}

export function compileRules<Id extends string>(rules: readonly { id: Id; conditions: TConditionTree }[]): CompiledRules<Id> {
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const rule of rules) {
    const properties: RuleProperties = {
      name: rule.id,
      conditions: toEngineCondition(rule.conditions),
      event: { type: 'rule', params: { id: rule.id } },
    };
    engine.addRule(properties);
  }
  return {
    async evaluate(facts) {
      // Undefined facts mean "not known": json-rules-engine then fails the condition, which is what we want.
      const defined = Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined && v !== null));
      const { results } = await engine.run(defined);
      const passed = new Set(results.map((r) => r.name));
      return new Map(rules.map((r) => [r.id, passed.has(r.id)]));
    },
  };
}

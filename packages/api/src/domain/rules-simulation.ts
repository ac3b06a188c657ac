/**
 * The rules as people read them, and "what if": a candidate oversight ruleset evaluated against the
 * whole book without changing it. Read-only by construction — one READ ONLY transaction, so the
 * database itself refuses any write — and set-based: the candidate is compiled into its decision
 * table, the projects are counted in one GROUP BY on the band keys its CASE gives them, and each
 * group's tier is the table's row (the engine only for a candidate the compiler cannot band).
 */
import {
  compileOversightRuleset,
  type LoadedRuleset,
  type Policy,
  parseRuleset,
  RulesetError,
  type TOversightInput,
  type TTier,
  ZReviewerRoleOrNull,
  ZTierOrNull,
} from '@psbook/core';
import type { Db } from '../db/database.ts';
import { bandKeySql } from '../db/queries/oversight-table.ts';
import {
  countSimulationGroups,
  projectsOfSimulationGroups,
  projectsWithBandKeys,
  type SimulationGroup,
} from '../db/queries/rules-simulation.ts';
import { withReadOnlySnapshot } from '../db/transaction.ts';
import { type FieldError, validationError } from '../errors.ts';
import { tierRank } from './oversight.ts';

/* ------------------------------------------------------------------ the tier table */

type Label = { ja: string; en: string };

/**
 * The oversight ruleset as the tier table of DESIGN §2.1: one row per factor with the band label of
 * each tier (null where the factor cannot reach it), then the consulted reviewer of each tier.
 */
export function tierTableOf(ruleset: LoadedRuleset<'oversight-tier'>) {
  const { factors, reviewers } = ruleset.content;
  const tiers = [1, 2, 3] as const;
  const sortedFactors = factors.map((f) => ({
    factor: f.factor,
    input: f.input,
    label: f.label,
    bands: [...f.bands].sort((a, b) => a.tier - b.tier).map((b) => ({ tier: b.tier, label: b.label, conditions: b.conditions })),
  }));
  const sortedReviewers = [...reviewers].sort((a, b) => a.tier - b.tier).map((r) => ({ tier: r.tier, role: r.role, label: r.label }));
  const cell = (tier: TTier, label: Label | null) => ({ tier, label });
  return {
    version: ruleset.version,
    title: ruleset.content.title,
    tiers: [...tiers],
    factors: sortedFactors,
    reviewers: sortedReviewers,
    rows: [
      ...sortedFactors.map((f) => ({
        kind: 'factor' as const,
        key: f.factor,
        label: f.label,
        cells: tiers.map((tier) => cell(tier, f.bands.find((b) => b.tier === tier)?.label ?? null)),
      })),
      {
        kind: 'reviewer' as const,
        key: 'reviewer',
        label: { ja: '協議先', en: 'Consulted reviewer' },
        cells: tiers.map((tier) => cell(tier, sortedReviewers.find((r) => r.tier === tier)?.label ?? null)),
      },
    ],
  };
}

/* ------------------------------------------------------------------ hostile input */

/** A real oversight ruleset is a few hundred values; these bounds are far above that and far below harm. */
export const candidateLimits = { depth: 12, values: 5_000, arrayItems: 100, objectKeys: 40, stringLength: 2_000 };

/**
 * Refuse a candidate that is too deep, too large or too wide before anything walks it recursively
 * (validation, hashing, the engine). Iterative, so a million nested arrays cannot overflow the stack.
 */
export function checkCandidateShape(value: unknown, root = 'content'): FieldError | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  let values = 0;
  while (stack.length) {
    const { value: v, path, depth } = stack.pop()!;
    if (++values > candidateLimits.values) return { path, message: `too large: at most ${candidateLimits.values} values in a ruleset` };
    if (depth > candidateLimits.depth) return { path, message: `nested too deeply (at most ${candidateLimits.depth} levels)` };
    if (typeof v === 'string' && v.length > candidateLimits.stringLength) {
      return { path, message: `text longer than ${candidateLimits.stringLength} characters` };
    }
    if (Array.isArray(v)) {
      if (v.length > candidateLimits.arrayItems) return { path, message: `at most ${candidateLimits.arrayItems} items` };
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: `${path}[${i}]`, depth: depth + 1 });
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      if (keys.length > candidateLimits.objectKeys) return { path, message: `at most ${candidateLimits.objectKeys} keys` };
      for (const key of keys.reverse())
        stack.push({ value: (v as Record<string, unknown>)[key], path: `${path}.${key}`, depth: depth + 1 });
    }
  }
  return null;
}

/** Validate a candidate oversight ruleset; malformed → 400 with the JSON path of every problem (at most 100). */
export function parseCandidate(content: unknown): LoadedRuleset<'oversight-tier'> {
  const shape = checkCandidateShape(content);
  if (shape) throw validationError([shape]);
  try {
    return parseRuleset('oversight-tier', 'candidate', content);
  } catch (error) {
    if (!(error instanceof RulesetError)) throw error;
    throw validationError(error.problems.slice(0, 100).map((p) => ({ path: `content${p.path.slice(1)}`, message: p.message })));
  }
}

/* ------------------------------------------------------------------ simulation */

type Group = SimulationGroup;
type TierCounts = { tier1: number; tier2: number; tier3: number; unset: number };
const tierKey = (tier: number | null): keyof TierCounts => (tier === 1 ? 'tier1' : tier === 2 ? 'tier2' : tier === 3 ? 'tier3' : 'unset');
const inputKey = (g: Group) =>
  g.covered ? `${g.k0},${g.k1},${g.k2}|${g.fromInputs}` : `|${g.budgetJpy}|${g.maxDowntimeHours}|${g.confidentiality}|${g.fromInputs}`;

export const maxSample = 50;

/** Tiers and reviewer roles come back from SQL as numbers and strings: parsed into core's types, not cast. */
const parseRouting = <T extends { fromTier: number | null; toTier: number | null; fromReviewer: string | null; toReviewer: string | null }>(
  row: T,
) => ({
  ...row,
  fromTier: ZTierOrNull.parse(row.fromTier),
  toTier: ZTierOrNull.parse(row.toTier),
  fromReviewer: ZReviewerRoleOrNull.parse(row.fromReviewer),
  toReviewer: ZReviewerRoleOrNull.parse(row.toReviewer),
});

/**
 * Evaluate every project under a candidate oversight ruleset and report what would change against
 * the tiers stored now: how many, where (by bureau), which transitions, and a sample. Writes nothing.
 */
export async function simulateOversightRuleset(db: Db, active: Policy, content: unknown) {
  const candidate = parseCandidate(content);
  const table = await compileOversightRuleset(candidate);
  const activeVersion = active.rulesets['oversight-tier'].version;
  // Per project: the candidate's band keys, and its inputs where the table does not cover them.
  const projectsWithKeys = projectsWithBandKeys(table.fallback === null ? bandKeySql(table, 'p') : null);

  // One consistent snapshot, and the database refuses writes.
  return withReadOnlySnapshot(db, async (tx) => {
    const groups = await countSimulationGroups(tx, projectsWithKeys);

    const outcomes = new Map<string, { tier: number | null; reviewerRole: string | null }>();
    for (const g of groups) {
      const key = inputKey(g);
      if (outcomes.has(key)) continue;
      const current = g.covered
        ? table.rowOf([g.k0, g.k1, g.k2].map(Number))!
        : await table.evaluate({
            budgetJpy: g.budgetJpy === null ? null : Number(g.budgetJpy),
            maxDowntimeHours: g.maxDowntimeHours,
            confidentiality: g.confidentiality as TOversightInput['confidentiality'],
          });
      // As the re-tier would do it: with a decrease waiting, the inputs in force decide unless the current ones give more.
      const inForce = g.fromInputs ? await table.evaluate(JSON.parse(g.fromInputs) as TOversightInput) : null;
      const e = inForce && tierRank(current.tier) < tierRank(inForce.tier) ? inForce : current;
      outcomes.set(key, { tier: e.tier, reviewerRole: e.reviewerRole });
    }

    let projects = 0;
    let changed = 0;
    const bureaus = new Map<string, { bureauCode: string; total: number; changed: number; toTier: TierCounts }>();
    const transitions = new Map<
      string,
      { fromTier: number | null; toTier: number | null; fromReviewer: string | null; toReviewer: string | null; count: number }
    >();
    const changedGroups: (Group & { toTier: number | null; toReviewer: string | null })[] = [];
    for (const g of groups) {
      const n = Number(g.projects);
      projects += n;
      const bureau = bureaus.get(g.bureauCode) ?? {
        bureauCode: g.bureauCode,
        total: 0,
        changed: 0,
        toTier: { tier1: 0, tier2: 0, tier3: 0, unset: 0 },
      };
      bureaus.set(g.bureauCode, bureau);
      bureau.total += n;
      const outcome = outcomes.get(inputKey(g))!;
      if (outcome.tier === g.tier && outcome.reviewerRole === g.reviewerRole) continue;
      changed += n;
      bureau.changed += n;
      bureau.toTier[tierKey(outcome.tier)] += n;
      const tKey = `${g.tier}|${outcome.tier}|${g.reviewerRole}|${outcome.reviewerRole}`;
      const transition = transitions.get(tKey) ?? {
        fromTier: g.tier,
        toTier: outcome.tier,
        fromReviewer: g.reviewerRole,
        toReviewer: outcome.reviewerRole,
        count: 0,
      };
      transition.count += n;
      transitions.set(tKey, transition);
      changedGroups.push({ ...g, toTier: outcome.tier, toReviewer: outcome.reviewerRole });
    }

    // A sample of changed projects: the groups that hold the first 50, then one query for their rows.
    changedGroups.sort((a, b) => a.bureauCode.localeCompare(b.bureauCode) || String(a.tier).localeCompare(String(b.tier)));
    const picked: typeof changedGroups = [];
    for (let covered = 0; covered < maxSample && picked.length < changedGroups.length; ) {
      const g = changedGroups[picked.length]!;
      picked.push(g);
      covered += Number(g.projects);
    }
    let sample: {
      id: string;
      code: string;
      name: string;
      bureauCode: string;
      fromTier: number | null;
      toTier: number | null;
      fromReviewer: string | null;
      toReviewer: string | null;
    }[] = [];
    if (picked.length) {
      const rows = await projectsOfSimulationGroups(tx, projectsWithKeys, picked, maxSample);
      sample = rows.map((r) => {
        const g = picked[r.groupIndex]!;
        return {
          // The id, so the screen can link each project.
          id: r.id,
          code: r.code,
          name: r.name,
          bureauCode: r.bureauCode,
          fromTier: g.tier,
          toTier: g.toTier,
          fromReviewer: g.reviewerRole,
          toReviewer: g.toReviewer,
        };
      });
    }

    return {
      ruleset: 'oversight-tier' as const,
      candidateVersion: candidate.version,
      activeVersion,
      isSameAsActive: candidate.version === activeVersion,
      projects,
      combinations: outcomes.size,
      changed,
      byBureau: [...bureaus.values()].sort((a, b) => a.bureauCode.localeCompare(b.bureauCode)),
      transitions: [...transitions.values()].sort((a, b) => b.count - a.count).map(parseRouting),
      sample: sample.map(parseRouting),
    };
  });
}

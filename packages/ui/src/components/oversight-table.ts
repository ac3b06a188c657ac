/**
 * The tier table of the active rules (GET /rules, the bundled copy until it answers), without the
 * preview and its helpers: the project list needs only this, and importing oversight.tsx brought
 * the operator registry and with it zod into the list's first load (performance §4.8).
 */
import bundledTierRules from '@rules/oversight-tier.json';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import type { TFactorDef, TReviewerDef } from './oversight-changes.ts';

export type TOversightTable = { factors: TFactorDef[]; reviewers: TReviewerDef[]; version?: string };

const bundled = bundledTierRules as unknown as TOversightTable;

function isTable(value: unknown): value is TOversightTable {
  const v = value as TOversightTable | null;
  return Boolean(v && Array.isArray(v.factors) && v.factors.every((f) => Array.isArray(f.bands)) && Array.isArray(v.reviewers));
}

/**
 * Find the oversight-tier ruleset in GET /rules, whichever way the answer nests it; the copy of
 * rules/oversight-tier.json bundled at build time stands in until the route answers.
 */
export function oversightTableFrom(rules: unknown): TOversightTable | null {
  if (!rules || typeof rules !== 'object') return null;
  const r = rules as Record<string, unknown>;
  const candidates: unknown[] = [r.tierTable, r['oversight-tier'], r.oversight];
  const rulesets = r.rulesets ?? r.items;
  if (Array.isArray(rulesets)) {
    const found = rulesets.find(
      (x) =>
        (x as { name?: string; ruleset?: string })?.name === 'oversight-tier' || (x as { ruleset?: string })?.ruleset === 'oversight-tier',
    );
    candidates.push(found, (found as { content?: unknown } | undefined)?.content);
  } else if (rulesets && typeof rulesets === 'object') {
    const found = (rulesets as Record<string, unknown>)['oversight-tier'];
    candidates.push(found, (found as { content?: unknown } | undefined)?.content);
  }
  for (const c of candidates) {
    if (isTable(c)) return c;
    const content = (c as { content?: unknown } | undefined)?.content;
    if (isTable(content)) return content;
  }
  return null;
}

/** The active rules, as every screen asks for them (also prefetched by screens that need them at once). */
export const rulesQuery = { queryKey: ['rules'], queryFn: api.rules.get, staleTime: 5 * 60_000, retry: false };

export function useRules() {
  return useQuery(rulesQuery);
}

export function useOversightTable(): TOversightTable {
  const { data } = useRules();
  return oversightTableFrom(data) ?? bundled;
}

import { checklistItemOf } from '@core/reviews/checklist-item.ts';
import bundledChecklist from '@rules/release-checklist.json';
import type { TChecklistItem } from '../types.ts';
import { useRules } from './oversight.tsx';

type RulesetItem = {
  id: string;
  principle: string;
  label: { ja: string; en: string };
  description: { ja: string; en: string };
  tiers: number[];
  naAllowed: boolean;
};
type ChecklistRuleset = { items: RulesetItem[] };

const isChecklist = (value: unknown): value is ChecklistRuleset =>
  Boolean(
    value && Array.isArray((value as ChecklistRuleset).items) && (value as ChecklistRuleset).items.every((i) => Array.isArray(i?.tiers)),
  );

/** The release-checklist ruleset from GET /rules, whichever way it nests it. */
export function checklistRulesetFrom(rules: unknown): ChecklistRuleset | null {
  if (!rules || typeof rules !== 'object') return null;
  const r = rules as Record<string, unknown>;
  const rulesets = r.rulesets ?? r.items;
  const candidates: unknown[] = [r['release-checklist'], r.releaseChecklist];
  if (Array.isArray(rulesets)) {
    const found = rulesets.find(
      (x) => (x as { name?: string })?.name === 'release-checklist' || (x as { ruleset?: string })?.ruleset === 'release-checklist',
    );
    candidates.push(found);
  } else if (rulesets && typeof rulesets === 'object') candidates.push((rulesets as Record<string, unknown>)['release-checklist']);
  for (const c of candidates) {
    if (isChecklist(c)) return c;
    const content = (c as { content?: unknown } | undefined)?.content;
    if (isChecklist(content)) return content;
  }
  return null;
}

/** The items that apply to a project of `tier`, in the ruleset's order (as the API copies them onto a request). */
export function checklistForTier(ruleset: ChecklistRuleset, tier: number): TChecklistItem[] {
  return ruleset.items.filter((item) => item.tiers.includes(tier)).map(checklistItemOf);
}

export function useReleaseChecklist(tier: number | null): TChecklistItem[] {
  const { data } = useRules();
  if (tier === null) return [];
  return checklistForTier(checklistRulesetFrom(data) ?? (bundledChecklist as unknown as ChecklistRuleset), tier);
}

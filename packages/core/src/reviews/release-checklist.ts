import type { TTier } from '../oversight/evaluate-oversight.ts';
import type { TExtractionFact } from '../registry/domain-lists.ts';
import { compileRules, type LoadedRuleset } from '../rules/engine.ts';
import { checklistItemOf, type TChecklistItem } from './checklist-item.ts';

export type { TChecklistItem } from './checklist-item.ts';

/** The release checklist items that apply to a project of `tier`, in the ruleset's order. */
export function createReleaseChecklist(ruleset: LoadedRuleset<'release-checklist'>) {
  const { items } = ruleset.content;
  const compiled = compileRules(
    items.map((item) => ({ id: item.id, conditions: { fact: 'tier', operator: 'in' as const, value: item.tiers } })),
  );
  return async (tier: TTier): Promise<TChecklistItem[]> => {
    const outcome = await compiled.evaluate({ tier });
    return items.filter((item) => outcome.get(item.id)).map(checklistItemOf);
  };
}

export type TExtractionFacts = {
  isNew: boolean;
  tier: TTier | null;
  /** The tier the known oversight factors already give (1 when none is known): decides a 未設定 project. */
  tierLowerBound: TTier;
  budgetJpy: number | null;
  bureauCode: string;
  stage: string;
};
// Every registered extraction fact is gathered, and nothing the registry lacks.
type _ExtractionFactsMatchRegistry = [keyof TExtractionFacts] extends [TExtractionFact]
  ? [TExtractionFact] extends [keyof TExtractionFacts]
    ? true
    : never
  : never;
const _extractionFactsMatch: _ExtractionFactsMatchRegistry = true;
void _extractionFactsMatch;

/** Whether the budget-compilation tech review picks a project (案件抽出). */
export function createTechReviewExtraction(ruleset: LoadedRuleset<'tech-review-extraction'>) {
  const compiled = compileRules([{ id: 'extract', conditions: ruleset.content.conditions }]);
  return async (facts: TExtractionFacts): Promise<boolean> => (await compiled.evaluate(facts)).get('extract') === true;
}

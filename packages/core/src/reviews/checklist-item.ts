/** One item of the release checklist as a release request carries it: the item's words flattened to ja and En. */
export type TChecklistItem = {
  itemId: string;
  principle: string;
  label: string;
  labelEn: string;
  description: string;
  descriptionEn: string;
  naAllowed: boolean;
};

type RulesetItem = {
  id: string;
  principle: string;
  label: { ja: string; en: string };
  description: { ja: string; en: string };
  naAllowed: boolean;
};

/**
 * A release-checklist ruleset item as the API copies it onto a request and the UI shows it before filing.
 * Kept apart from release-checklist.ts (which runs json-rules-engine) so the UI can use it without the engine.
 */
export function checklistItemOf(item: RulesetItem): TChecklistItem {
  return {
    itemId: item.id,
    principle: item.principle,
    label: item.label.ja,
    labelEn: item.label.en,
    description: item.description.ja,
    descriptionEn: item.description.en,
    naAllowed: item.naAllowed,
  };
}

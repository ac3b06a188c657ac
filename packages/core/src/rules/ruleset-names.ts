/**
 * The rulesets of the book, in the order GET /rules lists them. Each has a schema (`rulesetSchemas` in
 * schemas.ts must name exactly these) and a file in rules/. Kept apart from the schemas so a screen can
 * list the rulesets without loading them.
 */
const names = [
  'oversight-tier',
  'lifecycle-gates',
  'release-checklist',
  'tech-review-extraction',
  'supervision',
  'service-canvas',
] as const;

export type TRulesetName = (typeof names)[number];
export const rulesetNames: TRulesetName[] = [...names];

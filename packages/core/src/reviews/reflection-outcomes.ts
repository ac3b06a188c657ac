import type { TLocalized } from '../rules/schemas.ts';

/**
 * How the budget office reflected a submitted tech review's opinion in the budget (slide 83:
 * 「意見を付し、予算編成作業に反映」). Its own module, without zod: the budget review shows outcomes
 * before any form is opened (UI performance §4.9). budget-cycle.ts builds the schema from it.
 */
export const reflectionOutcomes = ['reflected', 'partly_reflected', 'not_reflected'] as const;
export type TReflectionOutcome = (typeof reflectionOutcomes)[number];
export const reflectionOutcomeLabels: Record<TReflectionOutcome, TLocalized> = {
  reflected: { ja: '反映', en: 'Reflected' },
  partly_reflected: { ja: '一部反映', en: 'Partly reflected' },
  not_reflected: { ja: '未反映', en: 'Not reflected' },
};

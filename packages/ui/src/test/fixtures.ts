import { createOversightEvaluator } from '@core/oversight/evaluate-oversight.ts';
import { defaultRulesets } from '@core/rules/default-rulesets.ts';
import type { TKpi, TOversightEvaluation } from '../types.ts';

export const bureaus = [
  { code: 'IND', nameJa: '産業労働局', nameEn: 'Bureau of Industrial and Labor Affairs' },
  { code: 'WEL', nameJa: '福祉局', nameEn: 'Bureau of Social Welfare' },
];

// What POST /oversight/evaluate answers, from core's evaluator on the repository's ruleset (the API's decision
// table is proven equal to it): a hand-copied answer drifted from the real wording once already.
const evaluate = createOversightEvaluator(defaultRulesets['oversight-tier']);

/** ¥32,000,000, 24 h, B: tier 2 by budget. */
export const tier2ByBudget: TOversightEvaluation = await evaluate({ budgetJpy: 32_000_000, maxDowntimeHours: 24, confidentiality: 'B' });

/** Budget ¥8,500,000 given, the other two missing: not set, lower bound 1. */
export const unsetBudgetOnly: TOversightEvaluation = await evaluate({ budgetJpy: 8_500_000 });

export const kpi: TKpi = {
  id: '0f5a4d6e-1111-4a4a-9999-000000000001',
  projectId: '0f5a4d6e-2222-4a4a-9999-000000000002',
  name: 'オンライン申請率',
  unit: '%',
  direction: 'increase',
  baselineValue: 10,
  baselineYear: 2024,
  targetValue: 50,
  targetText: null,
  targetFiscalYear: 2028,
  version: 1,
  status: 'no_data',
  measurements: [],
  createdAt: '2026-04-01T00:00:00.000Z',
  updatedAt: '2026-04-01T00:00:00.000Z',
};

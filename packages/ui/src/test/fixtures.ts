import type { TKpi, TOversightEvaluation } from '../types.ts';

export const bureaus = [
  { code: 'IND', nameJa: '産業労働局', nameEn: 'Bureau of Industrial and Labor Affairs' },
  { code: 'WEL', nameJa: '福祉局', nameEn: 'Bureau of Social Welfare' },
];

/** What POST /oversight/evaluate answers for ¥32,000,000, 24 h, B (tier 2 by budget). */
export const tier2ByBudget: TOversightEvaluation = {
  tier: 2,
  lowerBound: 2,
  reviewerRole: 'cio_advisor',
  missing: [],
  rulesetVersion: 'sha256:3152a1b2c3d4',
  factors: [
    {
      factor: 'budget',
      input: 'budgetJpy',
      value: 32_000_000,
      tier: 2,
      drives: true,
      band: { ja: '5,000万円未満（1,000万円以上）', en: 'below ¥50,000,000 (¥10,000,000 or more)' },
      thresholds: [
        { operator: 'greaterThanInclusive', value: 10_000_000 },
        { operator: 'lessThan', value: 50_000_000 },
      ],
      reason: 'Budget size: ¥32,000,000 is below ¥50,000,000 (¥10,000,000 or more) → tier 2 — this factor decides the tier',
      reasonJa: '予算規模：32,000,000円は「5,000万円未満（1,000万円以上）」→ 区分2（この観点が区分を決定）',
    },
    {
      factor: 'downtime',
      input: 'maxDowntimeHours',
      value: 24,
      tier: 1,
      drives: false,
      band: { ja: '12時間超', en: 'more than 12 hours' },
      thresholds: [{ operator: 'greaterThan', value: 12 }],
      reason: 'Allowed service downtime: 24 h is more than 12 hours → tier 1 — lower than tier 2, so it does not decide',
      reasonJa: '業務不可欠性（サービス停止の許容時間）：24時間は「12時間超」→ 区分1（区分2より低いため決定要因ではありません）',
    },
    {
      factor: 'confidentiality',
      input: 'confidentiality',
      value: 'B',
      tier: 1,
      drives: false,
      band: { ja: 'B又はC', en: 'B or C' },
      thresholds: [{ operator: 'in', value: ['B', 'C'] }],
      reason: 'Data confidentiality: B is B or C → tier 1 — lower than tier 2, so it does not decide',
      reasonJa: 'データの機密性：Bは「B又はC」→ 区分1（区分2より低いため決定要因ではありません）',
    },
  ],
};

/** Budget ¥8,500,000 given, the other two missing: not set, lower bound 1. */
export const unsetBudgetOnly: TOversightEvaluation = {
  tier: null,
  lowerBound: 1,
  reviewerRole: null,
  missing: ['maxDowntimeHours', 'confidentiality'],
  rulesetVersion: 'sha256:3152a1b2c3d4',
  factors: [
    {
      factor: 'budget',
      input: 'budgetJpy',
      value: 8_500_000,
      tier: 1,
      drives: true,
      band: { ja: '1,000万円未満', en: 'below ¥10,000,000' },
      thresholds: [{ operator: 'lessThan', value: 10_000_000 }],
      reason: 'Budget size: ¥8,500,000 is below ¥10,000,000 → tier 1',
      reasonJa: '予算規模：8,500,000円は「1,000万円未満」→ 区分1',
    },
    {
      factor: 'downtime',
      input: 'maxDowntimeHours',
      value: null,
      tier: null,
      drives: false,
      band: null,
      thresholds: [],
      reason: 'Allowed service downtime: not given, so the tier cannot be set yet',
      reasonJa: '業務不可欠性（サービス停止の許容時間）：未入力（区分を確定できません）',
    },
    {
      factor: 'confidentiality',
      input: 'confidentiality',
      value: null,
      tier: null,
      drives: false,
      band: null,
      thresholds: [],
      reason: 'Data confidentiality: not given, so the tier cannot be set yet',
      reasonJa: 'データの機密性：未入力（区分を確定できません）',
    },
  ],
};

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

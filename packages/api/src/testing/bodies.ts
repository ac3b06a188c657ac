/**
 * Request bodies and rulesets that several API test files need alike, written once. Each is realistic
 * data for the demo book (bureau codes, accounts and thresholds of the seed and rules/).
 */
import { defaultRulesets } from '@psbook/core';

/** Oversight inputs that put an IND project in each tier (DESIGN §2.1, rules/oversight-tier.json). */
export const tierInputs = {
  1: { budgetJpy: 1_000_000, maxDowntimeHours: 24, confidentiality: 'C' },
  2: { budgetJpy: 10_000_000, maxDowntimeHours: 24, confidentiality: 'C' },
  3: { budgetJpy: 50_000_000, maxDowntimeHours: 24, confidentiality: 'C' },
} as const;

/** A service canvas with every key item written (the planning → requirements gate's canvas fact). */
export const writtenCanvas = {
  projectName: '子育て支援給付オンライン申請',
  department: '産業労働局',
  longTermAim: '申請に来庁しなくてよい都政',
  users: '子育て世帯',
  userPains: '平日に窓口へ行けない',
  userGoals: 'スマートフォンで申請を終えたい',
  userValue: '24時間いつでも申請できる',
  providerValue: '入力内容の確認作業が減る',
  issues: '紙の申請書の転記に時間がかかる',
  solution: 'オンライン申請フォームと審査画面',
  targetOutcomes: 'オンライン申請率80%',
};

/** A canvas written with placeholder words, for tests where only "every key item written" matters. */
export const placeholderCanvas = (projectName: string) => ({
  projectName,
  department: '産業労働局',
  longTermAim: '目指すこと',
  users: '都民',
  userPains: '困りごと',
  userGoals: '実現したいこと',
  userValue: '価値',
  providerValue: '価値',
  issues: '課題',
  solution: '解決策',
  targetOutcomes: '成果',
});

/** A new tier-3 project of the welfare bureau (confidentiality A), as staff.wel@example.jp registers it. */
export const tier3WelfareProject = (name: string, fiscalYear: number) => ({
  name,
  bureauCode: 'WEL',
  fiscalYear,
  isNew: true,
  budgetJpy: 40_000_000,
  maxDowntimeHours: 12,
  confidentiality: 'A',
});

/** The published oversight ruleset with the tier-2 budget threshold moved from ¥10,000,000 to `to`. */
export function tier2BudgetThresholdAt(to: number) {
  const content = structuredClone(defaultRulesets['oversight-tier'].content);
  const budget = content.factors.find((f) => f.factor === 'budget')!;
  for (const band of budget.bands) {
    for (const c of band.conditions) if (c.value === 10_000_000) (c as { value: unknown }).value = to;
  }
  return content;
}

import type { Policy } from '../policy.ts';
import type { TRulesetName } from './schemas.ts';

export type RuleCase = { name: string; input: Record<string, unknown>; expected: Record<string, unknown> };
export type RuleCaseFile = { ruleset: TRulesetName; cases: RuleCase[] };
export type RuleCaseResult = {
  ruleset: TRulesetName;
  name: string;
  passed: boolean;
  mismatches: { key: string; expected: unknown; actual: unknown }[];
};

/** Each ruleset's output reduced to what its case files state. */
const runners: Record<TRulesetName, (policy: Policy, input: any) => Promise<Record<string, unknown>>> = {
  'oversight-tier': async (p, input) => {
    const result = await p.evaluateOversight(input);
    return { ...result, drivers: result.factors.filter((f) => f.drives).map((f) => f.factor) };
  },
  'lifecycle-gates': async (p, input) => {
    const decision = await p.lifecycle.checkTransition(input.facts, input.to, input.reason);
    return { ...decision, gates: 'unmet' in decision ? decision.unmet.map((u) => u.gate) : [] };
  },
  'release-checklist': async (p, input) => ({ items: (await p.releaseChecklist(input.tier)).map((i) => i.itemId) }),
  'tech-review-extraction': async (p, input) => ({ extracted: await p.isExtractedForTechReview(input) }),
  'service-canvas': async (p, input) => {
    const missingKeyItems = p.canvas.missingKeyItems(input.fields);
    return { missingKeyItems, isWritten: missingKeyItems.length === 0 };
  },
  supervision: async (p, input) => {
    if (input.consultationOpenedOn) return { consultationDueOn: p.supervision.consultationDueOn(input.consultationOpenedOn) };
    const due = p.supervision.reportDue(input);
    return { supervised: due !== null, cadenceMonths: p.supervision.cadenceOf(input.tier), ...due };
  },
};

function isDeepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Run one case file against a policy: every key of `expected` must equal the actual output. */
export async function runRuleCases(policy: Policy, file: RuleCaseFile): Promise<RuleCaseResult[]> {
  const runner = runners[file.ruleset];
  if (!runner) throw new Error(`no runner for ruleset ${file.ruleset}`);
  const results: RuleCaseResult[] = [];
  for (const c of file.cases) {
    const actual = await runner(policy, c.input);
    const mismatches = Object.entries(c.expected)
      .filter(([key, value]) => !isDeepEqual(actual[key], value))
      .map(([key, expected]) => ({ key, expected, actual: actual[key] }));
    results.push({ ruleset: file.ruleset, name: c.name, passed: mismatches.length === 0, mismatches });
  }
  return results;
}

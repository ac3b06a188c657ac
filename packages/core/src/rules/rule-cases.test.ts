/**
 * Runs every case of every ruleset in `rules/tests/*.cases.json`. A policy change is an edit of a
 * rule file plus an edit of its case file; this suite needs no change.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createPolicy, type Policy } from '../policy.ts';
import type { Rulesets } from './default-rulesets.ts';
import { parseRuleset } from './engine.ts';
import { rulesetNames, type TRulesetName } from './schemas.ts';

const rulesDir = fileURLToPath(new URL('../../../../rules/', import.meta.url));
const rulesets = Object.fromEntries(
  rulesetNames.map((name) => [name, parseRuleset(name, `${name}.json`, readFileSync(join(rulesDir, `${name}.json`), 'utf8'))]),
) as Rulesets;
const policy = createPolicy(rulesets);

type Case = { name: string; input: Record<string, unknown>; expected: Record<string, unknown> };

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
};

const caseFiles = readdirSync(join(rulesDir, 'tests')).filter((f) => f.endsWith('.cases.json'));

describe('rule case files', () => {
  it('has a case file for every ruleset', () => {
    expect(caseFiles.map((f) => f.replace('.cases.json', '')).sort()).toEqual([...rulesetNames].sort());
  });

  for (const file of caseFiles) {
    const { ruleset, cases } = JSON.parse(readFileSync(join(rulesDir, 'tests', file), 'utf8')) as {
      ruleset: TRulesetName;
      cases: Case[];
    };
    describe(ruleset, () => {
      it('has cases', () => expect(cases.length).toBeGreaterThan(0));
      for (const c of cases) {
        it(c.name, async () => {
          const actual = await runners[ruleset](policy, c.input);
          for (const [key, value] of Object.entries(c.expected)) expect(actual[key], key).toEqual(value);
        });
      }
    });
  }
});

/**
 * Runs every case of every ruleset in `rules/tests/*.cases.json`. A policy change is an edit of a
 * rule file plus an edit of its case file; this suite needs no change.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createPolicy } from '../policy.ts';
import type { Rulesets } from './default-rulesets.ts';
import { parseRuleset } from './engine.ts';
import { type RuleCaseFile, runRuleCases } from './run-cases.ts';
import { rulesetNames } from './schemas.ts';

const rulesDir = fileURLToPath(new URL('../../../../rules/', import.meta.url));
const rulesets = Object.fromEntries(
  rulesetNames.map((name) => [name, parseRuleset(name, `${name}.json`, readFileSync(join(rulesDir, `${name}.json`), 'utf8'))]),
) as Rulesets;
const policy = createPolicy(rulesets);
const caseFiles = readdirSync(join(rulesDir, 'tests')).filter((f) => f.endsWith('.cases.json'));

describe('rule case files', () => {
  it('has a case file for every ruleset', () => {
    expect(caseFiles.map((f) => f.replace('.cases.json', '')).sort()).toEqual([...rulesetNames].sort());
  });

  for (const fileName of caseFiles) {
    const file = JSON.parse(readFileSync(join(rulesDir, 'tests', fileName), 'utf8')) as RuleCaseFile;
    describe(file.ruleset, () => {
      it('has cases', () => expect(file.cases.length).toBeGreaterThan(0));
      for (const c of file.cases) {
        it(c.name, async () => {
          const [result] = await runRuleCases(policy, { ruleset: file.ruleset, cases: [c] });
          expect(result!.mismatches).toEqual([]);
        });
      }
    });
  }
});

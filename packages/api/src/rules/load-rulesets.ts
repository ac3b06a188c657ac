import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRuleset, RulesetError, type Rulesets, rulesetNames } from '@psbook/core';

/** Read and validate `rules/<name>.json` for every ruleset; every problem of every file is reported. */
export function loadRulesets(dir: string): Rulesets {
  const loaded: Partial<Rulesets> = {};
  const problems: string[] = [];
  for (const name of rulesetNames) {
    const file = join(dir, `${name}.json`);
    try {
      (loaded as Record<string, unknown>)[name] = parseRuleset(name, file, readFileSync(file, 'utf8'));
    } catch (error) {
      if (error instanceof RulesetError) problems.push(error.message);
      else problems.push(`${file}: ${(error as Error).message}`);
    }
  }
  if (problems.length) throw new Error(`invalid rules:\n  ${problems.join('\n  ')}`);
  return loaded as Rulesets;
}

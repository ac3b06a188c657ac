/**
 * The rulesets in the repository's `rules/` folder, bundled at build time (no file I/O here).
 * The API server loads the same files from disk at start so a policy edit needs no rebuild;
 * these copies serve tests and tools that run without a server.
 */
import lifecycleGates from '../../../../rules/lifecycle-gates.json' with { type: 'json' };
import oversightTier from '../../../../rules/oversight-tier.json' with { type: 'json' };
import releaseChecklist from '../../../../rules/release-checklist.json' with { type: 'json' };
import serviceCanvas from '../../../../rules/service-canvas.json' with { type: 'json' };
import supervision from '../../../../rules/supervision.json' with { type: 'json' };
import techReviewExtraction from '../../../../rules/tech-review-extraction.json' with { type: 'json' };
import { type LoadedRuleset, parseRuleset } from './engine.ts';

export type Rulesets = {
  'oversight-tier': LoadedRuleset<'oversight-tier'>;
  'lifecycle-gates': LoadedRuleset<'lifecycle-gates'>;
  'release-checklist': LoadedRuleset<'release-checklist'>;
  'tech-review-extraction': LoadedRuleset<'tech-review-extraction'>;
  supervision: LoadedRuleset<'supervision'>;
  'service-canvas': LoadedRuleset<'service-canvas'>;
};

export const defaultRulesets: Rulesets = {
  'oversight-tier': parseRuleset('oversight-tier', 'rules/oversight-tier.json', oversightTier),
  'lifecycle-gates': parseRuleset('lifecycle-gates', 'rules/lifecycle-gates.json', lifecycleGates),
  'release-checklist': parseRuleset('release-checklist', 'rules/release-checklist.json', releaseChecklist),
  'tech-review-extraction': parseRuleset('tech-review-extraction', 'rules/tech-review-extraction.json', techReviewExtraction),
  supervision: parseRuleset('supervision', 'rules/supervision.json', supervision),
  'service-canvas': parseRuleset('service-canvas', 'rules/service-canvas.json', serviceCanvas),
};

/**
 * retierAllProjects in its own process, as the API server runs it at start: a default Node heap, its
 * own database pool. Prints one JSON line with the outcome. Run by retier.ts, which times and bounds it.
 *
 *   node --import tsx bench/retier-child.ts <databaseUrl> <rulesDir>
 */
import { createPolicy } from '@psbook/core';
import { openPostgres } from '../../packages/api/src/db/database.ts';
import { retierAllProjects } from '../../packages/api/src/domain/oversight.ts';
import { loadRulesets } from '../../packages/api/src/rules/load-rulesets.ts';

const [databaseUrl, rulesDir] = process.argv.slice(2);
if (!databaseUrl || !rulesDir) throw new Error('usage: retier-child.ts <databaseUrl> <rulesDir>');
const database = openPostgres(databaseUrl, { poolSize: 2 });
try {
  const policy = createPolicy(loadRulesets(rulesDir));
  const started = performance.now();
  const result = await retierAllProjects(database.db, policy, { actor: { id: null, label: 'bench' }, requestId: null });
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ ok: true, ...result, seconds, heapMb: Math.round(process.memoryUsage().rss / 2 ** 20) }));
} finally {
  await database.close();
}

import type { Policy } from '@psbook/core';
import { recordAudit } from './audit.ts';
import { systemActor } from './auth/actor.ts';
import type { Config } from './config.ts';
import { createServices, type Services } from './context.ts';
import { type Db, migrateToLatest, type OpenDatabase, openDatabase } from './db/database.ts';
import { listRulesetStates, upsertRulesetState } from './db/queries/rulesets.ts';
import { foldStatsChanges } from './db/queries/stats.ts';
import { hasAnyUser } from './db/queries/users.ts';
import { withTransaction } from './db/transaction.ts';
import { retierAllProjects } from './domain/oversight.ts';
import { startRulesets } from './domain/ruleset-versions.ts';
import { loadRulesets } from './rules/load-rulesets.ts';
import { seedDemo } from './seed/demo.ts';

/**
 * Store the active rulesets' versions. When the oversight ruleset differs from the one stored, every
 * project is re-evaluated in one set-based pass (tier history, audit events, re-routed requests).
 */
export async function activateRulesets(db: Db, policy: Policy): Promise<{ changedRulesets: string[]; retiered: number }> {
  const stored = new Map((await listRulesetStates(db)).map((r) => [r.name, r.version]));
  const changedRulesets: string[] = [];
  await withTransaction(db, async (tx) => {
    for (const ruleset of Object.values(policy.rulesets)) {
      if (stored.get(ruleset.name) === ruleset.version) continue;
      changedRulesets.push(ruleset.name);
      await upsertRulesetState(tx, ruleset);
      await recordAudit(
        tx,
        { actor: systemActor, requestId: null },
        {
          action: 'ruleset.activate',
          entityType: 'ruleset',
          entityId: ruleset.name,
          before: stored.has(ruleset.name) ? { version: stored.get(ruleset.name) } : null,
          after: { version: ruleset.version },
        },
      );
    }
  });
  let retiered = 0;
  if (changedRulesets.includes('oversight-tier')) {
    retiered = (await retierAllProjects(db, policy, { actor: systemActor, requestId: null })).changed;
    // A re-tier appends a change for every project to the statistics summaries; fold them in now so
    // the first statistics request after a start does not pay for it (seconds at a million projects).
    await foldStatsChanges(db);
  }
  return { changedRulesets, retiered };
}

export type Started = { services: Services; database: OpenDatabase; seeded: boolean; close(): Promise<void> };

/**
 * Open and migrate the database, load and activate the rules, and create the demo book when new.
 * The rules in force are the database's active versions; rules/ gives the first ones, and only when
 * their own cases pass (decision 0017).
 */
export async function startServices(config: Config, options: { log?: (message: string) => void } = {}): Promise<Started> {
  const log = options.log ?? (() => {});
  // A damaged file in rules/ is refused before the database is opened (or an embedded one created):
  // the first versions come from it, and an operator should meet the file's error, not a half-made book.
  loadRulesets(config.rulesDir);
  const database = await openDatabase(config);
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length) log(`migrations applied: ${applied.join(', ')}`);
    const policy = await startRulesets(database.db, config.rulesDir, log);
    const oversightTable = await policy.oversightTable;
    // Said once, at start: every evaluation under this ruleset then runs json-rules-engine instead of the table.
    if (oversightTable.fallback)
      log(`oversight ruleset ${oversightTable.version} is evaluated by the engine, not compiled: ${oversightTable.fallback}`);
    const { changedRulesets, retiered } = await activateRulesets(database.db, policy);
    if (changedRulesets.length)
      log(`rulesets activated: ${changedRulesets.join(', ')}${retiered ? ` (${retiered} projects changed tier)` : ''}`);
    let seeded = false;
    if (database.kind === 'pglite' && config.demoOnFirstStart) {
      if (!(await hasAnyUser(database.db))) {
        const result = await seedDemo(database.db, policy);
        log(`demo book created: ${result.projects} projects, ${result.users} accounts (password psbook-demo)`);
        seeded = true;
      }
    }
    const services = createServices(database, config, policy);
    return { services, database, seeded, close: () => database.close() };
  } catch (error) {
    await database.close();
    throw error;
  }
}

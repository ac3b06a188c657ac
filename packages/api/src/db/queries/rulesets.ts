import type { Db } from '../database.ts';

/** The version of each ruleset the database last activated, and when. */
export const listRulesetStates = (db: Db) => db.selectFrom('rulesetState').select(['name', 'version', 'activatedAt']).execute();

export const upsertRulesetState = (db: Db, ruleset: { name: string; version: string; content: unknown }) =>
  db
    .insertInto('rulesetState')
    .values({ name: ruleset.name, version: ruleset.version, content: JSON.stringify(ruleset.content) })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({ version: ruleset.version, content: JSON.stringify(ruleset.content), activatedAt: new Date() }),
    )
    .execute();

import type { Migration } from 'kysely/migration';
import * as initialSchema from './20261122T0000-initial-schema.ts';
import * as auditFilterIndexes from './20261122T0110-audit-filter-indexes.ts';
import * as dataIndexes from './20261122T0130-data-indexes.ts';
import * as dropUnusedCreatedTierIndex from './20261122T0131-drop-unused-created-tier-index.ts';
import * as statsSummaries from './20261122T0150-stats-summaries.ts';
import * as tierDecrease from './20261206T0000-tier-decrease.ts';
import * as loginThrottle from './20261206T0100-login-throttle.ts';
import * as supervision from './20261206T0200-supervision.ts';
import * as oidcSignIn from './20261206T0300-oidc-sign-in.ts';
import * as notifications from './20261206T0500-notifications.ts';
import * as oversightDecision from './20261207T0200-oversight-decision.ts';
import * as budgetProcess from './20261207T0400-budget-process.ts';
import * as rulesetVersions from './20261207T0500-ruleset-versions.ts';
import * as pendingRetirement from './20261207T0600-pending-retirement.ts';
import * as tierHistoryRegistration from './20261208T0600-tier-history-registration.ts';
import * as tierChecks from './20261209T0100-tier-checks.ts';
import * as oversightExplanationRendered from './20261209T0200-oversight-explanation-rendered.ts';
import * as projectHotUpdates from './20261210T0100-project-hot-updates.ts';
import * as statsTriggersWithoutJoin from './20261210T0200-stats-triggers-without-join.ts';

/** Every migration, by name; names sort in the order they apply. */
export const migrations: Record<string, Migration> = {
  '20261122T0000-initial-schema': initialSchema,
  '20261122T0110-audit-filter-indexes': auditFilterIndexes,
  '20261122T0130-data-indexes': dataIndexes,
  '20261122T0131-drop-unused-created-tier-index': dropUnusedCreatedTierIndex,
  '20261122T0150-stats-summaries': statsSummaries,
  '20261206T0000-tier-decrease': tierDecrease,
  '20261206T0100-login-throttle': loginThrottle,
  '20261206T0200-supervision': supervision,
  '20261206T0300-oidc-sign-in': oidcSignIn,
  '20261206T0500-notifications': notifications,
  '20261207T0200-oversight-decision': oversightDecision,
  '20261207T0400-budget-process': budgetProcess,
  '20261207T0500-ruleset-versions': rulesetVersions,
  '20261207T0600-pending-retirement': pendingRetirement,
  '20261208T0600-tier-history-registration': tierHistoryRegistration,
  '20261209T0100-tier-checks': tierChecks,
  '20261209T0200-oversight-explanation-rendered': oversightExplanationRendered,
  '20261210T0100-project-hot-updates': projectHotUpdates,
  '20261210T0200-stats-triggers-without-join': statsTriggersWithoutJoin,
};

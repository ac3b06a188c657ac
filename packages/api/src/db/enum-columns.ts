/**
 * Every database column that holds one of core's enums, with the values it may hold taken from core
 * (issue 11 §1, §3). The check constraints are derived from this table (`syncEnumChecks`, run after the
 * migrations), and a test compares every enum-shaped check in the database with it, so a value added to
 * a registry cannot meet a stale constraint (the 500 an added role once caused).
 */
import {
  actionSourceKinds,
  actionStatuses,
  confidentialityRegistry,
  consultationStatuses,
  consultationTopics,
  documentKindRegistry,
  exemptionStatuses,
  exemptionTargetKinds,
  expenseCategoryRegistry,
  registrationTriggerRegistry,
  roleRegistry,
  stageRegistry,
  type TTier,
  ZConsultationSide,
  ZKpiDirection,
  ZNotificationCadence,
  ZNotificationChannel,
  ZOutboxStatus,
  ZProcurementMethod,
  ZProcurementStatus,
  ZReflectionOutcome,
  ZReleaseStatus,
  ZRetirementStatus,
  ZRulesetActivationStatus,
  ZRulesetActivationStep,
  ZRulesetVersionStatus,
  ZTechReviewStatus,
  ZTierDecreaseCause,
  ZTierDecreaseStatus,
  ZTierDecreaseSupersededBy,
  ZTierHistoryCause,
  ZTransitionDirection,
  ZYearlyDecision,
} from '@psbook/core';
import type { Selectable } from 'kysely';
import type { Database } from './schema.ts';

type ColumnValue<T extends keyof Database, C extends keyof Database[T]> = NonNullable<
  Selectable<Database[T]>[C & keyof Selectable<Database[T]>]
>;

/**
 * `scalar`: the column holds one value (`col in (…)`); `array`: a text[] whose every element is one
 * (`col <@ array[…]`).
 */
export type EnumColumn = { table: string; column: string; shape: 'scalar' | 'array'; values: readonly string[] };

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A scalar enum column; the values must be ones the Kysely column type allows. */
function scalar<T extends keyof Database & string, C extends keyof Database[T] & string>(
  table: T,
  column: C,
  values: readonly ColumnValue<T, C>[],
): EnumColumn {
  return { table: snake(table), column: snake(column), shape: 'scalar', values: values as readonly string[] };
}

export const enumColumns: readonly EnumColumn[] = [
  scalar('appUser', 'role', roleRegistry.keys),
  scalar('project', 'registrationTrigger', registrationTriggerRegistry.keys),
  scalar('project', 'stage', stageRegistry.keys),
  scalar('project', 'confidentiality', confidentialityRegistry.keys),
  scalar('document', 'kind', documentKindRegistry.keys),
  { table: 'expense_line', column: 'categories', shape: 'array', values: expenseCategoryRegistry.keys },
  scalar('tierHistory', 'cause', ZTierHistoryCause.options),
  scalar('tierDecrease', 'status', ZTierDecreaseStatus.options),
  scalar('tierDecrease', 'cause', ZTierDecreaseCause.options),
  scalar('tierDecrease', 'supersededBy', ZTierDecreaseSupersededBy.options),
  scalar('kpi', 'direction', ZKpiDirection.options),
  scalar('stageTransition', 'direction', ZTransitionDirection.options),
  scalar('releaseRequest', 'status', ZReleaseStatus.options),
  scalar('techReview', 'status', ZTechReviewStatus.options),
  scalar('procurement', 'method', ZProcurementMethod.options),
  scalar('procurement', 'status', ZProcurementStatus.options),
  scalar('yearlyReview', 'decision', ZYearlyDecision.options),
  scalar('yearlyReview', 'retirementStatus', ZRetirementStatus.options),
  scalar('rulesetVersion', 'status', ZRulesetVersionStatus.options),
  scalar('rulesetActivation', 'status', ZRulesetActivationStatus.options),
  scalar('rulesetActivation', 'step', ZRulesetActivationStep.options),
  scalar('techReviewReflection', 'outcome', ZReflectionOutcome.options),
  scalar('consultation', 'topic', consultationTopics),
  scalar('consultation', 'status', consultationStatuses),
  scalar('consultationMessage', 'side', ZConsultationSide.options),
  scalar('followUpAction', 'sourceKind', actionSourceKinds),
  scalar('followUpAction', 'status', actionStatuses),
  scalar('exemption', 'targetKind', exemptionTargetKinds),
  scalar('exemption', 'status', exemptionStatuses),
  scalar('emailOutbox', 'status', ZOutboxStatus.options),
  scalar('notificationDefault', 'channel', ZNotificationChannel.options),
  scalar('notificationDefault', 'cadence', ZNotificationCadence.options),
  scalar('notificationPreference', 'channel', ZNotificationChannel.options),
  scalar('notificationPreference', 'cadence', ZNotificationCadence.options),
];

/**
 * Every column holding a tier. db/schema.ts types each with core's `TTier` (this list does not compile
 * otherwise), and each has a check allowing 1 to 3 (migration 20261209T0100), so the type says what
 * the database holds; tier-checks.test.ts compares this list with the database's columns and checks.
 */
function tierColumn<T extends keyof Database & string, C extends keyof Database[T] & string>(
  table: T,
  column: C,
  // An extra argument is required (and cannot be given) when the column is typed wider than TTier.
  ..._typedAsTier: ColumnValue<T, C> extends TTier ? [] : [never]
): { table: string; column: string } {
  return { table: snake(table), column: snake(column) };
}

export const tierColumns: readonly { table: string; column: string }[] = [
  tierColumn('project', 'tier'),
  tierColumn('project', 'tierLowerBound'),
  tierColumn('tierHistory', 'fromTier'),
  tierColumn('tierHistory', 'toTier'),
  tierColumn('tierDecrease', 'fromTier'),
  tierColumn('tierDecrease', 'toTier'),
  tierColumn('releaseRequest', 'tier'),
  tierColumn('releaseRequestRouting', 'fromTier'),
  tierColumn('releaseRequestRouting', 'toTier'),
  tierColumn('consultation', 'tier'),
  tierColumn('consultationRouting', 'fromTier'),
  tierColumn('consultationRouting', 'toTier'),
  tierColumn('statusReport', 'tier'),
  tierColumn('techReview', 'tierAtExtraction'),
];

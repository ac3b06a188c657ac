export * from './auth/permissions.ts';
export * from './auth/schemas.ts';
export * from './canvas/schemas.ts';
/** The API's types generated from its OpenAPI document (paths, components, operations): for clients and the UI. */
export type * as Api from './generated/api.ts';
export * from './kpis/schemas.ts';
export * from './lifecycle/check-transition.ts';
export * from './lifecycle/stages.ts';
export * from './notifications/schemas.ts';
export * from './oversight/decision-table.ts';
export * from './oversight/evaluate-oversight.ts';
export * from './oversight/ruleset-variants.ts';
export * from './policy.ts';
export * from './projects/open-data.ts';
export * from './projects/responses.ts';
export * from './projects/schemas.ts';
export * from './projects/search.ts';
export * from './registry/define-registry.ts';
export {
  bureauBoundRoles,
  confidentialityRegistry,
  documentKindRegistry,
  expenseCategoryRegistry,
  extractionFactRegistry,
  factorOfInput,
  gateFactRegistry,
  oversightFactorRegistry,
  oversightInputNames,
  registrationTriggerRegistry,
  roleRegistry,
  stageRegistry,
  type TBureauScope,
  type TExtractionFact,
  type TGateFact,
  ZOversightFactorName,
  ZOversightInputName,
} from './registry/domain-lists.ts';
export * from './reviews/budget-cycle.ts';
export * from './reviews/decision-refusal.ts';
export * from './reviews/procurement-limits.ts';
export * from './reviews/procurement-status.ts';
export * from './reviews/release-checklist.ts';
export * from './reviews/release-decision.ts';
export * from './reviews/schemas.ts';
export * from './rules/default-rulesets.ts';
export * from './rules/engine.ts';
export * from './rules/operators.ts';
export * from './rules/run-cases.ts';
export * from './rules/schemas.ts';
export * from './rules/versions.ts';
export * from './supervision/schemas.ts';
export * from './supervision/supervision.ts';

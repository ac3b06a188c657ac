/**
 * The domain's lists, each defined once (issue 11 §1). Everything else — zod enums, database check
 * constraints, SQL columns, CSV and export columns, UI labels and options, test matrices — is derived
 * from these entries, so adding a role, a document kind or an oversight factor is one entry here plus
 * the behaviour that is really new.
 */
import { z } from 'zod';
import { defineRegistry, type KeyOf, withSchema } from './define-registry.ts';
import { expenseCategoryList, registrationTriggerList, roleList, stageList } from './lists.ts';

/** Roles (DESIGN §1) and lifecycle stages (DESIGN §2.2): lists.ts, with their zod enums here. */
export const roleRegistry = withSchema(roleList);
export type TRole = KeyOf<typeof roleRegistry>;
/** Roles that act for their own bureau and so cannot exist without one. */
export const bureauBoundRoles: readonly TRole[] = roleRegistry.entries.filter((r) => r.bureauScope === 'own').map((r) => r.key);
export const stageRegistry = withSchema(stageList);
export type TStage = KeyOf<typeof stageRegistry>;
export type { TBureauScope } from './lists.ts';

/**
 * The facts the lifecycle gates may name (rules/lifecycle-gates.json). The API gathers them from the
 * database (db/queries/lifecycle.ts); a gate naming any other fact is refused when the rules load.
 */
export const gateFactRegistry = defineRegistry('gate fact', [
  { key: 'stage', type: 'stage', ja: '段階', en: 'Stage' },
  { key: 'canvasWritten', type: 'boolean', ja: 'サービスキャンバスの重要項目を記入済み', en: 'Service canvas written' },
  { key: 'kpiWithTargetCount', type: 'count', ja: '目標値のあるKPIの数', en: 'KPIs with a target' },
  { key: 'requirementsDefinitionCount', type: 'count', ja: '要件定義書の数', en: 'Requirements definitions' },
  { key: 'procurementSpecCount', type: 'count', ja: '調達仕様書の数', en: 'Procurement specifications' },
  { key: 'approvedReleaseCount', type: 'count', ja: '承認されたリリース判定の数', en: 'Approved release requests' },
  { key: 'kpisUnmeasuredThisYearCount', type: 'count', ja: '今年度未測定のKPIの数', en: 'KPIs not measured this year' },
  { key: 'hasYearlyDecision', type: 'boolean', ja: '今年度の存廃判断あり', en: 'Yearly decision recorded' },
  { key: 'openBlockingActionCount', type: 'count', ja: '未確認の阻止扱いフォローアップ措置の数', en: 'Open blocking follow-up actions' },
] as const);
export type TGateFact = KeyOf<typeof gateFactRegistry>;

/**
 * Document kinds. `countFact` names the gate fact that counts a project's documents of the kind, so a
 * kind a gate needs is counted by the facts query without another edit.
 */
export const documentKindRegistry = defineRegistry('document kind', [
  { key: 'requirements_definition', ja: '要件定義書', en: 'Requirements definition', countFact: 'requirementsDefinitionCount' },
  { key: 'procurement_spec', ja: '調達仕様書', en: 'Procurement specification', countFact: 'procurementSpecCount' },
  { key: 'user_test_report', ja: 'ユーザテスト結果報告書', en: 'User test report', countFact: null },
  { key: 'other', ja: 'その他', en: 'Other', countFact: null },
] as const satisfies readonly [
  { key: string; ja: string; en: string; countFact: TGateFact | null },
  ...{ key: string; ja: string; en: string; countFact: TGateFact | null }[],
]);
export type TDocumentKind = KeyOf<typeof documentKindRegistry>;

/** 登録の契機 (DESIGN §2.2): lists.ts, with its zod enum here. */
export const registrationTriggerRegistry = withSchema(registrationTriggerList);
export type TRegistrationTrigger = KeyOf<typeof registrationTriggerRegistry>;

/** Expense categories (DESIGN §2.6): lists.ts, with its zod enum here. */
export const expenseCategoryRegistry = withSchema(expenseCategoryList);
export type TExpenseCategory = KeyOf<typeof expenseCategoryRegistry>;

/** Money is integer yen. 9e15 keeps every value exact in a JS number and in PostgreSQL bigint. */
export const ZYen = z.number().int().min(0).max(9_000_000_000_000_000);
export const ZDowntimeHours = z.number().min(0).max(8760);
export const confidentialityRegistry = defineRegistry('confidentiality', [
  { key: 'A', ja: 'A（機密性が高い）', en: 'A (high)' },
  { key: 'B', ja: 'B', en: 'B' },
  { key: 'C', ja: 'C', en: 'C' },
] as const);
export const ZConfidentiality = confidentialityRegistry.schema;
export type TConfidentiality = KeyOf<typeof confidentialityRegistry>;

/**
 * Oversight factors (DESIGN §2.1): the project input each reads, its column and SQL type (for the set-based
 * re-tier and the bands in SQL), the zod schema of its value, how a value is shown, its export column
 * header, and whether open data may publish it (allowed downtime and confidentiality are security facts:
 * internal). The oversight
 * ruleset names factors and inputs from here; the request schemas, CSV exports and UI forms derive from it.
 */
export const oversightFactorRegistry = defineRegistry('oversight factor', [
  {
    key: 'budget',
    input: 'budgetJpy',
    column: 'budget_jpy',
    sqlType: 'bigint',
    valueType: 'number',
    unit: 'yen',
    schema: ZYen,
    exportHeader: '予算額（円）',
    isPublic: true,
    ja: '予算規模',
    en: 'Budget size',
  },
  {
    key: 'downtime',
    input: 'maxDowntimeHours',
    column: 'max_downtime_hours',
    sqlType: 'double precision',
    valueType: 'number',
    unit: 'hours',
    schema: ZDowntimeHours,
    exportHeader: '停止許容時間（時間）',
    isPublic: false,
    ja: '業務不可欠性（許容停止時間）',
    en: 'Allowed service downtime',
  },
  {
    key: 'confidentiality',
    input: 'confidentiality',
    column: 'confidentiality',
    sqlType: 'text',
    valueType: 'string',
    unit: 'grade',
    schema: ZConfidentiality,
    exportHeader: '機密性',
    isPublic: false,
    ja: 'データの機密性',
    en: 'Data confidentiality',
  },
] as const);
type OversightFactorEntry = (typeof oversightFactorRegistry.entries)[number];
export type TOversightFactorName = OversightFactorEntry['key'];
export type TOversightInputName = OversightFactorEntry['input'];
export const oversightInputNames = oversightFactorRegistry.entries.map((f) => f.input) as unknown as readonly [
  TOversightInputName,
  ...TOversightInputName[],
];
export const ZOversightFactorName = oversightFactorRegistry.schema;
export const ZOversightInputName = z.enum(oversightInputNames);
/** The oversight inputs of a project, each nullable (not known yet) and optional (not sent). */
export type TOversightInput = { [F in OversightFactorEntry as F['input']]?: z.infer<F['schema']> | null };
/** The factor that reads an input. */
export const factorOfInput = (input: TOversightInputName) => oversightFactorRegistry.entries.find((f) => f.input === input)!;

/**
 * The facts the budget-compilation extraction rule may name (rules/tech-review-extraction.json). The
 * API maps each to its project column (domain/budget-cycles.ts `extractionColumns`).
 */
export const extractionFactRegistry = defineRegistry('extraction fact', [
  { key: 'isNew', ja: '新規事業', en: 'New project' },
  { key: 'tier', ja: 'プロジェクト監理区分', en: 'Oversight tier' },
  { key: 'tierLowerBound', ja: '監理区分の下限（未設定のとき）', en: 'Least tier the known factors give' },
  { key: 'budgetJpy', ja: '予算規模', en: 'Budget size' },
  { key: 'bureauCode', ja: '局', en: 'Bureau' },
  { key: 'stage', ja: '段階', en: 'Stage' },
] as const);
export type TExtractionFact = KeyOf<typeof extractionFactRegistry>;

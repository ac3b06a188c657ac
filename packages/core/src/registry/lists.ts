/**
 * The lists the browser's first screens name before any form loads — roles, lifecycle stages,
 * registration triggers, expense categories — without zod (domain-lists.ts adds their zod enums):
 * the header, the home page and a project's overview read them from here, so they need no zod
 * (performance §4.8, §4.9).
 */
import { defineList } from './define-list.ts';

/**
 * Who a role acts for: `own` roles belong to one bureau (staff need a bureau), `assigned` roles are
 * assigned to one or more bureaus they advise, `none` act for the whole city.
 */
export type TBureauScope = 'own' | 'assigned' | 'none';

/** Roles (DESIGN §1), in the order screens list them. */
export const roleList = defineList('role', [
  { key: 'staff', ja: '各局担当', en: 'Department staff', bureauScope: 'own' },
  { key: 'bureau_lead', ja: '各局（管理者）', en: 'Bureau lead', bureauScope: 'own' },
  { key: 'cio_advisor', ja: '各局CIO補佐官', en: 'CIO advisor', bureauScope: 'assigned' },
  { key: 'chief_cio_advisor', ja: 'CIO統括補佐官', en: 'Chief CIO advisor', bureauScope: 'none' },
  { key: 'budget_office', ja: '財務局', en: 'Budget office', bureauScope: 'none' },
  { key: 'govtech', ja: 'GovTech東京（技術支援）', en: 'GovTech Tokyo (technical staff)', bureauScope: 'none' },
  { key: 'admin', ja: 'システム管理者（デジタルサービス局）', en: 'Administrator', bureauScope: 'none' },
] as const);

/** Lifecycle stages (DESIGN §2.2), in lifecycle order; the last is terminal. */
export const stageList = defineList('stage', [
  { key: 'planning', ja: '企画', en: 'Planning' },
  { key: 'requirements', ja: '要件定義', en: 'Requirements' },
  { key: 'development', ja: '設計開発', en: 'Development' },
  { key: 'operation', ja: '運用', en: 'Operation' },
  { key: 'retired', ja: '廃止', en: 'Retired' },
] as const);

/** 登録の契機 (DESIGN §2.2): the three moments a project is registered. */
export const registrationTriggerList = defineList('registration trigger', [
  { key: 'measure_planned', ja: 'デジタル関連施策の立案時', en: 'When the digital measure is planned' },
  { key: 'initial_budget', ja: '当初予算要求時（デジタル関連経費情報）', en: 'At the initial budget request' },
  { key: 'supplementary_budget', ja: '補正予算による事業決定時', en: 'When decided by a supplementary budget' },
] as const);

/** Expense categories of digital-related expense lines (DESIGN §2.6); a line may carry several. */
export const expenseCategoryList = defineList('expense category', [
  { key: 'system_maintenance', ja: 'システム維持管理等', en: 'System maintenance' },
  { key: 'shin_tosei', ja: 'シン・トセイ', en: 'Shin-Tosei structural reform' },
  { key: 'smart_tokyo', ja: 'スマート東京', en: 'Smart Tokyo' },
  { key: 'other', ja: 'その他', en: 'Other' },
] as const);

/** Labels of the lists, as screens show them. */
export const roleLabels = roleList.labels;
export const stageLabels = stageList.labels;
export const registrationTriggerLabels = registrationTriggerList.labels;
export const expenseCategoryLabels = expenseCategoryList.labels;

/**
 * The permission table (issue 11 §2): for each action, the roles that may take it and over which
 * projects — their own bureau's, the bureaus they are assigned to advise, or any. The API's guards, the
 * UI's show/hide decisions and the authorisation test matrix all read this one table.
 *
 * Reviewer designation (who judges a release or answers a consultation) is not here: that follows the
 * project's tier (rules/oversight-tier.json), not the role alone.
 */
// Zod-free (define-list.ts, lists.ts): the browser's entry script checks permissions to draw
// the menu, before any form and its schemas load (performance §4.8).
import { defineList, type KeyOf } from '../registry/define-list.ts';
import type { TRole } from '../registry/domain-lists.ts';
import { roleList } from '../registry/lists.ts';

export type TPermissionScope = 'own_bureau' | 'assigned_bureaus' | 'any';
type Grants = Partial<Record<TRole, TPermissionScope>>;

const bureauWriters = { staff: 'own_bureau', bureau_lead: 'own_bureau', admin: 'any' } as const satisfies Grants;
const adminOnly = { admin: 'any' } as const satisfies Grants;

export const permissionRegistry = defineList('action', [
  { key: 'project.create', ja: 'プロジェクトを登録する', en: 'Register a project', grants: bureauWriters },
  {
    key: 'project.write',
    ja: 'プロジェクトを更新する（キャンバス・KPI・文書・段階・リリース判定の依頼）',
    en: 'Change a project (canvas, KPIs, documents, stage, release requests)',
    grants: bureauWriters,
  },
  { key: 'expense.import', ja: 'デジタル関連経費を取り込む', en: 'Import digital-related expense lines', grants: bureauWriters },
  {
    key: 'techReview.read',
    ja: '技術的関与の評価を読む',
    en: 'Read technical reviews',
    grants: { ...bureauWriters, cio_advisor: 'any', chief_cio_advisor: 'any', budget_office: 'any', govtech: 'any' },
  },
  {
    key: 'budgetReview.read',
    ja: '予算編成の評価一覧を見る',
    en: 'See the budget review list',
    grants: { admin: 'any', budget_office: 'any', govtech: 'any' },
  },
  {
    key: 'techReview.reflect',
    ja: '技術的関与の意見の反映状況を記録する',
    en: 'Record how a technical review was reflected',
    grants: { budget_office: 'any' },
  },
  { key: 'technicalGuidance.give', ja: '技術的指導を行う', en: 'Give technical guidance', grants: { govtech: 'any' } },
  { key: 'apiToken.manage', ja: 'APIトークンを発行する', en: 'Issue API tokens', grants: { admin: 'any', budget_office: 'any' } },
  {
    key: 'portfolio.read',
    ja: '担当プロジェクトの一覧（ポートフォリオ）を見る',
    en: 'See the reviewer portfolio',
    grants: { bureau_lead: 'own_bureau', cio_advisor: 'assigned_bureaus', chief_cio_advisor: 'any', admin: 'any' },
  },
  { key: 'user.manage', ja: '利用者を管理する', en: 'Manage users', grants: adminOnly },
  { key: 'budgetCycle.manage', ja: '予算編成サイクルを管理する', en: 'Manage budget cycles', grants: adminOnly },
  // GovTech Tokyo's technical staff write the tech reviews (slide 83); admins run the cycle.
  { key: 'techReview.manage', ja: '技術的関与の評価を書く', en: 'Write technical reviews', grants: { govtech: 'any' } },
  { key: 'rules.manage', ja: 'ルールを管理する', en: 'Manage rules', grants: adminOnly },
  // A rules change needs a second person: another admin or the chief CIO advisor (decision 0017).
  {
    key: 'rules.decide',
    ja: 'ルールの版を承認・却下する',
    en: 'Approve or reject a ruleset version',
    grants: { admin: 'any', chief_cio_advisor: 'any' },
  },
  { key: 'audit.read', ja: '監査ログを読む', en: 'Read the audit log', grants: adminOnly },
  { key: 'signInSettings.manage', ja: 'サインイン設定を変更する', en: 'Change sign-in settings', grants: adminOnly },
  { key: 'notificationDefaults.manage', ja: '通知の既定を変更する', en: 'Change notification defaults', grants: adminOnly },
] as const);
export type TAction = KeyOf<typeof permissionRegistry>;

/** How far a role may take an action, or null when it may not. */
export function permissionScope(role: TRole, action: TAction): TPermissionScope | null {
  const grants: Grants = permissionRegistry.get(action).grants;
  return grants[role] ?? null;
}

/** The roles that may take an action at all. */
export const rolesAllowed = (action: TAction): TRole[] => roleList.keys.filter((role) => permissionScope(role, action) !== null);

/**
 * Whether someone may take `action` on a project of `bureauCode`; without a bureau, whether they may
 * take it on some project (the question a menu asks). Own and assigned bureaus are both the person's
 * bureaus; the table keeps them apart because they are different promises.
 */
export function isAllowed(who: { role: TRole; bureauCodes: readonly string[] }, action: TAction, bureauCode?: string): boolean {
  const scope = permissionScope(who.role, action);
  if (scope === null) return false;
  if (scope === 'any' || bureauCode === undefined) return scope === 'any' || who.bureauCodes.length > 0;
  return who.bureauCodes.includes(bureauCode);
}

/**
 * The bureaus someone may take `action` in: every bureau, theirs, or none. Set-based verbs (imports,
 * lists) filter by it instead of asking per row.
 */
export function bureausAllowed(who: { role: TRole; bureauCodes: readonly string[] }, action: TAction): 'all' | string[] {
  const scope = permissionScope(who.role, action);
  if (scope === null) return [];
  return scope === 'any' ? 'all' : [...who.bureauCodes];
}

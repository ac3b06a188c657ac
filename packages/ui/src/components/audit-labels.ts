/** Audit actions as people say them. Unknown actions show their code. */
export const auditActionLabels: Record<string, { ja: string; en: string }> = {
  'project.create': { ja: 'プロジェクトを登録', en: 'Registered the project' },
  'project.update': { ja: '基本情報を変更', en: 'Changed the basics' },
  'project.transition': { ja: '段階を変更', en: 'Changed the stage' },
  'canvas.save': { ja: 'サービスキャンバスを保存', en: 'Saved the service canvas' },
  'kpi.create': { ja: 'KPIを追加', en: 'Added a KPI' },
  'kpi.update': { ja: 'KPIを変更', en: 'Changed a KPI' },
  'kpi.delete': { ja: 'KPIを削除', en: 'Deleted a KPI' },
  'kpi_measurement.create': { ja: 'KPIの実績を記録', en: 'Recorded a KPI measurement' },
  'kpi_measurement.delete': { ja: 'KPIの実績を削除', en: 'Deleted a KPI measurement' },
  'document.create': { ja: '文書を追加', en: 'Added a document' },
  'document.delete': { ja: '文書を削除', en: 'Deleted a document' },
  'procurement.create': { ja: '調達を登録', en: 'Recorded a procurement' },
  'procurement.update': { ja: '調達を変更', en: 'Changed a procurement' },
  'release_request.create': { ja: 'リリース判定を申請', en: 'Filed a release request' },
  'release_request.approve': { ja: 'リリースを承認', en: 'Approved the release' },
  'release_request.return': { ja: 'リリース申請を差し戻し', en: 'Returned the release request' },
  'release_request.reroute': { ja: 'リリース申請の審査者を変更', en: 'Rerouted the release request' },
  'project.retier': { ja: 'ルール改定により区分を再判定', en: 'Re-tiered by a rules change' },
  'tier_decrease.request': { ja: '区分の引下げを申請（同意待ち）', en: 'Requested a tier decrease' },
  'tier_decrease.approve': { ja: '区分の引下げに同意', en: 'Agreed to the tier decrease' },
  'tier_decrease.refuse': { ja: '区分の引下げに不同意', en: 'Refused the tier decrease' },
  'tier_decrease.supersede': { ja: '区分の引下げ申請を取消（後の変更による）', en: 'Tier decrease superseded by a later change' },
  'tier_decrease.reroute': { ja: 'ルール改定により引下げの同意者を変更', en: 'Tier decrease re-routed by a rules change' },
  'yearly_review.create': { ja: '存廃判断を記録', en: 'Recorded the yearly decision' },
  'tech_review.update': { ja: '技術評価を更新', en: 'Updated the tech review' },
  'budget_cycle.create': { ja: '予算編成サイクルを作成', en: 'Opened a budget cycle' },
  'budget_cycle.extract': { ja: '案件を抽出', en: 'Extracted projects' },
  'budget_cycle.submit': { ja: '評価書を提出', en: 'Submitted the evaluation report' },
  'expense_import.create': { ja: '経費データを取込', en: 'Imported expense lines' },
  'api_token.create': { ja: 'APIトークンを発行', en: 'Created an API token' },
  'api_token.revoke': { ja: 'APIトークンを失効', en: 'Revoked an API token' },
  'user.create': { ja: '利用者を作成', en: 'Created a user' },
  'user.update': { ja: '利用者を変更', en: 'Changed a user' },
  'user.sign_in_refused': { ja: 'サインインを拒否（組織のアカウント）', en: 'Refused a sign-in (organisation account)' },
  'settings.sign_in': { ja: 'サインインの設定を変更', en: 'Changed the sign-in settings' },
  'bureau.create': { ja: '局を追加', en: 'Added a bureau' },
  'ruleset.activate': { ja: 'ルールを有効化', en: 'Activated a ruleset' },
};

export const entityTypeLabels: Record<string, { ja: string; en: string }> = {
  project: { ja: 'プロジェクト', en: 'Project' },
  canvas: { ja: 'サービスキャンバス', en: 'Service canvas' },
  kpi: { ja: 'KPI', en: 'KPI' },
  kpi_measurement: { ja: 'KPI実績', en: 'KPI measurement' },
  document: { ja: '文書', en: 'Document' },
  procurement: { ja: '調達', en: 'Procurement' },
  release_request: { ja: 'リリース申請', en: 'Release request' },
  tier_decrease: { ja: '区分の引下げ', en: 'Tier decrease' },
  yearly_review: { ja: '存廃判断', en: 'Yearly decision' },
  tech_review: { ja: '技術評価', en: 'Tech review' },
  budget_cycle: { ja: '予算編成', en: 'Budget cycle' },
  expense_import: { ja: '経費取込', en: 'Expense import' },
  api_token: { ja: 'APIトークン', en: 'API token' },
  user: { ja: '利用者', en: 'User' },
  setting: { ja: '設定', en: 'Setting' },
  bureau: { ja: '局', en: 'Bureau' },
  ruleset: { ja: 'ルール', en: 'Ruleset' },
};

/** The top-level fields whose values differ between two audit snapshots. */
export function changedFields(before: unknown, after: unknown): { key: string; before: unknown; after: unknown }[] {
  const a = (before && typeof before === 'object' ? before : {}) as Record<string, unknown>;
  const b = (after && typeof after === 'object' ? after : {}) as Record<string, unknown>;
  const ignored = new Set(['version', 'updatedAt', 'updatedBy', 'createdAt', 'createdBy']);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !ignored.has(k));
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).map((k) => ({ key: k, before: a[k], after: b[k] }));
}

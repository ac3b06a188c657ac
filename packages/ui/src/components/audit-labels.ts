import { documentKindLabels, registrationTriggerLabels, roleLabels, stageLabels } from '@core/projects/schemas.ts';
import { expenseCategoryLabels, procurementMethodLabels, procurementStatusLabels } from '@core/reviews/schemas.ts';

import type { Format } from '../format.ts';

type Localized = { ja: string; en: string };

/** Audit actions as people say them. An action missing here is shown as 「その他の操作」, never as its code. */
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
  'release_request.update': { ja: 'リリース判定の申請を訂正', en: 'Corrected the release request' },
  'release_request.withdraw': { ja: 'リリース判定の申請を取り下げ', en: 'Withdrew the release request' },
  'release_request.reroute': { ja: 'リリース判定の申請の協議先を変更', en: 'Rerouted the release request' },
  'project.retier': { ja: 'ルール改定により区分を再判定', en: 'Re-tiered by a rules change' },
  'tier_decrease.request': { ja: '区分の引下げを申請（同意待ち）', en: 'Requested a tier decrease' },
  'tier_decrease.approve': { ja: '区分の引下げに同意', en: 'Agreed to the tier decrease' },
  'tier_decrease.refuse': { ja: '区分の引下げに不同意', en: 'Refused the tier decrease' },
  'tier_decrease.supersede': { ja: '区分の引下げ申請を取消（後の変更による）', en: 'Tier decrease superseded by a later change' },
  'tier_decrease.reroute': { ja: 'ルール改定により引下げの同意者を変更', en: 'Tier decrease re-routed by a rules change' },
  'consultation.create': { ja: '協議を申込', en: 'Opened a consultation' },
  'consultation.message': { ja: '協議に書込', en: 'Wrote in a consultation' },
  'consultation.close': { ja: '協議を終了', en: 'Closed a consultation' },
  'consultation.reroute': { ja: '協議の協議先を変更', en: 'Rerouted a consultation' },
  'status_report.create': { ja: '状況報告を提出', en: 'Filed a status report' },
  'status_report.assess': { ja: '状況報告を独立評価', en: 'Assessed a status report' },
  'follow_up_action.create': { ja: 'フォローアップ措置を登録', en: 'Raised a follow-up action' },
  'follow_up_action.update': { ja: 'フォローアップ措置を変更', en: 'Changed a follow-up action' },
  'follow_up_action.done': { ja: '措置を対応済みに', en: 'Marked an action done' },
  'follow_up_action.verified': { ja: '措置の対応を確認', en: 'Verified an action' },
  'follow_up_action.reopen': { ja: '措置を差し戻し', en: 'Sent an action back' },
  'exemption.create': { ja: '免除を申請', en: 'Requested an exemption' },
  'exemption.approve': { ja: '免除を承認', en: 'Approved an exemption' },
  'exemption.refuse': { ja: '免除を不承認', en: 'Refused an exemption' },
  'yearly_review.create': { ja: '存廃判断を記録', en: 'Recorded the yearly decision' },
  'tech_review.update': { ja: '技術評価を更新', en: 'Updated the tech review' },
  'tech_review.extract': { ja: '技術評価の対象として抽出', en: 'Extracted for a tech review' },
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
  consultation: { ja: '協議', en: 'Consultation' },
  status_report: { ja: '状況報告', en: 'Status report' },
  follow_up_action: { ja: 'フォローアップ措置', en: 'Follow-up action' },
  exemption: { ja: '免除', en: 'Exemption' },
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

/**
 * The fields of audit snapshots as the screens name them. A field not listed here is technical
 * (ids, hashes, internal counters) and is shown only under 詳細.
 */
export const auditFieldLabels: Record<string, Localized> = {
  name: { ja: '名称', en: 'Name' },
  nameJa: { ja: '名称', en: 'Name (Japanese)' },
  nameEn: { ja: '英語名', en: 'Name (English)' },
  summary: { ja: '概要', en: 'Summary' },
  bureauCode: { ja: '局', en: 'Bureau' },
  fiscalYear: { ja: '年度', en: 'Fiscal year' },
  isNew: { ja: '新規事業', en: 'New project' },
  budgetJpy: { ja: '予算額', en: 'Budget' },
  maxDowntimeHours: { ja: '停止許容時間', en: 'Allowed downtime' },
  confidentiality: { ja: '機密性', en: 'Confidentiality' },
  registrationTrigger: { ja: '登録のきっかけ', en: 'Registered because' },
  stage: { ja: '段階', en: 'Stage' },
  fromStage: { ja: '変更前の段階', en: 'From stage' },
  toStage: { ja: '変更後の段階', en: 'To stage' },
  tier: { ja: '監理区分', en: 'Tier' },
  fromTier: { ja: '変更前の区分', en: 'From tier' },
  toTier: { ja: '変更後の区分', en: 'To tier' },
  tierLowerBound: { ja: '区分の下限', en: 'Lowest possible tier' },
  tierAtExtraction: { ja: '抽出時の区分', en: 'Tier when extracted' },
  budgetJpyAtExtraction: { ja: '抽出時の予算額', en: 'Budget when extracted' },
  reviewerRole: { ja: '協議先', en: 'Reviewer' },
  fromReviewerRole: { ja: '変更前の協議先', en: 'From reviewer' },
  toReviewerRole: { ja: '変更後の協議先', en: 'To reviewer' },
  reason: { ja: '理由', en: 'Reason' },
  comment: { ja: 'コメント', en: 'Comment' },
  decisionComment: { ja: '協議先のコメント', en: 'Reviewer’s comment' },
  status: { ja: '状態', en: 'Status' },
  decision: { ja: '判断', en: 'Decision' },
  rationale: { ja: '判断の理由', en: 'Rationale' },
  plannedReleaseDate: { ja: 'リリース予定日', en: 'Planned release date' },
  notes: { ja: '補足', en: 'Notes' },
  evidence: { ja: '根拠', en: 'Evidence' },
  items: { ja: '項目ごとの判定', en: 'Item results' },
  decisionItems: { ja: '項目ごとの判定', en: 'Item results' },
  dueAt: { ja: '審査期限', en: 'Due' },
  title: { ja: '件名', en: 'Title' },
  kind: { ja: '種類', en: 'Kind' },
  url: { ja: 'URL', en: 'URL' },
  unit: { ja: '単位', en: 'Unit' },
  direction: { ja: '目標の向き', en: 'Direction' },
  baselineValue: { ja: '基準値', en: 'Baseline' },
  baselineYear: { ja: '基準年度', en: 'Baseline year' },
  targetValue: { ja: '目標値', en: 'Target' },
  targetText: { ja: '目標の内容', en: 'Target (text)' },
  targetFiscalYear: { ja: '目標年度', en: 'Target year' },
  value: { ja: '実績値', en: 'Value' },
  achieved: { ja: '達成', en: 'Achieved' },
  method: { ja: '調達方法', en: 'Method' },
  vendorName: { ja: '契約相手', en: 'Vendor' },
  corporateNumber: { ja: '法人番号', en: 'Corporate number' },
  isStartup: { ja: 'スタートアップ', en: 'Start-up' },
  contractAmountJpy: { ja: '契約額', en: 'Contract amount' },
  contractStart: { ja: '契約開始日', en: 'Contract start' },
  contractEnd: { ja: '契約終了日', en: 'Contract end' },
  categories: { ja: '経費区分', en: 'Categories' },
  technicalRating: { ja: '技術面の評価', en: 'Technical rating' },
  technicalComment: { ja: '技術面のコメント', en: 'Technical comment' },
  usabilityRating: { ja: 'ユーザビリティの評価', en: 'Usability rating' },
  usabilityComment: { ja: 'ユーザビリティのコメント', en: 'Usability comment' },
  securityRating: { ja: 'セキュリティの評価', en: 'Security rating' },
  securityComment: { ja: 'セキュリティのコメント', en: 'Security comment' },
  overallOpinion: { ja: '総合意見', en: 'Overall opinion' },
  requestDate: { ja: '依頼日', en: 'Requested on' },
  requestDeadline: { ja: '依頼の期限', en: 'Request deadline' },
  evaluationDeadline: { ja: '評価の期限', en: 'Evaluation deadline' },
  submissionDate: { ja: '提出日', en: 'Submitted on' },
  displayName: { ja: '氏名', en: 'Name' },
  email: { ja: 'メールアドレス', en: 'Email' },
  role: { ja: '役割', en: 'Role' },
  isActive: { ja: '有効', en: 'Active' },
  bureauCodes: { ja: '所属局', en: 'Bureaus' },
  fields: { ja: '記入した項目', en: 'Fields written' },
  lineCount: { ja: '行数', en: 'Lines' },
  expiresAt: { ja: '有効期限', en: 'Expires' },
  scopes: { ja: '権限', en: 'Scopes' },
  count: { ja: '件数', en: 'Count' },
};

const releaseStatusLabels: Record<string, Localized> = {
  pending: { ja: '審査中', en: 'In review' },
  approved: { ja: '承認', en: 'Approved' },
  returned: { ja: '差し戻し', en: 'Returned' },
  withdrawn: { ja: '取り下げ', en: 'Withdrawn' },
  refused: { ja: '不同意', en: 'Refused' },
  superseded: { ja: '取消', en: 'Superseded' },
  open: { ja: '受付中', en: 'Open' },
  extracted: { ja: '抽出済み', en: 'Extracted' },
  submitted: { ja: '提出済み', en: 'Submitted' },
  ok: { ja: '適合', en: 'Met' },
  ng: { ja: '不適合', en: 'Not met' },
  na: { ja: '対象外', en: 'Not applicable' },
};
const decisionLabels: Record<string, Localized> = {
  ...releaseStatusLabels,
  continue: { ja: '継続', en: 'Continue' },
  improve: { ja: '改善', en: 'Improve' },
  retire: { ja: '廃止', en: 'Retire' },
};
const directionLabels: Record<string, Localized> = {
  increase: { ja: '増やす', en: 'Increase' },
  decrease: { ja: '減らす', en: 'Decrease' },
};
const confidentialityLabels: Record<string, Localized> = {
  A: { ja: '機密性A', en: 'Confidentiality A' },
  B: { ja: '機密性B', en: 'Confidentiality B' },
  C: { ja: '機密性C', en: 'Confidentiality C' },
};
/** Which enum a field's value belongs to. */
const valueLabelsOf: Record<string, Record<string, Localized>> = {
  stage: stageLabels,
  fromStage: stageLabels,
  toStage: stageLabels,
  role: roleLabels,
  reviewerRole: roleLabels,
  fromReviewerRole: roleLabels,
  toReviewerRole: roleLabels,
  status: { ...releaseStatusLabels, ...procurementStatusLabels },
  decision: decisionLabels,
  direction: directionLabels,
  confidentiality: confidentialityLabels,
  kind: documentKindLabels,
  registrationTrigger: registrationTriggerLabels,
  method: procurementMethodLabels,
  categories: expenseCategoryLabels,
};
const tierFields = new Set(['tier', 'fromTier', 'toTier', 'tierLowerBound', 'tierAtExtraction']);
const yenFields = new Set(['budgetJpy', 'contractAmountJpy', 'budgetJpyAtExtraction']);
const isoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/**
 * One value of an audit snapshot in words: enum values by their labels, tiers as 区分N, money as
 * yen, dates in the reader's calendar, lists by their labels or their length. `null` when the value
 * is technical (an id, a hash, a structure) and belongs under 詳細.
 */
export function auditValueText(key: string, value: unknown, f: Format): string | null {
  if (value === null || value === undefined || value === '') return '—';
  const ja = f.lang !== 'en';
  if (typeof value === 'boolean') return value ? (ja ? 'はい' : 'Yes') : ja ? 'いいえ' : 'No';
  if (tierFields.has(key) && typeof value === 'number') return ja ? `区分${value}` : `Tier ${value}`;
  if (yenFields.has(key) && (typeof value === 'number' || typeof value === 'string')) return f.yen(Number(value));
  if (key === 'maxDowntimeHours' && typeof value === 'number') return f.hours(value);
  const labels = valueLabelsOf[key];
  if (labels && typeof value === 'string') return labels[value] ? f.label(labels[value]) : null;
  if (Array.isArray(value)) {
    if (labels && value.every((v) => typeof v === 'string' && labels[v]))
      return value.map((v) => f.label(labels[v as string])).join(f.listSep);
    return ja ? `${value.length}件` : `${value.length} item(s)`;
  }
  if (typeof value === 'number') return f.number(value);
  if (typeof value === 'string') {
    if (/^sha256:|^[0-9a-f]{32,}$/i.test(value) || /^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(value)) return null;
    if (isoTimestamp.test(value)) return f.dateTime(value);
    if (isoDate.test(value)) return f.date(value);
    return value;
  }
  return null;
}

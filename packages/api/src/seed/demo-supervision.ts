/**
 * The supervision part of the demo book (issue 13): consultations, status reports with assessments,
 * follow-up actions and exemptions on the programme projects, so each reviewer signs in to real work.
 * Everything goes through the domain verbs (the same checks and audit events as the API). Periods are
 * counted back from today, so the story stays current whenever the demo is seeded; the supervised
 * projects are dated a year back (registration and stage moves) so that their report cycles are owed.
 */
import { type Policy, periodIndex, periodOfIndex, type TCreateStatusReportRequest, type TRatings, type TTier } from '@psbook/core';
import type { Actor } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { backdateConsultation, backdateExemptionExpiry, backdateProjectsOneYear } from '../db/queries/demo-clock.ts';
import type { ProjectRow } from '../db/schema.ts';
import { decideExemption, raiseFollowUpAction, requestExemption, updateFollowUpAction } from '../domain/follow-up-actions.ts';
import { assessStatusReport, fileStatusReport, localToday, openConsultation, postConsultationMessage } from '../domain/supervision.ts';

const rate = (overall: TRatings['overall'], others: Partial<TRatings> = {}): TRatings => ({
  overall,
  schedule: overall,
  cost: overall,
  scope: overall,
  qualityUsability: overall,
  security: overall,
  ...others,
});

const addDays = (days: number) => {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return localToday(d);
};

function report(period: string, selfRating: TRatings, narrative: string, budgetJpy: number): TCreateStatusReportRequest {
  return {
    period,
    milestones: [
      { milestone: 'requirements_done', plannedDate: addDays(-120), forecastDate: null, actualDate: addDays(-110) },
      { milestone: 'procurement_awarded', plannedDate: addDays(-30), forecastDate: addDays(20), actualDate: null },
      { milestone: 'release', plannedDate: addDays(200), forecastDate: addDays(260), actualDate: null },
      { milestone: 'operation_start', plannedDate: addDays(230), forecastDate: addDays(290), actualDate: null },
    ],
    cost: { budgetJpy, contractJpy: null, spentJpy: Math.round(budgetJpy * 0.08), forecastJpy: Math.round(budgetJpy * 1.15) },
    selfRating,
    risks: [
      {
        title: '調達の遅れ',
        likelihood: 'medium',
        impact: 'high',
        owner: '事業担当課長',
        mitigation: '仕様書の確定を前倒しし、事業者への説明会を追加で開く',
      },
    ],
    narrative,
  };
}

export async function tellSupervisionStories(db: Db, policy: Policy, projects: Map<string, ProjectRow>, actor: (email: string) => Actor) {
  const ctxOf = (email: string): DomainContext => ({ db, policy, actor: actor(email), requestId: 'seed' });
  const projectOf = (name: string) => {
    const p = projects.get(name);
    if (!p) throw new Error(`no demo project ${name}`);
    return p;
  };
  const idOf = async (email: string) => actor(email).id;
  /** The newest report period a project of `tier` owes, counted back from today. */
  const duePeriod = (tier: TTier) => {
    const due = policy.supervision.reportDue({
      stage: 'development',
      tier,
      supervisedSince: '2000-01-01',
      latestReportPeriod: null,
      today: localToday(),
    });
    if (!due?.duePeriod) throw new Error(`tier ${tier} owes no report`);
    return due.duePeriod;
  };
  const periodsBack = (period: string, months: number) => periodOfIndex(periodIndex(period) - months);

  const overseas = projectOf('海外展開マッチングシステム'); // IND, tier 2, requirements: advisor.ind
  const startup = projectOf('創業支援オンライン相談'); // IND, tier 1, development: lead.ind
  const care = projectOf('介護事業所指定申請の電子化'); // WEL, tier 2, requirements: advisor.wel
  const childcare = projectOf('子育て支援給付オンライン申請'); // WEL, tier 3, operation: chief

  // Under supervision for a year, so their report cycles are owed.
  const supervised = [overseas.id, startup.id, care.id];
  await backdateProjectsOneYear(db, supervised);

  // 海外展開: two quarters self-rated green that the CIO advisor rates lower — divergent.
  const q = duePeriod(2);
  const indStaff = ctxOf('staff.ind@example.jp');
  const indAdvisor = ctxOf('advisor.ind@example.jp');
  await fileStatusReport(indStaff, overseas.id, report(periodsBack(q, 3), rate('green'), '要件定義は概ね予定どおり。', 32_000_000));
  await fileStatusReport(
    indStaff,
    overseas.id,
    report(q, rate('green'), '要件定義を完了し、調達仕様の最終調整中。全体として順調。', 32_000_000),
  );
  await assessStatusReport(indAdvisor, overseas.id, periodsBack(q, 3), {
    version: 1,
    ratings: rate('green', { schedule: 'amber' }),
    comment: '要件定義の完了が計画より遅れている。調達スケジュールへの影響を確認したい。',
  });
  await assessStatusReport(indAdvisor, overseas.id, q, {
    version: 1,
    ratings: rate('amber', { schedule: 'red', cost: 'amber' }),
    comment: '調達決定の予定日を過ぎており、完了時見込額が予算を15%上回る。自己評価の緑は実態と合わない。',
  });
  // A risk of the report became an action, done and verified.
  const riskAction = await raiseFollowUpAction(indAdvisor, overseas.id, {
    title: '完了時見込額の根拠と削減案を提出する',
    ownerId: await idOf('staff.ind@example.jp'),
    dueDate: addDays(-10),
    blocking: false,
    source: { kind: 'status_report_risk', refId: q, detail: '調達の遅れ' },
  });
  await updateFollowUpAction(indStaff, riskAction, { version: 1, status: 'done', note: '見積内訳と機能削減案を提出した' });
  await updateFollowUpAction(indAdvisor, riskAction, { version: 2, status: 'verified' });
  // A consultation waiting on the advisor, past its due date.
  const requirementsConsultation = await openConsultation(indStaff, overseas.id, {
    topic: 'procurement_spec',
    subject: '調達仕様書の評価基準について',
    body: '企画提案方式で調達する予定です。技術点と価格点の配分、UXの評価項目の書き方について助言をお願いします。',
  });
  await backdateConsultation(db, requirementsConsultation, 20, addDays(-6));
  // An exemption that has run out: approved once, its expiry has passed, so the gate is unmet again.
  const expired = await requestExemption(indStaff, overseas.id, {
    targetKind: 'gate',
    target: 'procurement_spec',
    reason: '既存の保守契約の範囲で先行開発するため、調達仕様書は後日登録する',
    expiresOn: addDays(30),
  });
  await decideExemption(indAdvisor, expired, { version: 1, decision: 'approved', comment: '期限までに仕様書を登録すること' });
  await backdateExemptionExpiry(db, expired, addDays(-14));

  // 創業支援: tier 1, reports half-yearly to its bureau lead; this half-year's report is missing (overdue).
  const half = duePeriod(1);
  const lead = ctxOf('lead.ind@example.jp');
  await fileStatusReport(indStaff, startup.id, report(periodsBack(half, 6), rate('green'), '設計を完了し、開発に着手した。', 4_200_000));
  await assessStatusReport(lead, startup.id, periodsBack(half, 6), {
    version: 1,
    ratings: rate('green'),
    comment: '計画どおり。ユーザテストの計画を早めに示すこと。',
  });
  const uxConsultation = await openConsultation(indStaff, startup.id, {
    topic: 'ux',
    subject: '相談予約画面のユーザテスト',
    body: 'リリース前のユーザテストを5名で行う予定です。対象者の選び方について相談させてください。',
  });
  await postConsultationMessage(lead, uxConsultation, {
    body: '創業予定者だけでなく、スマートフォンしか使わない方を必ず含めてください。結果はリリース判定の根拠として添付すること。',
    guidance: { title: 'スマートフォン利用者を含む5名でユーザテストを行い結果を登録する', dueDate: addDays(21), blocking: true },
  });
  const accessibility = await raiseFollowUpAction(lead, startup.id, {
    title: '予約画面の読み上げ順序を修正する',
    ownerId: await idOf('staff.ind@example.jp'),
    dueDate: addDays(7),
    blocking: false,
    source: { kind: 'checklist_item', detail: 'accessibility' },
  });
  await updateFollowUpAction(indStaff, accessibility, { version: 1, status: 'done', note: 'スクリーンリーダーで確認済み' });
  // An approved exemption of one release-checklist item, valid for half a year.
  const allTokyo = await requestExemption(indStaff, startup.id, {
    targetKind: 'checklist_item',
    target: 'all_tokyo',
    reason: '局単独の相談窓口で、他局・区市町村との連携対象がない',
    expiresOn: addDays(180),
  });
  await decideExemption(lead, allTokyo, { version: 1, decision: 'approved', comment: '連携先ができた時点で見直すこと' });

  // 介護事業所: the latest quarter filed, waiting for the WEL CIO advisor's assessment; an exemption to decide.
  const welStaff = ctxOf('staff.wel@example.jp');
  await fileStatusReport(
    welStaff,
    care.id,
    report(q, rate('amber', { schedule: 'red' }), '入札不調のため調達仕様を見直し、再公告の準備中。', 45_000_000),
  );
  await raiseFollowUpAction(ctxOf('advisor.wel@example.jp'), care.id, {
    title: '再公告の仕様見直し案を協議に付す',
    ownerId: await idOf('staff.wel@example.jp'),
    dueDate: addDays(14),
    blocking: true,
    source: { kind: 'status_report_risk', refId: q, detail: '調達の遅れ' },
  });
  await requestExemption(welStaff, care.id, {
    targetKind: 'gate',
    target: 'requirements_actions_verified',
    reason: '再公告までの間、旧仕様に基づく指摘事項の確認を保留したい',
    expiresOn: addDays(60),
  });

  // 子育て支援給付: in operation, tier 3; a consultation with the chief CIO advisor about an improvement.
  await openConsultation(welStaff, childcare.id, {
    topic: 'security',
    subject: 'マイナンバーカードによる本人確認の追加',
    body: '次期改修で公的個人認証による本人確認を追加します。既存のID連携との併用方針について協議したいです。',
  });
}

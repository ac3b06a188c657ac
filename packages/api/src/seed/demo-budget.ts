import { fiscalYearOf, type Policy } from '@psbook/core';
import type { Actor } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { backdateBudgetCycleSubmission, backdateReflections } from '../db/queries/demo-clock.ts';
import { listTechReviews } from '../db/queries/tech-reviews.ts';
import { listUsers } from '../db/queries/users.ts';
import { createBudgetCycle, extractTechReviews, submitBudgetCycle } from '../domain/budget-cycles.ts';
import { recordReflection, updateTechReview } from '../domain/tech-reviews.ts';

/**
 * The FY2025 budget compilation as slide 83 tells it, so the budget office finds a submitted review
 * list with reflections on first sign-in: the DSB opens the cycle and extracts the large or important
 * new projects, GovTech Tokyo evaluates them, the report goes to the budget office, which records how
 * each opinion was reflected (one left to record). Everything goes through the domain verbs.
 */
const fiscalYear = 2025;

/** GovTech Tokyo's evaluation of each project the FY2025 rules extract, by project name. */
const evaluations: Record<
  string,
  { technical: [number, string]; usability: [number, string]; security: [number, string]; overall: string }
> = {
  海外展開マッチングシステム: {
    technical: [4, '既存の中小企業支援ポータルの認証・データ基盤を共用する構成で妥当。'],
    usability: [3, '海外バイヤー向け画面の多言語対応とユーザテストの計画が必要。'],
    security: [4, '取引情報の取扱いは機密性Bに見合う。'],
    overall: '概ね妥当。多言語のユーザテストを要件に加えること。',
  },
  農業産出額データ基盤: {
    technical: [3, '集計処理の方式が未定。既存のオープンデータ基盤の活用を検討されたい。'],
    usability: [3, '公開形式（CSV・API）の利用者像を明確にすること。'],
    security: [4, '公開データが中心のためリスクは低いが、業務停止許容時間と機密性を確定させること。'],
    overall: '区分が未設定のため、監理区分の要素を確定させたうえで要件定義に進むこと。',
  },
  介護事業所指定申請の電子化: {
    technical: [4, '国の電子申請・届出システムとの連携方針が明確。'],
    usability: [2, '事業所職員の入力負担が大きい。申請項目の削減と事前入力を検討すること。'],
    security: [4, '個人情報を含むため、アクセス権限の設計は要件どおり。'],
    overall: 'ユーザビリティの改善を条件に妥当。入力項目の見直しで運用経費の圧縮も見込める。',
  },
  子育て支援給付オンライン申請: {
    technical: [3, '申請の集中に備えた性能設計とクラウドの自動拡張が必要。'],
    usability: [4, 'スマートフォンでのユーザテストを計画済み。'],
    security: [3, 'マイナンバーカードによる本人確認と不正申請の検知を設計に含めること。'],
    overall: '規模に見合う性能・不正対策の設計を求める。段階的なリリースを推奨。',
  },
};

/** How the budget office reflected each opinion (the last project's is left for the newcomer to record). */
const reflections: Record<
  string,
  { outcome: 'reflected' | 'partly_reflected' | 'not_reflected'; amountChangeJpy: number; comment: string }
> = {
  海外展開マッチングシステム: { outcome: 'reflected', amountChangeJpy: 0, comment: '多言語ユーザテストの経費を要求額の範囲内で計上。' },
  介護事業所指定申請の電子化: {
    outcome: 'partly_reflected',
    amountChangeJpy: -5_000_000,
    comment: '入力項目の削減により運用保守経費を減額。事前入力機能は次年度以降に検討。',
  },
  農業産出額データ基盤: { outcome: 'not_reflected', amountChangeJpy: 0, comment: '区分の確定後に改めて査定するため、今回は要求どおり。' },
};

/**
 * The compilation under way on the day the demo is seeded: the fiscal year after the current one,
 * opened two months ago and extracted, its reviews waiting for GovTech Tokyo (so that role too has work
 * on first sign-in). Its dates are relative to the seed day so that no step is late yet; the budget
 * office sees none of its reviews until the report is submitted.
 */
async function openCycleUnderWay(admin: DomainContext, today: Date): Promise<void> {
  const day = (offset: number) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  const fiscalYear = fiscalYearOf(today) + 1;
  await createBudgetCycle(admin, {
    fiscalYear,
    requestDate: day(-60),
    requestDeadline: day(-20),
    evaluationDeadline: day(20),
    submissionDate: day(30),
    budgetAnnouncementDate: day(60),
  });
  await extractTechReviews(admin, fiscalYear);
}

export async function tellBudgetStory(db: Db, policy: Policy): Promise<void> {
  const users = await listUsers(db);
  const actor = (email: string, bureauCodes: string[]): Actor => {
    const user = users.find((u) => u.email === email);
    if (!user) throw new Error(`no demo account ${email}`);
    return { id: user.id, email: user.email, displayName: user.displayName, role: user.role, bureauCodes, via: 'session', scopes: [] };
  };
  const as = (a: Actor) => ({ db, policy, actor: a, requestId: 'seed' });
  const admin = as(actor('admin@example.jp', ['DSB']));
  const govtech = as(actor('govtech@example.jp', ['DSB']));
  const budget = as(actor('budget@example.jp', ['FIN']));

  await createBudgetCycle(admin, {
    fiscalYear,
    requestDate: '2024-07-26',
    requestDeadline: '2024-09-30',
    evaluationDeadline: '2024-10-31',
    submissionDate: '2024-11-15',
    budgetAnnouncementDate: '2025-01-24',
  });
  await extractTechReviews(admin, fiscalYear);
  const reviews = (await listTechReviews(db, { fiscalYear }, { limit: 200, cursor: null })).rows.map((r) => ({
    id: r.id,
    version: r.version,
    name: r.projectName,
  }));
  for (const review of reviews) {
    const e = evaluations[review.name];
    if (!e) throw new Error(`the FY${fiscalYear} rules extracted ${review.name}, which the demo has no evaluation for`);
    const rated = ([rating, comment]: [number, string]) => ({ rating, comment });
    await updateTechReview(govtech, review.id, {
      version: review.version,
      viewpoints: { technical: rated(e.technical), usability: rated(e.usability), security: rated(e.security) },
      overallOpinion: e.overall,
    });
  }
  await submitBudgetCycle(admin, fiscalYear);
  for (const review of reviews) {
    const r = reflections[review.name];
    if (r) await recordReflection(budget, review.id, { ...r, version: 0 });
  }
  // The verbs stamp today; this story happened in FY2024's calendar, so its dates say so (the audit
  // events keep the real time the seed ran).
  await backdateBudgetCycleSubmission(db, fiscalYear, '2024-11-15T17:00:00+09:00');
  await backdateReflections(
    db,
    reviews.map((r) => r.id),
    '2025-01-20T10:00:00+09:00',
  );
  await openCycleUnderWay(admin, new Date());
}

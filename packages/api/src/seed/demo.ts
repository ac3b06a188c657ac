import { readFileSync } from 'node:fs';
import type { Policy, TConfidentiality } from '@psbook/core';
import { parse } from 'csv-parse/sync';
import type { Actor } from '../auth/actor.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { Db } from '../db/database.ts';
import { createProject } from '../domain/projects.ts';

export const demoPassword = 'psbook-demo';

export const demoBureaus = [
  { code: 'DSB', nameJa: 'デジタルサービス局', nameEn: 'Digital Service Bureau' },
  { code: 'IND', nameJa: '産業労働局', nameEn: 'Bureau of Industrial and Labor Affairs' },
  { code: 'WEL', nameJa: '福祉局', nameEn: 'Bureau of Social Welfare' },
  { code: 'FIN', nameJa: '財務局', nameEn: 'Bureau of Finance' },
  { code: 'HLT', nameJa: '保健医療局', nameEn: 'Bureau of Public Health' },
];

export const demoAccounts = [
  { email: 'staff.ind@example.jp', displayName: '産業 花子', role: 'staff', bureauCodes: ['IND'] },
  { email: 'lead.ind@example.jp', displayName: '産業 一郎', role: 'bureau_lead', bureauCodes: ['IND'] },
  { email: 'advisor.ind@example.jp', displayName: '補佐 健太', role: 'cio_advisor', bureauCodes: ['IND'] },
  { email: 'staff.wel@example.jp', displayName: '福祉 陽子', role: 'staff', bureauCodes: ['WEL'] },
  { email: 'advisor.wel@example.jp', displayName: '補佐 美咲', role: 'cio_advisor', bureauCodes: ['WEL'] },
  { email: 'chief@example.jp', displayName: '統括 誠', role: 'chief_cio_advisor', bureauCodes: [] },
  { email: 'budget@example.jp', displayName: '財務 直樹', role: 'budget_office', bureauCodes: ['FIN'] },
  { email: 'admin@example.jp', displayName: 'デジタル 管理者', role: 'admin', bureauCodes: ['DSB'] },
] as const;

type BudgetLine = { no: string; name_ja: string; name_en: string; fy2021_estimate_kyen: string; fy2020_budget_kyen: string; notes: string };

const dataFile = (name: string) => new URL(`./data/${name}`, import.meta.url);

/** How critical and how confidential each of the 14 budget lines is: our judgement, for a varied demo. */
const budgetLineInputs: Record<string, { maxDowntimeHours: number; confidentiality: TConfidentiality }> = {
  '5': { maxDowntimeHours: 8, confidentiality: 'A' },
  '6': { maxDowntimeHours: 2, confidentiality: 'A' },
  '7': { maxDowntimeHours: 2, confidentiality: 'A' },
  '8': { maxDowntimeHours: 24, confidentiality: 'A' },
  '10': { maxDowntimeHours: 4, confidentiality: 'A' },
  '11': { maxDowntimeHours: 1, confidentiality: 'A' },
};

/** Smaller projects of the line's programmes, so the demo book has every tier and the not-set case. */
const programmeProjects = [
  {
    bureauCode: 'IND',
    name: '中小企業IoT化支援ポータル',
    summary: '都内中小企業のIoT導入相談と補助金申請をオンラインで受け付ける',
    budgetJpy: 8_500_000,
    maxDowntimeHours: 48,
    confidentiality: 'B' as const,
    fiscalYear: 2024,
  },
  {
    bureauCode: 'IND',
    name: '創業支援オンライン相談',
    summary: '女性起業家を含む創業希望者への予約制オンライン相談',
    budgetJpy: 4_200_000,
    maxDowntimeHours: 72,
    confidentiality: 'C' as const,
    fiscalYear: 2024,
  },
  {
    bureauCode: 'IND',
    name: '海外展開マッチングシステム',
    summary: '中小企業と海外バイヤーの引き合わせを管理する',
    budgetJpy: 32_000_000,
    maxDowntimeHours: 24,
    confidentiality: 'B' as const,
    fiscalYear: 2025,
  },
  {
    bureauCode: 'IND',
    name: '農業産出額データ基盤',
    summary: '都内の単位面積あたり農業産出額を集計・公開する',
    budgetJpy: 12_000_000,
    maxDowntimeHours: null,
    confidentiality: null,
    fiscalYear: 2025,
  },
  {
    bureauCode: 'WEL',
    name: '介護事業所指定申請の電子化',
    summary: '介護サービス事業所の指定・更新申請を電子申請にする',
    budgetJpy: 45_000_000,
    maxDowntimeHours: 12,
    confidentiality: 'A' as const,
    fiscalYear: 2025,
  },
  {
    bureauCode: 'WEL',
    name: '高齢者キャッシュレス活用促進',
    summary: '高齢者等を対象としたキャッシュレス決済の体験会と相談窓口',
    budgetJpy: 9_000_000,
    maxDowntimeHours: 168,
    confidentiality: 'C' as const,
    fiscalYear: 2024,
  },
  {
    bureauCode: 'WEL',
    name: '子育て支援給付オンライン申請',
    summary: '子育て世帯への給付金をスマートフォンから申請できるようにする',
    budgetJpy: 120_000_000,
    maxDowntimeHours: 2,
    confidentiality: 'A' as const,
    fiscalYear: 2025,
  },
  {
    bureauCode: 'WEL',
    name: '福祉施設空き情報の公開',
    summary: '福祉施設の空き状況をオープンデータで公開する',
    budgetJpy: null,
    maxDowntimeHours: 24,
    confidentiality: 'C' as const,
    fiscalYear: 2025,
  },
  {
    bureauCode: 'HLT',
    name: '感染症発生届のオンライン化',
    summary: '医療機関からの発生届をオンラインで受け付ける',
    budgetJpy: 60_000_000,
    maxDowntimeHours: 1,
    confidentiality: 'A' as const,
    fiscalYear: 2024,
  },
];

/**
 * The demo book: bureaus, the eight demo accounts (password `psbook-demo`) and projects built from
 * the public budget documents. Refuses to touch a database that already has users.
 */
export async function seedDemo(db: Db, policy: Policy, options: { projects?: boolean } = {}): Promise<{ users: number; projects: number }> {
  const existing = await db.selectFrom('appUser').select('id').limit(1).executeTakeFirst();
  if (existing) throw new Error('the database already has users: demo data is only created in an empty database');

  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('bureau')
      .values(demoBureaus)
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
    const passwordHash = await hashPassword(demoPassword);
    for (const account of demoAccounts) {
      const user = await tx
        .insertInto('appUser')
        .values({ email: account.email, displayName: account.displayName, role: account.role, passwordHash })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (account.bureauCodes.length) {
        await tx
          .insertInto('userBureau')
          .values(account.bureauCodes.map((bureauCode) => ({ userId: user.id, bureauCode })))
          .execute();
      }
      await tx
        .insertInto('auditEvent')
        .values({
          actorId: null,
          actorLabel: 'seed',
          action: 'user.create',
          entityType: 'user',
          entityId: user.id,
          after: JSON.stringify({ email: account.email, role: account.role, bureauCodes: account.bureauCodes }),
        })
        .execute();
    }
  });

  if (options.projects === false) return { users: demoAccounts.length, projects: 0 };

  const admin = await db
    .selectFrom('appUser')
    .select(['id', 'email', 'displayName'])
    .where('email', '=', 'admin@example.jp')
    .executeTakeFirstOrThrow();
  const actor: Actor = { ...admin, role: 'admin', bureauCodes: ['DSB'], via: 'session', scopes: [] };
  const ctx = { db, policy, actor, requestId: 'seed' };

  const lines = parse(readFileSync(dataFile('fy2021-strategy-office-budget-lines.csv')), { columns: true, bom: true }) as BudgetLine[];
  let projects = 0;
  for (const line of lines) {
    const inputs = budgetLineInputs[line.no];
    await createProject(ctx, {
      name: line.name_ja,
      bureauCode: 'DSB',
      fiscalYear: 2021,
      summary: `${line.name_en}. 令和3年度見積 ${Number(line.fy2021_estimate_kyen).toLocaleString('ja-JP')}千円（前年度 ${Number(line.fy2020_budget_kyen).toLocaleString('ja-JP')}千円）。${line.notes}`,
      isNew: false,
      registrationTrigger: 'initial_budget',
      // Thousand yen in the documents; integer yen in the book.
      budgetJpy: Number(line.fy2021_estimate_kyen) * 1000,
      maxDowntimeHours: inputs?.maxDowntimeHours ?? null,
      confidentiality: inputs?.confidentiality ?? null,
    });
    projects++;
  }
  for (const p of programmeProjects) {
    await createProject(ctx, { ...p, isNew: true, registrationTrigger: 'measure_planned' });
    projects++;
  }
  return { users: demoAccounts.length, projects };
}

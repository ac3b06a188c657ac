import { readFileSync } from 'node:fs';
import type {
  Policy,
  TCanvasFields,
  TConfidentiality,
  TCreateDocumentRequest,
  TCreateKpiRequest,
  TRole,
  TStage,
  TTier,
} from '@psbook/core';
import { parse } from 'csv-parse/sync';
import { recordAudit } from '../audit.ts';
import type { Actor } from '../auth/actor.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { Db } from '../db/database.ts';
import type { ProjectRow } from '../db/schema.ts';
import { saveCanvas } from '../domain/canvas.ts';
import { createDocument } from '../domain/documents.ts';
import { addMeasurement, createKpi } from '../domain/kpis.ts';
import { inTransaction, transitionProject } from '../domain/lifecycle.ts';
import { createProject, updateProject } from '../domain/projects.ts';
import { tellBudgetStory } from './demo-budget.ts';
import { tellSupervisionStories } from './demo-supervision.ts';

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
  // GovTech Tokyo's technical staff: writes the budget-compilation tech reviews (slide 83).
  { email: 'govtech@example.jp', displayName: '技術 翔太', role: 'govtech', bureauCodes: ['DSB'] },
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
  const programme = new Map<string, ProjectRow>();
  for (const p of programmeProjects) {
    programme.set(p.name, await createProject(ctx, { ...p, isNew: true, registrationTrigger: 'measure_planned' }));
    projects++;
  }
  // One transaction for all the stories: fast on PGlite, and a failed seed leaves no half-told story.
  await db.transaction().execute((tx) => tellStories(tx, policy, programme));
  await awaitTierDecrease(db, policy, programme);
  await tellBudgetStory(db, policy);
  return { users: demoAccounts.length, projects };
}

// ---------------------------------------------------------------------------------------------
// The programme projects' stories: canvases, KPIs, documents and stage moves, so the demo book
// spans every stage. Everything goes through the domain verbs (the same checks, audit events and
// gates as the API), except the release judgement, which is inserted as an approved request (the
// release workflow has its own seed-free tests).
// ---------------------------------------------------------------------------------------------

type PolicyGoalKpiRow = {
  section: string;
  no: string;
  goal_ja: string;
  goal_en: string;
  target_year: string;
  target_value: string;
  unit: string;
};

/**
 * The 2017 policy-goal KPIs as KPI requests, keyed `<section>-<no>` (e.g. `2-05`). Their awkward
 * cases are kept, not smoothed over:
 * - `2019年` is a calendar year. Its end (December 2019) falls in fiscal year 2019 (April 2019 to
 *   March 2020), so the target fiscal year is 2019; `2020年度` is already a fiscal year.
 * - `竣工` (construction completed) is not a number: a target text, judged achieved or not.
 * - `10％台（米国・英国並み）` is a band: its floor (10 %) is the numeric target, the text keeps the band.
 * - A goal with two target years becomes two KPIs, each named with its year.
 */
export function policyGoalKpis(): Map<string, TCreateKpiRequest> {
  const rows = parse(readFileSync(dataFile('policy-goal-kpis-2017.csv')), { columns: true, bom: true }) as PolicyGoalKpiRow[];
  const goalCounts = new Map<string, number>();
  for (const row of rows) goalCounts.set(row.goal_ja, (goalCounts.get(row.goal_ja) ?? 0) + 1);
  const kpis = new Map<string, TCreateKpiRequest>();
  for (const row of rows) {
    const fiscal = row.target_year.match(/^(\d{4})年度$/);
    const calendar = row.target_year.match(/^(\d{4})年$/);
    const targetFiscalYear = Number(fiscal?.[1] ?? calendar?.[1]);
    if (!Number.isInteger(targetFiscalYear))
      throw new Error(`policy-goal KPI ${row.section} ${row.no}: unreadable year ${row.target_year}`);
    const value = row.target_value.normalize('NFKC').replace(/,/g, '').trim();
    const band = value.match(/^(\d+(?:\.\d+)?)%台/);
    const target = /^-?\d+(\.\d+)?$/.test(value)
      ? { targetValue: Number(value), targetText: null }
      : band
        ? { targetValue: Number(band[1]), targetText: row.target_value }
        : { targetValue: null, targetText: row.target_value };
    const repeated = (goalCounts.get(row.goal_ja) ?? 0) > 1;
    kpis.set(`${row.section.split(' ')[0]}-${row.no}`, {
      name: repeated ? `${row.goal_ja}（${row.target_year}目標）` : row.goal_ja,
      unit: row.unit || undefined,
      direction: 'increase',
      ...target,
      targetFiscalYear,
    });
  }
  return kpis;
}

type DemoKpi = {
  /** A policy-goal KPI of the CSV, or a KPI of the project's own. */
  goal?: string;
  kpi?: TCreateKpiRequest;
  /** Baselines and yearly measurements are illustrative demo figures, not published statistics. */
  baseline?: { value: number; fiscalYear: number };
  measurements?: { fiscalYear: number; value?: number; achieved?: boolean; comment?: string }[];
};
type DemoStory = {
  name: string;
  /** Who keeps the project: its bureau's staff (admin for a bureau without demo staff). */
  keeper: string;
  canvas: TCanvasFields;
  kpis: DemoKpi[];
  documents: TCreateDocumentRequest[];
  moves: { to: TStage; reason?: string }[];
  /** The approved release judgement that lets the project move into operation. */
  release?: { reviewer: string; plannedReleaseDate: string; comment: string };
};

const docUrl = (slug: string) => `https://www.example.jp/psbook-demo/${slug}.pdf`;

const demoStories: DemoStory[] = [
  {
    name: '中小企業IoT化支援ポータル',
    keeper: 'staff.ind@example.jp',
    canvas: {
      projectName: '中小企業IoT化支援ポータル',
      department: '産業労働局 商工部',
      longTermAim: '都内中小企業がIoTなどのデジタル技術を使いこなし、生産性を高めて成長産業へ参入できる東京',
      users: 'IoT導入を検討している都内の中小製造業・サービス業の経営者と現場責任者',
      userPains: '何から始めればよいか分からない。相談窓口と補助金の申請先が分かれ、紙の申請書類の準備に時間がかかる',
      userGoals: '自社に合ったIoT化を、費用と手間を抑えて短期間で実現したい',
      userDelights: '相談から補助金の交付決定まで、スマートフォンでも進み具合が分かる',
      providers: '産業労働局の担当職員、東京都中小企業振興公社の専門家',
      providerPains: '相談記録と申請書類が紙とメールに散らばり、審査と進捗確認に手間がかかる',
      providerGoals: '専門家派遣と補助金審査を迅速に行い、支援の効果を把握したい',
      providerDelights: '支援した企業のIoT化の成果がデータで見える',
      userValue: '相談予約・専門家派遣・補助金申請をオンラインで一度に済ませられる',
      providerValue: '相談内容・申請・実績を一元管理でき、審査期間が短くなる',
      issues: '相談窓口と補助金申請の分断、紙の申請書類、支援効果の把握不足',
      solution: '相談予約、専門家派遣の申込み、補助金の電子申請と進捗照会を一つのポータルで提供する',
      spreadMeans: '商工会議所・金融機関と連携したセミナー、導入事例の公開',
      activitiesResources: '公社の専門家ネットワーク、都の電子申請基盤、運用保守事業者',
      targetOutcomes: '都の支援によるIoT化と成長産業分野への参入の件数を増やす',
      activityIndicators: 'KPI「都の支援による都内中小企業の IoT 化推進」「都の支援による中小企業の成長産業分野への参入」',
    },
    kpis: [
      {
        goal: '2-03',
        baseline: { value: 0, fiscalYear: 2017 },
        measurements: [
          { fiscalYear: 2018, value: 10 },
          { fiscalYear: 2019, value: 19 },
          { fiscalYear: 2020, value: 30 },
        ],
      },
      {
        goal: '2-01',
        baseline: { value: 0, fiscalYear: 2017 },
        measurements: [
          { fiscalYear: 2018, value: 250 },
          { fiscalYear: 2019, value: 480 },
          { fiscalYear: 2020, value: 690, comment: '感染症の影響で展示会・商談会が中止となり、目標にわずかに届かなかった' },
        ],
      },
      {
        goal: '2-02',
        baseline: { value: 690, fiscalYear: 2020 },
        measurements: [
          { fiscalYear: 2021, value: 800, comment: '対面の専門家派遣を控えた期間があり、計画を下回った' },
          { fiscalYear: 2022, value: 950 },
          { fiscalYear: 2023, value: 1080 },
          { fiscalYear: 2024, value: 1210 },
        ],
      },
    ],
    documents: [
      { kind: 'requirements_definition', title: '中小企業IoT化支援ポータル 要件定義書', url: docUrl('iot-portal/requirements') },
      { kind: 'procurement_spec', title: '中小企業IoT化支援ポータル構築委託 仕様書', url: docUrl('iot-portal/procurement-spec') },
      { kind: 'user_test_report', title: 'ユーザテスト結果報告書（中小企業5社）', url: docUrl('iot-portal/user-test') },
    ],
    moves: [{ to: 'requirements' }, { to: 'development' }, { to: 'operation' }],
    release: {
      reviewer: 'lead.ind@example.jp',
      plannedReleaseDate: '2024-04-01',
      comment: 'ユーザテストの指摘事項が反映されていることを確認した',
    },
  },
  {
    name: '創業支援オンライン相談',
    keeper: 'staff.ind@example.jp',
    canvas: {
      projectName: '創業支援オンライン相談',
      department: '産業労働局 商工部',
      longTermAim: '誰もが東京で起業に挑戦でき、開業率が米国・英国並みの10％台になること',
      users: '都内で創業を目指す人（女性・若者・シニアを含む）と創業間もない事業者',
      userPains: '平日の日中に窓口へ行けない。何を誰に相談すればよいか分からない',
      userGoals: '事業計画・資金調達・手続きを、空いた時間に専門家へ相談して前へ進めたい',
      userDelights: '子育てや仕事の合間に、自宅からオンラインで相談できる',
      providers: '創業支援拠点の相談員、中小企業診断士',
      providerPains: '予約が電話と紙の台帳で管理され、相談の継続性が保てない',
      providerGoals: '相談者の状況を把握し、適切な専門家と支援制度に早くつなげたい',
      userValue: '予約から面談までオンラインで完結し、同じ相談員に継続して相談できる',
      providerValue: '相談履歴を共有でき、支援制度への橋渡しが確実になる',
      issues: '窓口の時間と場所の制約、相談記録の分散',
      solution: '予約制のオンライン相談（ビデオ面談）と相談記録の共有',
      spreadMeans: 'SNS、区市町村の創業窓口、女性起業家向けイベントでの案内',
      activitiesResources: '相談員20名、ビデオ面談サービス、予約管理システム',
      targetOutcomes: '起業を目指す女性の増加、事業承継・再生の支援件数の増加、開業率の向上',
      activityIndicators: 'KPI「都内の開業率向上」「都の支援により起業を目指す女性数」ほか',
    },
    kpis: [
      {
        goal: '2-06',
        measurements: [
          { fiscalYear: 2022, value: 5.8, comment: '開業率は5％台で推移。オンライン相談の開始で創業準備層への周知を強化する' },
        ],
      },
      { goal: '2-07' },
      { goal: '2-10' },
    ],
    documents: [
      { kind: 'requirements_definition', title: '創業支援オンライン相談 要件定義書', url: docUrl('startup-consult/requirements') },
      { kind: 'procurement_spec', title: 'オンライン相談予約システム導入 調達仕様書', url: docUrl('startup-consult/procurement-spec') },
    ],
    moves: [{ to: 'requirements' }, { to: 'development' }],
  },
  {
    name: '海外展開マッチングシステム',
    keeper: 'staff.ind@example.jp',
    canvas: {
      projectName: '海外展開マッチングシステム',
      department: '産業労働局 商工部',
      longTermAim: '都内中小企業が海外市場で稼ぎ、外国企業が東京に集まる国際ビジネス拠点',
      users: '海外展開を目指す都内中小企業、東京進出を検討する外国企業',
      userPains: '海外バイヤーや現地パートナーとの接点がない。言語と商習慣の壁がある',
      userGoals: '信頼できる相手と効率よく商談し、成約につなげたい',
      userDelights: '展示会の前に商談相手が決まり、通訳付きで面談できる',
      providers: '産業労働局、海外拠点の委託事業者、東京ビッグサイトの展示会運営者',
      userValue: '事前マッチングにより短期間で質の高い商談ができる',
      providerValue: '引き合わせから成約までの実績を一元的に把握できる',
      issues: '引き合わせの実績が表計算ファイルで管理され、成約まで追えない',
      solution: '企業情報の登録、商談の申込み・日程調整、成約報告を管理するマッチングシステム',
      targetOutcomes: '中小企業の海外展開の実現件数と外国企業の誘致数の増加',
      activityIndicators: 'KPI「都による外国企業と都内企業の引き合わせ件数」「中小企業の海外展開の実現」ほか',
    },
    kpis: [
      { goal: '1-01' },
      { goal: '1-02' },
      { goal: '1-03' },
      { goal: '1-04' },
      { goal: '2-05', measurements: [{ fiscalYear: 2019, achieved: true }] },
      { goal: '2-08' },
      { goal: '2-09' },
    ],
    documents: [
      { kind: 'requirements_definition', title: '海外展開マッチングシステム 要件定義書（案）', url: docUrl('matching/requirements') },
    ],
    moves: [{ to: 'requirements' }],
  },
  {
    name: '農業産出額データ基盤',
    keeper: 'staff.ind@example.jp',
    // Still being written: the value and solution cells are empty, so the planning gate stays unmet.
    canvas: {
      projectName: '農業産出額データ基盤',
      department: '産業労働局 農林水産部',
      longTermAim: '都市農業と林業の価値をデータで示し、担い手と農地・森林を守る',
      users: '都内の農業者・林業者、区市町村の農林担当、研究者',
      userPains: '単位面積あたりの農業産出額や多摩産材の出荷量が、年報のPDFでしか分からない',
      userGoals: '地域別・品目別の推移を手元で比較したい',
      issues: '統計が紙とPDF中心で、オープンデータになっていない',
    },
    kpis: [{ goal: '2-04' }, { goal: '3-01' }, { goal: '3-02' }, { goal: '3-03' }, { goal: '3-04' }],
    documents: [],
    moves: [],
  },
  {
    name: '子育て支援給付オンライン申請',
    keeper: 'staff.wel@example.jp',
    canvas: {
      projectName: '子育て支援給付オンライン申請',
      department: '福祉局 子供・子育て支援部',
      longTermAim: '子育て世帯が手続きに追われず、必要な支援を確実に受け取れる東京',
      users: '都内の子育て世帯（乳幼児から高校生までの子を養育する保護者）',
      userPains: '平日に窓口へ行けない。書類の準備と郵送に手間と時間がかかる',
      userGoals: 'スマートフォンから数分で申請し、いつ振り込まれるかを知りたい',
      userDelights: 'マイナンバーカードで本人確認と口座の登録が一度で済む',
      providers: '福祉局と区市町村の給付担当職員、コールセンター',
      providerPains: '紙の申請書の入力と、不備の問い合わせ対応に追われる',
      providerGoals: '不備のない申請を受け付け、迅速に給付したい',
      userValue: '24時間いつでも申請でき、審査の状況を確認できる',
      providerValue: '入力済みのデータで審査でき、不備の問い合わせが減る',
      issues: '紙申請の転記作業、申請から給付までの期間の長さ',
      solution: '公金受取口座と連携したオンライン申請フォームと審査システム',
      spreadMeans: '保育所・学校を通じたお知らせ、対象世帯へのプッシュ型の案内',
      activitiesResources: '申請フォーム、審査システム、コールセンター、区市町村との連携体制',
      targetOutcomes: 'オンライン申請率80％、申請から給付までの日数を14日以内に',
      activityIndicators: 'KPI「オンライン申請率」「申請から給付までの日数」',
    },
    kpis: [
      {
        kpi: { name: 'オンライン申請率', unit: '%', direction: 'increase', targetValue: 80, targetFiscalYear: 2026 },
        baseline: { value: 0, fiscalYear: 2024 },
        measurements: [{ fiscalYear: 2025, value: 62 }],
      },
      {
        kpi: { name: '申請から給付までの日数', unit: '日', direction: 'decrease', targetValue: 14, targetFiscalYear: 2026 },
        baseline: { value: 45, fiscalYear: 2024 },
        measurements: [{ fiscalYear: 2025, value: 25 }],
      },
    ],
    documents: [
      { kind: 'requirements_definition', title: '子育て支援給付オンライン申請 要件定義書', url: docUrl('childcare-benefit/requirements') },
      { kind: 'procurement_spec', title: 'オンライン申請・審査システム構築 調達仕様書', url: docUrl('childcare-benefit/procurement-spec') },
      { kind: 'user_test_report', title: 'ユーザテスト結果報告書（保護者12名）', url: docUrl('childcare-benefit/user-test') },
    ],
    moves: [{ to: 'requirements' }, { to: 'development' }, { to: 'operation' }],
    release: {
      reviewer: 'chief@example.jp',
      plannedReleaseDate: '2025-07-01',
      comment: '高負荷試験とアクセシビリティ検査の結果を確認した',
    },
  },
  {
    name: '介護事業所指定申請の電子化',
    keeper: 'staff.wel@example.jp',
    canvas: {
      projectName: '介護事業所指定申請の電子化',
      department: '福祉局 高齢社会対策部',
      longTermAim: '介護事業者が書類作業ではなく、介護サービスそのものに時間を使える',
      users: '都内で介護サービス事業所を運営する法人の事務担当者',
      userPains: '指定・更新申請のたびに大量の紙書類を作成し、窓口へ持参する必要がある',
      userGoals: '過去の申請内容を再利用して、オンラインで申請を済ませたい',
      providers: '福祉局の事業所指定担当職員',
      providerPains: '書類の確認と保管に多くの時間と場所を要する',
      userValue: '来庁が不要になり、申請の状況をいつでも確認できる',
      providerValue: '書類審査の時間が短くなり、保管スペースが要らなくなる',
      issues: '紙と押印を前提とした申請手続',
      solution: '国の電子申請・届出システムと連携した、指定・更新申請の電子化',
      targetOutcomes: '指定・更新申請の電子申請率の向上と審査期間の短縮',
    },
    kpis: [{ kpi: { name: '指定・更新申請の電子申請率', unit: '%', direction: 'increase', targetValue: 90, targetFiscalYear: 2027 } }],
    documents: [
      { kind: 'requirements_definition', title: '介護事業所指定申請の電子化 要件定義書', url: docUrl('care-designation/requirements') },
      { kind: 'procurement_spec', title: '指定申請システム改修 調達仕様書', url: docUrl('care-designation/procurement-spec') },
    ],
    moves: [
      { to: 'requirements' },
      { to: 'development' },
      { to: 'requirements', reason: '入札が不調に終わったため、調達仕様を見直して再公告する' },
    ],
  },
  {
    name: '高齢者キャッシュレス活用促進',
    keeper: 'staff.wel@example.jp',
    canvas: {
      projectName: '高齢者キャッシュレス活用促進',
      department: '福祉局 高齢社会対策部',
      longTermAim: '高齢者がデジタルの便利さを安心して使える社会',
      users: 'キャッシュレス決済に不安を持つ都内の高齢者',
      userPains: '操作が分からない。不正利用が怖い',
      userGoals: '身近な店で、安心してキャッシュレス決済を使いたい',
      providers: '区市町村、商店街、決済事業者',
      userValue: '体験会と相談窓口で、実際に操作しながら学べる',
      providerValue: '高齢の顧客のキャッシュレス利用が増える',
      issues: '高齢者のデジタル格差',
      solution: 'スマートフォン決済の体験会と電話相談窓口',
      targetOutcomes: '体験会参加者のキャッシュレス利用率の向上',
    },
    kpis: [
      {
        kpi: { name: '体験会の参加者数', unit: '人', direction: 'increase', targetValue: 3000, targetFiscalYear: 2024 },
        measurements: [{ fiscalYear: 2024, value: 2100, comment: '会場の確保が難しく、開催回数が計画を下回った' }],
      },
    ],
    documents: [],
    moves: [{ to: 'retired', reason: '令和6年度で体験会事業を終了し、区市町村の高齢者デジタル支援事業へ移管するため' }],
  },
  {
    name: '感染症発生届のオンライン化',
    keeper: 'admin@example.jp',
    canvas: {
      projectName: '感染症発生届のオンライン化',
      department: '保健医療局 感染症対策部',
      longTermAim: '感染症の発生を早く正確につかみ、都民の健康を守る',
      users: '都内の医療機関の医師・事務職員',
      userPains: '発生届をFAXで送る手間と、診療の合間の入力負担',
      userGoals: '診療の流れを止めずに、短時間で届出を済ませたい',
      providers: '保健所と保健医療局の感染症担当職員',
      providerPains: 'FAXの判読と再入力に時間がかかり、集計が遅れる',
      userValue: '電子カルテから短時間で届け出られる',
      providerValue: '届出が即時にデータで集まり、集計と公表が早くなる',
      issues: 'FAXと手入力による届出、集計の遅れ',
      solution: '国の感染症サーベイランスシステムと連携した、発生届のオンライン受付',
      targetOutcomes: 'オンライン届出率の向上、届出から集計までの時間の短縮',
    },
    kpis: [
      {
        kpi: { name: 'オンライン届出率', unit: '%', direction: 'increase', targetValue: 95, targetFiscalYear: 2025 },
        baseline: { value: 30, fiscalYear: 2023 },
        measurements: [
          { fiscalYear: 2024, value: 70 },
          { fiscalYear: 2025, value: 93, comment: '一部の診療所でFAXによる届出が続いている。医師会を通じて移行を働きかける' },
        ],
      },
    ],
    documents: [
      { kind: 'requirements_definition', title: '感染症発生届オンライン化 要件定義書', url: docUrl('infection-report/requirements') },
      { kind: 'procurement_spec', title: '発生届受付システム 調達仕様書', url: docUrl('infection-report/procurement-spec') },
    ],
    moves: [{ to: 'requirements' }, { to: 'development' }, { to: 'operation' }],
    release: { reviewer: 'chief@example.jp', plannedReleaseDate: '2024-10-01', comment: '障害時のFAX受付への切替手順を確認した' },
  },
];

async function loadActors(db: Db): Promise<Map<string, Actor>> {
  const users = await db.selectFrom('appUser').select(['id', 'email', 'displayName', 'role']).execute();
  const bureausOf = new Map<string, readonly string[]>(demoAccounts.map((a) => [a.email, a.bureauCodes]));
  return new Map(
    users.map((u) => [
      u.email,
      { ...u, role: u.role as TRole, bureauCodes: [...(bureausOf.get(u.email) ?? [])], via: 'session', scopes: [] },
    ]),
  );
}

/**
 * A release judged and approved (リリース判定), as the release workflow would leave it: the tier's
 * checklist with every item ok, requested by the project's keeper and decided by the reviewer the
 * tier designates. Both steps are audited as that workflow audits them.
 */
async function approveRelease(
  db: Db,
  policy: Policy,
  project: ProjectRow,
  applicant: Actor,
  reviewer: Actor,
  release: NonNullable<DemoStory['release']>,
) {
  if (project.tier === null) throw new Error(`${project.name}: no tier, so no reviewer for its release`);
  const checklist = await policy.releaseChecklist(project.tier as TTier);
  await inTransaction(db, async (tx) => {
    const row = await tx
      .insertInto('releaseRequest')
      .values({
        projectId: project.id,
        status: 'approved',
        plannedReleaseDate: release.plannedReleaseDate,
        evidence: '[]',
        tier: project.tier,
        reviewerRole: project.reviewerRole,
        checklist: JSON.stringify(checklist),
        rulesetVersion: policy.rulesets['release-checklist'].version,
        requestedBy: applicant.id,
        dueAt: new Date(Date.now() + 14 * 86_400_000),
        decidedBy: reviewer.id,
        decidedAt: new Date(),
        decisionComment: release.comment,
        decisionItems: JSON.stringify(checklist.map((item) => ({ itemId: item.itemId, result: 'ok' }))),
        version: 2,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const at = (actor: Actor) => ({ actor: { id: actor.id, label: actor.email }, requestId: 'seed' });
    await recordAudit(tx, at(applicant), {
      action: 'release_request.create',
      entityType: 'release_request',
      entityId: row.id,
      projectId: project.id,
      after: { status: 'pending', plannedReleaseDate: row.plannedReleaseDate, tier: row.tier, reviewerRole: row.reviewerRole },
    });
    await recordAudit(tx, at(reviewer), {
      action: 'release_request.approve',
      entityType: 'release_request',
      entityId: row.id,
      projectId: project.id,
      before: { status: 'pending', version: 1 },
      after: { status: 'approved', version: 2, tier: row.tier, reviewerRole: row.reviewerRole, comment: release.comment },
    });
  });
}

/**
 * A tier decrease waiting for consent (decision 0008): the bureau cut the matching system's budget
 * below ¥10,000,000, which would make it tier 1; tier 2 stays until IND's CIO advisor agrees, so
 * advisor.ind finds it among their tasks on first sign-in.
 */
async function awaitTierDecrease(db: Db, policy: Policy, projects: Map<string, ProjectRow>): Promise<void> {
  const project = projects.get('海外展開マッチングシステム');
  if (!project) throw new Error('no demo project 海外展開マッチングシステム');
  const actors = await loadActors(db);
  const ctx = { db, policy, actor: actors.get('staff.ind@example.jp')!, requestId: 'seed' };
  const current = await db.selectFrom('project').select('version').where('id', '=', project.id).executeTakeFirstOrThrow();
  await updateProject(ctx, project.id, { budgetJpy: 9_500_000 }, current.version);
}

async function tellStories(db: Db, policy: Policy, projects: Map<string, ProjectRow>): Promise<void> {
  const actors = await loadActors(db);
  const actor = (email: string) => {
    const found = actors.get(email);
    if (!found) throw new Error(`no demo account ${email}`);
    return found;
  };
  const goals = policyGoalKpis();
  for (const story of demoStories) {
    const project = projects.get(story.name);
    if (!project) throw new Error(`no demo project ${story.name}`);
    const keeper = actor(story.keeper);
    const ctx = { db, policy, actor: keeper, requestId: 'seed' };
    await saveCanvas(ctx, project.id, { fields: story.canvas });
    for (const demoKpi of story.kpis) {
      const base = demoKpi.goal ? goals.get(demoKpi.goal) : demoKpi.kpi;
      if (!base) throw new Error(`${story.name}: no policy-goal KPI ${demoKpi.goal}`);
      const kpi = await createKpi(ctx, project.id, {
        ...base,
        ...(demoKpi.baseline ? { baselineValue: demoKpi.baseline.value, baselineYear: demoKpi.baseline.fiscalYear } : {}),
      });
      for (const m of demoKpi.measurements ?? []) await addMeasurement(ctx, project.id, kpi.id, m);
    }
    for (const document of story.documents) await createDocument(ctx, project.id, document);
    for (const move of story.moves) {
      if (move.to === 'operation' && story.release) {
        const current = await db.selectFrom('project').selectAll().where('id', '=', project.id).executeTakeFirstOrThrow();
        await approveRelease(db, policy, current, keeper, actor(story.release.reviewer), story.release);
      }
      await transitionProject(ctx, project.id, move);
    }
  }
  await tellSupervisionStories(db, policy, projects, actor);
}

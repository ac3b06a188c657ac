/**
 * The demo book's data (issue 11 §7: data apart from the code that loads it, seed/demo.ts): bureaus,
 * accounts, which of the strategy office's FY2021 budget lines are digital projects and where each
 * stands, the programme projects, and the stories (canvas, KPIs, documents, stage moves, releases)
 * that the seed tells through the domain verbs. Figures from public documents are in data/*.csv;
 * everything marked "our judgement" is illustrative, chosen so that the book looks like the real one
 * (decision 0019).
 */
import type { TCanvasFields, TConfidentiality, TCreateDocumentRequest, TCreateKpiRequest, TStage } from '@psbook/core';

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

/**
 * Cumulative registrations of the real book on each Monday after its release on 2023-06-30 (slide 86;
 * 2023-08-07 from the published series): the demo spreads its registrations over the same weeks,
 * scaled to its own size, so its registration chart has the same shape.
 */
export const launchRegistrations = [16, 33, 118, 297, 360, 395, 418] as const;

/**
 * Which budget lines are digital projects (our judgement, as a person registering from the
 * digital-expense list would judge): personnel costs, general administration, the growth strategy
 * (finance and industry promotion; its data-platform programme would be registered on its own) and the
 * special zones are not, and are left out of the book.
 */
export const nonDigitalBudgetLines: Record<string, string> = {
  '1': '職員の人件費であり、デジタル関連の事業ではない',
  '2': '庶務管理事務であり、デジタル関連の事業ではない',
  '3': '国際金融都市・産業振興が中心の施策群で、デジタル関連の事業（データプラットフォーム等）は個別に登録する',
  '4': '特区制度の運営と外国企業誘致であり、デジタル関連の事業ではない',
};

/** How critical and how confidential each digital budget line is: our judgement, for a varied demo. */
export const budgetLineInputs: Record<string, { maxDowntimeHours: number; confidentiality: TConfidentiality }> = {
  '5': { maxDowntimeHours: 8, confidentiality: 'A' },
  '6': { maxDowntimeHours: 2, confidentiality: 'A' },
  '7': { maxDowntimeHours: 2, confidentiality: 'A' },
  '8': { maxDowntimeHours: 24, confidentiality: 'A' },
  '10': { maxDowntimeHours: 4, confidentiality: 'A' },
  '11': { maxDowntimeHours: 1, confidentiality: 'A' },
};

/** Smaller projects of the line's programmes, so the demo book has every tier and the not-set case. */
/**
 * A new project the welfare bureau registers with next year's budget request (当初予算要求時), without a
 * canvas yet: the budget compilation under way extracts it, so GovTech Tokyo has a review to write
 * on first sign-in. Its fiscal year is the one after the seed day's.
 */
export const requestedProject = {
  bureauCode: 'WEL',
  name: '障害福祉サービス指導監査システム',
  summary: '事業所への実地指導と監査の記録・指摘事項・改善報告を一元管理し、紙の調書をなくす',
  budgetJpy: 68_000_000,
  maxDowntimeHours: 24,
  confidentiality: 'A' as const,
};

export const programmeProjects = [
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

export type DemoKpi = {
  /** A policy-goal KPI of the CSV, or a KPI of the project's own. */
  goal?: string;
  kpi?: TCreateKpiRequest;
  /** Baselines and yearly measurements are illustrative demo figures, not published statistics. */
  baseline?: { value: number; fiscalYear: number };
  measurements?: { fiscalYear: number; value?: number; achieved?: boolean; comment?: string }[];
};
export type DemoStory = {
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

export const demoStories: DemoStory[] = [
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
      {
        kind: 'user_test_report',
        title: 'ユーザテスト結果報告書（スマートフォン利用者を含む5名）',
        url: docUrl('startup-consult/user-test'),
      },
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
      { kind: 'user_test_report', title: 'ユーザテスト結果報告書（医療機関8施設）', url: docUrl('infection-report/user-test') },
    ],
    moves: [{ to: 'requirements' }, { to: 'development' }, { to: 'operation' }],
    release: { reviewer: 'chief@example.jp', plannedReleaseDate: '2024-10-01', comment: '障害時のFAX受付への切替手順を確認した' },
  },
  {
    name: '電子都庁基盤の運用管理',
    keeper: 'admin@example.jp',
    canvas: {
      projectName: '電子都庁基盤の運用管理',
      department: 'デジタルサービス局 デジタル基盤部',
      longTermAim: '全職員が場所を選ばず安全に働け、都民サービスを止めない行政の情報基盤',
      users: '都庁の全職員（約5万人）と、基盤の上で動く各局の業務システム',
      userPains: '端末やネットワークの不具合で業務が止まる。在宅勤務時の接続が不安定',
      userGoals: 'いつでもどこでも、安全に庁内の情報と業務システムを使いたい',
      userValue: '止まらない基盤の上で、テレワークを含め安心して業務ができる',
      providerValue: '基盤の運用が一元化され、障害対応とセキュリティ対策を全庁で揃えられる',
      issues: '基盤の老朽化、障害時の影響の大きさ、東京2020大会に向けたセキュリティ強化',
      solution: 'ネットワーク・認証・端末管理を含む電子都庁基盤の24時間運用と計画的な更新',
      targetOutcomes: '基盤の稼働率を99.9％以上に保ち、重大障害をなくす',
    },
    kpis: [
      {
        kpi: { name: '電子都庁基盤の稼働率', unit: '%', direction: 'increase', targetValue: 99.9, targetFiscalYear: 2023 },
        baseline: { value: 99.5, fiscalYear: 2020 },
        measurements: [
          { fiscalYear: 2021, value: 99.93 },
          { fiscalYear: 2022, value: 99.97 },
        ],
      },
    ],
    documents: [
      { kind: 'requirements_definition', title: '電子都庁基盤の運用管理 要件定義書', url: docUrl('e-tocho/requirements') },
      { kind: 'procurement_spec', title: '電子都庁基盤の運用管理 運用保守委託 調達仕様書', url: docUrl('e-tocho/procurement-spec') },
      { kind: 'user_test_report', title: '受入テスト結果報告書（利用部署の職員による）', url: docUrl('e-tocho/user-test') },
    ],
    moves: [{ to: 'requirements' }, { to: 'development' }, { to: 'operation' }],
    release: { reviewer: 'chief@example.jp', plannedReleaseDate: '2021-04-01', comment: '障害時の切替手順と監視体制を確認した' },
  },
  {
    name: '中央コンピュータ室の運用管理',
    keeper: 'admin@example.jp',
    canvas: {
      projectName: '中央コンピュータ室の運用管理',
      department: 'デジタルサービス局 デジタル基盤部',
      longTermAim: '都の基幹システムを災害時も止めずに動かし続ける',
      users: '中央コンピュータ室に基幹システムを置く各局のシステム担当',
      userPains: '電源・空調の障害や災害でシステムが止まるおそれがある',
      userGoals: '安定した設備の上で、自局のシステムの運用に専念したい',
      userValue: '計画外の停止がなく、保守の予定を前もって知ることができる',
      providerValue: '設備の監視と保守を一元的に行い、計画外の停止を防げる',
      issues: '設備の老朽化と、災害時の継続性の確保',
      solution: '電源・空調・入退室管理を含む中央コンピュータ室の常時監視と定期保守',
      targetOutcomes: '設備起因の計画外停止時間をゼロにする',
    },
    kpis: [
      {
        kpi: { name: '設備起因の計画外停止時間', unit: '時間', direction: 'decrease', targetValue: 0, targetFiscalYear: 2023 },
        baseline: { value: 3, fiscalYear: 2020 },
        measurements: [
          { fiscalYear: 2021, value: 1 },
          { fiscalYear: 2022, value: 0 },
        ],
      },
    ],
    documents: [
      { kind: 'requirements_definition', title: '中央コンピュータ室の運用管理 要件定義書', url: docUrl('central-room/requirements') },
      {
        kind: 'procurement_spec',
        title: '中央コンピュータ室の運用管理 運用保守委託 調達仕様書',
        url: docUrl('central-room/procurement-spec'),
      },
      { kind: 'user_test_report', title: '受入テスト結果報告書（利用部署の職員による）', url: docUrl('central-room/user-test') },
    ],
    moves: [{ to: 'requirements' }, { to: 'development' }, { to: 'operation' }],
    release: { reviewer: 'chief@example.jp', plannedReleaseDate: '2021-04-01', comment: '災害時の電源切替試験の結果を確認した' },
  },
  {
    name: '東京都カードシステムの運用管理',
    keeper: 'admin@example.jp',
    canvas: {
      projectName: '東京都カードシステムの運用管理',
      department: 'デジタルサービス局 デジタル基盤部',
      longTermAim: '職員証一枚で、庁舎への入館と庁内システムへのログインが安全にできる',
      users: '職員証（ICカード）を使う都の職員と、入退館を管理する庁舎管理担当',
      userPains: 'カードの発行や再発行に時間がかかる。認証に失敗して業務に入れない',
      userGoals: '異動や紛失のときもすぐに使えるカードで、迷わず入館・ログインしたい',
      userValue: '異動当日から職員証で入館とログインができる',
      providerValue: 'カードの発行・失効を一元管理でき、なりすましを防げる',
      issues: 'カードの発行事務の手間と、失効漏れによる不正利用のおそれ',
      solution: 'ICカードの発行・失効管理と認証サーバの運用',
      targetOutcomes: 'カード再発行の所要日数を短くし、認証障害をなくす',
    },
    kpis: [
      {
        kpi: { name: 'カード再発行の所要日数', unit: '日', direction: 'decrease', targetValue: 2, targetFiscalYear: 2023 },
        baseline: { value: 7, fiscalYear: 2020 },
        measurements: [
          { fiscalYear: 2021, value: 5 },
          { fiscalYear: 2022, value: 3 },
        ],
      },
    ],
    documents: [
      { kind: 'requirements_definition', title: '東京都カードシステムの運用管理 要件定義書', url: docUrl('card-system/requirements') },
      {
        kind: 'procurement_spec',
        title: '東京都カードシステムの運用管理 運用保守委託 調達仕様書',
        url: docUrl('card-system/procurement-spec'),
      },
      { kind: 'user_test_report', title: '受入テスト結果報告書（利用部署の職員による）', url: docUrl('card-system/user-test') },
    ],
    moves: [{ to: 'requirements' }, { to: 'development' }, { to: 'operation' }],
    release: { reviewer: 'chief@example.jp', plannedReleaseDate: '2021-04-01', comment: '失効処理の即時反映を確認した' },
  },
  {
    name: '社会保障・税番号制度の共通基盤整備',
    keeper: 'admin@example.jp',
    canvas: {
      projectName: '社会保障・税番号制度の共通基盤整備',
      department: 'デジタルサービス局 デジタル基盤部',
      longTermAim: 'マイナンバーを使った情報連携で、都民が添付書類なしに手続きできる',
      users: '特定個人情報を扱う各局の事務担当と、手続きをする都民',
      userPains: '添付書類の準備が都民の負担になっている。情報照会の事務が煩雑',
      userGoals: '添付書類を省いて、早く確実に手続きを終えたい',
      userValue: '課税証明書などの添付が不要になり、手続きが早く終わる',
      providerValue: '情報提供ネットワークとの連携を共通基盤で安全に行える',
      issues: '各局で個別に連携の仕組みを持つと費用と安全管理の負担が大きい',
      solution: '特定個人情報の授受に対応する共通基盤の運用管理',
      targetOutcomes: '情報連携で省略できた添付書類の件数を増やす',
    },
    kpis: [
      {
        kpi: { name: '情報連携による添付書類の省略件数', unit: '件', direction: 'increase', targetValue: 120000, targetFiscalYear: 2023 },
        baseline: { value: 40000, fiscalYear: 2020 },
        measurements: [
          { fiscalYear: 2021, value: 78000 },
          { fiscalYear: 2022, value: 104000 },
        ],
      },
    ],
    documents: [
      { kind: 'requirements_definition', title: '社会保障・税番号制度の共通基盤整備 要件定義書', url: docUrl('my-number/requirements') },
      {
        kind: 'procurement_spec',
        title: '社会保障・税番号制度の共通基盤整備 運用保守委託 調達仕様書',
        url: docUrl('my-number/procurement-spec'),
      },
      { kind: 'user_test_report', title: '受入テスト結果報告書（利用部署の職員による）', url: docUrl('my-number/user-test') },
    ],
    moves: [{ to: 'requirements' }, { to: 'development' }, { to: 'operation' }],
    release: { reviewer: 'chief@example.jp', plannedReleaseDate: '2021-04-01', comment: '特定個人情報保護評価の結果を確認した' },
  },
  {
    name: 'サイバーセキュリティ対策',
    keeper: 'admin@example.jp',
    canvas: {
      projectName: 'サイバーセキュリティ対策',
      department: 'デジタルサービス局 サイバーセキュリティ担当',
      longTermAim: '都と区市町村の情報資産をサイバー攻撃から守り、行政サービスを止めない',
      users: '都の全職員と、セキュリティクラウドを使う都内区市町村',
      userPains: '標的型攻撃メールや不正アクセスへの対応が各組織任せになっている',
      userGoals: '攻撃を早く検知し、被害を出さずに業務を続けたい',
      userValue: '攻撃を受けても早期に封じ込められ、業務が止まらない',
      providerValue: 'CSIRTと共通のセキュリティクラウドで、監視と対応を一元化できる',
      issues: '巧妙化する攻撃、セキュリティ人材の不足、東京2020大会に向けた脅威の増大',
      solution: 'CSIRT業務の技術支援、研修・演習、都区市町村情報セキュリティクラウドの運用',
      targetOutcomes: '重大なセキュリティインシデントをゼロにする',
    },
    kpis: [
      {
        kpi: { name: '重大なセキュリティインシデントの件数', unit: '件', direction: 'decrease', targetValue: 0, targetFiscalYear: 2023 },
        baseline: { value: 2, fiscalYear: 2020 },
        measurements: [
          { fiscalYear: 2021, value: 0 },
          { fiscalYear: 2022, value: 0 },
        ],
      },
    ],
    documents: [
      { kind: 'requirements_definition', title: 'サイバーセキュリティ対策 要件定義書', url: docUrl('cybersecurity/requirements') },
      {
        kind: 'procurement_spec',
        title: 'サイバーセキュリティ対策 運用保守委託 調達仕様書',
        url: docUrl('cybersecurity/procurement-spec'),
      },
      { kind: 'user_test_report', title: '受入テスト結果報告書（利用部署の職員による）', url: docUrl('cybersecurity/user-test') },
    ],
    moves: [{ to: 'requirements' }, { to: 'development' }, { to: 'operation' }],
    release: { reviewer: 'chief@example.jp', plannedReleaseDate: '2021-04-01', comment: 'インシデント対応手順と演習結果を確認した' },
  },
  {
    name: '島しょのインターネット環境改善',
    keeper: 'admin@example.jp',
    canvas: {
      projectName: '島しょのインターネット環境改善',
      department: 'デジタルサービス局 デジタル基盤部',
      longTermAim: '島しょ地域でも本土と同じように高速インターネットを使える',
      users: '伊豆諸島・小笠原諸島の住民、事業者、来島者',
      userPains: '通信が遅く、遠隔医療やテレワーク、オンライン授業が使えない',
      userGoals: '本土と同じ速さで、医療・教育・仕事にインターネットを使いたい',
      userValue: '超高速ブロードバンドで、島にいながら医療・教育・仕事のサービスを受けられる',
      providerValue: '海底光ファイバーで、村と通信事業者がサービスを提供できる',
      issues: '海底ケーブルがなく、衛星・無線に頼る通信環境',
      solution: '海底光ファイバーケーブルを整備し、5村6島と小笠原で超高速ブロードバンドを展開する',
      targetOutcomes: '全島で超高速ブロードバンドサービスを提供する',
    },
    kpis: [
      {
        kpi: { name: '超高速ブロードバンドを利用できる島の数', unit: '島', direction: 'increase', targetValue: 8, targetFiscalYear: 2023 },
      },
    ],
    documents: [
      { kind: 'requirements_definition', title: '島しょ海底光ファイバー整備 要件定義書', url: docUrl('islands/requirements') },
      { kind: 'procurement_spec', title: '海底光ファイバーケーブル敷設工事 調達仕様書', url: docUrl('islands/procurement-spec') },
    ],
    moves: [{ to: 'requirements' }, { to: 'development' }],
  },
  {
    name: '次世代通信推進事業',
    keeper: 'admin@example.jp',
    canvas: {
      projectName: '次世代通信推進事業',
      department: 'デジタルサービス局 デジタル基盤部',
      longTermAim: 'いつでも誰でもどこでも高速の通信につながる「TOKYO Data Highway」',
      users: '都内の通信事業者と、5Gを使うサービスの利用者',
      userPains: '基地局を置ける都有施設が分からず、手続きの窓口が分かれている',
      userGoals: '都のアセットを使って、早く基地局を設置したい',
      userValue: 'ワンストップ窓口とアセットデータベースで、設置場所を早く見つけられる',
      providerValue: '都のアセット開放の状況を一元的に把握できる',
      issues: '5G基地局の設置場所の不足と手続きの分散',
      solution: '5Gアンテナ基地局等設置ワンストップ窓口とアセットデータベースの運営、西新宿でのスマートポールの展開',
      targetOutcomes: '都のアセットを活用した基地局の設置数を増やす',
    },
    kpis: [
      {
        kpi: { name: '都のアセットに設置された5G基地局の数', unit: '局', direction: 'increase', targetValue: 500, targetFiscalYear: 2024 },
      },
    ],
    documents: [],
    moves: [{ to: 'requirements' }],
  },
];

/**
 * Words the generated book is made of: the bureaus of a large Japanese city government and the kind
 * of names, summaries and canvas text its digital projects have. Weights are rough shares, chosen so
 * the data is skewed like a real register (a few large bureaus, many small ones).
 */
export const benchBureaus: { code: string; nameJa: string; nameEn: string; weight: number }[] = [
  { code: 'DSB', nameJa: 'デジタルサービス局', nameEn: 'Digital Service Bureau', weight: 9 },
  { code: 'WEL', nameJa: '福祉局', nameEn: 'Bureau of Social Welfare', weight: 12 },
  { code: 'HLT', nameJa: '保健医療局', nameEn: 'Bureau of Public Health', weight: 10 },
  { code: 'IND', nameJa: '産業労働局', nameEn: 'Bureau of Industrial and Labor Affairs', weight: 8 },
  { code: 'FIN', nameJa: '財務局', nameEn: 'Bureau of Finance', weight: 3 },
  { code: 'TAX', nameJa: '主税局', nameEn: 'Bureau of Taxation', weight: 6 },
  { code: 'GAA', nameJa: '総務局', nameEn: 'Bureau of General Affairs', weight: 5 },
  { code: 'POL', nameJa: '政策企画局', nameEn: 'Office of the Governor for Policy Planning', weight: 2 },
  { code: 'LIF', nameJa: '生活文化スポーツ局', nameEn: 'Bureau of Citizens, Culture and Sports', weight: 4 },
  { code: 'URB', nameJa: '都市整備局', nameEn: 'Bureau of Urban Development', weight: 5 },
  { code: 'HSG', nameJa: '住宅政策本部', nameEn: 'Housing Policy Headquarters', weight: 3 },
  { code: 'ENV', nameJa: '環境局', nameEn: 'Bureau of Environment', weight: 4 },
  { code: 'CHL', nameJa: '子供政策連携室', nameEn: "Children's Policy Coordination Office", weight: 4 },
  { code: 'CON', nameJa: '建設局', nameEn: 'Bureau of Construction', weight: 4 },
  { code: 'PRT', nameJa: '港湾局', nameEn: 'Bureau of Port and Harbor', weight: 2 },
  { code: 'ACC', nameJa: '会計管理局', nameEn: 'Bureau of Accounting', weight: 1 },
  { code: 'DIS', nameJa: '総合防災部', nameEn: 'Disaster Prevention Division', weight: 3 },
  { code: 'TRN', nameJa: '交通局', nameEn: 'Bureau of Transportation', weight: 4 },
  { code: 'WAT', nameJa: '水道局', nameEn: 'Bureau of Waterworks', weight: 4 },
  { code: 'SEW', nameJa: '下水道局', nameEn: 'Bureau of Sewerage', weight: 3 },
  { code: 'EDU', nameJa: '教育庁', nameEn: 'Board of Education', weight: 8 },
  { code: 'PDP', nameJa: '警視庁', nameEn: 'Metropolitan Police Department', weight: 5 },
  { code: 'FDP', nameJa: '東京消防庁', nameEn: 'Tokyo Fire Department', weight: 4 },
  { code: 'MKT', nameJa: '中央卸売市場', nameEn: 'Central Wholesale Market', weight: 1 },
  { code: 'OLY', nameJa: 'スポーツ推進本部', nameEn: 'Sports Promotion Headquarters', weight: 1 },
  { code: 'ELC', nameJa: '選挙管理委員会事務局', nameEn: 'Election Administration Commission', weight: 1 },
  { code: 'AUD', nameJa: '監査事務局', nameEn: 'Audit Office', weight: 1 },
  { code: 'ASM', nameJa: '議会局', nameEn: 'Assembly Bureau', weight: 1 },
];

export const nameSubjects = [
  '都民向け',
  '中小企業',
  '子育て世帯',
  '高齢者',
  '障害者',
  '防災',
  '観光',
  '介護事業所',
  '保育所',
  '医療機関',
  '感染症',
  '都営住宅',
  '道路',
  '河川',
  '上下水道',
  '都立学校',
  '図書館',
  '文化施設',
  'スポーツ施設',
  '税務',
  '職員',
  '島しょ地域',
  'スタートアップ',
  '農林水産',
  '環境',
  'ゼロエミッション',
  '交通',
  '消防',
  '選挙',
  '生活保護',
] as const;

export const nameObjects = [
  '電子申請',
  'オンライン予約',
  'オンライン相談',
  '情報公開',
  'オープンデータ',
  'データ連携基盤',
  '手続き',
  '窓口',
  '台帳管理',
  '補助金審査',
  '給付金',
  '許認可',
  '点検記録',
  '施設予約',
  '問い合わせ対応',
  '通知',
  '統計',
  '地図情報',
  '決済',
  '本人確認',
] as const;

export const nameSuffixes = [
  'システム',
  'ポータル',
  'アプリ',
  'の電子化',
  'の高度化',
  'のクラウド移行',
  '基盤の再構築',
  'サービス',
  'のAI活用',
  'のキャッシュレス化',
  'プラットフォーム',
  'の運用保守',
] as const;

export const summaryOpenings = [
  'これまで紙と対面で行っていた',
  '利用者から要望の多かった',
  '各区市町村と共同で',
  '民間事業者と連携して',
  '既存システムの老朽化に伴い',
  '国のガイドラインに沿って',
  '都民の利便性向上のため',
  '職員の事務負担を軽減するため',
] as const;

export const summaryActions = [
  'スマートフォンから24時間申請できるようにする',
  '申請から審査までをオンラインで完結させる',
  'データを標準化してオープンデータとして公開する',
  '問い合わせにチャットボットで一次対応する',
  '予約状況をリアルタイムで確認できるようにする',
  '紙の台帳を電子化し検索できるようにする',
  'マイナンバーカードで本人確認を行う',
  'ノーコードツールで業務アプリを内製する',
  '多言語で情報を発信する',
  'キャッシュレス決済に対応する',
] as const;

export const canvasUsers = [
  '子育て中の共働き世帯',
  '都内の中小企業経営者',
  '介護が必要な高齢者とその家族',
  '日本語に不慣れな外国人住民',
  '障害のある方と支援者',
  '島しょ地域の住民',
  '窓口で手続きをする都民',
  '区市町村の担当職員',
] as const;

export const canvasPains = [
  '平日の開庁時間に窓口へ行けない',
  '必要な書類が多く何度も来庁している',
  '手続きの進み具合がわからない',
  '情報が各局のサイトに散らばっている',
  '同じ内容を何度も記入させられる',
  '審査に時間がかかり事業開始が遅れる',
  '紙の申請書の入力作業に追われている',
] as const;

export const canvasSolutions = [
  'スマートフォンで完結する申請フォームを提供する',
  '申請状況を通知で知らせる',
  'よくある質問をチャットボットで案内する',
  '書類の添付を不要にしデータ連携で確認する',
  'ユーザーテストを重ねて画面を改善する',
  '窓口とオンラインの情報を一元管理する',
] as const;

export const canvasOutcomes = [
  'オンライン申請率80%',
  '処理日数の半減',
  '来庁者数の30%削減',
  '利用者満足度4.0以上',
  '問い合わせ件数の20%削減',
] as const;

/** Search words for the `search` benchmark: common, middling and rare, full-width and half-width. */
export const searchQueries = [
  '電子申請',
  '子育て',
  'オンライン相談',
  'ｵﾝﾗｲﾝ予約',
  'データ連携基盤',
  'キャッシュレス',
  '島しょ',
  '防災アプリ',
  '介護事業所',
  'ＡＩ活用',
  'チャットボット',
  '台帳管理の電子化',
  '本人確認',
  'ゼロエミッション',
  '窓口',
] as const;

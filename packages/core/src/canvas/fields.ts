/** The canvas cells, apart from the schemas so rule schemas can name them without an import cycle. */
export type TCanvasArea = 'header' | 'user' | 'provider' | 'value' | 'solution';

/**
 * The 19 cells of the Tokyo service canvas (東京都サービスキャンバス), in reading order.
 * Which are key items (重要項目) and the guidance beside them are policy: rules/service-canvas.json.
 * Activity indicators (活動評価指標) are the project's KPIs; the cell holds only a note on them.
 */
export const canvasFields = [
  { key: 'projectName', area: 'header', ja: '事業名', en: 'Project name' },
  { key: 'department', area: 'header', ja: '担当部署', en: 'Department' },
  { key: 'longTermAim', area: 'header', ja: '中長期的に目指すこと', en: 'Medium/long-term aim' },
  { key: 'users', area: 'user', ja: '利用者はどんな人', en: 'Who the users are' },
  { key: 'userPains', area: 'user', ja: '困りごと（利用者）', en: 'User pain points' },
  { key: 'userGoals', area: 'user', ja: '利用者がもっとも実現したいこと', en: 'What users most want to achieve' },
  { key: 'userDelights', area: 'user', ja: '嬉しいと感じること（利用者）', en: 'What delights users' },
  { key: 'providers', area: 'provider', ja: '提供者はどんな人', en: 'Who the providers are' },
  { key: 'providerPains', area: 'provider', ja: '困りごと（提供者）', en: 'Provider pain points' },
  { key: 'providerGoals', area: 'provider', ja: '提供者がもっとも実現したいこと', en: 'What providers most want to achieve' },
  { key: 'providerDelights', area: 'provider', ja: '嬉しいと感じること（提供者）', en: 'What delights providers' },
  { key: 'userValue', area: 'value', ja: '利用者の価値', en: 'Value for users' },
  { key: 'providerValue', area: 'value', ja: '提供者の価値', en: 'Value for providers' },
  { key: 'issues', area: 'solution', ja: '取り組むべき課題', en: 'Issues to tackle' },
  { key: 'solution', area: 'solution', ja: '解決策（実施内容）', en: 'Solution' },
  { key: 'spreadMeans', area: 'solution', ja: '施策を普及させるための手段', en: 'Means of spreading' },
  {
    key: 'activitiesResources',
    area: 'solution',
    ja: '解決策を実現するための活動とリソース',
    en: 'Activities and resources',
  },
  { key: 'targetOutcomes', area: 'solution', ja: '目指す成果', en: 'Target outcomes' },
  { key: 'activityIndicators', area: 'solution', ja: '活動評価指標（KPI）', en: 'Activity indicators (KPIs)' },
] as const satisfies readonly { key: string; area: TCanvasArea; ja: string; en: string }[];

export const canvasFieldKeys = canvasFields.map((f) => f.key) as [TCanvasFieldKeyOf, ...TCanvasFieldKeyOf[]];
type TCanvasFieldKeyOf = (typeof canvasFields)[number]['key'];

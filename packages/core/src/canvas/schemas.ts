import { z } from 'zod';
import { text } from '../projects/schemas.ts';
import { defineRegistry } from '../registry/define-registry.ts';

export type TCanvasArea = 'header' | 'user' | 'provider' | 'value' | 'solution';

/**
 * The 19 cells of the Tokyo service canvas (東京都サービスキャンバス), in reading order.
 * `isKey` marks 重要項目: the canvas counts as written only when all of them are filled.
 * Activity indicators (活動評価指標) are the project's KPIs; the cell holds only a note on them.
 */
export const canvasFields = [
  { key: 'projectName', area: 'header', ja: '事業名', en: 'Project name', isKey: true },
  { key: 'department', area: 'header', ja: '担当部署', en: 'Department', isKey: true },
  { key: 'longTermAim', area: 'header', ja: '中長期的に目指すこと', en: 'Medium/long-term aim', isKey: true },
  { key: 'users', area: 'user', ja: '利用者はどんな人', en: 'Who the users are', isKey: true },
  { key: 'userPains', area: 'user', ja: '困りごと（利用者）', en: 'User pain points', isKey: true },
  { key: 'userGoals', area: 'user', ja: '利用者がもっとも実現したいこと', en: 'What users most want to achieve', isKey: true },
  { key: 'userDelights', area: 'user', ja: '嬉しいと感じること（利用者）', en: 'What delights users', isKey: false },
  { key: 'providers', area: 'provider', ja: '提供者はどんな人', en: 'Who the providers are', isKey: false },
  { key: 'providerPains', area: 'provider', ja: '困りごと（提供者）', en: 'Provider pain points', isKey: false },
  { key: 'providerGoals', area: 'provider', ja: '提供者がもっとも実現したいこと', en: 'What providers most want to achieve', isKey: false },
  { key: 'providerDelights', area: 'provider', ja: '嬉しいと感じること（提供者）', en: 'What delights providers', isKey: false },
  { key: 'userValue', area: 'value', ja: '利用者の価値', en: 'Value for users', isKey: true },
  { key: 'providerValue', area: 'value', ja: '提供者の価値', en: 'Value for providers', isKey: true },
  { key: 'issues', area: 'solution', ja: '取り組むべき課題', en: 'Issues to tackle', isKey: true },
  { key: 'solution', area: 'solution', ja: '解決策（実施内容）', en: 'Solution', isKey: true },
  { key: 'spreadMeans', area: 'solution', ja: '施策を普及させるための手段', en: 'Means of spreading', isKey: false },
  {
    key: 'activitiesResources',
    area: 'solution',
    ja: '解決策を実現するための活動とリソース',
    en: 'Activities and resources',
    isKey: false,
  },
  { key: 'targetOutcomes', area: 'solution', ja: '目指す成果', en: 'Target outcomes', isKey: true },
  { key: 'activityIndicators', area: 'solution', ja: '活動評価指標（KPI）', en: 'Activity indicators (KPIs)', isKey: false },
] as const satisfies readonly { key: string; area: TCanvasArea; ja: string; en: string; isKey: boolean }[];

/** The canvas cells as a registry, like every other domain list (keys, enum, labels). */
export const canvasFieldRegistry = defineRegistry('canvas field', canvasFields);

export type TCanvasFieldKey = (typeof canvasFields)[number]['key'];
export const canvasKeyFields: TCanvasFieldKey[] = canvasFields.filter((f) => f.isKey).map((f) => f.key);

const cell = text(4000);
export const ZCanvasFields = z.strictObject(
  Object.fromEntries(canvasFields.map((f) => [f.key, cell.optional()])) as Record<TCanvasFieldKey, z.ZodOptional<typeof cell>>,
);
export type TCanvasFields = z.infer<typeof ZCanvasFields>;

export const ZSaveCanvasRequest = z.strictObject({
  fields: ZCanvasFields,
  /** The revision the editor started from; a newer saved revision means someone else saved first. */
  baseRevision: z.number().int().min(0).optional(),
});
export type TSaveCanvasRequest = z.infer<typeof ZSaveCanvasRequest>;

/** The key items still empty; the canvas is written when this is empty. */
export function missingKeyItems(fields: Partial<Record<TCanvasFieldKey, string | undefined | null>>): TCanvasFieldKey[] {
  return canvasKeyFields.filter((key) => !(fields[key] ?? '').trim());
}

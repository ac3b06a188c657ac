import { z } from 'zod';
import { ZStage } from '../rules/schemas.ts';

export { type TStage, ZStage } from '../rules/schemas.ts';

export const ZUuid = z.uuid({ message: 'must be a UUID' });
export const ZBureauCode = z.string().regex(/^[A-Z][A-Z0-9]{1,7}$/, 'bureau code: 2–8 upper-case letters or digits');
export const ZFiscalYear = z.number().int().min(1990).max(2100);
/** Money is integer yen. 9e15 keeps every value exact in a JS number and in PostgreSQL bigint. */
export const ZYen = z.number().int().min(0).max(9_000_000_000_000_000);
export const ZConfidentiality = z.enum(['A', 'B', 'C']);
export const ZDowntimeHours = z.number().min(0).max(8760);
/** 登録の契機: デジタル関連施策の立案時 / 当初予算要求時 / 補正予算による事業決定時 */
export const ZRegistrationTrigger = z.enum(['measure_planned', 'initial_budget', 'supplementary_budget']);
export const ZRole = z.enum(['staff', 'bureau_lead', 'cio_advisor', 'chief_cio_advisor', 'budget_office', 'govtech', 'admin']);
export type TRole = z.infer<typeof ZRole>;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/;
/** C0 and C1 control characters and DEL: meaningless in identifiers, e-mail addresses, URLs and query parameters. */
export const hasControlCharacters = (s: string) => controlCharacters.test(s);

/** Free text: any Unicode, stored verbatim, but no NUL (PostgreSQL text cannot hold it). */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');
export const requiredText = (max: number) => text(max).refine((s) => s.trim().length > 0, 'is required');

export const ZProjectOversightInputs = z.strictObject({
  budgetJpy: ZYen.nullable().optional(),
  maxDowntimeHours: ZDowntimeHours.nullable().optional(),
  confidentiality: ZConfidentiality.nullable().optional(),
});

export const ZCreateProjectRequest = ZProjectOversightInputs.extend({
  name: requiredText(200),
  bureauCode: ZBureauCode,
  fiscalYear: ZFiscalYear,
  summary: text(4000).optional(),
  isNew: z.boolean().optional(),
  registrationTrigger: ZRegistrationTrigger.optional(),
});
export type TCreateProjectRequest = z.infer<typeof ZCreateProjectRequest>;

export const ZUpdateProjectRequest = ZProjectOversightInputs.extend({
  version: z.number().int().min(1).optional(),
  name: requiredText(200).optional(),
  fiscalYear: ZFiscalYear.optional(),
  summary: text(4000).nullable().optional(),
  isNew: z.boolean().optional(),
  registrationTrigger: ZRegistrationTrigger.nullable().optional(),
});
export type TUpdateProjectRequest = z.infer<typeof ZUpdateProjectRequest>;

export const ZTransitionRequest = z.strictObject({ to: ZStage, reason: text(2000).optional() });
export type TTransitionRequest = z.infer<typeof ZTransitionRequest>;

export const ZDocumentKind = z.enum(['requirements_definition', 'procurement_spec', 'user_test_report', 'other']);
export type TDocumentKind = z.infer<typeof ZDocumentKind>;
export const ZHttpUrl = z
  .string()
  .max(2000)
  // The URL parser would quietly drop or escape them, but the string is stored as sent.
  .refine((s) => !hasControlCharacters(s), 'must not contain control characters')
  .refine((s) => {
    try {
      const url = new URL(s);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');
export const ZCreateDocumentRequest = z.strictObject({ kind: ZDocumentKind, title: requiredText(200), url: ZHttpUrl });
export type TCreateDocumentRequest = z.infer<typeof ZCreateDocumentRequest>;

export const stageLabels: Record<z.infer<typeof ZStage>, { ja: string; en: string }> = {
  planning: { ja: '企画', en: 'Planning' },
  requirements: { ja: '要件定義', en: 'Requirements' },
  development: { ja: '設計開発', en: 'Development' },
  operation: { ja: '運用', en: 'Operation' },
  retired: { ja: '廃止', en: 'Retired' },
};
export const documentKindLabels: Record<TDocumentKind, { ja: string; en: string }> = {
  requirements_definition: { ja: '要件定義書', en: 'Requirements definition' },
  procurement_spec: { ja: '調達仕様書', en: 'Procurement specification' },
  user_test_report: { ja: 'ユーザテスト結果報告書', en: 'User test report' },
  other: { ja: 'その他', en: 'Other' },
};
export const registrationTriggerLabels: Record<z.infer<typeof ZRegistrationTrigger>, { ja: string; en: string }> = {
  measure_planned: { ja: 'デジタル関連施策の立案時', en: 'When the digital measure is planned' },
  initial_budget: { ja: '当初予算要求時（デジタル関連経費情報）', en: 'At the initial budget request' },
  supplementary_budget: { ja: '補正予算による事業決定時', en: 'When decided by a supplementary budget' },
};
export const roleLabels: Record<TRole, { ja: string; en: string }> = {
  staff: { ja: '各局担当', en: 'Department staff' },
  bureau_lead: { ja: '管理者', en: 'Bureau lead' },
  cio_advisor: { ja: '各局CIO補佐官', en: 'CIO advisor' },
  chief_cio_advisor: { ja: 'CIO統括補佐官', en: 'Chief CIO advisor' },
  budget_office: { ja: '財務局', en: 'Budget office' },
  govtech: { ja: 'GovTech東京（技術支援）', en: 'GovTech Tokyo (technical staff)' },
  admin: { ja: 'デジタルサービス局 管理者', en: 'Administrator' },
};

/** Japanese fiscal year (年度): April to March, named by the year it starts in. */
export function fiscalYearOf(date: Date): number {
  const year = date.getFullYear();
  return date.getMonth() < 3 ? year - 1 : year;
}

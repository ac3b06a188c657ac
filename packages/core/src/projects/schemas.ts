import { z } from 'zod';
import {
  documentKindRegistry,
  oversightFactorRegistry,
  registrationTriggerRegistry,
  roleRegistry,
  type TDocumentKind,
  type TRegistrationTrigger,
  type TRole,
} from '../registry/domain-lists.ts';
import { ZStage } from '../rules/schemas.ts';

export { ZConfidentiality, ZDowntimeHours, ZYen } from '../registry/domain-lists.ts';
export { roleLabels, stageLabels } from '../registry/lists.ts';
export { type TStage, ZStage } from '../rules/schemas.ts';
export type { TDocumentKind, TRegistrationTrigger, TRole };

export const ZUuid = z.uuid({ message: 'must be a UUID' });
export const ZBureauCode = z.string().regex(/^[A-Z][A-Z0-9]{1,7}$/, 'bureau code: 2–8 upper-case letters or digits');
export const ZFiscalYear = z.number().int().min(1990).max(2100);
/** 登録の契機: デジタル関連施策の立案時 / 当初予算要求時 / 補正予算による事業決定時 */
export const ZRegistrationTrigger = registrationTriggerRegistry.schema;
export const ZRole = roleRegistry.schema;

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

/** One optional, nullable field per oversight factor's input, derived from the factor registry. */
export const ZProjectOversightInputs = z.strictObject(
  Object.fromEntries(oversightFactorRegistry.entries.map((f) => [f.input, f.schema.nullable().optional()])) as {
    [F in (typeof oversightFactorRegistry.entries)[number] as F['input']]: z.ZodOptional<z.ZodNullable<F['schema']>>;
  },
);

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

export const ZDocumentKind = documentKindRegistry.schema;
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

export const documentKindLabels: Record<TDocumentKind, { ja: string; en: string }> = documentKindRegistry.labels;
export const registrationTriggerLabels: Record<TRegistrationTrigger, { ja: string; en: string }> = registrationTriggerRegistry.labels;

export { fiscalYearOf } from './fiscal-year.ts';

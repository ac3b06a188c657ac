import { z } from 'zod';
import { text } from '../projects/schemas.ts';

export { canvasFieldKeys, canvasFields, type TCanvasArea } from './fields.ts';

import { canvasFields } from './fields.ts';

export type TCanvasFieldKey = (typeof canvasFields)[number]['key'];

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

/** The key items (from the service-canvas ruleset) still empty; the canvas is written when this is empty. */
export function missingKeyItems(
  fields: Partial<Record<TCanvasFieldKey, string | undefined | null>>,
  keyItems: readonly TCanvasFieldKey[],
): TCanvasFieldKey[] {
  return keyItems.filter((key) => !(fields[key] ?? '').trim());
}

/** The canvas policy of a service-canvas ruleset: its key items and guidance. */
export function createServiceCanvas(content: {
  areas: { area: string; guidance?: { ja: string; en: string } }[];
  fields: { key: TCanvasFieldKey; isKey: boolean; guidance?: { ja: string; en: string } }[];
}) {
  const keyItems = content.fields.filter((f) => f.isKey).map((f) => f.key);
  return {
    keyItems,
    missingKeyItems: (fields: Partial<Record<TCanvasFieldKey, string | undefined | null>>) => missingKeyItems(fields, keyItems),
    guidance: {
      areas: Object.fromEntries(content.areas.filter((a) => a.guidance).map((a) => [a.area, a.guidance!])),
      fields: Object.fromEntries(content.fields.filter((f) => f.guidance).map((f) => [f.key, f.guidance!])),
    } as { areas: Record<string, { ja: string; en: string }>; fields: Partial<Record<TCanvasFieldKey, { ja: string; en: string }>> },
  };
}
export type ServiceCanvas = ReturnType<typeof createServiceCanvas>;

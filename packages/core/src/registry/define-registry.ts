import { z } from 'zod';

import { defineList, type List, type ListEntry } from './define-list.ts';

export type { TLabel, TLanguage } from './define-list.ts';

/** Japanese and English text, as every registry entry and every label in an answer carries it. */
export const ZLabel = z.object({ ja: z.string(), en: z.string() });

/** A domain list defined once: its keys, zod enum and labels are derived from the same entries. */
export type Registry<E extends ListEntry> = List<E> & {
  /** The zod enum of the keys: request validation, response schemas and the OpenAPI enums use it. */
  readonly schema: z.ZodEnum<{ [K in E['key']]: K }>;
};

/** A list of define-list.ts with the zod enum of its keys beside it. */
export function withSchema<E extends ListEntry>(list: List<E>): Registry<E> {
  return {
    ...list,
    schema: z.enum(list.keys as unknown as [E['key'], ...E['key'][]]) as unknown as z.ZodEnum<{ [K in E['key']]: K }>,
  };
}

/**
 * Build a registry from its entries (written `as const` so the keys stay literal types). Duplicate keys
 * and empty labels are refused when the module loads, so a bad entry cannot reach a migration or a screen.
 */
export function defineRegistry<const L extends readonly [ListEntry, ...ListEntry[]]>(name: string, list: L): Registry<L[number]> {
  return withSchema(defineList(name, list));
}

export type { KeyOf } from './define-list.ts';

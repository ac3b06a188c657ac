/**
 * One pagination convention for every list of the API (decision 0023): `?limit=` 1–200 (50 when left
 * out) and `?cursor=` (the previous page's `nextCursor`, sent back unchanged); the answer is
 * `{ items, nextCursor }` with `nextCursor` null on the last page.
 *
 * Lists that can grow without bound (projects, procurements, tech reviews, users, the audit trail,
 * notifications, the outbox, outstanding yearly reviews) page in SQL with a keyset of their sort order.
 * Lists bounded by one project or one person (a project's KPIs, documents, stage moves …, the inbox,
 * reference lists) are read whole and cut here with `pageOf`: their size is tens, and the domain's order
 * (often computed, not a column) is kept exactly.
 */
import { z } from 'zod';
import { validationError } from '../errors.ts';

export const maxPageLimit = 200;
export const defaultPageLimit = 50;

/** The JSON inside a cursor, or undefined when it is not one this API wrote. */
function readCursor(cursor: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) ?? undefined;
  } catch {
    return undefined;
  }
}

export const ZPageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(maxPageLimit)
    .default(defaultPageLimit)
    .meta({ description: `How many items a page holds: 1–${maxPageLimit}, ${defaultPageLimit} when left out`, example: 50 }),
  cursor: z
    .string()
    .max(400)
    .refine((cursor) => readCursor(cursor) !== undefined, 'not a cursor from this API')
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page, sent back unchanged; leave out for the first page' }),
});
export type TPageQuery = z.infer<typeof ZPageQuery>;

/** `{ items, nextCursor }` of an item schema: every list answers this shape. */
export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().meta({ description: 'Send it back as `cursor` for the next page; null on the last page' }),
  });

const notACursor = () => validationError([{ path: 'query.cursor', message: 'not a cursor from this API' }]);

/** A cursor is JSON in base64url: opaque to clients, and any key a list needs fits in it. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The value of a cursor this API wrote, checked by `isValid`; anything else is a 400 on `query.cursor`. */
export function decodeCursor<T>(cursor: string, isValid: (value: unknown) => value is T): T {
  const value = readCursor(cursor);
  if (value === undefined || !isValid(value)) throw notACursor();
  return value;
}

/** The optional cursor of a query, decoded; null for the first page. */
export const cursorOf = <T>(query: { cursor?: string | undefined }, isValid: (value: unknown) => value is T): T | null =>
  query.cursor === undefined ? null : decodeCursor(query.cursor, isValid);

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * For a list whose query or domain function keeps its own cursor text (projects, procurements, tech
 * reviews, users, notifications, the outbox): that text travels inside the one cursor format, so every
 * list's cursor looks and is checked alike.
 */
export const innerCursor = (query: { cursor?: string | undefined }): string | undefined => cursorOf(query, isString) ?? undefined;
export const outerCursor = (inner: string | null): string | null => (inner === null ? null : encodeCursor(inner));

type Key = string | number;
type InMemoryCursor = { after: Key; at: number };
const isInMemoryCursor = (v: unknown): v is InMemoryCursor =>
  typeof v === 'object' &&
  v !== null &&
  (typeof (v as InMemoryCursor).after === 'string' || typeof (v as InMemoryCursor).after === 'number') &&
  Number.isSafeInteger((v as InMemoryCursor).at) &&
  (v as InMemoryCursor).at >= 0;

/**
 * One page of a list read whole, in the order given. The cursor names the last item seen (its unique
 * key) and where it was: the next page starts after that item, or, when it has gone since, where it was,
 * so a deletion between pages neither repeats nor skips an item.
 */
export function pageOf<T>(
  items: readonly T[],
  page: { limit: number; cursor?: string | undefined },
  keyOf: (item: T, index: number) => Key,
) {
  let start = 0;
  const cursor = cursorOf(page, isInMemoryCursor);
  if (cursor) {
    const found = items.findIndex((item, index) => keyOf(item, index) === cursor.after);
    start = found >= 0 ? found + 1 : Math.min(cursor.at, items.length);
  }
  const slice = items.slice(start, start + page.limit);
  const last = slice[slice.length - 1];
  const hasMore = start + page.limit < items.length;
  return {
    items: slice,
    nextCursor:
      hasMore && last !== undefined ? encodeCursor({ after: keyOf(last, start + slice.length - 1), at: start + slice.length - 1 }) : null,
  };
}

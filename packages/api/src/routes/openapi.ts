/**
 * Small helpers so each route's OpenAPI description stays one readable `createRoute` call.
 * The request schemas are core's zod schemas; the same objects validate the request.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { fieldErrors, validationError } from '../errors.ts';

export const ZProblem = z
  .object({
    type: z.string(),
    code: z.string(),
    title: z.string(),
    status: z.number().int(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .passthrough();

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ZProblem } } });

/** Error responses every authenticated route can give. */
export const problems = {
  400: problem('Malformed JSON or invalid fields (errors lists each field path)'),
  401: problem('Not signed in'),
  403: problem('Signed in, but not allowed'),
  404: problem('Not found'),
  413: problem('Body too large'),
  503: problem('Database unavailable'),
} as const;
export const conflictProblems = { 409: problem('Stale version: someone else changed it first'), ...problems } as const;
export const ruleProblems = { 422: problem('A rule refuses it (gate_unmet, reason_required, …)'), ...problems } as const;
export const allProblems = { ...conflictProblems, ...ruleProblems } as const;

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});
export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A query parameter holding a comma-separated list whose every item must match `pattern`. */
export const commaSeparated = (pattern: RegExp, message: string) =>
  z
    .string()
    .max(500)
    .transform((value) =>
      value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every((item) => pattern.test(item)), message);

/**
 * A comma-separated list of one of core's enums, typed as that enum; the description lists the values.
 * A bad item is reported on the parameter itself, like `commaSeparated`.
 */
export const commaSeparatedEnum = <T extends Readonly<Record<string, string>>>(values: z.ZodEnum<T>, message: string) => {
  const isValue = (item: string): item is z.output<z.ZodEnum<T>> => values.safeParse(item).success;
  return z
    .string()
    .max(500)
    .describe(`${message}: ${values.options.join(', ')}`)
    .transform((value) =>
      value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every(isValue), `${message}: ${values.options.join(', ')}`)
    .transform((list) => list.filter(isValue));
};

export const ZIdParam = z.object({ id: z.uuid({ message: 'must be a UUID' }) });

/** A router whose validation failures become our problem+json with field paths. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, _c) => {
      if (!result.success) {
        const where = (result as { target?: string }).target;
        throw validationError(fieldErrors(result.error, where === 'param' || where === 'query' ? [where] : []));
      }
    },
  });
}

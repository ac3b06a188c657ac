import { createRoute } from '@hono/zod-openapi';
import { ZExpenseCategory, ZStage } from '@psbook/core';
import { z } from 'zod';
import { requireActor } from '../auth/actor.ts';
import { expenseStats, registrationStats, stageStats } from '../domain/stats.ts';
import { createRouter, jsonContent, problems } from './openapi.ts';
import { toProjectFilter, ZProjectListQuery } from './projects.ts';

const ZLabel = z.object({ ja: z.string(), en: z.string() });
const ZTierCounts = z.object({
  tier1: z.number().int(),
  tier2: z.number().int(),
  tier3: z.number().int(),
  unset: z.number().int().describe('未設定: the tier is not determined yet'),
  total: z.number().int(),
});
const ZDay = z.iso.date({ message: 'must be a date (YYYY-MM-DD)' });

/** The project filters the statistics accept: the same meaning as on GET /projects. */
const ZStatsFilter = ZProjectListQuery.pick({ bureau: true, fiscalYear: true, isNew: true, stage: true });

const registrations = createRoute({
  method: 'get',
  path: '/registrations',
  tags: ['stats'],
  summary: 'Registered projects over time by current tier (未設定 included), with running totals',
  description:
    'Points every week or month from `from` (default: the first registration) to `to` (default: today), Japanese dates; each point has the registrations since the previous point and the running total as of that day. The last point is `to`.',
  request: {
    query: ZStatsFilter.extend({
      from: ZDay.optional(),
      to: ZDay.optional(),
      interval: z.enum(['week', 'month']).optional(),
    }),
  },
  responses: {
    200: jsonContent(
      z.object({
        interval: z.enum(['week', 'month']),
        from: z.string(),
        to: z.string(),
        timeZone: z.literal('Asia/Tokyo'),
        total: ZTierCounts,
        periods: z.array(
          z.object({
            period: z.string().describe('the day the point stands for (YYYY-MM-DD)'),
            start: z
              .string()
              .nullable()
              .describe('first day counted in `added`; null for the first point, which also counts everything before it'),
            end: z.string(),
            added: ZTierCounts,
            cumulative: ZTierCounts,
          }),
        ),
      }),
      'Registrations over time',
    ),
    ...problems,
  },
});

const stages = createRoute({
  method: 'get',
  path: '/stages',
  tags: ['stats'],
  summary: 'Projects by lifecycle stage × tier',
  request: { query: ZStatsFilter.omit({ stage: true }) },
  responses: {
    200: jsonContent(z.object({ stages: z.array(ZTierCounts.extend({ stage: ZStage, label: ZLabel })), total: ZTierCounts }), 'Counts'),
    ...problems,
  },
});

const expenses = createRoute({
  method: 'get',
  path: '/expenses',
  tags: ['stats'],
  summary: 'Digital-related expenses of a fiscal year by category and bureau, with the de-duplicated total and the overlap',
  description:
    'A line in several categories counts in each category; `totalJpy` counts each line once; `overlapJpy` = sum of the categories − total. Amounts in yen (the files give thousand yen).',
  request: { query: z.object({ fiscalYear: z.coerce.number().int().min(1990).max(2100).optional() }) },
  responses: {
    200: jsonContent(
      z.object({
        fiscalYear: z.number().int().nullable(),
        fiscalYears: z.array(z.number().int()).describe('every fiscal year with expense lines, latest first'),
        unit: z.literal('JPY'),
        lineCount: z.number().int(),
        totalJpy: z.number().int(),
        sumOfCategoriesJpy: z.number().int(),
        overlapJpy: z.number().int(),
        byCategory: z.array(
          z.object({ category: ZExpenseCategory, label: ZLabel, lineCount: z.number().int(), amountJpy: z.number().int() }),
        ),
        byBureau: z.array(
          z.object({
            bureauCode: z.string(),
            nameJa: z.string().nullable(),
            lineCount: z.number().int(),
            amountJpy: z.number().int(),
            sumOfCategoriesJpy: z.number().int(),
          }),
        ),
      }),
      'Expense totals',
    ),
    ...problems,
  },
});

export const statsRoutes = createRouter()
  .openapi(registrations, async (c) => {
    requireActor(c.var.actor);
    const query = c.req.valid('query');
    const result = await registrationStats(c.var.services.db, toProjectFilter(query), {
      from: query.from,
      to: query.to,
      interval: query.interval ?? 'week',
    });
    return c.json(result, 200);
  })
  .openapi(stages, async (c) => {
    requireActor(c.var.actor);
    return c.json(await stageStats(c.var.services.db, toProjectFilter(c.req.valid('query'))), 200);
  })
  .openapi(expenses, async (c) => {
    requireActor(c.var.actor);
    return c.json(await expenseStats(c.var.services.db, c.req.valid('query').fiscalYear), 200);
  });

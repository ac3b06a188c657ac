import { ZLabel, ZReviewerRole, ZRulesetSimulation, ZTier } from '@psbook/core';
import { z } from 'zod';
import { listActiveRulesets, simulateCandidateRuleset } from '../domain/ruleset-versions.ts';
import { domainContext } from './context.ts';
import { apiRoute, createRouter, jsonBody, jsonContent, problems } from './openapi.ts';

export const ZTierTable = z.object({
  version: z.string(),
  title: ZLabel,
  tiers: z.array(ZTier),
  factors: z.array(
    z.object({
      factor: z.string(),
      input: z.string(),
      label: ZLabel,
      bands: z.array(z.object({ tier: ZTier, label: ZLabel, conditions: z.array(z.object({ operator: z.string(), value: z.unknown() })) })),
    }),
  ),
  reviewers: z.array(z.object({ tier: ZTier, role: ZReviewerRole, label: ZLabel })),
  rows: z
    .array(
      z.object({
        kind: z.enum(['factor', 'reviewer']),
        key: z.string(),
        label: ZLabel,
        cells: z.array(z.object({ tier: ZTier, label: ZLabel.nullable() })),
      }),
    )
    .describe('the tier table as displayed: one row per factor (band label per tier), then the consulted reviewer per tier'),
});

const list = apiRoute({
  operationId: 'listRulesets',
  method: 'get',
  path: '/',
  tags: ['rules'],
  summary: 'The active rulesets, and the oversight ruleset as the tier table',
  responses: {
    200: jsonContent(
      z.object({
        rulesets: z.array(
          z.object({ name: z.string(), version: z.string(), title: ZLabel, activatedAt: z.string().nullable(), content: z.unknown() }),
        ),
        tierTable: ZTierTable,
      }),
      'Rules',
    ),
    ...problems,
  },
});

export const ZSimulateRequest = z.strictObject({
  ruleset: z.literal('oversight-tier'),
  content: z
    .unknown()
    .refine((v) => v !== undefined, 'is required')
    .describe('the candidate ruleset, as in rules/oversight-tier.json'),
});

const simulate = apiRoute({
  operationId: 'simulateRuleset',
  method: 'post',
  path: '/simulate',
  tags: ['rules'],
  summary: 'What a candidate oversight ruleset would change in the book (admin; writes nothing)',
  description:
    'The candidate is validated like a rules file (400 with the JSON path of each problem), then every project is evaluated under it — once per distinct combination of inputs — in a read-only transaction, and compared with its stored tier.',
  request: jsonBody(ZSimulateRequest),
  responses: {
    200: jsonContent(ZRulesetSimulation, 'The simulation'),
    ...problems,
  },
});

export const rulesRoutes = createRouter()
  .openapi(list, async (c) => c.json(await listActiveRulesets(domainContext(c)), 200))
  .openapi(simulate, async (c) => c.json(await simulateCandidateRuleset(domainContext(c), c.req.valid('json').content), 200));

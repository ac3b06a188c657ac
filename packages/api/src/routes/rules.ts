import { rulesetNames } from '@psbook/core';
import { z } from 'zod';
import { requireActor, requirePermission } from '../auth/actor.ts';
import { listRulesetStates } from '../db/queries/rulesets.ts';
import { simulateOversightRuleset, tierTableOf } from '../domain/rules-simulation.ts';
import { apiRoute, createRouter, jsonBody, jsonContent, problems } from './openapi.ts';

export const ZLabel = z.object({ ja: z.string(), en: z.string() });
export const ZTierCounts = z.object({ tier1: z.number().int(), tier2: z.number().int(), tier3: z.number().int(), unset: z.number().int() });

export const ZTierTable = z.object({
  version: z.string(),
  title: ZLabel,
  tiers: z.array(z.number().int()),
  factors: z.array(
    z.object({
      factor: z.string(),
      input: z.string(),
      label: ZLabel,
      bands: z.array(
        z.object({ tier: z.number().int(), label: ZLabel, conditions: z.array(z.object({ operator: z.string(), value: z.unknown() })) }),
      ),
    }),
  ),
  reviewers: z.array(z.object({ tier: z.number().int(), role: z.string(), label: ZLabel })),
  rows: z
    .array(
      z.object({
        kind: z.enum(['factor', 'reviewer']),
        key: z.string(),
        label: ZLabel,
        cells: z.array(z.object({ tier: z.number().int(), label: ZLabel.nullable() })),
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
    200: jsonContent(
      z.object({
        ruleset: z.literal('oversight-tier'),
        candidateVersion: z.string(),
        activeVersion: z.string(),
        isSameAsActive: z.boolean(),
        projects: z.number().int(),
        combinations: z.number().int().describe('distinct input combinations evaluated'),
        changed: z.number().int().describe('projects whose tier or reviewer would change'),
        byBureau: z.array(z.object({ bureauCode: z.string(), total: z.number().int(), changed: z.number().int(), toTier: ZTierCounts })),
        transitions: z.array(
          z.object({
            fromTier: z.number().int().nullable(),
            toTier: z.number().int().nullable(),
            fromReviewer: z.string().nullable(),
            toReviewer: z.string().nullable(),
            count: z.number().int(),
          }),
        ),
        sample: z.array(
          z.object({
            id: z.string().uuid(),
            code: z.string(),
            name: z.string(),
            bureauCode: z.string(),
            fromTier: z.number().int().nullable(),
            toTier: z.number().int().nullable(),
            fromReviewer: z.string().nullable(),
            toReviewer: z.string().nullable(),
          }),
        ),
      }),
      'The simulation',
    ),
    ...problems,
  },
});

export const rulesRoutes = createRouter()
  .openapi(list, async (c) => {
    requireActor(c.var.actor);
    const { db, policy } = c.var.services;
    const stored = new Map((await listRulesetStates(db)).map((r) => [r.name, r]));
    const rulesets = rulesetNames.map((name) => {
      const ruleset = policy.rulesets[name];
      const state = stored.get(name);
      return {
        name,
        version: ruleset.version,
        title: ruleset.content.title,
        // When this version became active (null if the database has not recorded this version yet).
        activatedAt: state && state.version === ruleset.version ? state.activatedAt.toISOString() : null,
        content: ruleset.content as unknown,
      };
    });
    return c.json({ rulesets, tierTable: tierTableOf(policy.rulesets['oversight-tier']) }, 200);
  })
  .openapi(simulate, async (c) => {
    const actor = requireActor(c.var.actor);
    requirePermission(actor, 'rules.manage');
    const { db, policy } = c.var.services;
    return c.json(await simulateOversightRuleset(db, policy, c.req.valid('json').content), 200);
  });

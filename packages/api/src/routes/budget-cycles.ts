import { budgetMilestoneKeys, ZBudgetCycleRequest, ZFiscalYear } from '@psbook/core';
import { z } from 'zod';
import { requireActor } from '../auth/actor.ts';
import {
  createBudgetCycle,
  extractTechReviews,
  getBudgetCycle,
  getBudgetCycleComparison,
  listBudgetCycles,
  submitBudgetCycle,
} from '../domain/budget-cycles.ts';
import { domainContext } from './context.ts';
import { allProblems, apiRoute, conflictProblems, createRouter, jsonBody, jsonContent, problems } from './openapi.ts';
import { pageOf, pageSchema, ZPageQuery } from './pagination.ts';

const ZLocalizedText = z.object({ ja: z.string(), en: z.string() });
export const ZBudgetCycleResponse = z.object({
  fiscalYear: z.number().int(),
  requestDate: z.string(),
  requestDeadline: z.string(),
  evaluationDeadline: z.string(),
  submissionDate: z.string(),
  budgetAnnouncementDate: z.string(),
  submittedAt: z.string().nullable(),
  submittedBy: z.string().nullable(),
  isSubmitted: z.boolean(),
  techReviews: z.object({
    extracted: z.number().int(),
    inReview: z.number().int(),
    submitted: z.number().int(),
    total: z.number().int(),
    reflected: z.number().int(),
  }),
  viewpoints: z.array(z.object({ id: z.string(), label: ZLocalizedText, guidance: ZLocalizedText })),
  ratingScale: z.array(z.object({ value: z.number().int(), label: ZLocalizedText })),
  viewpointRulesetVersion: z.string(),
  milestones: z.array(
    z.object({
      key: z.enum(budgetMilestoneKeys),
      label: ZLocalizedText,
      date: z.string(),
      status: z.enum(['upcoming', 'done', 'late']),
      warning: ZLocalizedText.nullable(),
    }),
  ),
  version: z.number().int(),
  createdAt: z.string(),
});
const ZComparison = {
  previousFiscalYear: z.number().int().nullable(),
  previousTotal: z.number().int(),
  added: z.array(z.string()),
  continued: z.array(z.string()),
  dropped: z.array(z.string()),
};
const ZComparisonResponse = z.object({ fiscalYear: z.number().int(), ...ZComparison });
export const ZExtractionResponse = z.object({
  fiscalYear: z.number().int(),
  extracted: z.number().int(),
  alreadyExtracted: z.number().int(),
  total: z.number().int(),
  rulesetVersion: z.string(),
  comparison: z.object(ZComparison),
});
export const ZFiscalYearParam = z.object({ fiscalYear: z.coerce.number().pipe(ZFiscalYear) });

const create = apiRoute({
  operationId: 'createBudgetCycle',
  method: 'post',
  path: '/',
  tags: ['budget cycles'],
  summary: 'Open a budget compilation cycle (admin); its dates must follow each other',
  request: jsonBody(ZBudgetCycleRequest),
  responses: { 201: jsonContent(ZBudgetCycleResponse, 'The cycle'), ...conflictProblems },
});
export const ZBudgetCycleListResponse = pageSchema(ZBudgetCycleResponse);
const list = apiRoute({
  operationId: 'listBudgetCycles',
  method: 'get',
  path: '/',
  tags: ['budget cycles'],
  summary: 'Every budget cycle with its tech review counts, latest first',
  request: { query: ZPageQuery },
  responses: { 200: jsonContent(ZBudgetCycleListResponse, 'A page of budget cycles'), ...problems },
});
const get = apiRoute({
  operationId: 'getBudgetCycle',
  method: 'get',
  path: '/{fiscalYear}',
  tags: ['budget cycles'],
  summary: 'One budget cycle',
  request: { params: ZFiscalYearParam },
  responses: { 200: jsonContent(ZBudgetCycleResponse, 'The cycle'), ...problems },
});
const extract = apiRoute({
  operationId: 'extractBudgetCycle',
  method: 'post',
  path: '/{fiscalYear}/extract',
  tags: ['budget cycles'],
  summary:
    'Extract the projects for tech review (案件抽出, admin) by the extraction rules; idempotent, with the comparison to the previous cycle’s list; 409 once submitted',
  request: { params: ZFiscalYearParam },
  responses: { 200: jsonContent(ZExtractionResponse, 'What the extraction added'), ...conflictProblems },
});
const submit = apiRoute({
  operationId: 'submitBudgetCycle',
  method: 'post',
  path: '/{fiscalYear}/submit',
  tags: ['budget cycles'],
  summary:
    'Submit the evaluation report to the budget office (admin): every tech review rated on all three viewpoints with an overall opinion, else 422 listing the incomplete ones; freezes the list',
  request: { params: ZFiscalYearParam },
  responses: { 200: jsonContent(ZBudgetCycleResponse, 'The submitted cycle'), ...allProblems },
});

const comparison = apiRoute({
  operationId: 'getBudgetCycleComparison',
  method: 'get',
  path: '/{fiscalYear}/comparison',
  tags: ['budget cycles'],
  summary:
    'The year-on-year comparison of the cycle’s list with the previous cycle’s (project codes added, continued, dropped), also after the list is frozen',
  description: 'The budget office reads it once the cycle is submitted; staff and bureau leads see their own bureaus’ projects.',
  request: { params: ZFiscalYearParam },
  responses: { 200: jsonContent(ZComparisonResponse, 'The comparison'), ...problems },
});

export const budgetCycleRoutes = createRouter()
  .openapi(create, async (c) => c.json(await createBudgetCycle(domainContext(c), c.req.valid('json')), 201))
  .openapi(list, async (c) => {
    requireActor(c.get('actor'));
    return c.json(
      pageOf(await listBudgetCycles(domainContext(c)), c.req.valid('query'), (cycle) => cycle.fiscalYear),
      200,
    );
  })
  .openapi(get, async (c) => {
    requireActor(c.get('actor'));
    return c.json(await getBudgetCycle(domainContext(c), c.req.valid('param').fiscalYear), 200);
  })
  .openapi(comparison, async (c) => {
    const ctx = domainContext(c);
    return c.json(await getBudgetCycleComparison(ctx, c.req.valid('param').fiscalYear), 200);
  })
  .openapi(extract, async (c) => c.json(await extractTechReviews(domainContext(c), c.req.valid('param').fiscalYear), 200))
  .openapi(submit, async (c) => c.json(await submitBudgetCycle(domainContext(c), c.req.valid('param').fiscalYear), 200));

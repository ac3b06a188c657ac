import { ZBudgetCycleRequest, ZFiscalYear } from '@psbook/core';
import { z } from 'zod';
import { requireActor } from '../auth/actor.ts';
import { createBudgetCycle, extractTechReviews, getBudgetCycle, listBudgetCycles, submitBudgetCycle } from '../domain/budget-cycles.ts';
import { domainContext } from './context.ts';
import { allProblems, apiRoute, conflictProblems, createRouter, jsonBody, jsonContent, problems } from './openapi.ts';

export const ZBudgetCycleResponse = z.object({
  fiscalYear: z.number().int(),
  requestDate: z.string(),
  requestDeadline: z.string(),
  evaluationDeadline: z.string(),
  submissionDate: z.string(),
  submittedAt: z.string().nullable(),
  submittedBy: z.string().nullable(),
  isSubmitted: z.boolean(),
  techReviews: z.object({ extracted: z.number().int(), inReview: z.number().int(), submitted: z.number().int(), total: z.number().int() }),
  version: z.number().int(),
  createdAt: z.string(),
});
export const ZExtractionResponse = z.object({
  fiscalYear: z.number().int(),
  extracted: z.number().int(),
  alreadyExtracted: z.number().int(),
  total: z.number().int(),
  rulesetVersion: z.string(),
  comparison: z.object({
    previousFiscalYear: z.number().int().nullable(),
    previousTotal: z.number().int(),
    added: z.array(z.string()),
    continued: z.array(z.string()),
    dropped: z.array(z.string()),
  }),
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
const list = apiRoute({
  operationId: 'listBudgetCycles',
  method: 'get',
  path: '/',
  tags: ['budget cycles'],
  summary: 'Every budget cycle with its tech review counts, latest first',
  responses: { 200: jsonContent(z.object({ items: z.array(ZBudgetCycleResponse) }), 'Budget cycles'), ...problems },
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

export const budgetCycleRoutes = createRouter()
  .openapi(create, async (c) => c.json(await createBudgetCycle(domainContext(c), c.req.valid('json')), 201))
  .openapi(list, async (c) => {
    requireActor(c.var.actor);
    return c.json({ items: await listBudgetCycles(c.var.services.db) }, 200);
  })
  .openapi(get, async (c) => {
    requireActor(c.var.actor);
    return c.json(await getBudgetCycle(c.var.services.db, c.req.valid('param').fiscalYear), 200);
  })
  .openapi(extract, async (c) => c.json(await extractTechReviews(domainContext(c), c.req.valid('param').fiscalYear), 200))
  .openapi(submit, async (c) => c.json(await submitBudgetCycle(domainContext(c), c.req.valid('param').fiscalYear), 200));

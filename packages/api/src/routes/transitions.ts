import { ZProjectResponse, ZStage, ZTransitionRequest } from '@psbook/core';
import { z } from 'zod';
import { requireActor } from '../auth/actor.ts';
import { getGates, listTransitions, transitionProject } from '../domain/lifecycle.ts';
import { toProjectResponse } from '../domain/projects.ts';
import { validationError } from '../errors.ts';
import { domainContext } from './context.ts';
import { allProblems, apiRoute, createRouter, jsonBody, jsonContent, problems, projectPageRoute, ZIdParam } from './openapi.ts';
import { pageOf, pageSchema } from './pagination.ts';

export const ZGateStatus = z.object({
  gate: z.string(),
  stage: ZStage,
  label: z.string(),
  labelEn: z.string(),
  met: z.boolean(),
  message: z.string(),
  messageEn: z.string(),
  exemption: z.object({ reason: z.string(), expiresOn: z.string() }).nullable(),
});
export const ZGatesResponse = z.object({
  projectId: z.string(),
  stage: ZStage,
  nextStage: ZStage.nullable(),
  fiscalYear: z.number().int(),
  gates: z.array(ZGateStatus),
  canAdvance: z.boolean(),
  facts: z.object({
    canvasWritten: z.boolean(),
    kpiWithTargetCount: z.number().int(),
    requirementsDefinitionCount: z.number().int(),
    procurementSpecCount: z.number().int(),
    approvedReleaseCount: z.number().int(),
    kpisUnmeasuredThisYearCount: z.number().int(),
    hasYearlyDecision: z.boolean(),
    openBlockingActionCount: z.number().int(),
    exemptGates: z.array(z.object({ gate: z.string(), reason: z.string(), expiresOn: z.string() })).optional(),
  }),
});
export type TGatesResponse = z.infer<typeof ZGatesResponse>;
export const ZStageTransitionResponse = z.object({
  id: z.number().int(),
  fromStage: ZStage,
  toStage: ZStage,
  direction: z.enum(['forward', 'backward', 'retire']),
  reason: z.string().nullable(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  at: z.string(),
});
export type TStageTransitionResponse = z.infer<typeof ZStageTransitionResponse>;

export const ZIfMatch = z.object({ 'if-match': z.string().max(20).optional() });

const transition = apiRoute({
  operationId: 'createTransition',
  successHeaders: ['ETag'],
  method: 'post',
  path: '/{id}/transitions',
  tags: ['lifecycle'],
  summary: 'Move the project to another stage (gates checked; backward moves and retiring need a reason)',
  description:
    '422 gate_unmet lists every unmet gate in `unmet`; 422 reason_required and invalid_transition explain themselves. ' +
    'An If-Match header with the project version makes a stale read a 409.',
  request: { params: ZIdParam, headers: ZIfMatch, ...jsonBody(ZTransitionRequest) },
  responses: { 200: jsonContent(ZProjectResponse, 'The project in its new stage'), ...allProblems },
});
export const ZStageTransitionListResponse = pageSchema(ZStageTransitionResponse);
const history = projectPageRoute({
  operationId: 'listTransitions',
  path: '/{id}/transitions',
  summary: 'The project’s stage moves, oldest first',
  page: ZStageTransitionListResponse,
  pageDescription: 'A page of stage transitions',
});
const gates = apiRoute({
  operationId: 'getGates',
  method: 'get',
  path: '/{id}/gates',
  tags: ['lifecycle'],
  summary: 'The gates of the current stage, met or not, and the next stage',
  request: { params: ZIdParam },
  responses: { 200: jsonContent(ZGatesResponse, 'The checklist before leaving the current stage'), ...problems },
});

/** `If-Match: "3"` (or 3): the version the client saw; absent means "whatever is current". */
export function ifMatchVersion(header: string | undefined): number | undefined {
  const raw = header?.replace(/^W\//, '').replace(/"/g, '').trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw validationError([{ path: 'header.if-match', message: 'must be the version you saw, e.g. "3"' }]);
  return n;
}

export const transitionRoutes = createRouter()
  .openapi(transition, async (c) => {
    const expected = ifMatchVersion(c.req.valid('header')['if-match']);
    const row = await transitionProject(domainContext(c), c.req.valid('param').id, c.req.valid('json'), expected);
    c.header('ETag', `"${row.version}"`);
    return c.json(toProjectResponse(row), 200);
  })
  .openapi(history, async (c) => {
    requireActor(c.get('actor'));
    return c.json(
      pageOf(await listTransitions(domainContext(c), c.req.valid('param').id), c.req.valid('query'), (move) => move.id),
      200,
    );
  })
  .openapi(gates, async (c) => {
    requireActor(c.get('actor'));
    return c.json(await getGates(domainContext(c), c.req.valid('param').id), 200);
  });

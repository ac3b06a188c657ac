import { ZOversightEvaluation, ZProjectOversightInputs } from '@psbook/core';
import { requireActor } from '../auth/actor.ts';
import { apiRoute, createRouter, jsonBody, jsonContent, problems } from './openapi.ts';

const evaluate = apiRoute({
  operationId: 'evaluateOversight',
  method: 'post',
  path: '/evaluate',
  tags: ['oversight'],
  summary: 'Evaluate the oversight tier for inputs (nothing is stored)',
  description:
    'Any signed-in user. Every factor is explained: its value, the band it fell in, the thresholds, and whether it drives the tier. Missing inputs leave the tier unset unless the known ones already reach tier 3.',
  request: jsonBody(ZProjectOversightInputs),
  responses: { 200: jsonContent(ZOversightEvaluation, 'The evaluation under the active ruleset'), ...problems },
});

export const oversightRoutes = createRouter().openapi(evaluate, async (c) => {
  requireActor(c.var.actor);
  const evaluation = await c.var.services.policy.evaluateOversight(c.req.valid('json'));
  return c.json(evaluation, 200);
});

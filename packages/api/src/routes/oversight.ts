import { ZOversightEvaluation, ZProjectOversightInputs } from '@psbook/core';
import { requireActor } from '../auth/actor.ts';
import { apiRoute, createRouter, jsonBody, jsonContent, jsonTextResponse, problems } from './openapi.ts';

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
  requireActor(c.get('actor'));
  // The evaluation's JSON text straight from the decision table: serialising the object cost more
  // than everything else the route does (docs/decisions/0030-evaluate-json-from-the-table.md).
  const json = await c.get('services').policy.evaluateOversightJson(c.req.valid('json'));
  return jsonTextResponse(c, ZOversightEvaluation, json, 200);
});

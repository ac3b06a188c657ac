import {
  ZRulesetActivation,
  ZRulesetCancelRequest,
  ZRulesetDecisionRequest,
  ZRulesetName,
  ZRulesetProposalRequest,
  ZRulesetVersion,
  ZRulesetVersionSummary,
} from '@psbook/core';
import { z } from 'zod';
import {
  cancelRulesetVersion,
  decideRulesetVersion,
  getRulesetActivation,
  getRulesetVersion,
  listRulesetVersions,
  proposeRulesetVersion,
  runDueActivations,
} from '../domain/ruleset-versions.ts';
import { domainContext } from './context.ts';
import { allProblems, apiRoute, createRouter, jsonBody, jsonContent, problems, ZIdParam } from './openapi.ts';
import { pageOf, pageSchema, ZPageQuery } from './pagination.ts';

export const ZRulesetVersionListResponse = pageSchema(ZRulesetVersionSummary);
const list = apiRoute({
  operationId: 'listRulesetVersions',
  method: 'get',
  path: '/versions',
  tags: ['rules'],
  summary: 'Every version of the rulesets, newest first: proposed, approved, active, superseded, rejected, failed',
  request: { query: ZPageQuery.extend({ ruleset: ZRulesetName.optional() }) },
  responses: { 200: jsonContent(ZRulesetVersionListResponse, 'A page of ruleset versions'), ...problems },
});
const get = apiRoute({
  operationId: 'getRulesetVersion',
  method: 'get',
  path: '/versions/{id}',
  tags: ['rules'],
  summary: 'One ruleset version: its content, cases, simulated impact and activation progress',
  request: { params: ZIdParam },
  responses: { 200: jsonContent(ZRulesetVersion, 'The ruleset version'), ...problems },
});
const propose = apiRoute({
  operationId: 'proposeRulesetVersion',
  method: 'post',
  path: '/versions',
  tags: ['rules'],
  summary: 'Propose a ruleset version (admin): its cases must pass; its whole-book impact is simulated and kept',
  description:
    'The content is validated like a rules file (400 with the JSON path of each problem). The cases are the active version’s unless given. Failing cases → 422 `rule_violation` with `cases.failures`, and nothing is stored. For oversight-tier, `impact` holds the simulation (per bureau, per tier transition) and the pending reviews that would move.',
  request: jsonBody(ZRulesetProposalRequest),
  responses: { 201: jsonContent(ZRulesetVersion, 'The proposed version'), ...allProblems },
});
const decide = apiRoute({
  operationId: 'decideRulesetVersion',
  method: 'post',
  path: '/versions/{id}/decision',
  tags: ['rules'],
  summary: 'Approve or reject a proposed version: a second person (admin or chief CIO advisor), never the proposer',
  description:
    'Approving schedules its activation at `activateAt` (now when omitted or past); a job then runs the cases again, switches the active version, loads it and re-tiers the book. 409 when `revision` is stale, when it was decided already, when the active version changed since the proposal, or when another version of the ruleset waits for its date.',
  request: { params: ZIdParam, ...jsonBody(ZRulesetDecisionRequest) },
  responses: { 200: jsonContent(ZRulesetVersion, 'The decided version'), ...allProblems },
});
const cancel = apiRoute({
  operationId: 'cancelRulesetVersion',
  method: 'post',
  path: '/versions/{id}/cancel',
  tags: ['rules'],
  summary: 'Stop a scheduled version before its activation starts (admin or chief CIO advisor)',
  description:
    'The version becomes `cancelled` and its job never runs. 409 when `revision` is stale, when it is not scheduled, or when its activation has started.',
  request: { params: ZIdParam, ...jsonBody(ZRulesetCancelRequest) },
  responses: { 200: jsonContent(ZRulesetVersion, 'The cancelled version'), ...allProblems },
});
const activation = apiRoute({
  operationId: 'getRulesetActivation',
  method: 'get',
  path: '/activations/{id}',
  tags: ['rules'],
  summary: 'The progress of a ruleset activation job',
  request: { params: ZIdParam },
  responses: { 200: jsonContent(ZRulesetActivation.extend({ rulesetVersionId: z.uuid() }), 'The activation'), ...problems },
});

export const rulesetVersionRoutes = createRouter()
  .openapi(list, async (c) => {
    const query = c.req.valid('query');
    return c.json(
      pageOf(await listRulesetVersions(domainContext(c), query.ruleset), query, (v) => v.id),
      200,
    );
  })
  .openapi(get, async (c) => c.json(await getRulesetVersion(domainContext(c), c.req.valid('param').id), 200))
  .openapi(propose, async (c) => c.json(await proposeRulesetVersion(domainContext(c), c.req.valid('json')), 201))
  .openapi(decide, async (c) => {
    const ctx = domainContext(c);
    const decided = await decideRulesetVersion(ctx, c.req.valid('param').id, c.req.valid('json'));
    if (decided.status === 'approved' && decided.activation && Date.parse(decided.activation.runAt) <= Date.now()) {
      // Due now: start the job in this process after answering; its progress is at /rules/activations/{id}.
      const services = c.get('services');
      setImmediate(() => {
        runDueActivations(services).catch((error) => console.error('[psbook] ruleset activation', error));
      });
    }
    return c.json(decided, 200);
  })
  .openapi(cancel, async (c) => c.json(await cancelRulesetVersion(domainContext(c), c.req.valid('param').id, c.req.valid('json')), 200))
  .openapi(activation, async (c) => c.json(await getRulesetActivation(domainContext(c), c.req.valid('param').id), 200));

import { ZTierDecrease, ZTierDecreaseDecisionRequest } from '@psbook/core';
import { decideTierDecrease, getTierDecrease, listTierDecreasesOfProject } from '../domain/tier-decrease.ts';
import { domainContext } from './context.ts';
import { allProblems, apiRoute, createRouter, jsonBody, jsonContent, problems, projectPageRoute, ZIdParam } from './openapi.ts';
import { pageOf, pageSchema } from './pagination.ts';

export const ZTierDecreaseListResponse = pageSchema(ZTierDecrease);
const listOfProject = projectPageRoute({
  operationId: 'listTierDecreases',
  path: '/projects/{id}/tier-decreases',
  summary: 'Every tier decrease of a project (区分の引下げ), newest first',
  description:
    'An edit or import that would lower a project’s tier keeps the tier in force and asks the reviewer of that tier to agree. At most one is pending per project; a later edit supersedes it.',
  page: ZTierDecreaseListResponse,
  pageDescription: 'A page of tier decreases',
});
const get = apiRoute({
  operationId: 'getTierDecrease',
  method: 'get',
  path: '/tier-decreases/{id}',
  tags: ['projects'],
  summary: 'One tier decrease, with whether the signed-in user may decide it',
  request: { params: ZIdParam },
  responses: { 200: jsonContent(ZTierDecrease, 'The tier decrease'), ...problems },
});
const decide = apiRoute({
  operationId: 'decideTierDecrease',
  method: 'post',
  path: '/tier-decreases/{id}/decision',
  tags: ['projects'],
  summary: 'Agree to or refuse a pending tier decrease: only the reviewer of the tier in force, never the person who lowered the inputs',
  description:
    'Agreeing applies the evaluation of the project’s current inputs; refusing needs a comment and keeps the tier in force. Pending release requests keep their reviewer either way. `version` is the decrease’s version (409 when stale).',
  request: { params: ZIdParam, ...jsonBody(ZTierDecreaseDecisionRequest) },
  responses: { 200: jsonContent(ZTierDecrease, 'The decided tier decrease'), ...allProblems },
});

export const tierDecreaseRoutes = createRouter()
  .openapi(listOfProject, async (c) =>
    c.json(
      pageOf(await listTierDecreasesOfProject(domainContext(c), c.req.valid('param').id), c.req.valid('query'), (d) => d.id),
      200,
    ),
  )
  .openapi(get, async (c) => c.json(await getTierDecrease(domainContext(c), c.req.valid('param').id), 200))
  .openapi(decide, async (c) => c.json(await decideTierDecrease(domainContext(c), c.req.valid('param').id, c.req.valid('json')), 200));

import { ZSaveCanvasRequest } from '@psbook/core';
import { z } from 'zod';
import { requireActor } from '../auth/actor.ts';
import { getCanvas, getCanvasRevision, listCanvasHistory, saveCanvas } from '../domain/canvas.ts';
import { domainContext } from './context.ts';
import { apiRoute, conflictProblems, createRouter, jsonBody, jsonContent, problems, projectPageRoute, ZIdParam } from './openapi.ts';
import { pageOf, pageSchema } from './pagination.ts';

export const ZCanvasResponse = z.object({
  projectId: z.string(),
  /** 0 when the canvas was never saved. */
  revision: z.number().int(),
  fields: z.record(z.string(), z.string()),
  isWritten: z.boolean(),
  missingKeyItems: z.array(z.string()),
  keyItems: z.array(z.string()).describe('the key items (重要項目) of the active service-canvas ruleset'),
  guidance: z
    .object({
      areas: z.record(z.string(), z.object({ ja: z.string(), en: z.string() })),
      fields: z.record(z.string(), z.object({ ja: z.string(), en: z.string() })),
    })
    .describe('help shown beside the canvas areas and cells (rules/service-canvas.json)'),
  createdAt: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdByName: z.string().nullable(),
});
export type TCanvasResponse = z.infer<typeof ZCanvasResponse>;
export const ZSavedCanvasResponse = ZCanvasResponse.extend({ projectVersion: z.number().int() });
export const ZCanvasRevisionSummary = z.object({
  revision: z.number().int(),
  isWritten: z.boolean(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  createdByName: z.string().nullable(),
});

export const ZRevisionParam = ZIdParam.extend({
  n: z.coerce.number({ message: 'must be a revision number' }).int().min(1).max(2_147_483_647),
});

const get = apiRoute({
  operationId: 'getCanvas',
  method: 'get',
  path: '/{id}/canvas',
  tags: ['canvas'],
  summary: 'The latest service canvas (revision 0 with no fields when none was saved yet)',
  request: { params: ZIdParam },
  responses: { 200: jsonContent(ZCanvasResponse, 'The latest canvas'), ...problems },
});
const save = apiRoute({
  operationId: 'saveCanvas',
  method: 'put',
  path: '/{id}/canvas',
  tags: ['canvas'],
  summary: 'Save the canvas as a new revision; with baseRevision, a newer saved revision is a 409',
  request: { params: ZIdParam, ...jsonBody(ZSaveCanvasRequest) },
  responses: { 200: jsonContent(ZSavedCanvasResponse, 'The saved revision and the new project version'), ...conflictProblems },
});
export const ZCanvasRevisionListResponse = pageSchema(ZCanvasRevisionSummary);
const revisions = projectPageRoute({
  operationId: 'listCanvasRevisions',
  path: '/{id}/canvas/revisions',
  summary: 'Every saved revision of the canvas, newest first (without the cell texts)',
  page: ZCanvasRevisionListResponse,
  pageDescription: 'A page of canvas revisions',
});
const revision = apiRoute({
  operationId: 'getCanvasRevision',
  method: 'get',
  path: '/{id}/canvas/revisions/{n}',
  tags: ['canvas'],
  summary: 'One saved revision of the canvas',
  request: { params: ZRevisionParam },
  responses: { 200: jsonContent(ZCanvasResponse, 'The revision'), ...problems },
});

export const canvasRoutes = createRouter()
  .openapi(get, async (c) => {
    requireActor(c.get('actor'));
    return c.json(await getCanvas(domainContext(c), c.req.valid('param').id), 200);
  })
  .openapi(save, async (c) => {
    return c.json(await saveCanvas(domainContext(c), c.req.valid('param').id, c.req.valid('json')), 200);
  })
  .openapi(revisions, async (c) => {
    requireActor(c.get('actor'));
    return c.json(
      pageOf(await listCanvasHistory(domainContext(c), c.req.valid('param').id), c.req.valid('query'), (r) => r.revision),
      200,
    );
  })
  .openapi(revision, async (c) => {
    requireActor(c.get('actor'));
    const { id, n } = c.req.valid('param');
    return c.json(await getCanvasRevision(domainContext(c), id, n), 200);
  });

import { ZCreateKpiRequest, ZCreateMeasurementRequest, ZKpiDirection, ZUpdateKpiRequest } from '@psbook/core';
import { z } from 'zod';
import { requireActor } from '../auth/actor.ts';
import { addMeasurement, createKpi, deleteKpi, deleteMeasurement, listKpis, updateKpi } from '../domain/kpis.ts';
import { domainContext } from './context.ts';
import {
  allProblems,
  apiRoute,
  conflictProblems,
  createRouter,
  jsonBody,
  jsonContent,
  problems,
  projectPageRoute,
  ZIdParam,
} from './openapi.ts';
import { pageOf, pageSchema } from './pagination.ts';
import { ifMatchVersion } from './transitions.ts';

export const ZKpiMeasurementResponse = z.object({
  id: z.string(),
  fiscalYear: z.number().int(),
  value: z.number().nullable(),
  achieved: z.boolean().nullable(),
  comment: z.string().nullable(),
  /** What the baseline → target line asks for that year (null for a non-numeric target). */
  expectedValue: z.number().nullable(),
  isOnPlan: z.boolean(),
  recordedBy: z.string().nullable(),
  recordedAt: z.string(),
});
export const ZKpiResponse = z.object({
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  unit: z.string().nullable(),
  direction: ZKpiDirection,
  baselineValue: z.number().nullable(),
  baselineYear: z.number().int().nullable(),
  targetValue: z.number().nullable(),
  targetText: z.string().nullable(),
  targetFiscalYear: z.number().int(),
  status: z.enum(['achieved', 'on_track', 'behind', 'no_data']),
  measurements: z.array(ZKpiMeasurementResponse),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TKpiResponse = z.infer<typeof ZKpiResponse>;

export const ZKpiParam = ZIdParam.extend({ kpiId: z.uuid({ message: 'must be a UUID' }) });
export const ZMeasurementParam = ZKpiParam.extend({
  fiscalYear: z.coerce.number({ message: 'must be a fiscal year' }).int().min(1990).max(2100),
});
export const ZIfMatch = z.object({ 'if-match': z.string().max(20).optional() });

export const ZKpiListResponse = pageSchema(ZKpiResponse);

const list = projectPageRoute({
  operationId: 'listKpis',
  path: '/{id}/kpis',
  summary: 'The project’s KPIs, each with its measurements and computed status',
  page: ZKpiListResponse,
  pageDescription: 'A page of KPIs, oldest first',
});
const create = apiRoute({
  operationId: 'createKpi',
  method: 'post',
  path: '/{id}/kpis',
  tags: ['kpis'],
  summary: 'Add a KPI (a numeric target, or a target text such as 竣工)',
  request: { params: ZIdParam, ...jsonBody(ZCreateKpiRequest) },
  responses: { 201: jsonContent(ZKpiResponse, 'The new KPI'), ...problems },
});
const update = apiRoute({
  operationId: 'updateKpi',
  method: 'patch',
  path: '/{id}/kpis/{kpiId}',
  tags: ['kpis'],
  summary: 'Change a KPI at the version you saw (stale → 409)',
  request: { params: ZKpiParam, ...jsonBody(ZUpdateKpiRequest) },
  responses: { 200: jsonContent(ZKpiResponse, 'The changed KPI'), ...conflictProblems },
});
const remove = apiRoute({
  operationId: 'deleteKpi',
  method: 'delete',
  path: '/{id}/kpis/{kpiId}',
  tags: ['kpis'],
  summary: 'Remove a KPI and its measurements (If-Match: the version you saw, optional)',
  request: { params: ZKpiParam, headers: ZIfMatch },
  responses: { 204: { description: 'Removed' }, ...conflictProblems },
});
const measure = apiRoute({
  operationId: 'recordMeasurement',
  method: 'post',
  path: '/{id}/kpis/{kpiId}/measurements',
  tags: ['kpis'],
  summary: 'Record the KPI’s measurement for a fiscal year (one per year; a miss needs a comment)',
  request: { params: ZKpiParam, ...jsonBody(ZCreateMeasurementRequest) },
  responses: { 201: jsonContent(ZKpiResponse, 'The KPI with the new measurement'), ...allProblems },
});
const unmeasure = apiRoute({
  operationId: 'deleteMeasurement',
  method: 'delete',
  path: '/{id}/kpis/{kpiId}/measurements/{fiscalYear}',
  tags: ['kpis'],
  summary: 'Remove one fiscal year’s measurement (to correct it)',
  request: { params: ZMeasurementParam },
  responses: { 200: jsonContent(ZKpiResponse, 'The KPI without that measurement'), ...problems },
});

export const kpiRoutes = createRouter()
  .openapi(list, async (c) => {
    requireActor(c.get('actor'));
    return c.json(
      pageOf(await listKpis(domainContext(c), c.req.valid('param').id), c.req.valid('query'), (kpi) => kpi.id),
      200,
    );
  })
  .openapi(create, async (c) => {
    return c.json(await createKpi(domainContext(c), c.req.valid('param').id, c.req.valid('json')), 201);
  })
  .openapi(update, async (c) => {
    const { id, kpiId } = c.req.valid('param');
    return c.json(await updateKpi(domainContext(c), id, kpiId, c.req.valid('json')), 200);
  })
  .openapi(remove, async (c) => {
    const { id, kpiId } = c.req.valid('param');
    await deleteKpi(domainContext(c), id, kpiId, ifMatchVersion(c.req.valid('header')['if-match']));
    return c.body(null, 204);
  })
  .openapi(measure, async (c) => {
    const { id, kpiId } = c.req.valid('param');
    return c.json(await addMeasurement(domainContext(c), id, kpiId, c.req.valid('json')), 201);
  })
  .openapi(unmeasure, async (c) => {
    const { id, kpiId, fiscalYear } = c.req.valid('param');
    return c.json(await deleteMeasurement(domainContext(c), id, kpiId, fiscalYear), 200);
  });

import { z } from 'zod';
import { requireActor } from '../auth/actor.ts';
import { listAudit, listProjectHistory } from '../domain/history.ts';
import { domainContext } from './context.ts';
import { apiRoute, createRouter, jsonContent, problems, projectPageRoute } from './openapi.ts';
import { cursorOf, encodeCursor, pageSchema, type TPageQuery, ZPageQuery } from './pagination.ts';

export const ZAuditEvent = z.object({
  id: z.number().int(),
  at: z.string(),
  actorId: z.string().nullable(),
  /** How the actor was recorded (the email at the time, or `system` / `seed`). */
  actorLabel: z.string(),
  /** The actor's current display name, when the actor is a user. */
  actorName: z.string().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  projectId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  requestId: z.string().nullable(),
});
export const ZAuditListResponse = pageSchema(ZAuditEvent);
export type TAuditListResponse = z.infer<typeof ZAuditListResponse>;

export const ZInstant = z
  .string()
  .max(40)
  .refine((s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'must be a date (YYYY-MM-DD) or an ISO 8601 date-time',
  });
export const ZAuditQuery = ZPageQuery.extend({
  entityType: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  actor: z.string().max(254).optional(),
  from: ZInstant.optional(),
  to: ZInstant.optional(),
});

/** The audit trail pages in SQL by event id, newest first. */
const isEventId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;
const page = (query: TPageQuery) => ({ limit: query.limit, before: cursorOf(query, isEventId) });
const withOpaqueCursor = <T extends { nextCursor: string | null }>(result: T): T => ({
  ...result,
  nextCursor: result.nextCursor === null ? null : encodeCursor(Number(result.nextCursor)),
});

const projectHistory = projectPageRoute({
  operationId: 'listProjectHistory',
  path: '/projects/{id}/history',
  summary: 'Everything that happened to the project (its audit events), newest first',
  page: ZAuditListResponse,
  pageDescription: 'A page of audit events',
});
const audit = apiRoute({
  operationId: 'listAuditEvents',
  method: 'get',
  path: '/audit',
  tags: ['history'],
  summary: 'The audit trail of the whole book, newest first (administrators)',
  description: '`from` is inclusive and `to` exclusive; a bare date means midnight UTC. `actor` is a user id or the recorded label.',
  request: { query: ZAuditQuery },
  responses: { 200: jsonContent(ZAuditListResponse, 'A page of audit events'), ...problems },
});

export const historyRoutes = createRouter()
  .openapi(projectHistory, async (c) => {
    requireActor(c.get('actor'));
    return c.json(withOpaqueCursor(await listProjectHistory(domainContext(c), c.req.valid('param').id, page(c.req.valid('query')))), 200);
  })
  .openapi(audit, async (c) => {
    const query = c.req.valid('query');
    const filter = {
      entityType: query.entityType,
      action: query.action,
      actor: query.actor,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
    };
    return c.json(withOpaqueCursor(await listAudit(domainContext(c), filter, page(query))), 200);
  });

import { ZTierOrNull } from '@psbook/core';
import { z } from 'zod';
import { listInbox } from '../domain/reviewers.ts';
import { domainContext } from './context.ts';
import { apiRoute, createRouter, jsonContent, problems } from './openapi.ts';
import { pageOf, pageSchema, ZPageQuery } from './pagination.ts';

export const ZInboxItem = z.object({
  kind: z.enum([
    'release_request',
    'tech_review',
    'tier_decrease',
    'consultation',
    'status_report',
    'exemption',
    'follow_up_action',
    'retirement',
  ]),
  action: z.enum(['judge', 'resubmit', 'evaluate', 'consent', 'answer', 'assess', 'decide', 'act', 'verify', 'confirm']),
  /** For a status report, its period (YYYY-MM); otherwise the item's id. */
  id: z.string(),
  projectId: z.string(),
  projectCode: z.string(),
  projectName: z.string(),
  bureauCode: z.string(),
  tier: ZTierOrNull,
  status: z.string(),
  since: z.string(),
  dueAt: z.string().nullable(),
  isOverdue: z.boolean(),
});

export const ZInboxPage = pageSchema(ZInboxItem);

/**
 * The inbox is gathered from eight kinds of waiting work and ordered in memory (oldest first), so it is
 * read up to this many items of each kind and cut into pages here (decision 0023).
 */
const inboxDepth = 1000;

const inbox = apiRoute({
  operationId: 'listInbox',
  method: 'get',
  path: '/inbox',
  tags: ['reviews'],
  summary:
    'What waits for you, oldest first: reviewers (bureau lead, CIO advisor, chief CIO advisor) the pending release requests they may judge, the tier decreases waiting for their consent, the consultations waiting on their answer, the status reports waiting for their assessment and the exemptions to decide; everyone the follow-up actions they own (act) or raised and must verify; staff and bureau leads their bureaus’ returned release requests to refile and the retirements a yearly decision opened (confirm); admins the tech reviews still extracted or in review (due at the cycle’s evaluation deadline); the budget office an empty list',
  request: { query: ZPageQuery },
  responses: {
    200: jsonContent(ZInboxPage, 'A page of inbox items with dueAt and isOverdue'),
    ...problems,
  },
});

export const reviewRoutes = createRouter().openapi(inbox, async (c) => {
  const ctx = domainContext(c);
  const { items } = await listInbox(ctx, inboxDepth);
  return c.json(
    pageOf(items, c.req.valid('query'), (item) => `${item.kind}:${item.id}`),
    200,
  );
});

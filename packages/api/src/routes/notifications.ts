import {
  ZMarkNotificationsReadRequest,
  ZNotificationPage,
  ZNotificationPreference,
  ZNotificationPreferencesRequest,
  ZOutboxMail,
  ZOutboxStatus,
} from '@psbook/core';
import { z } from 'zod';
import { requireActor } from '../auth/actor.ts';
import {
  countOwnUnread,
  listDefaultPreferences,
  listNotifications,
  listOutbox,
  listOwnPreferences,
  markNotificationsRead,
  saveDefaultPreferences,
  savePreferences,
} from '../domain/notifications.ts';
import { forbidden } from '../errors.ts';
import { renderMailText } from '../mail/mail.ts';
import { domainContext } from './context.ts';
import { apiRoute, createRouter, jsonBody, jsonContent, problems, queryBoolean } from './openapi.ts';
import { innerCursor, outerCursor, pageSchema, ZPageQuery } from './pagination.ts';

export const ZNotificationQuery = ZPageQuery.extend({ unread: queryBoolean().optional() });
export const ZOutboxQuery = ZPageQuery.extend({ status: ZOutboxStatus.optional() });
export const ZOutboxMailListResponse = pageSchema(ZOutboxMail);
export const ZPreferences = z.object({ items: z.array(ZNotificationPreference.extend({ isDefault: z.boolean() })) });

/** Notifications are a person's own: machine tokens have none. */
function requirePerson(c: { get(key: 'actor'): Parameters<typeof requireActor>[0] }) {
  const actor = requireActor(c.get('actor'));
  if (actor.via !== 'session') throw forbidden('Notifications belong to people: sign in to read them');
  return actor;
}

const list = apiRoute({
  operationId: 'listNotifications',
  method: 'get',
  path: '/notifications',
  tags: ['notifications'],
  summary: 'The signed-in user’s notifications, newest first, in keyset pages (limit ≤ 200, default 50), with the unread count',
  request: { query: ZNotificationQuery },
  responses: { 200: jsonContent(ZNotificationPage, 'A page of notifications'), ...problems },
});
const unreadCount = apiRoute({
  operationId: 'countUnreadNotifications',
  method: 'get',
  path: '/notifications/unread-count',
  tags: ['notifications'],
  summary: 'How many of the signed-in user’s notifications are unread (the bell)',
  responses: { 200: jsonContent(z.object({ unread: z.number().int() }), 'The unread count'), ...problems },
});
const markRead = apiRoute({
  operationId: 'markNotificationsRead',
  method: 'post',
  path: '/notifications/read',
  tags: ['notifications'],
  summary: 'Mark notifications read: `{ "ids": […] }` or `{ "all": true }`; ids of other users’ notifications change nothing',
  request: jsonBody(ZMarkNotificationsReadRequest),
  responses: { 200: jsonContent(z.object({ marked: z.number().int(), unread: z.number().int() }), 'How many changed'), ...problems },
});
const getPreferences = apiRoute({
  operationId: 'getNotificationPreferences',
  method: 'get',
  path: '/notifications/preferences',
  tags: ['notifications'],
  summary: 'The signed-in user’s channel (in_app / email) and cadence (immediate / digest) per kind; isDefault when not chosen',
  responses: { 200: jsonContent(ZPreferences, 'Preferences'), ...problems },
});
const putPreferences = apiRoute({
  operationId: 'updateNotificationPreferences',
  method: 'put',
  path: '/notifications/preferences',
  tags: ['notifications'],
  summary: 'Choose the channel and cadence for some kinds (the others keep theirs)',
  request: jsonBody(ZNotificationPreferencesRequest),
  responses: { 200: jsonContent(ZPreferences, 'Preferences'), ...problems },
});
const getDefaults = apiRoute({
  operationId: 'getNotificationDefaults',
  method: 'get',
  path: '/admin/notification-defaults',
  tags: ['admin'],
  summary: 'What users get for the kinds they have not chosen (administrators)',
  responses: { 200: jsonContent(ZPreferences, 'Defaults'), ...problems },
});
const putDefaults = apiRoute({
  operationId: 'updateNotificationDefaults',
  method: 'put',
  path: '/admin/notification-defaults',
  tags: ['admin'],
  summary: 'Set the defaults for some kinds (administrators)',
  request: jsonBody(ZNotificationPreferencesRequest),
  responses: { 200: jsonContent(ZPreferences, 'Defaults'), ...problems },
});
const outbox = apiRoute({
  operationId: 'listOutbox',
  method: 'get',
  path: '/admin/outbox',
  tags: ['admin'],
  summary: 'The e-mail outbox, newest first: pending, sent and failed mails with the reason (administrators)',
  description: 'Without PSBOOK_SMTP_URL every mail stays pending here, readable as it would be sent.',
  request: { query: ZOutboxQuery },
  responses: {
    200: jsonContent(ZOutboxMailListResponse, 'A page of mails'),
    ...problems,
  },
});

export const notificationRoutes = createRouter()
  .openapi(list, async (c) => {
    requirePerson(c);
    const q = c.req.valid('query');
    const page = await listNotifications(domainContext(c), {
      limit: q.limit,
      cursor: innerCursor(q),
      unreadOnly: q.unread === true,
    });
    return c.json({ ...page, nextCursor: outerCursor(page.nextCursor) }, 200);
  })
  .openapi(unreadCount, async (c) => {
    requirePerson(c);
    return c.json({ unread: await countOwnUnread(domainContext(c)) }, 200);
  })
  .openapi(markRead, async (c) => {
    requirePerson(c);
    const ctx = domainContext(c);
    const marked = await markNotificationsRead(ctx, c.req.valid('json'));
    return c.json({ marked, unread: await countOwnUnread(ctx) }, 200);
  })
  .openapi(getPreferences, async (c) => {
    requirePerson(c);
    return c.json({ items: await listOwnPreferences(domainContext(c)) }, 200);
  })
  .openapi(putPreferences, async (c) => {
    requirePerson(c);
    return c.json({ items: await savePreferences(domainContext(c), c.req.valid('json')) }, 200);
  })
  .openapi(getDefaults, async (c) => {
    requirePerson(c);
    return c.json({ items: await listDefaultPreferences(domainContext(c)) }, 200);
  })
  .openapi(putDefaults, async (c) => {
    requirePerson(c);
    return c.json({ items: await saveDefaultPreferences(domainContext(c), c.req.valid('json')) }, 200);
  })
  .openapi(outbox, async (c) => {
    requirePerson(c);
    const q = c.req.valid('query');
    const { publicUrl } = c.get('services').config;
    const page = await listOutbox(domainContext(c), { limit: q.limit, cursor: innerCursor(q), status: q.status }, (row) =>
      renderMailText(row, publicUrl),
    );
    return c.json({ ...page, nextCursor: outerCursor(page.nextCursor) }, 200);
  });

import { ZCreateBureauRequest, ZCreateUserRequest, ZRole, ZUpdateUserRequest } from '@psbook/core';
import { z } from 'zod';
import { createBureau, createUser, decodeUserCursor, getUser, listBureaus, listUsersPage, updateUser } from '../domain/users.ts';
import { validationError } from '../errors.ts';
import { domainContext } from './context.ts';
import { allProblems, apiRoute, conflictProblems, createRouter, jsonBody, jsonContent, problems, queryBoolean } from './openapi.ts';
import { innerCursor, outerCursor, pageOf, pageSchema, ZPageQuery } from './pagination.ts';

export const ZBureauResponse = z.object({ code: z.string(), nameJa: z.string(), nameEn: z.string() });
export const ZAdminUserResponse = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: ZRole,
  /** Staff and bureau leads: their bureaus. CIO advisors: the bureaus they advise. */
  bureauCodes: z.array(z.string()),
  isActive: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TAdminUserResponse = z.infer<typeof ZAdminUserResponse>;

export const ZUserIdParam = z.object({ id: z.uuid({ message: 'must be a UUID' }) });
export const ZUserListQuery = ZPageQuery.extend({
  q: z.string().max(100).optional(),
  role: ZRole.optional(),
  bureau: z
    .string()
    .regex(/^[A-Z][A-Z0-9]{1,7}$/, 'a bureau code')
    .optional(),
  isActive: queryBoolean().optional(),
});

export const ZBureauListResponse = pageSchema(ZBureauResponse);
export const ZAdminUserListResponse = pageSchema(ZAdminUserResponse);

const bureaus = apiRoute({
  operationId: 'listBureaus',
  method: 'get',
  path: '/bureaus',
  tags: ['reference'],
  summary: 'Every bureau (局), by code',
  request: { query: ZPageQuery },
  responses: { 200: jsonContent(ZBureauListResponse, 'A page of bureaus'), ...problems },
});
const addBureau = apiRoute({
  operationId: 'createBureau',
  method: 'post',
  path: '/admin/bureaus',
  tags: ['admin'],
  summary: 'Add a bureau (administrators)',
  request: jsonBody(ZCreateBureauRequest),
  responses: { 201: jsonContent(ZBureauResponse, 'The new bureau'), ...conflictProblems },
});
const users = apiRoute({
  operationId: 'listUsers',
  method: 'get',
  path: '/admin/users',
  tags: ['admin'],
  summary: 'Users by email, with filters and keyset pages (administrators)',
  request: { query: ZUserListQuery },
  responses: {
    200: jsonContent(ZAdminUserListResponse, 'A page of users'),
    ...problems,
  },
});
const user = apiRoute({
  operationId: 'getUser',
  method: 'get',
  path: '/admin/users/{id}',
  tags: ['admin'],
  summary: 'One user (administrators)',
  request: { params: ZUserIdParam },
  responses: { 200: jsonContent(ZAdminUserResponse, 'The user'), ...problems },
});
const addUser = apiRoute({
  operationId: 'createUser',
  method: 'post',
  path: '/admin/users',
  tags: ['admin'],
  summary: 'Create a user (administrators)',
  request: jsonBody(ZCreateUserRequest),
  responses: { 201: jsonContent(ZAdminUserResponse, 'The new user'), ...conflictProblems },
});
const changeUser = apiRoute({
  operationId: 'updateUser',
  method: 'patch',
  path: '/admin/users/{id}',
  tags: ['admin'],
  summary: 'Change a user at the version you saw: role, name, bureaus, active flag, password (administrators)',
  description: 'Deactivating a user or resetting the password ends their sessions. The last active administrator cannot be removed (422).',
  request: { params: ZUserIdParam, ...jsonBody(ZUpdateUserRequest) },
  responses: { 200: jsonContent(ZAdminUserResponse, 'The changed user'), ...allProblems },
});

export const adminRoutes = createRouter()
  .openapi(bureaus, async (c) => {
    return c.json(
      pageOf(await listBureaus(domainContext(c)), c.req.valid('query'), (b) => b.code),
      200,
    );
  })
  .openapi(addBureau, async (c) => {
    return c.json(await createBureau(domainContext(c), c.req.valid('json')), 201);
  })
  .openapi(users, async (c) => {
    const query = c.req.valid('query');
    const inner = innerCursor(query);
    const after = inner === undefined ? null : decodeUserCursor(inner);
    if (inner !== undefined && !after) throw validationError([{ path: 'query.cursor', message: 'not a cursor from this API' }]);
    const filter = {
      q: query.q,
      role: query.role,
      bureau: query.bureau,
      isActive: query.isActive,
    };
    const page = await listUsersPage(domainContext(c), filter, { limit: query.limit, after });
    return c.json({ ...page, nextCursor: outerCursor(page.nextCursor) }, 200);
  })
  .openapi(user, async (c) => {
    return c.json(await getUser(domainContext(c), c.req.valid('param').id), 200);
  })
  .openapi(addUser, async (c) => {
    return c.json(await createUser(domainContext(c), c.req.valid('json')), 201);
  })
  .openapi(changeUser, async (c) => {
    return c.json(await updateUser(domainContext(c), c.req.valid('param').id, c.req.valid('json')), 200);
  });

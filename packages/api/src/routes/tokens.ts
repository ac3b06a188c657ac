import { ZCreateTokenRequest, ZTokenScope } from '@psbook/core';
import { z } from 'zod';
import { createApiToken, listApiTokens, revokeApiToken } from '../domain/api-tokens.ts';
import { domainContext } from './context.ts';
import { apiRoute, createRouter, jsonBody, jsonContent, problems, ZIdParam } from './openapi.ts';
import { pageOf, pageSchema, ZPageQuery } from './pagination.ts';

export const ZTokenResponse = z.object({
  id: z.string(),
  name: z.string(),
  tokenPrefix: z.string(),
  scopes: z.array(ZTokenScope),
  userId: z.string(),
  ownerEmail: z.string().nullable(),
  status: z.enum(['active', 'revoked', 'expired']),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export const ZCreatedTokenResponse = ZTokenResponse.extend({ token: z.string().describe('The secret, shown only in this response') });

const create = apiRoute({
  operationId: 'createToken',
  method: 'post',
  path: '/',
  tags: ['API tokens'],
  summary:
    'Create a read-only API token for a machine (budget office or admin, from a signed-in session); the token is shown only once. Expires after expiresInDays (default 365)',
  request: jsonBody(ZCreateTokenRequest),
  responses: { 201: jsonContent(ZCreatedTokenResponse, 'The token, with its secret'), ...problems },
});
export const ZTokenListResponse = pageSchema(ZTokenResponse);
const list = apiRoute({
  operationId: 'listTokens',
  method: 'get',
  path: '/',
  tags: ['API tokens'],
  summary: 'Your API tokens (admin: everyone’s), newest first; never the secret',
  request: { query: ZPageQuery },
  responses: { 200: jsonContent(ZTokenListResponse, 'A page of tokens'), ...problems },
});
const revoke = apiRoute({
  operationId: 'revokeToken',
  method: 'delete',
  path: '/{id}',
  tags: ['API tokens'],
  summary: 'Revoke an API token (its owner or an admin); it stops working at once',
  request: { params: ZIdParam },
  responses: { 204: { description: 'Revoked' }, ...problems },
});

export const tokenRoutes = createRouter()
  .openapi(create, async (c) => c.json(await createApiToken(domainContext(c), c.req.valid('json')), 201))
  .openapi(list, async (c) =>
    c.json(
      pageOf(await listApiTokens(domainContext(c)), c.req.valid('query'), (t) => t.id),
      200,
    ),
  )
  .openapi(revoke, async (c) => {
    await revokeApiToken(domainContext(c), c.req.valid('param').id);
    return c.body(null, 204);
  });

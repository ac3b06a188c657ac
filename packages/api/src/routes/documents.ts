import { ZCreateDocumentRequest, ZDocumentKind } from '@psbook/core';
import { z } from 'zod';
import { requireActor } from '../auth/actor.ts';
import { createDocument, deleteDocument, listDocuments } from '../domain/documents.ts';
import { domainContext } from './context.ts';
import { apiRoute, createRouter, jsonBody, jsonContent, problems, projectPageRoute, ZIdParam } from './openapi.ts';
import { pageOf, pageSchema } from './pagination.ts';

export const ZDocumentResponse = z.object({
  id: z.string(),
  projectId: z.string(),
  kind: ZDocumentKind,
  title: z.string(),
  url: z.string(),
  createdBy: z.string().nullable(),
  createdByName: z.string().nullable(),
  createdAt: z.string(),
});
export type TDocumentResponse = z.infer<typeof ZDocumentResponse>;

export const ZDocumentParam = ZIdParam.extend({ docId: z.uuid({ message: 'must be a UUID' }) });

export const ZDocumentListResponse = pageSchema(ZDocumentResponse);

const list = projectPageRoute({
  operationId: 'listDocuments',
  path: '/{id}/documents',
  summary: 'The project’s documents (requirements definition, procurement specification, …) by kind',
  page: ZDocumentListResponse,
  pageDescription: 'A page of documents',
});
const create = apiRoute({
  operationId: 'createDocument',
  method: 'post',
  path: '/{id}/documents',
  tags: ['documents'],
  summary: 'Register a document by its link',
  request: { params: ZIdParam, ...jsonBody(ZCreateDocumentRequest) },
  responses: { 201: jsonContent(ZDocumentResponse, 'The registered document'), ...problems },
});
const remove = apiRoute({
  operationId: 'deleteDocument',
  method: 'delete',
  path: '/{id}/documents/{docId}',
  tags: ['documents'],
  summary: 'Remove a document (the audit event keeps what was removed)',
  request: { params: ZDocumentParam },
  responses: { 204: { description: 'Removed' }, ...problems },
});

export const documentRoutes = createRouter()
  .openapi(list, async (c) => {
    requireActor(c.get('actor'));
    return c.json(
      pageOf(await listDocuments(domainContext(c), c.req.valid('param').id), c.req.valid('query'), (doc) => doc.id),
      200,
    );
  })
  .openapi(create, async (c) => {
    return c.json(await createDocument(domainContext(c), c.req.valid('param').id, c.req.valid('json')), 201);
  })
  .openapi(remove, async (c) => {
    const { id, docId } = c.req.valid('param');
    await deleteDocument(domainContext(c), id, docId);
    return c.body(null, 204);
  });

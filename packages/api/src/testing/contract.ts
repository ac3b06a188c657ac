/**
 * Every request a test sends and every answer it gets are checked against the OpenAPI document:
 * the operation exists (else the answer is a documented 404/405 problem), a request the document
 * refuses is not accepted, the status is documented, the body matches the schema of its status and
 * media type, and the contract headers are the documented ones. A mismatch fails the test that made it.
 *
 * openapi-backend finds the operation and validates the request; Ajv (draft 2020-12, the dialect of
 * OpenAPI 3.1) validates answers of every media type, problem+json included, which openapi-backend skips.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { OpenAPIBackend } from 'openapi-backend';

type Doc = { paths: Record<string, Record<string, any>>; components: Record<string, any> };
type Fetch = (request: Request, ...rest: any[]) => Response | Promise<Response>;

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/** Headers whose presence is part of the contract: sent only where documented, and always where documented. */
const contractHeaders = ['etag', 'retry-after', 'set-cookie', 'x-request-id', 'cache-control', 'allow', 'content-disposition'];
/** Media types whose bodies are JSON documents (NDJSON is checked line by line). */
const jsonTypes = new Set(['application/json', 'application/problem+json']);

export class ContractError extends Error {
  override name = 'ContractError';
}

export function createContract(doc: Doc) {
  const backend = new OpenAPIBackend({
    definition: doc as never,
    quick: true,
    validate: true,
    strict: false,
    ajvOpts: { strict: false },
    customizeAjv: (ajv) => {
      addFormats(ajv as never);
      return ajv;
    },
  });
  backend.init();
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'doc', components: doc.components } as never);
  const validators = new Map<string, ValidateFunction>();

  function validatorFor(pointer: string, schema: unknown): ValidateFunction {
    let v = validators.get(pointer);
    if (!v) {
      const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'));
      v = ajv.compile(rewritten);
      validators.set(pointer, v);
    }
    return v;
  }

  async function check(request: Request, requestBody: string | null, response: Response): Promise<void> {
    const url = new URL(request.url);
    const where = `${request.method} ${url.pathname}${url.search} → ${response.status}`;
    const fail = (message: string): never => {
      throw new ContractError(`OpenAPI contract: ${where}: ${message}`);
    };
    if (url.pathname.startsWith('/api/docs') || url.pathname === '/api/openapi.json') return;
    const headers = Object.fromEntries(request.headers);
    let body: unknown = requestBody ?? undefined;
    if (requestBody && /json/.test(headers['content-type'] ?? '')) {
      try {
        body = JSON.parse(requestBody);
      } catch {
        body = requestBody;
      }
    }
    const query: Record<string, string | string[]> = Object.fromEntries(
      [...url.searchParams.keys()].map((k) => {
        const all = url.searchParams.getAll(k);
        return [k, all.length > 1 ? all : (all[0] ?? '')];
      }),
    );
    const operation: any = backend.matchOperation({ method: request.method, path: url.pathname, headers, query, body });
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const text = type && !/spreadsheetml|octet-stream/.test(type) ? await response.text() : '';

    if (!operation) {
      if (response.status !== 404 && response.status !== 405) fail('no operation in the document has this method and path');
      checkBody(`#/components/schemas/Problem`, doc.components.schemas.Problem, type, text, fail);
      return;
    }
    const documented = operation.responses?.[String(response.status)];
    if (!documented) fail(`status ${response.status} is not documented for ${operation.operationId}`);
    const requestResult = backend.validateRequest({ method: request.method, path: url.pathname, headers, query, body }, operation);
    if (!requestResult.valid && response.status < 400) {
      fail(`the server accepted a request the document refuses: ${JSON.stringify(requestResult.errors)}`);
    }
    const declared = new Set(Object.keys(documented.headers ?? {}).map((h) => h.toLowerCase()));
    for (const name of contractHeaders) {
      const sent = response.headers.has(name);
      if (sent && !declared.has(name) && name !== 'allow' && !(name === 'cache-control' && !url.pathname.startsWith('/api/')))
        fail(`sends ${name}, which the document does not declare for this answer`);
      if (!sent && declared.has(name) && name !== 'set-cookie') fail(`the document declares ${name}, but it was not sent`);
    }
    if (response.status === 204 || request.method === 'HEAD') return;
    const content = documented.content as Record<string, { schema?: unknown }> | undefined;
    if (!content) {
      if (text) fail('answers with a body where the document declares none');
      return;
    }
    const media = content[type];
    if (!media) fail(`answers ${type || 'no content type'}, the document declares ${Object.keys(content).join(', ')}`);
    const pointer = `${operation.operationId} ${response.status} ${type}`;
    if (type === 'application/x-ndjson') {
      for (const line of text.split('\n').filter(Boolean)) checkBody(pointer, media?.schema, 'application/json', line, fail);
      return;
    }
    checkBody(pointer, media?.schema, type, text, fail);
  }

  function checkBody(pointer: string, schema: unknown, type: string, text: string, fail: (m: string) => never) {
    if (!jsonTypes.has(type) || schema === undefined) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      fail(`the ${type} body is not JSON: ${text.slice(0, 200)}`);
    }
    const validate = validatorFor(pointer, schema);
    if (!validate(value)) {
      const errors = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
      fail(`the body does not match the document: ${errors.join('; ')}\n${text.slice(0, 400)}`);
    }
  }

  /** `fetch` of the app, with each exchange checked; the caller still gets the whole answer. */
  function wrap(fetch: Fetch): Fetch {
    return async (request, ...rest) => {
      const requestBody = request.body && request.method !== 'GET' ? await request.clone().text() : null;
      const response = await fetch(request, ...rest);
      await check(request, requestBody, response.clone());
      return response;
    };
  }

  return { wrap, check };
}

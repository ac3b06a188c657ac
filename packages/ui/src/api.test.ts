import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, parseProblem, readImportStream, request, toQueryString } from './api.ts';

const problem = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json; charset=utf-8' } });

afterEach(() => vi.unstubAllGlobals());

describe('parseProblem', () => {
  it('reads code, title and the field errors of a validation problem', async () => {
    const error = await parseProblem(
      problem(400, {
        type: 'https://psbook.example/problems/validation_failed',
        code: 'validation_failed',
        title: 'The request has invalid fields',
        status: 400,
        errors: [
          { path: 'name', message: 'is required' },
          { path: 'budgetJpy', message: 'Too small: expected number to be >=0' },
        ],
      }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.code).toBe('validation_failed');
    expect(error.title).toBe('The request has invalid fields');
    expect(error.errors).toEqual([
      { path: 'name', message: 'is required' },
      { path: 'budgetJpy', message: 'Too small: expected number to be >=0' },
    ]);
  });

  it('keeps the current version and values of a 409', async () => {
    const error = await parseProblem(
      problem(409, {
        code: 'version_conflict',
        title: 'Someone else changed this first',
        status: 409,
        currentVersion: 4,
        current: { id: 'p1', version: 4 },
      }),
    );
    expect(error.code).toBe('version_conflict');
    expect(error.currentVersion).toBe(4);
    expect(error.current).toEqual({ id: 'p1', version: 4 });
  });

  it('lists every unmet gate of a 422 gate_unmet', async () => {
    const error = await parseProblem(
      problem(422, {
        code: 'gate_unmet',
        title: 'Gates unmet',
        status: 422,
        unmet: [
          {
            gate: 'canvas_written',
            message: 'サービスキャンバスの重要項目がすべて記入されていません',
            messageEn: 'The canvas key items are not all written',
          },
          { gate: 'kpi_with_target', message: '目標値のあるKPIが1件以上必要です' },
        ],
      }),
    );
    expect(error.unmet.map((u) => u.gate)).toEqual(['canvas_written', 'kpi_with_target']);
    expect(error.unmet[1]).toEqual({ gate: 'kpi_with_target', message: '目標値のあるKPIが1件以上必要です', messageEn: undefined });
  });

  it('turns a non-JSON error page (a proxy’s 502) into a coded error', async () => {
    const error = await parseProblem(
      new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/html' } }),
    );
    expect(error.code).toBe('internal');
    expect(error.status).toBe(502);
    expect(error.errors).toEqual([]);
  });

  it('survives a broken JSON body and uses the status', async () => {
    const error = await parseProblem(new Response('{"code":', { status: 403, headers: { 'content-type': 'application/problem+json' } }));
    expect(error.code).toBe('forbidden');
  });

  it('ignores malformed field errors instead of crashing', async () => {
    const error = await parseProblem(problem(400, { code: 'validation_failed', errors: [null, 'x', { path: 'a', message: 'b' }] }));
    expect(error.errors).toEqual([{ path: 'a', message: 'b' }]);
  });
});

describe('request', () => {
  it('sends JSON with the session cookie and parses the answer', async () => {
    const fetchMock = vi.fn(
      async () => new Response(JSON.stringify({ ok: true }), { status: 200, headers: { 'content-type': 'application/json' } }),
    );
    vi.stubGlobal('fetch', fetchMock);
    await expect(request('POST', '/projects', { body: { name: 'x' } })).resolves.toEqual({ ok: true });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/projects');
    expect(init.credentials).toBe('same-origin');
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect(init.body).toBe('{"name":"x"}');
  });

  it('rejects with the parsed problem', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => problem(403, { code: 'forbidden', title: 'You are not allowed to do this', status: 403 })),
    );
    await expect(request('GET', '/audit')).rejects.toMatchObject({ code: 'forbidden', status: 403 });
  });

  it('reports an unreachable server as network_error', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    await expect(request('GET', '/projects')).rejects.toMatchObject({ code: 'network_error', status: 0 });
  });

  it('answers null for the signed-in user after a 401', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => problem(401, { code: 'unauthenticated', status: 401 })),
    );
    await expect(api.auth.me()).resolves.toBeNull();
  });
});

describe('toQueryString', () => {
  it('drops empty values and joins lists with commas', () => {
    expect(toQueryString({ bureau: 'IND', stage: '', tier: ['1', 'unset'], q: undefined, limit: 50 })).toBe(
      '?bureau=IND&tier=1%2Cunset&limit=50',
    );
    expect(toQueryString({})).toBe('');
  });
});

describe('readImportStream', () => {
  it('reports progress lines, then resolves with the result', async () => {
    const lines = [
      '{"type":"progress","processed":1000}',
      '{"type":"progress","processed":2000}',
      '{"type":"result","dryRun":true,"lineCount":2000,"errors":[],"errorCount":0}',
    ];
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        // Split mid-line, as a network does.
        const text = `${lines.join('\n')}\n`;
        controller.enqueue(encoder.encode(text.slice(0, 25)));
        controller.enqueue(encoder.encode(text.slice(25)));
        controller.close();
      },
    });
    const progress: number[] = [];
    const result = await readImportStream(new Response(body, { headers: { 'content-type': 'application/x-ndjson' } }), (n) =>
      progress.push(n),
    );
    expect(progress).toEqual([1000, 2000]);
    expect(result).toMatchObject({ type: 'result', lineCount: 2000, errorCount: 0 });
  });

  it('rejects with the problem of an error line', async () => {
    const body =
      '{"type":"progress","processed":10}\n{"type":"error","code":"validation_failed","status":422,"title":"Row errors","errors":[{"line":3,"column":"年度","message":"not a year"}]}\n';
    await expect(readImportStream(new Response(body, { headers: { 'content-type': 'application/x-ndjson' } }))).rejects.toMatchObject({
      code: 'validation_failed',
      status: 422,
    });
  });
});

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { vi } from 'vitest';
import type { TUser } from '../types.ts';

/** Render inside a data router (forms use its navigation blocker) and a fresh query client. */
export function renderWithProviders(ui: ReactNode, { path = '/', me }: { path?: string; me?: TUser } = {}) {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: Number.POSITIVE_INFINITY }, mutations: { retry: false } },
  });
  if (me) queryClient.setQueryData(['me'], me);
  const router = createMemoryRouter(
    [
      { path: '/', element: ui },
      { path: '*', element: <p>elsewhere</p> },
    ],
    { initialEntries: [path] },
  );
  const result = render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { ...result, queryClient, router };
}

export type MockCall = { method: string; path: string; body: unknown };
type Handler = (call: MockCall) => Answer | undefined;

/**
 * Stub fetch with handlers keyed "METHOD /path" (path without /api/v1 and without the query).
 * Unknown requests answer 404 problem+json, as the API does. Returns the calls made.
 */
type Answer = { status?: number; body?: unknown; contentType?: string };
export function mockApi(handlers: Record<string, Handler | Answer>) {
  const calls: MockCall[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const method = (init?.method ?? 'GET').toUpperCase();
    const path = url.pathname.replace(/^\/api\/v1/, '');
    const body =
      typeof init?.body === 'string'
        ? init.body.startsWith('{') || init.body.startsWith('[')
          ? JSON.parse(init.body)
          : init.body
        : init?.body;
    const call = { method, path, body };
    calls.push(call);
    const handler = handlers[`${method} ${path}`];
    const answer = typeof handler === 'function' ? handler(call) : handler;
    if (!answer) {
      return new Response(JSON.stringify({ code: 'not_found', title: 'No route', status: 404 }), {
        status: 404,
        headers: { 'content-type': 'application/problem+json' },
      });
    }
    const status = answer.status ?? 200;
    const contentType = answer.contentType ?? (status >= 400 ? 'application/problem+json' : 'application/json');
    return new Response(status === 204 ? null : JSON.stringify(answer.body ?? {}), { status, headers: { 'content-type': contentType } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return calls;
}

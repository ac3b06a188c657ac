import type { BenchContext } from './context.ts';

let paths: Set<string> | null = null;

/** Whether the running server documents `method path` in its OpenAPI description (every served route is documented). */
export async function hasRoute(ctx: BenchContext, method: string, path: string): Promise<boolean> {
  if (!paths) {
    const res = await ctx.http.request('GET', '/api/openapi.json');
    if (res.status !== 200) throw new Error(`GET /api/openapi.json → ${res.status}`);
    const doc = res.json<{ paths: Record<string, Record<string, unknown>> }>();
    paths = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
  }
  return paths.has(`${method.toUpperCase()} ${path}`);
}

import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { matchedRoutes } from 'hono/route';
import { secureHeaders } from 'hono/secure-headers';
import { authenticate } from './auth/authenticate.ts';
import type { AppEnv, Services } from './context.ts';
import { AppError, problemResponse, toAppError } from './errors.ts';
import { refuseHostileCharacters } from './input-guard.ts';
import { adminRoutes } from './routes/admin.ts';
import { authRoutes } from './routes/auth.ts';
import { budgetCycleRoutes } from './routes/budget-cycles.ts';
import { canvasRoutes } from './routes/canvas.ts';
import { allowedMethods, documentHead, finishDocument, registerDocumentComponents, requireJsonBody } from './routes/conventions.ts';
import { problemSchemas, ZProblem } from './routes/openapi.ts';
import './routes/schema-names.ts';
import { createMiddleware } from 'hono/factory';
import { docsRoutes } from './routes/docs.ts';
import { documentRoutes } from './routes/documents.ts';
import { exportRoutes } from './routes/exports.ts';
import { healthRoutes } from './routes/health.ts';
import { historyRoutes } from './routes/history.ts';
import { importRoutes } from './routes/imports.ts';
import { kpiRoutes } from './routes/kpis.ts';
import { notificationRoutes } from './routes/notifications.ts';
import { oidcRoutes, publicAuthPaths } from './routes/oidc.ts';
import { oversightRoutes } from './routes/oversight.ts';
import { procurementExportRoutes, procurementRoutes, projectProcurementRoutes } from './routes/procurements.ts';
import { projectRoutes } from './routes/projects.ts';
import { releaseRequestRoutes } from './routes/release-requests.ts';
import { reviewRoutes } from './routes/reviews.ts';
import { rulesRoutes } from './routes/rules.ts';
import { rulesetVersionRoutes } from './routes/ruleset-versions.ts';
import { statsRoutes } from './routes/stats.ts';
import { supervisionRoutes } from './routes/supervision.ts';
import { techReviewRoutes } from './routes/tech-reviews.ts';
import { tierDecreaseRoutes } from './routes/tier-decreases.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { transitionRoutes } from './routes/transitions.ts';
import { yearlyReviewRoutes } from './routes/yearly-reviews.ts';

/** JSON bodies above this are refused with 413; the expense import route sets its own, larger limit. */
export const jsonBodyLimitBytes = 1024 * 1024;

export type AppOptions = {
  /** Log unexpected errors (tests silence them to keep output readable). */
  logError?: (error: unknown) => void;
};

export function createApp(services: Services, options: AppOptions = {}) {
  const logError = options.logError ?? ((error: unknown) => console.error(error));
  const app = new OpenAPIHono<AppEnv>();

  app.use('*', requestId({ headerName: 'X-Request-Id' }));
  app.use('*', async (c, next) => {
    c.set('services', services);
    c.set('actor', null);
    await next();
    // A route that answers with its own Response (a stream) skips the header requestId() prepared.
    if (!c.res.headers.has('X-Request-Id')) c.res.headers.set('X-Request-Id', c.get('requestId'));
  });
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
      referrerPolicy: 'same-origin',
    }),
  );
  const noStore = createMiddleware(async (c, next) => {
    await next();
    // On the response's own headers: c.header() after the handler would rebuild the response around its
    // body as a stream, which @hono/node-server then writes chunk by chunk (a third of a small POST's CPU).
    c.res.headers.set('Cache-Control', 'no-store');
  });
  app.use('/api/*', noStore);
  // A probe's answer is as of now: the document declares no-store on it like on every API answer.
  app.use('/healthz', noStore);
  app.use('/readyz', noStore);

  app.onError((error, c) => {
    const appError = toAppError(error);
    if (appError.status >= 500 && appError.code !== 'database_unavailable') logError(error);
    return problemResponse(c, appError);
  });
  app.notFound((c) => {
    const allow = allowedMethods(app.routes, c.req.path);
    if (allow.length)
      return problemResponse(
        c,
        new AppError('method_not_allowed', `${c.req.path} has no ${c.req.method}`, { allow }, { Allow: allow.join(', ') }),
      );
    return problemResponse(c, new AppError('not_found', `No route for ${c.req.method} ${c.req.path}`));
  });

  app.route('/', healthRoutes);
  app.route('/api', docsRoutes);

  const v1 = new OpenAPIHono<AppEnv>();
  const limitJsonBody = bodyLimit({
    maxSize: jsonBodyLimitBytes,
    onError: () => {
      throw new AppError('payload_too_large', `The request body is larger than ${jsonBodyLimitBytes} bytes`);
    },
  });
  v1.use('*', async (c, next) => {
    // GET and HEAD carry no body; asking for one would build the full web Request on every read.
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.path.startsWith('/api/v1/imports/')) return next();
    // A declared length is the body's length (Node's parser frames the request by it), so it is checked
    // from the header alone and the body is left to @hono/node-server's direct read; hono's bodyLimit
    // would first build the full web Request to look at the body stream. Chunked bodies go through it.
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined && /^\d+$/.test(length)) {
      if (Number(length) > jsonBodyLimitBytes) {
        throw new AppError('payload_too_large', `The request body is larger than ${jsonBodyLimitBytes} bytes`);
      }
      return next();
    }
    return limitJsonBody(c, next);
  });
  v1.use('*', async (c, next) => {
    // A method the path does not have is 405 before anything else, signed in or not. The router has
    // already matched this request: when a route (not a `*` middleware) of its method is among the
    // matches, the method is allowed, and the scan of all 448 routes' patterns (13 µs, a tenth of an
    // evaluate's CPU) is skipped. Without such a match the scan answers as before: 405 with Allow, or 404.
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    if (matchedRoutes(c).some((route) => route.method === method && !route.path.includes('*'))) return next();
    const allow = allowedMethods(app.routes, c.req.path);
    if (allow.length && !allow.includes(c.req.method))
      throw new AppError('method_not_allowed', `${c.req.path} has no ${c.req.method}`, { allow }, { Allow: allow.join(', ') });
    return next();
  });
  v1.use('*', async (c, next) => {
    // Signing in, and asking how to, are the routes that work without a session.
    if (c.req.path === '/api/v1/auth/login' || publicAuthPaths.includes(c.req.path)) return next();
    return authenticate(c, next);
  });
  v1.use('*', refuseHostileCharacters);
  v1.use('*', requireJsonBody);
  v1.route('/auth', authRoutes);
  v1.route('/auth', oidcRoutes);
  v1.route('/projects', projectRoutes);
  v1.route('/projects', canvasRoutes);
  v1.route('/projects', kpiRoutes);
  v1.route('/projects', documentRoutes);
  v1.route('/projects', transitionRoutes);
  v1.route('/projects', projectProcurementRoutes);
  v1.route('/procurements', procurementRoutes);
  v1.route('/', procurementExportRoutes);
  v1.route('/imports', importRoutes);
  v1.route('/stats', statsRoutes);
  v1.route('/exports', exportRoutes);
  v1.route('/oversight', oversightRoutes);
  v1.route('/rules', rulesRoutes);
  v1.route('/rules', rulesetVersionRoutes);
  // Review workflows: these routers carry full paths (/projects/{id}/release-requests, /tech-reviews.csv…).
  v1.route('/', releaseRequestRoutes);
  v1.route('/', yearlyReviewRoutes);
  v1.route('/', techReviewRoutes);
  v1.route('/', tierDecreaseRoutes);
  v1.route('/', supervisionRoutes);
  v1.route('/reviews', reviewRoutes);
  v1.route('/budget-cycles', budgetCycleRoutes);
  v1.route('/tokens', tokenRoutes);
  // Full paths: /notifications… and /admin/notification-defaults, /admin/outbox.
  v1.route('/', notificationRoutes);
  // History and admin routers carry full paths (/projects/{id}/history, /audit, /bureaus, /admin/users…).
  v1.route('/', historyRoutes);
  v1.route('/', adminRoutes);
  app.route('/api/v1', v1);

  registerDocumentComponents(app.openAPIRegistry);
  // Named even where no operation lists them: any problem (404 and 405 of unknown paths), and every code's own.
  for (const schema of [ZProblem, ...Object.values(problemSchemas)]) app.openAPIRegistry.register(schema.meta()?.id as string, schema);
  let document: unknown;
  app.get('/api/openapi.json', (c) => {
    document ??= finishDocument(app.getOpenAPI31Document(documentHead()));
    return c.json(document as object);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;

/** The OpenAPI document without a database: the routes' descriptions need none (scripts, lint, client generation). */
export function openApiDocument() {
  const app = createApp({} as Services);
  return finishDocument(app.getOpenAPI31Document(documentHead()));
}

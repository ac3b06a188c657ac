import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { createApp } from './app.ts';
import { startServices } from './bootstrap.ts';
import type { Config } from './config.ts';
import { rulesetTick } from './domain/ruleset-versions.ts';
import { startLoop, startMailWorker, startReminderScheduler } from './mail/mail.ts';

/** Serve the API and the built UI (single-page app: unknown non-API paths get index.html). */
export async function runServer(config: Config): Promise<void> {
  const log = (message: string) => console.log(`[psbook] ${message}`);
  const started = await startServices(config, { log });
  const app = createApp(started.services);

  const indexPath = join(config.uiDistDir, 'index.html');
  if (existsSync(indexPath)) {
    const indexHtml = readFileSync(indexPath);
    // The page every screen starts from, in the encodings the build made (br, gzip) and plain.
    const indexVariants = (['br', 'gzip'] as const)
      .map((encoding) => ({ encoding, path: `${indexPath}.${encoding === 'br' ? 'br' : 'gz'}` }))
      .filter((v) => existsSync(v.path))
      .map((v) => ({ encoding: v.encoding, body: readFileSync(v.path) }));
    // The build ships brotli and gzip copies of its text files (packages/ui/vite.config.ts):
    // `precompressed` picks the one the browser accepts and sets Content-Encoding; Vary is set on
    // every answer so a cache never hands a compressed copy to a client that did not ask for it.
    app.use(
      '/assets/*',
      serveStatic({
        root: config.uiDistDir,
        precompressed: true,
        onFound: (_p, c) => {
          c.header('Cache-Control', 'public, max-age=31536000, immutable');
          c.header('Vary', 'Accept-Encoding');
        },
      }),
    );
    app.use(
      '*',
      serveStatic({
        root: config.uiDistDir,
        precompressed: true,
        onFound: (_p, c) => {
          c.header('Vary', 'Accept-Encoding');
        },
      }),
    );
    app.get('*', (c) => {
      if (c.req.path.startsWith('/api/')) return c.notFound();
      const accepted = new Set((c.req.header('accept-encoding') ?? '').split(',').map((e) => e.trim().split(';')[0]));
      const variant = indexVariants.find((v) => accepted.has(v.encoding));
      c.header('Content-Type', 'text/html; charset=UTF-8');
      c.header('Vary', 'Accept-Encoding');
      if (variant) c.header('Content-Encoding', variant.encoding);
      return c.body(new Uint8Array(variant?.body ?? indexHtml));
    });
  } else {
    log(`no UI build at ${config.uiDistDir}: serving the API only (npm run build -w @psbook/ui)`);
  }

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    log(`PS Book on http://localhost:${info.port} (database: ${started.database.kind} ${started.database.location})`);
  });
  // Each process delivers the outbox and runs the reminders; both are safe with several processes.
  const mailWorker = startMailWorker(started.services.db, config, log);
  const reminders = startReminderScheduler(started.services, log);
  // Approved ruleset versions activate at their date; a version another process activated is loaded here too.
  const rulesLoop = startLoop(rulesetTick(started.services), Math.max(1, config.rulesPollSeconds) * 1000, (error) =>
    log(`rules: ${(error as Error).message}`),
  );
  if (!mailWorker) log('PSBOOK_SMTP_URL is not set: mails stay in the outbox (admin can read them)');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    server.close();
    await mailWorker?.stop();
    await reminders?.stop();
    await rulesLoop.stop();
    await started.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

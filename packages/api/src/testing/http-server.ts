import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { createApp } from '../app.ts';

export type Listening = { url: string; close(): Promise<void> };

/**
 * The app behind a real Node HTTP server on a free loopback port, as `npm start` serves it: for what
 * only a socket shows (the peer address, keep-alive connections after a refused upload).
 */
export async function listen(app: ReturnType<typeof createApp>): Promise<Listening> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

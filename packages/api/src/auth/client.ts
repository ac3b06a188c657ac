import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import proxyAddr from 'proxy-addr';

/** Whether the hop at `address` (0 = the socket peer) is a proxy we trust to tell the truth. */
export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * `PSBOOK_TRUSTED_PROXIES` compiled once (proxy-addr, the implementation Express uses): addresses and
 * CIDR ranges, plus `loopback`, `linklocal`, `uniquelocal`. Throws at start-up on an entry that is neither.
 */
export const compileTrustedProxies = (entries: string[]): TrustProxy => proxyAddr.compile(entries);

export type Client = {
  /** The client's address; null when the app is called in-process, without a socket (tests, app.request). */
  address: string | null;
  /** Whether the client reached us over HTTPS, directly or, as a trusted proxy says, through it. */
  isHttps: boolean;
};

/**
 * Who is on the other end. The socket's peer address, unless that peer is a trusted proxy: then the
 * right-most address in X-Forwarded-For that is not a trusted proxy (everything left of it can be
 * written by the client). X-Forwarded-Proto counts only when the peer itself is trusted.
 */
export function clientOf(c: Context, trust: TrustProxy): Client {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const isHttpsUrl = new URL(c.req.url).protocol === 'https:';
  const peer = incoming?.socket?.remoteAddress;
  if (!incoming || !peer) return { address: null, isHttps: isHttpsUrl };
  const isPeerTrusted = trust(peer, 0);
  const forwardedProto = isPeerTrusted ? c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() : undefined;
  return { address: proxyAddr(incoming, trust), isHttps: isHttpsUrl || forwardedProto === 'https' };
}

/**
 * A real OpenID Provider for tests (the certified `oidc-provider` package), on 127.0.0.1 with a
 * random port, its own signing key, and accounts in groups. It uses the package's development
 * sign-in pages: any password, the login name is the account id. Used by the API tests
 * (routes/oidc.test.ts) and the browser tests (tests/e2e).
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider from 'oidc-provider';

export type TestAccount = { email?: string; name?: string; groups?: string[] };

export type TestProvider = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The provider's private signing key, so a test can sign an ID token the provider never issued. */
  signingKey: JWK;
  accounts: Map<string, TestAccount>;
  close(): Promise<void>;
};

export async function startTestProvider(options: { publicUrl: string; accounts: Record<string, TestAccount> }): Promise<TestProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test-key' };
  const accounts = new Map(Object.entries(options.accounts));
  const clientId = 'psbook';
  const clientSecret = 'psbook-test-secret-0123456789abcdef';

  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [`${options.publicUrl}/api/v1/auth/oidc/callback`],
        post_logout_redirect_uris: [`${options.publicUrl}/`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
    claims: { openid: ['sub'], email: ['email'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['psbook-test-cookie-key'] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  });
  // oidc-provider warns at length about its development-only sign-in pages: expected here.
  provider.on('server_error', (_ctx, error) => console.error('[test provider]', error));
  server.on('request', provider.callback());

  return {
    issuer,
    clientId,
    clientSecret,
    signingKey,
    accounts,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

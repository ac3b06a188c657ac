import * as client from 'openid-client';
import type { OidcConfig } from '../config.ts';
import { type GroupMapping, loadGroupMapping } from './oidc-mapping.ts';

export const oidcCallbackPath = '/api/v1/auth/oidc/callback';

/** What a completed sign-in tells us about the person, from the validated ID token (and userinfo). */
export type OidcIdentity = {
  issuer: string;
  subject: string;
  email: string | null;
  displayName: string | null;
  /** ID token claims, completed by the userinfo claims the ID token did not carry. */
  claims: Record<string, unknown>;
};

export type OidcChecks = { state: string; nonce: string; codeVerifier: string };

/**
 * The OpenID Provider as PS Book uses it, through openid-client (a certified relying party):
 * authorization code flow with PKCE (S256), state and nonce. openid-client validates the ID token:
 * issuer, audience, expiry and issue time, nonce, and (enableNonRepudiationChecks) its signature
 * against the provider's JWKS.
 *
 * Discovery runs at the first use and is remembered; a failed discovery is retried at the next
 * sign-in, so a provider that was down at our start does not need a restart.
 */
export class OidcSignIn {
  readonly mapping: GroupMapping;
  readonly callbackUrl: string;
  #configuration: Promise<client.Configuration> | null = null;

  constructor(
    readonly settings: OidcConfig,
    /** Tests use it to see or change what the provider answers; production uses the global fetch. */
    private readonly fetchImpl?: client.CustomFetch,
  ) {
    this.mapping = loadGroupMapping(settings.groupMapFile);
    this.callbackUrl = settings.publicUrl + oidcCallbackPath;
  }

  configuration(): Promise<client.Configuration> {
    this.#configuration ??= this.#discover().catch((error: unknown) => {
      this.#configuration = null;
      throw error;
    });
    return this.#configuration;
  }

  async #discover(): Promise<client.Configuration> {
    const issuer = new URL(this.settings.issuer);
    // Plain http only for a provider on this machine (development and tests); anything else must be https.
    const isLoopback = issuer.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
    const configuration = await client.discovery(issuer, this.settings.clientId, this.settings.clientSecret, undefined, {
      // openid-client, like OIDC Core §3.1.3.7, would trust an ID token from the token endpoint on
      // the strength of TLS alone; we also verify its signature against the provider's JWKS, so a
      // token altered anywhere on the way (a proxy, a compromised library) is refused.
      execute: isLoopback ? [client.allowInsecureRequests, client.enableNonRepudiationChecks] : [client.enableNonRepudiationChecks],
      ...(this.fetchImpl ? { [client.customFetch]: this.fetchImpl } : {}),
    });
    return configuration;
  }

  /** A new authorization request: where to send the browser, and what the callback must check. */
  async start(): Promise<{ url: URL; checks: OidcChecks }> {
    const configuration = await this.configuration();
    const codeVerifier = client.randomPKCECodeVerifier();
    const checks = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.callbackUrl,
      scope: this.settings.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: checks.state,
      nonce: checks.nonce,
    });
    return { url, checks };
  }

  /**
   * Exchange the code and validate the answer. `callbackQuery` is the query string the browser
   * brought back; the URL is rebuilt on the public address (behind a proxy the request URL differs).
   * Throws on anything wrong: a wrong state, an error from the provider, a bad or expired ID token.
   */
  async finish(callbackQuery: string, checks: OidcChecks): Promise<OidcIdentity> {
    const configuration = await this.configuration();
    const tokens = await client.authorizationCodeGrant(configuration, new URL(`${this.callbackUrl}${callbackQuery}`), {
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      pkceCodeVerifier: checks.codeVerifier,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) throw new Error('the provider answered without an ID token');
    let claims: Record<string, unknown> = { ...idClaims };
    // Providers put groups and e-mail in the ID token or only in userinfo (oidc-provider, Keycloak
    // by default): ask userinfo when the ID token lacks them. The ID token's own claims win.
    const lacks = !(this.mapping.claim in claims) || !claims.email;
    if (lacks && configuration.serverMetadata().userinfo_endpoint) {
      const info = await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
      claims = { ...info, ...claims };
    }
    const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);
    // Entra ID sends the sign-in name (UPN) as preferred_username and e-mail only when the user has a mailbox.
    const email = text(claims.email) ?? (text(claims.preferred_username)?.includes('@') ? text(claims.preferred_username) : null);
    return {
      issuer: idClaims.iss,
      subject: idClaims.sub,
      email,
      displayName: text(claims.name) ?? text([claims.family_name, claims.given_name].filter((v) => typeof v === 'string').join(' ')),
      claims,
    };
  }

  /** The provider's end-session address (RP-initiated logout), when its metadata advertises one. */
  async endSessionUrl(): Promise<string | null> {
    const configuration = await this.configuration();
    if (!configuration.serverMetadata().end_session_endpoint) return null;
    return client
      .buildEndSessionUrl(configuration, { client_id: this.settings.clientId, post_logout_redirect_uri: `${this.settings.publicUrl}/` })
      .toString();
  }
}

/**
 * Single sign-on through the organisation's OpenID Provider (issue 17, decision 0010), and the
 * sign-in settings. The password routes stay in auth.ts; both end in the same session (auth/sessions.ts).
 *
 * start and callback are browser navigations, not API calls: they answer with redirects, and with a
 * small bilingual page when something is refused (a problem+json would show raw to a person).
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { requireActor, requirePermission } from '../auth/actor.ts';
import { oidcCallbackPath } from '../auth/oidc.ts';
import { startSession } from '../auth/sessions.ts';
import { hashToken } from '../auth/tokens.ts';
import type { AppEnv } from '../context.ts';
import { startOidcSignIn, takeOidcSignIn } from '../db/queries/sessions.ts';
import { type OidcRefusal, signInWithOidc } from '../domain/oidc-sign-in.ts';
import { getSignInSettings, updateSignInSettings } from '../domain/sign-in-settings.ts';
import { AppError } from '../errors.ts';
import { domainContext } from './context.ts';
import { apiRoute, conflictProblems, createRouter, jsonBody, jsonContent, problems, ruleProblems } from './openapi.ts';

/** Carries the state to the callback, so a callback started in another browser is refused (login CSRF). */
const stateCookieName = 'psbook_oidc_state';
const signInMinutes = 10;
/** How long GET /auth/methods waits for the provider's metadata before answering without it. */
const methodsDiscoveryWaitMs = 2000;

/** Paths that work without a session (app.ts lets them through the authentication middleware). */
export const publicAuthPaths = ['/api/v1/auth/methods', '/api/v1/auth/oidc/start', oidcCallbackPath];

export const ZSignInMethods = z
  .object({
    password: z.boolean().describe('whether password sign-in is on for everyone (administrators may always use it)'),
    oidc: z
      .object({
        label: z.string().nullable().describe('the provider name to show, or null for 組織のアカウント'),
        startUrl: z.string().describe('send the browser here to sign in with the organisation’s account'),
        endSessionUrl: z
          .string()
          .nullable()
          .describe('the provider’s end-session address (RP-initiated logout), when it advertises one; offer it after sign-out'),
      })
      .nullable()
      .describe('null when single sign-on is not configured'),
  })
  .openapi('SignInMethods');

export const ZSignInSettings = z
  .object({ localPasswords: z.boolean(), version: z.number().int(), updatedAt: z.string().nullable(), ssoConfigured: z.boolean() })
  .openapi('SignInSettings');
export const ZUpdateSignInSettings = z
  .object({
    localPasswords: z.boolean().describe('false: only administrators (break-glass) may sign in with a password'),
    version: z.number().int().min(0).describe('the version you read (0 before the first change)'),
  })
  .strict();

const html = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });

const methods = apiRoute({
  operationId: 'listSignInMethods',
  method: 'get',
  path: '/methods',
  tags: ['auth'],
  summary: 'How people can sign in here (no session needed): password, and the organisation’s OpenID Provider if configured',
  security: [],
  responses: { 200: jsonContent(ZSignInMethods, 'The sign-in methods') },
});

const start = apiRoute({
  operationId: 'startOidcSignIn',
  successHeaders: ['Set-Cookie'],
  method: 'get',
  path: '/oidc/start',
  tags: ['auth'],
  summary: 'Begin single sign-on: redirects the browser to the OpenID Provider (authorization code flow with PKCE)',
  security: [],
  request: {
    query: z.object({
      returnTo: z.string().max(500).optional().describe('a path of this site to land on after signing in (default /)'),
    }),
  },
  responses: {
    302: { description: 'To the provider’s authorization endpoint' },
    404: problems[404],
    503: html('The provider cannot be reached'),
  },
});

const callback = apiRoute({
  operationId: 'completeOidcSignIn',
  successHeaders: ['Set-Cookie'],
  method: 'get',
  path: '/oidc/callback',
  tags: ['auth'],
  summary: 'Where the OpenID Provider sends the browser back: checks state, nonce and the ID token, then starts a session',
  description:
    'The role and bureaus come from the provider’s group claims at every sign-in (see docs/operations.md). A person whose groups give no role, or whose PS Book account is deactivated, is refused with a page in Japanese and English.',
  security: [],
  request: {
    query: z.object({
      code: z.string().optional(),
      state: z.string().optional(),
      error: z.string().optional(),
      error_description: z.string().optional(),
      iss: z.string().optional(),
      session_state: z.string().optional(),
    }),
  },
  responses: {
    302: { description: 'Signed in: to the page the sign-in started from, with the session cookie' },
    400: html('The sign-in could not be completed (wrong or expired state, an error from the provider, an invalid ID token)'),
    403: html(
      'Refused: no PS Book role in the groups, no bureau, no e-mail address, an address of another account, or a deactivated account',
    ),
    404: problems[404],
    503: html('The provider cannot be reached'),
  },
});

const getSettings = apiRoute({
  operationId: 'getSignInSettings',
  method: 'get',
  path: '/sign-in-settings',
  tags: ['auth'],
  summary: 'Whether password sign-in is on (admin)',
  responses: { 200: jsonContent(ZSignInSettings, 'The sign-in settings'), ...problems },
});

const putSettings = apiRoute({
  operationId: 'updateSignInSettings',
  method: 'put',
  path: '/sign-in-settings',
  tags: ['auth'],
  summary: 'Turn password sign-in off or on (admin; off needs single sign-on configured; administrators keep it as break-glass)',
  request: jsonBody(ZUpdateSignInSettings),
  responses: { 200: jsonContent(ZSignInSettings, 'The sign-in settings'), ...conflictProblems, ...ruleProblems },
});

type PageKind = OidcRefusal | 'failed' | 'expired' | 'unavailable';

const pages: Record<PageKind, { status: 400 | 403 | 503; ja: [string, string]; en: [string, string] }> = {
  no_role: {
    status: 403,
    ja: [
      'PS Book を利用する権限がありません',
      '組織のアカウントでの本人確認はできましたが、PS Book の役割（グループ）が割り当てられていません。所属部署の PS Book 管理者に、利用のためのグループへの追加を依頼してください。',
    ],
    en: [
      'You have no PS Book role',
      'Your organisation account was verified, but none of its groups gives a PS Book role. Ask your PS Book administrator to add you to a PS Book group.',
    ],
  },
  no_bureau: {
    status: 403,
    ja: ['所属局が設定されていません', 'グループから所属局を判定できませんでした。PS Book 管理者に所属局の設定を依頼してください。'],
    en: ['No bureau is set for you', 'Your groups name no bureau known to PS Book. Ask your PS Book administrator to set your bureau.'],
  },
  no_email: {
    status: 403,
    ja: ['メールアドレスを確認できません', '組織の認証サービスからメールアドレスが届きませんでした。システム管理者に連絡してください。'],
    en: ['No e-mail address', 'The identity provider sent no e-mail address for your account. Contact your system administrator.'],
  },
  email_in_use: {
    status: 403,
    ja: [
      'このメールアドレスは別のアカウントで使われています',
      'PS Book には同じメールアドレスの別のアカウントがあります。PS Book 管理者に連絡してください。',
    ],
    en: [
      'This e-mail address belongs to another account',
      'PS Book has another account with the same e-mail address. Contact your PS Book administrator.',
    ],
  },
  deactivated: {
    status: 403,
    ja: ['このアカウントは無効です', 'PS Book のアカウントが無効にされています。PS Book 管理者に連絡してください。'],
    en: ['This account is deactivated', 'Your PS Book account has been deactivated. Contact your PS Book administrator.'],
  },
  failed: {
    status: 400,
    ja: ['サインインを完了できませんでした', 'もう一度サインインしてください。繰り返し失敗する場合はシステム管理者に連絡してください。'],
    en: ['The sign-in could not be completed', 'Please sign in again. If it keeps failing, contact your system administrator.'],
  },
  expired: {
    status: 400,
    ja: ['サインインの有効期限が切れました', `サインインは ${signInMinutes} 分以内に完了してください。もう一度サインインしてください。`],
    en: ['The sign-in expired', `Complete the sign-in within ${signInMinutes} minutes. Please sign in again.`],
  },
  unavailable: {
    status: 503,
    ja: ['組織の認証サービスに接続できません', 'しばらくしてからもう一度お試しください。'],
    en: ['The identity provider cannot be reached', 'Please try again in a while.'],
  },
};

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

function page(c: Context<AppEnv>, kind: PageKind) {
  const { status, ja, en } = pages[kind];
  const body = `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(ja[0])} | PS Book</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.7;color:#1a1a1a}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}a{color:#0b57d0}</style>
</head><body>
<main>
<h1>${escapeHtml(ja[0])}</h1><p>${escapeHtml(ja[1])}</p>
<div lang="en"><h2>${escapeHtml(en[0])}</h2><p>${escapeHtml(en[1])}</p></div>
<p><a href="/">サインイン画面に戻る / Back to sign-in</a></p>
<p><small>要求ID / Request ID: ${escapeHtml(c.get('requestId') ?? '')}</small></p>
</main></body></html>`;
  return c.html(body, status);
}

/** Nobody is sent here without single sign-on (the sign-in page shows no button): an API answer will do. */
const notConfigured = () => new AppError('not_found', 'Single sign-on is not configured here: sign in with e-mail and password');

/** Only a path of this site: never another origin (an open redirect would help phishing). */
function safeReturnTo(value: string | undefined): string {
  if (!value?.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || /[\r\n]/.test(value)) return '/';
  return value;
}

/** One line per refusal: the error and its cause (openid-client wraps the real reason), never the tokens. */
function logOidc(what: string, error: unknown) {
  const describe = (e: unknown): string =>
    e instanceof Error ? `${e.name}: ${e.message}${e.cause instanceof Error ? ` (${describe(e.cause)})` : ''}` : String(e);
  console.error(`[oidc] ${what}: ${describe(error)}`);
}

export const oidcRoutes = createRouter()
  .openapi(methods, async (c) => {
    const { db, oidc } = c.get('services');
    const { localPasswords } = await getSignInSettings(db);
    let endSessionUrl: string | null = null;
    if (oidc) {
      // The sign-in page must load at once while the provider is down or slow: wait for discovery a
      // moment only; the button then leads to a clear page if the provider really is unreachable.
      const discovery = oidc.endSessionUrl();
      discovery.catch((error: unknown) => logOidc('discovery failed', error));
      const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), methodsDiscoveryWaitMs).unref());
      endSessionUrl = await Promise.race([discovery.catch(() => null), timeout]);
    }
    const body = {
      password: localPasswords,
      oidc: oidc ? { label: oidc.settings.providerName, startUrl: '/api/v1/auth/oidc/start', endSessionUrl } : null,
    };
    return c.json(body, 200);
  })
  .openapi(start, async (c) => {
    const { db, oidc } = c.get('services');
    if (!oidc) throw notConfigured();
    let request: Awaited<ReturnType<typeof oidc.start>>;
    try {
      request = await oidc.start();
    } catch (error) {
      logOidc('discovery failed', error);
      return page(c, 'unavailable') as never;
    }
    const { url, checks } = request;
    const expiresAt = new Date(Date.now() + signInMinutes * 60_000);
    await startOidcSignIn(db, {
      stateHash: hashToken(checks.state),
      nonce: checks.nonce,
      codeVerifier: checks.codeVerifier,
      returnTo: safeReturnTo(c.req.valid('query').returnTo),
      expiresAt,
    });
    // Lax, not Strict: the provider sends the browser back with a cross-site navigation.
    setCookie(c, stateCookieName, checks.state, {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/api/v1/auth/oidc',
      secure: oidc.settings.publicUrl.startsWith('https:'),
      expires: expiresAt,
    });
    return c.redirect(url.toString(), 302);
  })
  .openapi(callback, async (c) => {
    const { db, oidc } = c.get('services');
    if (!oidc) throw notConfigured();
    const url = new URL(c.req.url);
    const state = url.searchParams.get('state');
    const cookieState = getCookie(c, stateCookieName);
    deleteCookie(c, stateCookieName, { path: '/api/v1/auth/oidc' });
    if (!state || !cookieState || state !== cookieState) {
      logOidc('callback refused', 'the state does not match the one this browser started with');
      return page(c, 'failed') as never;
    }
    // Single use: the row goes whatever happens next, so a replayed callback finds nothing.
    const pending = await takeOidcSignIn(db, hashToken(state));
    if (!pending) return page(c, 'failed') as never;
    if (new Date(pending.expiresAt).getTime() < Date.now()) return page(c, 'expired') as never;

    let identity: Awaited<ReturnType<typeof oidc.finish>>;
    try {
      identity = await oidc.finish(url.search, { state, nonce: pending.nonce, codeVerifier: pending.codeVerifier });
    } catch (error) {
      logOidc('callback refused', error);
      return page(c, 'failed') as never;
    }
    const outcome = await signInWithOidc(db, identity, oidc.mapping, c.get('requestId'));
    if (!outcome.ok) return page(c, outcome.reason) as never;
    await startSession(c, outcome.userId);
    return c.redirect(pending.returnTo, 302);
  })
  .openapi(getSettings, async (c) => {
    const actor = requireActor(c.get('actor'));
    requirePermission(actor, 'signInSettings.manage');
    const settings = await getSignInSettings(c.get('services').db);
    return c.json({ ...settings, ssoConfigured: c.get('services').oidc !== null }, 200);
  })
  .openapi(putSettings, async (c) => {
    const ctx = domainContext(c);
    const settings = await updateSignInSettings(ctx, c.get('services').oidc !== null, c.req.valid('json'));
    return c.json({ ...settings, ssoConfigured: c.get('services').oidc !== null }, 200);
  });

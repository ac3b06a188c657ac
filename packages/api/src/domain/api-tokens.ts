import type { TCreateTokenRequest, TRole } from '@psbook/core';
import { recordAudit } from '../audit.ts';
import type { Actor } from '../auth/actor.ts';
import { apiTokenPrefix, hashToken, newToken } from '../auth/tokens.ts';
import type { DomainContext } from '../context.ts';
import { insertApiToken, listApiTokenRows, lockApiToken, revokeApiTokenRow } from '../db/queries/api-tokens.ts';
import { withTransaction } from '../db/transaction.ts';
import { AppError, forbidden, notFound, validationError } from '../errors.ts';
import { whoOf } from './projects.ts';

type TokenScope = TCreateTokenRequest['scopes'][number];

/**
 * Which scopes each role may put on a machine token. Tokens are for the budget office's systems
 * pulling reviews and figures (DESIGN §2.4); admins make them for integrations and tests. Other roles
 * work in the UI and get none.
 */
export const tokenScopesByRole: Partial<Record<TRole, readonly TokenScope[]>> = {
  budget_office: ['tech_reviews:read', 'projects:read', 'stats:read'],
  admin: ['tech_reviews:read', 'projects:read', 'stats:read'],
};

/** Without an explicit lifetime a token still expires: a forgotten machine credential should not live for ever. */
export const defaultTokenLifetimeDays = 365;

/** Enough of the token to recognise it in a list, far too little to use it. */
const shownPrefixLength = apiTokenPrefix.length + 6;

type TokenRow = {
  id: string;
  name: string;
  tokenPrefix: string;
  userId: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  ownerEmail?: string;
};

export function toTokenResponse(row: TokenRow, now = Date.now()) {
  const status = row.revokedAt ? 'revoked' : row.expiresAt && row.expiresAt.getTime() <= now ? 'expired' : 'active';
  return {
    id: row.id,
    name: row.name,
    tokenPrefix: row.tokenPrefix,
    scopes: row.scopes as TokenScope[],
    userId: row.userId,
    ownerEmail: row.ownerEmail ?? null,
    status: status as 'active' | 'revoked' | 'expired',
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

function requireSession(actor: Actor) {
  // A token minting or revoking tokens would let a leaked credential renew itself.
  if (actor.via !== 'session') throw forbidden('API tokens are managed from a signed-in session only');
}

/** Create a token for the signed-in user. The secret is returned once; only its SHA-256 is stored. */
export async function createApiToken(ctx: DomainContext, input: TCreateTokenRequest) {
  requireSession(ctx.actor);
  const allowed = tokenScopesByRole[ctx.actor.role];
  if (!allowed) throw forbidden('Only the budget office and admins create API tokens');
  const scopes = [...new Set(input.scopes)];
  const refused = input.scopes.flatMap((scope, i) =>
    allowed.includes(scope) ? [] : [{ path: `scopes.${i}`, message: `the ${ctx.actor.role} role cannot use ${scope}` }],
  );
  if (refused.length) throw validationError(refused);

  const token = newToken(apiTokenPrefix);
  const days = input.expiresInDays ?? defaultTokenLifetimeDays;
  return withTransaction(ctx.db, async (tx) => {
    const row = await insertApiToken(
      tx,
      { name: input.name, tokenHash: hashToken(token), tokenPrefix: token.slice(0, shownPrefixLength), userId: ctx.actor.id, scopes },
      days,
    );
    const response = toTokenResponse({ ...row, ownerEmail: ctx.actor.email });
    await recordAudit(tx, whoOf(ctx), { action: 'api_token.create', entityType: 'api_token', entityId: row.id, after: response });
    return { ...response, token };
  });
}

/** The signed-in user's tokens; an admin sees everyone's. Never the secret or its hash. */
export async function listApiTokens(ctx: DomainContext) {
  const { actor } = ctx;
  requireSession(actor);
  const rows = await listApiTokenRows(ctx.db, actor.role === 'admin' ? null : actor.id);
  const now = Date.now();
  return rows.map((row) => toTokenResponse(row, now));
}

/** Revoke a token (its owner or an admin). Revoking twice is harmless; someone else's token is not found. */
export async function revokeApiToken(ctx: DomainContext, id: string): Promise<void> {
  requireSession(ctx.actor);
  await withTransaction(ctx.db, async (tx) => {
    const row = await lockApiToken(tx, id);
    if (!row || (row.userId !== ctx.actor.id && ctx.actor.role !== 'admin')) throw notFound('API token');
    if (row.revokedAt) return;
    const after = await revokeApiTokenRow(tx, id);
    if (!after.revokedAt) throw new AppError('internal', 'The token was not revoked');
    await recordAudit(tx, whoOf(ctx), {
      action: 'api_token.revoke',
      entityType: 'api_token',
      entityId: id,
      before: { revokedAt: null },
      after: { revokedAt: after.revokedAt.toISOString(), name: row.name, userId: row.userId },
    });
  });
}

import type { TCreateBureauRequest, TCreateUserRequest, TRole, TUpdateUserRequest } from '@psbook/core';
import { recordAudit } from '../audit.ts';
import { requirePermission } from '../auth/actor.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import {
  existingBureauCodes,
  findBureau,
  findUserRow,
  insertBureau,
  insertUser,
  isEmailTaken,
  listBureauRows,
  listUserRows,
  lockActiveAdmins,
  lockUserRow,
  replaceUserBureaus,
  revokeUserSessions,
  type UserRow,
  type UserRowFilter,
  updateLockedUser,
} from '../db/queries/users.ts';
import { withTransaction } from '../db/transaction.ts';
import { AppError, type FieldError, notFound, validationError, versionConflict } from '../errors.ts';
import { whoOf } from './projects.ts';

/** Roles that act for their own bureau: without one they could do nothing. */
const bureauBoundRoles: readonly TRole[] = ['staff', 'bureau_lead'];

/** The API shape of a user: never the password hash. */
export function toUserResponse(row: UserRow) {
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    role: row.role,
    bureauCodes: row.bureauCodes,
    isActive: row.isActive,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type UserResponse = ReturnType<typeof toUserResponse>;

/** What an audit event keeps of a user: the response shape, so no hash can reach the trail. */
const auditUserState = toUserResponse;

export const listBureaus = (ctx: DomainContext) => listBureauRows(ctx.db);

export async function createBureau(ctx: DomainContext, input: TCreateBureauRequest) {
  requirePermission(ctx.actor, 'user.manage');
  return withTransaction(ctx.db, async (tx) => {
    const existing = await findBureau(tx, input.code);
    if (existing) {
      throw new AppError('conflict', `Bureau ${input.code} already exists`, { errors: [{ path: 'code', message: 'already exists' }] });
    }
    const row = await insertBureau(tx, { code: input.code, nameJa: input.nameJa, nameEn: input.nameEn });
    await recordAudit(tx, whoOf(ctx), { action: 'bureau.create', entityType: 'bureau', entityId: row.code, after: row });
    return row;
  });
}

export type UserListFilter = UserRowFilter;

export function encodeUserCursor(email: string): string {
  return Buffer.from(email.toLowerCase()).toString('base64url');
}
export function decodeUserCursor(cursor: string): string | null {
  const email = Buffer.from(cursor, 'base64url').toString('utf8');
  return email.includes('@') && email.length <= 254 ? email : null;
}

/** Users ordered by email, keyset-paginated on lower(email), which the unique email index serves. */
export async function listUsersPage(ctx: DomainContext, filter: UserListFilter, page: { limit: number; after: string | null }) {
  requirePermission(ctx.actor, 'user.manage');
  const rows = await listUserRows(ctx.db, filter, { limit: page.limit + 1, after: page.after });
  const hasMore = rows.length > page.limit;
  const items = hasMore ? rows.slice(0, page.limit) : rows;
  return { items: items.map(toUserResponse), nextCursor: hasMore ? encodeUserCursor(items[items.length - 1]!.email) : null };
}

export async function getUser(ctx: DomainContext, id: string): Promise<UserResponse> {
  requirePermission(ctx.actor, 'user.manage');
  const row = await findUserRow(ctx.db, id);
  if (!row) throw notFound('User');
  return toUserResponse(row);
}

/** Bureau codes must exist; staff and bureau leads need at least one. Errors name each bad entry. */
async function checkBureauCodes(tx: Db, role: TRole, codes: readonly string[]): Promise<string[]> {
  const unique = [...new Set(codes)].sort();
  const errors: FieldError[] = [];
  if (unique.length) {
    const found = await existingBureauCodes(tx, unique);
    codes.forEach((code, i) => {
      if (!found.has(code)) errors.push({ path: `bureauCodes.${i}`, message: `no bureau ${code}` });
    });
  }
  if (!unique.length && bureauBoundRoles.includes(role)) {
    errors.push({ path: 'bureauCodes', message: `a ${role} belongs to at least one bureau` });
  }
  if (errors.length) throw validationError(errors);
  return unique;
}

/**
 * Create an account. For a CIO advisor the bureau codes are the bureaus they advise. `passwordHash`
 * lets a caller creating many accounts with one password (the demo seed) hash it once.
 */
export async function createUser(
  ctx: DomainContext,
  input: TCreateUserRequest,
  options: { passwordHash?: string } = {},
): Promise<UserResponse> {
  requirePermission(ctx.actor, 'user.manage');
  // Hash before the transaction: scrypt takes ~100 ms and holds no locks.
  const passwordHash = options.passwordHash ?? (await hashPassword(input.password));
  return withTransaction(ctx.db, async (tx) => {
    const email = input.email.trim();
    if (await isEmailTaken(tx, email))
      throw new AppError('conflict', 'A user with this email already exists', { errors: [{ path: 'email', message: 'already in use' }] });
    const bureauCodes = await checkBureauCodes(tx, input.role, input.bureauCodes);
    const row = await insertUser(tx, { email, displayName: input.displayName, role: input.role, passwordHash });
    await replaceUserBureaus(tx, row.id, bureauCodes);
    const user = toUserResponse({ ...row, bureauCodes });
    await recordAudit(tx, whoOf(ctx), { action: 'user.create', entityType: 'user', entityId: row.id, after: user });
    return user;
  });
}

/**
 * Change an account at the version the administrator saw. Deactivating it or resetting its password
 * ends its sessions at once. The book always keeps one active administrator: the change that would
 * remove the last one is refused, with the admin rows locked so two admins cannot demote each other
 * at the same moment.
 */
export async function updateUser(ctx: DomainContext, id: string, input: TUpdateUserRequest): Promise<UserResponse> {
  requirePermission(ctx.actor, 'user.manage');
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  return withTransaction(ctx.db, async (tx) => {
    const before = await lockUserRow(tx, id);
    if (!before) throw notFound('User');
    if (before.version !== input.version) throw versionConflict(before.version, toUserResponse(before));

    const role = input.role ?? before.role;
    const isActive = input.isActive ?? before.isActive;
    const losesAdmin = before.role === 'admin' && before.isActive && (role !== 'admin' || !isActive);
    if (losesAdmin) {
      const admins = await lockActiveAdmins(tx);
      if (!admins.some((a) => a.id !== id)) {
        throw new AppError('rule_violation', 'The book needs at least one active administrator', {
          errors: [
            { path: input.role !== undefined && role !== 'admin' ? 'role' : 'isActive', message: 'this is the last active administrator' },
          ],
        });
      }
    }
    const bureauCodes =
      input.bureauCodes !== undefined || input.role !== undefined
        ? await checkBureauCodes(tx, role, input.bureauCodes ?? before.bureauCodes)
        : before.bureauCodes;

    const row = await updateLockedUser(tx, id, {
      ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
      role,
      isActive,
      ...(passwordHash ? { passwordHash } : {}),
    });
    if (input.bureauCodes !== undefined) await replaceUserBureaus(tx, id, bureauCodes);

    let sessionsRevoked = 0;
    if ((before.isActive && !isActive) || passwordHash) {
      sessionsRevoked = await revokeUserSessions(tx, id);
    }
    const after = toUserResponse({ ...row, bureauCodes });
    await recordAudit(tx, whoOf(ctx), {
      action: 'user.update',
      entityType: 'user',
      entityId: id,
      before: auditUserState(before),
      after: { ...after, ...(passwordHash ? { passwordReset: true } : {}), sessionsRevoked },
    });
    return after;
  });
}

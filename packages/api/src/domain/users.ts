import type { TCreateBureauRequest, TCreateUserRequest, TRole, TUpdateUserRequest } from '@psbook/core';
import { type SqlBool, sql } from 'kysely';
import { recordAudit } from '../audit.ts';
import { requireRole } from '../auth/actor.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { AppError, type FieldError, notFound, validationError, versionConflict } from '../errors.ts';
import { whoOf } from './projects.ts';

/** Roles that act for their own bureau: without one they could do nothing. */
const bureauBoundRoles: readonly TRole[] = ['staff', 'bureau_lead'];

type UserRow = {
  id: string;
  email: string;
  displayName: string;
  role: string;
  isActive: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  bureauCodes: string[];
};

const bureauCodesOf = sql<
  string[]
>`coalesce((select array_agg(ub.bureau_code order by ub.bureau_code) from user_bureau ub where ub.user_id = app_user.id), '{}')`;
const userColumns = ['id', 'email', 'displayName', 'role', 'isActive', 'version', 'createdAt', 'updatedAt'] as const;

/** The API shape of a user: never the password hash. */
export function toUserResponse(row: UserRow) {
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    role: row.role as TRole,
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

export const listBureaus = (db: Db) => db.selectFrom('bureau').select(['code', 'nameJa', 'nameEn']).orderBy('code').execute();

export async function createBureau(ctx: DomainContext, input: TCreateBureauRequest) {
  requireRole(ctx.actor, 'admin');
  return ctx.db.transaction().execute(async (tx) => {
    const existing = await tx.selectFrom('bureau').select('code').where('code', '=', input.code).executeTakeFirst();
    if (existing) {
      throw new AppError('conflict', `Bureau ${input.code} already exists`, { errors: [{ path: 'code', message: 'already exists' }] });
    }
    const row = await tx
      .insertInto('bureau')
      .values({ code: input.code, nameJa: input.nameJa, nameEn: input.nameEn })
      .returning(['code', 'nameJa', 'nameEn'])
      .executeTakeFirstOrThrow();
    await recordAudit(tx, whoOf(ctx), { action: 'bureau.create', entityType: 'bureau', entityId: row.code, after: row });
    return row;
  });
}

export type UserListFilter = { q?: string; role?: TRole; bureau?: string; isActive?: boolean };

export function encodeUserCursor(email: string): string {
  return Buffer.from(email.toLowerCase()).toString('base64url');
}
export function decodeUserCursor(cursor: string): string | null {
  const email = Buffer.from(cursor, 'base64url').toString('utf8');
  return email.includes('@') && email.length <= 254 ? email : null;
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** Users ordered by email, keyset-paginated on lower(email), which the unique email index serves. */
export async function listUsersPage(ctx: DomainContext, filter: UserListFilter, page: { limit: number; after: string | null }) {
  requireRole(ctx.actor, 'admin');
  let query = ctx.db.selectFrom('appUser').select(userColumns).select(bureauCodesOf.as('bureauCodes'));
  if (filter.role) query = query.where('role', '=', filter.role);
  if (filter.isActive !== undefined) query = query.where('isActive', '=', filter.isActive);
  if (filter.bureau) {
    const bureau = filter.bureau;
    query = query.where((eb) =>
      eb.exists(
        eb.selectFrom('userBureau').select('userId').whereRef('userBureau.userId', '=', 'appUser.id').where('bureauCode', '=', bureau),
      ),
    );
  }
  if (filter.q?.trim()) {
    const pattern = `%${escapeLike(filter.q.trim().toLowerCase())}%`;
    query = query.where(sql<SqlBool>`(lower(email) like ${pattern} or lower(display_name) like ${pattern})`);
  }
  if (page.after) query = query.where(sql<SqlBool>`lower(email) > ${page.after}`);
  const rows = (await query
    .orderBy(sql`lower(email)`)
    .limit(page.limit + 1)
    .execute()) as UserRow[];
  const hasMore = rows.length > page.limit;
  const items = hasMore ? rows.slice(0, page.limit) : rows;
  return { items: items.map(toUserResponse), nextCursor: hasMore ? encodeUserCursor(items[items.length - 1]!.email) : null };
}

export async function getUser(ctx: DomainContext, id: string): Promise<UserResponse> {
  requireRole(ctx.actor, 'admin');
  const row = (await ctx.db
    .selectFrom('appUser')
    .select(userColumns)
    .select(bureauCodesOf.as('bureauCodes'))
    .where('id', '=', id)
    .executeTakeFirst()) as UserRow | undefined;
  if (!row) throw notFound('User');
  return toUserResponse(row);
}

async function findUserForUpdate(tx: Db, id: string): Promise<UserRow | undefined> {
  return (await tx
    .selectFrom('appUser')
    .select(userColumns)
    .select(bureauCodesOf.as('bureauCodes'))
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()) as UserRow | undefined;
}

/** Bureau codes must exist; staff and bureau leads need at least one. Errors name each bad entry. */
async function checkBureauCodes(tx: Db, role: TRole, codes: readonly string[]): Promise<string[]> {
  const unique = [...new Set(codes)].sort();
  const errors: FieldError[] = [];
  if (unique.length) {
    const found = new Set((await tx.selectFrom('bureau').select('code').where('code', 'in', unique).execute()).map((b) => b.code));
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

async function replaceBureaus(tx: Db, userId: string, codes: readonly string[]): Promise<void> {
  await tx.deleteFrom('userBureau').where('userId', '=', userId).execute();
  if (codes.length) {
    await tx
      .insertInto('userBureau')
      .values(codes.map((bureauCode) => ({ userId, bureauCode })))
      .execute();
  }
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
  requireRole(ctx.actor, 'admin');
  // Hash before the transaction: scrypt takes ~100 ms and holds no locks.
  const passwordHash = options.passwordHash ?? (await hashPassword(input.password));
  return ctx.db.transaction().execute(async (tx) => {
    const email = input.email.trim();
    const taken = await tx.selectFrom('appUser').select('id').where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst();
    if (taken)
      throw new AppError('conflict', 'A user with this email already exists', { errors: [{ path: 'email', message: 'already in use' }] });
    const bureauCodes = await checkBureauCodes(tx, input.role, input.bureauCodes);
    const row = await tx
      .insertInto('appUser')
      .values({ email, displayName: input.displayName, role: input.role, passwordHash })
      .returning(userColumns)
      .executeTakeFirstOrThrow();
    await replaceBureaus(tx, row.id, bureauCodes);
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
  requireRole(ctx.actor, 'admin');
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  return ctx.db.transaction().execute(async (tx) => {
    const before = await findUserForUpdate(tx, id);
    if (!before) throw notFound('User');
    if (before.version !== input.version) throw versionConflict(before.version, toUserResponse(before));

    const role = input.role ?? (before.role as TRole);
    const isActive = input.isActive ?? before.isActive;
    const losesAdmin = before.role === 'admin' && before.isActive && (role !== 'admin' || !isActive);
    if (losesAdmin) {
      const admins = await tx
        .selectFrom('appUser')
        .select('id')
        .where('role', '=', 'admin')
        .where('isActive', '=', true)
        .forUpdate()
        .execute();
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

    const row = await tx
      .updateTable('appUser')
      .set({
        ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
        role,
        isActive,
        ...(passwordHash ? { passwordHash } : {}),
        version: sql`version + 1`,
        updatedAt: new Date(),
      })
      .where('id', '=', id)
      .returning(userColumns)
      .executeTakeFirstOrThrow();
    if (input.bureauCodes !== undefined) await replaceBureaus(tx, id, bureauCodes);

    let sessionsRevoked = 0;
    if ((before.isActive && !isActive) || passwordHash) {
      const revoked = await tx
        .updateTable('session')
        .set({ revokedAt: new Date() })
        .where('userId', '=', id)
        .where('revokedAt', 'is', null)
        .returning('id')
        .execute();
      sessionsRevoked = revoked.length;
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

/**
 * `psbook users add`: the command line's account creation. It goes through the same domain verb as
 * an administrator's POST /users (createUser), so every rule of an account holds here too — a bureau
 * that exists, staff and bureau leads with a bureau, an e-mail used once — and the creation is
 * audited the same way. It acts as the setup actor (an administrator that is no one yet): whoever
 * can run the CLI on the server holds the database already.
 */
import { type Policy, ZCreateUserRequest } from '@psbook/core';
import { setupActor } from './auth/actor.ts';
import type { Db } from './db/database.ts';
import { createUser, type UserResponse } from './domain/users.ts';
import { AppError, type FieldError, fieldErrors } from './errors.ts';

/** The options as commander hands them over: every value text, the bureaus comma-separated. */
export type AddUserOptions = { email: string; name: string; role: string; bureau?: string; password?: string };

export type AddUserOutcome = { ok: true; user: UserResponse } | { ok: false; problems: FieldError[] };

/** Create the account, or say per field what is wrong with the options (nothing is written then). */
export async function addUserFromCommandLine(db: Db, policy: Policy, options: AddUserOptions): Promise<AddUserOutcome> {
  const parsed = ZCreateUserRequest.safeParse({
    email: options.email,
    displayName: options.name,
    role: options.role,
    bureauCodes: String(options.bureau ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    password: options.password,
  });
  if (!parsed.success) return { ok: false, problems: fieldErrors(parsed.error) };
  try {
    const user = await createUser({ db, policy, actor: setupActor('cli'), requestId: null }, parsed.data);
    return { ok: true, user };
  } catch (error) {
    // The verb's refusals (a missing bureau, an e-mail in use) are the operator's to fix, not a crash.
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    const errors = error.extra.errors as FieldError[] | undefined;
    return { ok: false, problems: errors?.length ? errors : [{ path: 'input', message: error.message }] };
  }
}

/** A problem as the CLI prints it: `bureauCodes: a staff belongs to at least one bureau`. */
export const describeProblem = (problem: FieldError) => `${problem.path || 'input'}: ${problem.message}`;

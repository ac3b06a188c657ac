import { bureauBoundRoles } from '@psbook/core';
import { expect, it } from 'vitest';
import { addUserFromCommandLine } from './cli-users.ts';
import { describeOnBothDatabases } from './testing/harness.ts';

const password = 'cli-password-123';

describeOnBothDatabases('psbook users add', (t) => {
  const add = (options: { email: string; role: string; bureau?: string; name?: string; password?: string }) =>
    addUserFromCommandLine(t().services.db, t().policy, { name: 'CLI 利用者', password, ...options });
  const usersWith = (email: string) => t().services.db.selectFrom('appUser').select('id').where('email', '=', email).execute();

  it('creates an account through the domain verb, audited as the CLI, that can sign in', async () => {
    const outcome = await add({ email: 'cli.staff@example.jp', role: 'staff', bureau: 'IND' });
    expect(outcome).toMatchObject({ ok: true, user: { email: 'cli.staff@example.jp', role: 'staff', bureauCodes: ['IND'] } });
    if (!outcome.ok) return;
    const audit = await t()
      .services.db.selectFrom('auditEvent')
      .select(['actorId', 'actorLabel', 'action'])
      .where('entityId', '=', outcome.user.id)
      .execute();
    expect(audit).toEqual([{ actorId: null, actorLabel: 'cli', action: 'user.create' }]);
    const login = await t().app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'cli.staff@example.jp', password }),
    });
    expect(login.status).toBe(200);
  });

  it.each(bureauBoundRoles)('refuses a %s without a bureau, and writes nothing', async (role) => {
    const email = `cli.nobureau.${role}@example.jp`;
    expect(await add({ email, role })).toEqual({
      ok: false,
      problems: [{ path: 'bureauCodes', message: `a ${role} belongs to at least one bureau` }],
    });
    expect(await usersWith(email)).toEqual([]);
  });

  it('refuses a bureau that does not exist, naming it', async () => {
    expect(await add({ email: 'cli.nosuch@example.jp', role: 'bureau_lead', bureau: 'IND, XYZ' })).toEqual({
      ok: false,
      problems: [{ path: 'bureauCodes.1', message: 'no bureau XYZ' }],
    });
    expect(await usersWith('cli.nosuch@example.jp')).toEqual([]);
  });

  it('refuses an e-mail already in use and an unknown role, per field', async () => {
    expect(await add({ email: 'admin@example.jp', role: 'admin' })).toEqual({
      ok: false,
      problems: [{ path: 'email', message: 'already in use' }],
    });
    const unknownRole = await add({ email: 'cli.auditor@example.jp', role: 'auditor' });
    expect(unknownRole.ok).toBe(false);
    if (!unknownRole.ok) expect(unknownRole.problems.map((p) => p.path)).toEqual(['role']);
    const noPassword = await add({ email: 'cli.nopassword@example.jp', role: 'admin', password: '' });
    expect(noPassword.ok).toBe(false);
    if (!noPassword.ok) expect(noPassword.problems.map((p) => p.path)).toEqual(['password']);
  });

  it('creates a city-wide role without a bureau', async () => {
    expect(await add({ email: 'cli.chief@example.jp', role: 'chief_cio_advisor' })).toMatchObject({
      ok: true,
      user: { role: 'chief_cio_advisor', bureauCodes: [] },
    });
  });
});

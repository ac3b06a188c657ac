import { expect, it } from 'vitest';
import { describeOnBothDatabases } from '../testing/harness.ts';

describeOnBothDatabases('admin: users and bureaus', (t) => {
  const admin = 'admin@example.jp';
  const nonAdmins = ['staff.ind@example.jp', 'lead.ind@example.jp', 'advisor.ind@example.jp', 'chief@example.jp', 'budget@example.jp'];
  let counter = 0;
  const newUser = (overrides: Record<string, unknown> = {}) => ({
    email: `user${++counter}.${Date.now()}@example.jp`,
    displayName: '新規 利用者',
    role: 'staff',
    bureauCodes: ['WEL'],
    password: 'correct horse battery',
    ...overrides,
  });
  const login = (email: string, password: string) =>
    t().app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });

  it('lists bureaus to every signed-in user and lets only admin add one', async () => {
    const list = await (await t().request('GET', '/api/v1/bureaus', { as: 'budget@example.jp' })).json();
    expect(list.items.map((b: { code: string }) => b.code)).toEqual(expect.arrayContaining(['DSB', 'IND', 'WEL']));
    expect((await t().request('GET', '/api/v1/bureaus')).status).toBe(401);

    const bureau = { code: 'ENV', nameJa: '環境局', nameEn: 'Bureau of Environment' };
    for (const as of nonAdmins) expect((await t().request('POST', '/api/v1/admin/bureaus', { as, body: bureau })).status, as).toBe(403);
    const created = await t().request('POST', '/api/v1/admin/bureaus', { as: admin, body: bureau });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual(bureau);
    const again = await t().request('POST', '/api/v1/admin/bureaus', { as: admin, body: bureau });
    expect(again.status).toBe(409);
    expect((await again.json()).errors).toEqual([{ path: 'code', message: 'already exists' }]);
    const bad = await t().request('POST', '/api/v1/admin/bureaus', { as: admin, body: { code: 'env', nameJa: '', nameEn: 'x' } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors.map((e: { path: string }) => e.path).sort()).toEqual(['code', 'nameJa']);
  });

  it('creates a user who can sign in, without the password hash in the response or the audit trail', async () => {
    const input = newUser({ email: 'New.Person@Example.jp', bureauCodes: ['WEL', 'WEL'] });
    const res = await t().request('POST', '/api/v1/admin/users', { as: admin, body: input });
    expect(res.status).toBe(201);
    const user = await res.json();
    expect(user).toMatchObject({ email: 'New.Person@Example.jp', role: 'staff', bureauCodes: ['WEL'], isActive: true, version: 1 });
    expect(JSON.stringify(user)).not.toMatch(/scrypt|password/i);
    expect((await login('new.person@example.jp', input.password)).status).toBe(200);

    const duplicate = await t().request('POST', '/api/v1/admin/users', { as: admin, body: { ...input, email: 'NEW.PERSON@example.jp' } });
    expect(duplicate.status).toBe(409);

    const audit = await (await t().request('GET', `/api/v1/audit?entityType=user&limit=200`, { as: admin })).json();
    const created = audit.items.find((e: { entityId: string; action: string }) => e.entityId === user.id && e.action === 'user.create');
    expect(created.after).toMatchObject({ email: 'New.Person@Example.jp', role: 'staff' });
    expect(JSON.stringify(audit.items)).not.toMatch(/scrypt\$/);
  });

  it('answers invalid users with field paths', async () => {
    const res = await t().request('POST', '/api/v1/admin/users', {
      as: admin,
      body: { email: 'not-an-email', displayName: '', role: 'root', bureauCodes: ['x'], password: 'short' },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'bureauCodes.0',
      'displayName',
      'email',
      'password',
      'role',
    ]);
    const unknownBureau = await t().request('POST', '/api/v1/admin/users', { as: admin, body: newUser({ bureauCodes: ['WEL', 'ZZZ'] }) });
    expect(unknownBureau.status).toBe(400);
    expect((await unknownBureau.json()).errors).toEqual([{ path: 'bureauCodes.1', message: 'no bureau ZZZ' }]);
    const staffless = await t().request('POST', '/api/v1/admin/users', { as: admin, body: newUser({ bureauCodes: [] }) });
    expect(staffless.status).toBe(400);
    expect((await staffless.json()).errors[0].path).toBe('bureauCodes');
    // Roles that do not act for a bureau need none.
    expect(
      (await t().request('POST', '/api/v1/admin/users', { as: admin, body: newUser({ role: 'chief_cio_advisor', bureauCodes: [] }) }))
        .status,
    ).toBe(201);
  });

  it('keeps user administration to admins', async () => {
    const target = await (await t().request('POST', '/api/v1/admin/users', { as: admin, body: newUser() })).json();
    for (const as of nonAdmins) {
      expect((await t().request('GET', '/api/v1/admin/users', { as })).status, as).toBe(403);
      expect((await t().request('GET', `/api/v1/admin/users/${target.id}`, { as })).status, as).toBe(403);
      expect((await t().request('POST', '/api/v1/admin/users', { as, body: newUser() })).status, as).toBe(403);
      expect((await t().request('PATCH', `/api/v1/admin/users/${target.id}`, { as, body: { version: 1, role: 'admin' } })).status, as).toBe(
        403,
      );
    }
  });

  it('lists users by email in keyset pages, with filters', async () => {
    const all = await (await t().request('GET', '/api/v1/admin/users?limit=200', { as: admin })).json();
    const emails = all.items.map((u: { email: string }) => u.email.toLowerCase());
    expect(emails).toEqual([...emails].sort());
    expect(emails).toEqual(expect.arrayContaining(['staff.ind@example.jp', 'chief@example.jp']));
    const page1 = await (await t().request('GET', '/api/v1/admin/users?limit=3', { as: admin })).json();
    const page2 = await (await t().request('GET', `/api/v1/admin/users?limit=3&cursor=${page1.nextCursor}`, { as: admin })).json();
    expect([...page1.items, ...page2.items].map((u: { id: string }) => u.id)).toEqual(
      all.items.slice(0, 6).map((u: { id: string }) => u.id),
    );
    const advisors = await (await t().request('GET', '/api/v1/admin/users?role=cio_advisor&bureau=IND', { as: admin })).json();
    expect(advisors.items.map((u: { email: string }) => u.email)).toEqual(['advisor.ind@example.jp']);
    const byName = await (await t().request('GET', `/api/v1/admin/users?q=${encodeURIComponent('統括')}`, { as: admin })).json();
    expect(byName.items.map((u: { email: string }) => u.email)).toEqual(['chief@example.jp']);
    expect((await t().request('GET', '/api/v1/admin/users?cursor=%%%', { as: admin })).status).toBe(400);
  });

  it('changes a user at the version seen: role, bureaus (a CIO advisor’s assignments), name', async () => {
    const user = await (await t().request('POST', '/api/v1/admin/users', { as: admin, body: newUser() })).json();
    const url = `/api/v1/admin/users/${user.id}`;
    const changed = await t().request('PATCH', url, {
      as: admin,
      body: { version: 1, role: 'cio_advisor', bureauCodes: ['IND', 'WEL'], displayName: '補佐 新任' },
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ role: 'cio_advisor', bureauCodes: ['IND', 'WEL'], displayName: '補佐 新任', version: 2 });
    const stale = await t().request('PATCH', url, { as: admin, body: { version: 1, displayName: '古い' } });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ currentVersion: 2, current: { displayName: '補佐 新任' } });
    // Back to staff without saying which bureau: staff need one, and the advisor's assignments stay as they were.
    const toStaff = await t().request('PATCH', url, { as: admin, body: { version: 2, role: 'staff', bureauCodes: [] } });
    expect(toStaff.status).toBe(400);
    expect((await (await t().request('GET', url, { as: admin })).json()).bureauCodes).toEqual(['IND', 'WEL']);
    expect(
      (await t().request('PATCH', '/api/v1/admin/users/00000000-0000-4000-8000-000000000000', { as: admin, body: { version: 1 } })).status,
    ).toBe(404);
  });

  it('ends the sessions of a deactivated user and of a password reset', async () => {
    const input = newUser();
    const user = await (await t().request('POST', '/api/v1/admin/users', { as: admin, body: input })).json();
    const url = `/api/v1/admin/users/${user.id}`;
    const { token } = (await (await login(input.email, input.password)).json()) as { token: string };
    expect((await t().request('GET', '/api/v1/auth/me', { as: token })).status).toBe(200);

    const reset = await t().request('PATCH', url, { as: admin, body: { version: 1, password: 'a brand new passphrase' } });
    expect(reset.status).toBe(200);
    expect((await t().request('GET', '/api/v1/auth/me', { as: token })).status).toBe(401);
    expect((await login(input.email, input.password)).status).toBe(401);
    const second = (await (await login(input.email, 'a brand new passphrase')).json()) as { token: string };
    expect((await t().request('GET', '/api/v1/auth/me', { as: second.token })).status).toBe(200);

    const off = await t().request('PATCH', url, { as: admin, body: { version: 2, isActive: false } });
    expect(await off.json()).toMatchObject({ isActive: false, version: 3 });
    expect((await t().request('GET', '/api/v1/auth/me', { as: second.token })).status).toBe(401);
    expect((await login(input.email, 'a brand new passphrase')).status).toBe(401);

    const audit = await (await t().request('GET', `/api/v1/audit?action=user.update`, { as: admin })).json();
    const events = audit.items.filter((e: { entityId: string }) => e.entityId === user.id);
    expect(events.map((e: { after: { sessionsRevoked: number } }) => e.after.sessionsRevoked)).toEqual([1, 1]);
    expect(events[1].after.passwordReset).toBe(true);
    expect(JSON.stringify(events)).not.toMatch(/scrypt\$|brand new/);
  });

  it('never removes the last active administrator', async () => {
    const me = (await (await t().request('GET', '/api/v1/admin/users?role=admin', { as: admin })).json()).items[0];
    const demote = await t().request('PATCH', `/api/v1/admin/users/${me.id}`, {
      as: admin,
      body: { version: me.version, role: 'staff', bureauCodes: ['DSB'] },
    });
    expect(demote.status).toBe(422);
    expect((await demote.json()).errors).toEqual([{ path: 'role', message: 'this is the last active administrator' }]);
    const deactivate = await t().request('PATCH', `/api/v1/admin/users/${me.id}`, {
      as: admin,
      body: { version: me.version, isActive: false },
    });
    expect(deactivate.status).toBe(422);

    // With a second admin, the first may step down.
    const second = await (
      await t().request('POST', '/api/v1/admin/users', { as: admin, body: newUser({ role: 'admin', bureauCodes: ['DSB'] }) })
    ).json();
    const off = await t().request('PATCH', `/api/v1/admin/users/${second.id}`, { as: admin, body: { version: 1, isActive: false } });
    expect(off.status).toBe(200);
  });
});

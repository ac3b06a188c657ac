/**
 * Every check constraint that lists values mirrors one of core's enums (issue 11 §3): the database
 * holds exactly the constraints `enumColumns` derives from the registries, a registry change reaches
 * the database with the next migrate, and a value the database refuses is the client's 400, never a 500.
 */
import { roleRegistry } from '@psbook/core';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { describeOnBothDatabases, openTestDatabase, testDatabases } from '../testing/harness.ts';
import { migrateToLatest } from './database.ts';
import { readEnumChecks, syncEnumChecks } from './enum-checks.ts';
import { type EnumColumn, enumColumns } from './enum-columns.ts';

const keyOf = (c: { table: string; column: string }) => `${c.table}.${c.column}`;
const sorted = (values: readonly string[]) => [...values].sort();

describe.each(testDatabases())('enum check constraints on %s', (kind) => {
  it('match core’s enums one for one: no enum column unchecked, no check without its enum', async () => {
    const { db, close } = await openTestDatabase(kind);
    try {
      await migrateToLatest(db);
      const checks = await readEnumChecks(db);
      expect(checks.map(keyOf).sort()).toEqual(enumColumns.map(keyOf).sort());
      for (const column of enumColumns) {
        const check = checks.find((c) => keyOf(c) === keyOf(column))!;
        expect({ column: keyOf(column), shape: check.shape, values: sorted(check.values) }).toEqual({
          column: keyOf(column),
          shape: column.shape,
          values: sorted(column.values),
        });
      }
    } finally {
      await close();
    }
  });

  it('follow a registry entry added after the migrations ran, and recreate a stale constraint', async () => {
    const { db, close } = await openTestDatabase(kind);
    try {
      await migrateToLatest(db);
      // A role added to the registry (the `auditor` of the change-cost study) reaches the database.
      const withAuditor: EnumColumn[] = enumColumns.map((c) =>
        keyOf(c) === 'app_user.role' ? { ...c, values: [...roleRegistry.keys, 'auditor'] } : c,
      );
      expect(await syncEnumChecks(db, withAuditor)).toEqual(['app_user_role_check']);
      await sql`insert into app_user (email, display_name, role) values ('auditor@example.jp', 'Auditor', 'auditor')`.execute(db);
      expect(await syncEnumChecks(db, withAuditor)).toEqual([]);
      await sql`delete from app_user where role = 'auditor'`.execute(db);

      // A constraint left behind by an older schema is replaced at the next migrate.
      await sql`alter table document drop constraint document_kind_check`.execute(db);
      await sql`alter table document add constraint document_kind_old check (kind in ('other'))`.execute(db);
      expect(await migrateToLatest(db)).toEqual([]);
      const kindChecks = (await readEnumChecks(db)).filter((c) => keyOf(c) === 'document.kind');
      expect(kindChecks).toEqual([
        expect.objectContaining({ name: 'document_kind_check', values: enumColumns.find((c) => keyOf(c) === 'document.kind')!.values }),
      ]);
    } finally {
      await close();
    }
  });

  it('refuse an expense line with a category no registry entry names', async () => {
    const { db, close } = await openTestDatabase(kind);
    try {
      await migrateToLatest(db);
      const check = (await readEnumChecks(db)).find((c) => keyOf(c) === 'expense_line.categories');
      expect(check).toMatchObject({ shape: 'array' });
      await expect(
        sql`select array['smart_tokyo', 'made_up']::text[] <@ ${sql.raw(`array[${check!.values.map((v) => `'${v}'`).join(', ')}]`)}::text[] as ok`.execute(
          db,
        ),
      ).resolves.toMatchObject({ rows: [{ ok: false }] });
    } finally {
      await close();
    }
  });
});

describeOnBothDatabases('a check violation', (t) => {
  it('is a 400 naming the field, not a 500', async () => {
    const { db } = t().services;
    // The database lags the registry by one role: what a hand-written constraint did when a role was added.
    // `not valid` leaves the demo's budget office account alone; new rows are checked.
    const lagging = roleRegistry.keys.filter((r) => r !== 'budget_office').map((r) => `'${r}'`);
    await sql`alter table app_user drop constraint app_user_role_check`.execute(db);
    await sql.raw(`alter table app_user add constraint app_user_role_check check (role in (${lagging.join(', ')})) not valid`).execute(db);
    try {
      const res = await t().request('POST', '/api/v1/admin/users', {
        as: 'admin@example.jp',
        body: {
          email: 'finance.new@example.jp',
          displayName: '財務 新任',
          role: 'budget_office',
          bureauCodes: [],
          password: 'long-enough-password',
        },
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        code: 'validation_failed',
        errors: [{ path: 'role', message: expect.stringContaining('staff') }],
      });
    } finally {
      await syncEnumChecks(db);
    }
    expect((await readEnumChecks(db)).find((c) => keyOf(c) === 'app_user.role')!.values).toEqual([...roleRegistry.keys]);
  });
});

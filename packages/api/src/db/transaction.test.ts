import { expect, it } from 'vitest';
import type { Actor } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import { createDocument } from '../domain/documents.ts';
import { createProject } from '../domain/projects.ts';
import { describeOnBothDatabases } from '../testing/harness.ts';
import { projectExists } from './queries/projects.ts';
import { findUserByEmail } from './queries/users.ts';
import { withTransaction } from './transaction.ts';

/** Verbs compose: called with a caller's transaction they write in it, and commit or roll back with it. */
describeOnBothDatabases('withTransaction', (t) => {
  async function staffContext(): Promise<DomainContext> {
    const user = await findUserByEmail(t().services.db, 'staff.ind@example.jp');
    if (!user) throw new Error('no demo account staff.ind@example.jp');
    const actor: Actor = { ...user, role: 'staff', via: 'session', scopes: [] };
    return { db: t().services.db, policy: t().policy, actor, requestId: 'transaction-test' };
  }
  const project = { name: '取引境界の検証', bureauCode: 'IND', fiscalYear: 2025 };

  it('runs two verbs in the caller’s transaction: a failure after both leaves neither', async () => {
    const ctx = await staffContext();
    let projectId = '';
    await expect(
      withTransaction(ctx.db, async (tx) => {
        const created = await createProject({ ...ctx, db: tx }, project);
        projectId = created.id;
        await createDocument({ ...ctx, db: tx }, created.id, { kind: 'other', title: '議事録', url: 'https://example.jp/minutes' });
        throw new Error('the caller changes its mind');
      }),
    ).rejects.toThrow('the caller changes its mind');
    expect(projectId).not.toBe('');
    expect(await projectExists(ctx.db, projectId)).toBe(false);
  });

  it('commits the verbs together when the caller’s work succeeds, and a verb alone commits by itself', async () => {
    const ctx = await staffContext();
    const id = await withTransaction(ctx.db, async (tx) => {
      const created = await createProject({ ...ctx, db: tx }, project);
      await createDocument({ ...ctx, db: tx }, created.id, { kind: 'other', title: '議事録', url: 'https://example.jp/minutes' });
      return created.id;
    });
    expect(await projectExists(ctx.db, id)).toBe(true);
    const alone = await createProject(ctx, project);
    expect(await projectExists(ctx.db, alone.id)).toBe(true);
  });

  it('joins the transaction it is given instead of opening a second one', async () => {
    const db = t().services.db;
    await withTransaction(db, async (tx) => {
      expect(tx.isTransaction).toBe(true);
      await withTransaction(tx, async (inner) => {
        expect(inner).toBe(tx);
      });
    });
  });
});

/**
 * Rules that change safely (issue 15; decision 0017), end to end over HTTP on both databases:
 * propose → cases → simulated impact → second approval → activation job → re-tier with history,
 * then a scheduled rollback, and a version whose cases fail at activation that never activates.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPolicy, defaultRulesets, parseRuleset, type RuleCase, rulesetNames, runRuleCases } from '@psbook/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServices } from '../bootstrap.ts';
import { loadConfig, repoRoot } from '../config.ts';
import { type Db, migrateToLatest } from '../db/database.ts';
import { loadActivePolicy, RulesetCasesFailed, runDueActivations, startRulesets } from '../domain/ruleset-versions.ts';
import { demoPassword } from '../seed/demo.ts';
import { tier2BudgetThresholdAt } from '../testing/bodies.ts';
import { describeOnBothDatabases, openTestDatabase } from '../testing/harness.ts';

const raisedThreshold = () => tier2BudgetThresholdAt(20_000_000);

const loweredThreshold = () => tier2BudgetThresholdAt(5_000_000);

/** The scheduled activation's date comes: its run time moves to a second ago. */
const makeDue = (db: Db, activationId: string) =>
  db
    .updateTable('rulesetActivation')
    .set({ runAt: new Date(Date.now() - 1000) })
    .where('id', '=', activationId)
    .execute();

const repoCases = (): RuleCase[] => JSON.parse(readFileSync(join(repoRoot, 'rules/tests/oversight-tier.cases.json'), 'utf8')).cases;

/** The repo's cases that still hold under `content`, plus the cases that state the change. */
async function casesFor(content: unknown, extra: RuleCase[]): Promise<RuleCase[]> {
  const policy = createPolicy({ ...defaultRulesets, 'oversight-tier': parseRuleset('oversight-tier', 'candidate', content) });
  const results = await runRuleCases(policy, { ruleset: 'oversight-tier', cases: repoCases() });
  const kept = repoCases().filter((_, i) => results[i]!.passed);
  expect(kept.length).toBeLessThan(repoCases().length);
  return [...kept, ...extra];
}

const until = async <T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 30_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
};

describeOnBothDatabases('ruleset versions', (t) => {
  const admin = 'admin@example.jp';
  const secondAdmin = 'admin2@example.jp';
  let project: { id: string; code: string };
  let releaseRequest: { id: string };

  beforeAll(async () => {
    const created = await t().request('POST', '/api/v1/admin/users', {
      as: admin,
      body: { email: secondAdmin, displayName: '第二 管理者', role: 'admin', bureauCodes: [], password: demoPassword },
    });
    expect(created.status).toBe(201);
    // ¥7,000,000: tier 1 today, tier 2 once tier 2 starts at ¥5,000,000; a release request waits on it.
    const res = await t().request('POST', '/api/v1/projects', {
      as: 'staff.ind@example.jp',
      body: { name: '閾値の確認', bureauCode: 'IND', fiscalYear: 2026, budgetJpy: 7_000_000, maxDowntimeHours: 48, confidentiality: 'C' },
    });
    project = await res.json();
    expect(project).toMatchObject({ tier: 1, reviewerRole: 'bureau_lead' });
    await t().services.db.updateTable('project').set({ stage: 'development' }).where('id', '=', project.id).execute();
    releaseRequest = await (
      await t().request('POST', `/api/v1/projects/${project.id}/release-requests`, {
        as: 'staff.ind@example.jp',
        body: { plannedReleaseDate: '2027-04-01' },
      })
    ).json();
    expect(releaseRequest).toMatchObject({ reviewerRole: 'bureau_lead' });
  });

  it('starts with one active version of each ruleset, read from rules/', async () => {
    const res = await t().request('GET', '/api/v1/rules/versions', { as: 'staff.wel@example.jp' });
    expect(res.status).toBe(200);
    const { items } = await res.json();
    expect(items).toHaveLength(rulesetNames.length);
    for (const v of items) {
      expect(v).toMatchObject({ status: 'active', proposedBy: null, note: `rules/${v.ruleset}.json` });
      expect(v.version).toBe(t().policy.rulesets[v.ruleset as 'supervision'].version);
    }
  });

  it('refuses a proposal whose cases fail, naming them, and stores nothing', async () => {
    const before = (await (await t().request('GET', '/api/v1/rules/versions', { as: admin })).json()).items.length;
    const res = await t().request('POST', '/api/v1/rules/versions', {
      as: admin,
      body: { ruleset: 'oversight-tier', content: raisedThreshold() },
    });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.code).toBe('rule_violation');
    expect(body.cases.failed).toBeGreaterThan(0);
    expect(body.cases.failures.map((f: { name: string }) => f.name)).toContain(
      'budget exactly ¥10,000,000 is tier 2 (1,000万円未満 is strictly below)',
    );
    expect((await (await t().request('GET', '/api/v1/rules/versions', { as: admin })).json()).items.length).toBe(before);
  });

  it('refuses bad input with paths, and proposals from anyone but an admin', async () => {
    const bad = await t().request('POST', '/api/v1/rules/versions', {
      as: admin,
      body: { ruleset: 'oversight-tier', content: { ...raisedThreshold(), maxTier: 'three' } },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors[0].path).toBe('content.maxTier');
    // Written by hand, as a hostile client would: 100,000 nested arrays in a case's input.
    const deep = `${'['.repeat(100_000)}1${']'.repeat(100_000)}`;
    const deepCase = await t().request('POST', '/api/v1/rules/versions', {
      as: admin,
      body: `{"ruleset":"oversight-tier","content":${JSON.stringify(raisedThreshold())},"cases":[{"name":"深い入力","input":{"budgetJpy":${deep}},"expected":{"tier":1}}]}`,
    });
    expect(deepCase.status).toBe(400);
    expect((await deepCase.json()).errors[0]).toMatchObject({
      path: expect.stringMatching(/^cases\[0\]\.input\.budgetJpy/),
      message: expect.stringMatching(/nested too deeply/),
    });
    const unknown = await t().request('POST', '/api/v1/rules/versions', { as: admin, body: { ruleset: 'nope', content: {} } });
    expect(unknown.status).toBe(400);
    const staff = await t().request('POST', '/api/v1/rules/versions', {
      as: 'chief@example.jp',
      body: { ruleset: 'oversight-tier', content: raisedThreshold() },
    });
    expect(staff.status).toBe(403);
    const same = await t().request('POST', '/api/v1/rules/versions', {
      as: admin,
      body: { ruleset: 'oversight-tier', content: defaultRulesets['oversight-tier'].content },
    });
    expect(same.status).toBe(422);
  });

  it('proposes → simulates → a second person approves → the job re-tiers with history; rollback is another approved version', async () => {
    const { db } = t().services;
    const cases = await casesFor(loweredThreshold(), [
      {
        name: 'budget ¥7,000,000 is tier 2 once tier 2 starts at ¥5,000,000',
        input: { budgetJpy: 7_000_000, maxDowntimeHours: 48, confidentiality: 'C' },
        expected: { tier: 2, reviewerRole: 'cio_advisor' },
      },
    ]);
    const proposed = await t().request('POST', '/api/v1/rules/versions', {
      as: admin,
      body: { ruleset: 'oversight-tier', content: loweredThreshold(), cases, note: '第2区分の予算基準を500万円に' },
    });
    expect(proposed.status).toBe(201);
    const version = await proposed.json();
    expect(version).toMatchObject({ status: 'proposed', revision: 1, caseCount: cases.length, canDecide: false, activation: null });
    expect(version.proposedBy.displayName).toBe('デジタル 管理者');
    // The impact: per bureau, per tier transition, and the pending reviews that move.
    expect(version.impact.changed).toBeGreaterThanOrEqual(1);
    expect(version.impact.byBureau.find((b: { bureauCode: string }) => b.bureauCode === 'IND')).toMatchObject({
      changed: expect.any(Number),
      toTier: expect.objectContaining({ tier1: expect.any(Number) }),
    });
    expect(version.impact.transitions).toContainEqual(expect.objectContaining({ fromTier: 1, toTier: 2 }));
    expect(version.impact.pendingReviews.items).toContainEqual({
      kind: 'release_request',
      id: releaseRequest.id,
      projectCode: project.code,
      projectName: '閾値の確認',
      bureauCode: 'IND',
      fromReviewer: 'bureau_lead',
      toReviewer: 'cio_advisor',
    });
    // Nothing changed yet.
    expect((await db.selectFrom('project').select('tier').where('id', '=', project.id).executeTakeFirstOrThrow()).tier).toBe(1);

    const decide = (as: string, body: Record<string, unknown>) =>
      t().request('POST', `/api/v1/rules/versions/${version.id}/decision`, { as, body });
    expect((await decide(admin, { decision: 'approved', revision: 1 })).status).toBe(403);
    expect((await decide('staff.ind@example.jp', { decision: 'approved', revision: 1 })).status).toBe(403);
    expect((await decide('chief@example.jp', { decision: 'approved', revision: 9 })).status).toBe(409);
    expect((await decide('chief@example.jp', { decision: 'rejected', revision: 1 })).status).toBe(400);
    const asChief = await (await t().request('GET', `/api/v1/rules/versions/${version.id}`, { as: 'chief@example.jp' })).json();
    expect(asChief.canDecide).toBe(true);

    // Two deciders at once: one wins, the other gets 409.
    const [a, b] = await Promise.all([
      decide('chief@example.jp', { decision: 'approved', revision: 1, comment: '影響を確認した' }),
      decide(secondAdmin, { decision: 'approved', revision: 1 }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const approved = await (a.status === 200 ? a : b).json();
    expect(approved.status).toBe('approved');
    expect(approved.activation).toMatchObject({ stepsTotal: 4 });

    const job = await until(
      async () => (await t().request('GET', `/api/v1/rules/activations/${approved.activation.id}`, { as: admin })).json(),
      (j) => j.status === 'succeeded' || j.status === 'failed',
    );
    expect(job).toMatchObject({ status: 'succeeded', step: 'finished', stepsDone: 4, stepsTotal: 4, error: null });
    expect(job.projectsChanged).toBeGreaterThanOrEqual(1);

    const newVersion = parseRuleset('oversight-tier', 'candidate', loweredThreshold()).version;
    const rules = await (await t().request('GET', '/api/v1/rules', { as: 'staff.wel@example.jp' })).json();
    expect(rules.rulesets.find((r: { name: string }) => r.name === 'oversight-tier').version).toBe(newVersion);
    expect(t().services.policy.rulesets['oversight-tier'].version).toBe(newVersion);
    expect(
      await db.selectFrom('project').select(['tier', 'reviewerRole', 'rulesetVersion']).where('id', '=', project.id).executeTakeFirst(),
    ).toEqual({ tier: 2, reviewerRole: 'cio_advisor', rulesetVersion: newVersion });
    const history = await db
      .selectFrom('tierHistory')
      .select(['fromTier', 'toTier', 'cause', 'rulesetVersion'])
      .where('projectId', '=', project.id)
      .where('cause', '=', 'ruleset_changed')
      .execute();
    expect(history).toEqual([{ fromTier: 1, toTier: 2, cause: 'ruleset_changed', rulesetVersion: newVersion }]);
    const moved = await (await t().request('GET', `/api/v1/release-requests/${releaseRequest.id}`, { as: 'lead.ind@example.jp' })).json();
    expect(moved.reviewerRole).toBe('cio_advisor');

    const all = (await (await t().request('GET', '/api/v1/rules/versions?ruleset=oversight-tier', { as: admin })).json()).items;
    expect(all.map((v: { status: string }) => v.status)).toEqual(['active', 'superseded']);
    const audit = await db.selectFrom('auditEvent').select('action').where('entityId', '=', version.id).orderBy('id').execute();
    expect(audit.map((e) => e.action)).toEqual(['ruleset_version.propose', 'ruleset_version.approve', 'ruleset_version.activate']);
    // Decided once: a late second decision is a conflict.
    expect((await decide(secondAdmin, { decision: 'approved', revision: approved.revision })).status).toBe(409);

    // Rollback: the earlier version, proposed again, approved for a date in the future — it waits.
    const earlier = await (await t().request('GET', `/api/v1/rules/versions/${all[1].id}`, { as: admin })).json();
    const rollback = await (
      await t().request('POST', '/api/v1/rules/versions', {
        as: secondAdmin,
        body: { ruleset: 'oversight-tier', content: earlier.content, cases: earlier.cases, note: '元に戻す' },
      })
    ).json();
    expect(rollback.impact.transitions).toContainEqual(expect.objectContaining({ fromTier: 2, toTier: 1 }));
    // Never downwards: the release request filed under tier 2 would stay with the tier-2 reviewer.
    expect(rollback.impact.pendingReviews.items.map((r: { id: string }) => r.id)).not.toContain(releaseRequest.id);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const scheduled = await (
      await t().request('POST', `/api/v1/rules/versions/${rollback.id}/decision`, {
        as: admin,
        body: { decision: 'approved', revision: 1, activateAt: tomorrow },
      })
    ).json();
    expect(scheduled).toMatchObject({ status: 'approved', activateAt: tomorrow, activation: { status: 'queued' } });
    expect(await runDueActivations(t().services)).toBe(0);
    expect(t().services.policy.rulesets['oversight-tier'].version).toBe(newVersion);
    // The date comes.
    await makeDue(db, scheduled.activation.id);
    expect(await runDueActivations(t().services)).toBe(1);
    expect(t().services.policy.rulesets['oversight-tier'].version).toBe(defaultRulesets['oversight-tier'].version);
    expect((await db.selectFrom('project').select('tier').where('id', '=', project.id).executeTakeFirstOrThrow()).tier).toBe(1);
    const rolledBack = await (await t().request('GET', `/api/v1/rules/versions/${rollback.id}`, { as: admin })).json();
    expect(rolledBack).toMatchObject({ status: 'active', activation: { status: 'succeeded', stepsDone: 4 } });
  });

  it('never activates a version whose cases fail when its job runs: clear error, the active one keeps working', async () => {
    const { db } = t().services;
    const activeBefore = t().services.policy.rulesets['oversight-tier'].version;
    const content = raisedThreshold();
    const cases = await casesFor(content, []);
    const version = await (
      await t().request('POST', '/api/v1/rules/versions', { as: admin, body: { ruleset: 'oversight-tier', content, cases } })
    ).json();
    expect(version.status, JSON.stringify(version)).toBe('proposed');
    const scheduled = await (
      await t().request('POST', `/api/v1/rules/versions/${version.id}/decision`, {
        as: 'chief@example.jp',
        body: { decision: 'approved', revision: 1, activateAt: new Date(Date.now() + 3_600_000).toISOString() },
      })
    ).json();
    // Between approval and the date the cases stop holding (here: edited in the database, as an engine upgrade would).
    const failing: RuleCase = {
      name: '¥15,000,000 stays tier 2',
      input: { budgetJpy: 15_000_000, maxDowntimeHours: 48, confidentiality: 'C' },
      expected: { tier: 2 },
    };
    await db
      .updateTable('rulesetVersion')
      .set({ cases: JSON.stringify([...cases, failing]) })
      .where('id', '=', version.id)
      .execute();
    await makeDue(db, scheduled.activation.id);
    expect(await runDueActivations(t().services)).toBe(1);
    const job = await (await t().request('GET', `/api/v1/rules/activations/${scheduled.activation.id}`, { as: admin })).json();
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/1 of \d+ cases fail: not activated .*¥15,000,000 stays tier 2: tier expected 2, got 1/);
    const after = await (await t().request('GET', `/api/v1/rules/versions/${version.id}`, { as: admin })).json();
    expect(after.status).toBe('failed');
    expect(t().services.policy.rulesets['oversight-tier'].version).toBe(activeBefore);
    expect((await loadActivePolicy(db)).rulesets['oversight-tier'].version).toBe(activeBefore);
  });

  it('stops a scheduled version before its date: its job never runs', async () => {
    const content = structuredClone(defaultRulesets.supervision.content) as { title: { ja: string } };
    content.title.ja = `${content.title.ja}（予定の取消）`;
    const version = await (
      await t().request('POST', '/api/v1/rules/versions', { as: admin, body: { ruleset: 'supervision', content } })
    ).json();
    const scheduled = await (
      await t().request('POST', `/api/v1/rules/versions/${version.id}/decision`, {
        as: 'chief@example.jp',
        body: { decision: 'approved', revision: 1, activateAt: new Date(Date.now() + 86_400_000).toISOString() },
      })
    ).json();
    expect(scheduled.status).toBe('approved');
    const cancel = (as: string, body: Record<string, unknown>) =>
      t().request('POST', `/api/v1/rules/versions/${version.id}/cancel`, { as, body });
    expect((await cancel('staff.ind@example.jp', { revision: scheduled.revision, comment: '取消' })).status).toBe(403);
    expect((await cancel(admin, { revision: scheduled.revision, comment: ' ' })).status).toBe(400);
    expect((await cancel(admin, { revision: 1, comment: '取消' })).status).toBe(409);
    const cancelled = await cancel(admin, { revision: scheduled.revision, comment: '適用時期を見直す' });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: 'cancelled', activation: { status: 'cancelled', error: '適用時期を見直す' } });
    expect((await cancel(admin, { revision: scheduled.revision + 1, comment: '再度' })).status).toBe(409);
    const { db } = t().services;
    await makeDue(db, scheduled.activation.id);
    expect(await runDueActivations(t().services)).toBe(0);
    expect(t().services.policy.rulesets.supervision.version).toBe(defaultRulesets.supervision.version);
    const audit = await db.selectFrom('auditEvent').select('action').where('entityId', '=', version.id).orderBy('id').execute();
    expect(audit.map((e) => e.action)).toEqual(['ruleset_version.propose', 'ruleset_version.approve', 'ruleset_version.cancel']);
  });

  it('rejects with a comment; a rejected version cannot be approved', async () => {
    const content = structuredClone(defaultRulesets.supervision.content) as { title: { ja: string } };
    content.title.ja = `${content.title.ja}（改定案）`;
    const version = await (
      await t().request('POST', '/api/v1/rules/versions', { as: admin, body: { ruleset: 'supervision', content } })
    ).json();
    expect(version).toMatchObject({ status: 'proposed', impact: null });
    const rejected = await t().request('POST', `/api/v1/rules/versions/${version.id}/decision`, {
      as: 'chief@example.jp',
      body: { decision: 'rejected', revision: 1, comment: '名称の変更は不要' },
    });
    expect(rejected.status).toBe(200);
    expect((await rejected.json()).status).toBe('rejected');
    const late = await t().request('POST', `/api/v1/rules/versions/${version.id}/decision`, {
      as: secondAdmin,
      body: { decision: 'approved', revision: 2 },
    });
    expect(late.status).toBe(409);
  });
});

describeOnBothDatabases('starting with a ruleset whose own cases fail', (t) => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'psbook-rules-'));
    cpSync(join(repoRoot, 'rules'), dir, { recursive: true });
    writeFileSync(join(dir, 'oversight-tier.json'), JSON.stringify(raisedThreshold()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to start a new database with it, naming the failing cases', async () => {
    const database = await openTestDatabase(t().kind);
    try {
      await migrateToLatest(database.db);
      await expect(startRulesets(database.db, dir)).rejects.toThrow(RulesetCasesFailed);
      await expect(startRulesets(database.db, dir)).rejects.toThrow(
        /rules\/oversight-tier\.json fail .*budget exactly ¥10,000,000 is tier 2.*tier expected 2, got 1/,
      );
      expect(await database.db.selectFrom('rulesetVersion').select('id').execute()).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('keeps the active version of an existing database and says why', async () => {
    const messages: string[] = [];
    const policy = await startRulesets(t().services.db, dir, (m) => messages.push(m));
    expect(policy.rulesets['oversight-tier'].version).toBe(defaultRulesets['oversight-tier'].version);
    expect(messages).toEqual([
      expect.stringMatching(
        /^rules\/oversight-tier\.json \(sha256:\w+\) differs from the active version and its cases fail .*not activated; the active sha256:\w+ stays$/,
      ),
    ]);
  });
});

describe('a server started with a ruleset whose own cases fail', () => {
  it('does not start on a new database; on a database with rules it starts with the active version and says why', async () => {
    const root = mkdtempSync(join(tmpdir(), 'psbook-start-'));
    try {
      const rulesDir = join(root, 'rules');
      cpSync(join(repoRoot, 'rules'), rulesDir, { recursive: true });
      writeFileSync(join(rulesDir, 'oversight-tier.json'), JSON.stringify(raisedThreshold()));
      const config = (dir: string) =>
        loadConfig({ PSBOOK_DATA_DIR: join(root, 'data'), PSBOOK_RULES_DIR: dir, PSBOOK_DEMO: 'false', DATABASE_URL: '' });

      await expect(startServices(config(rulesDir))).rejects.toThrow(/rules not activated: the cases of rules\/oversight-tier\.json fail/);

      const first = await startServices(config(join(repoRoot, 'rules')));
      expect(first.services.policy.rulesets['oversight-tier'].version).toBe(defaultRulesets['oversight-tier'].version);
      await first.close();

      const log: string[] = [];
      const again = await startServices(config(rulesDir), { log: (m) => log.push(m) });
      try {
        expect(again.services.policy.rulesets['oversight-tier'].version).toBe(defaultRulesets['oversight-tier'].version);
        expect(log.join('\n')).toMatch(/rules\/oversight-tier\.json \(sha256:\w+\) differs from the active version and its cases fail/);
        expect(log.join('\n')).not.toMatch(/rulesets activated/);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});

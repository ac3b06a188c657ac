import { createOversightEvaluator, type Policy } from '@psbook/core';
import { expect, it } from 'vitest';
import type { Actor } from '../auth/actor.ts';
import { storeDecisionTable, withExplanations } from '../db/queries/oversight-table.ts';
import { describeOnBothDatabases, type TestApp } from '../testing/harness.ts';
import { importExpenses } from './expense-import.ts';
import { oversightColumns, oversightInputsOf } from './oversight.ts';

/*
 * The import tiers existing and new projects from the compiled decision relation in SQL (decision
 * 0014/0024). Here the same book is imported twice, side by side: once in bureau IND with the policy
 * the server runs (the decision table), once in bureau WEL with a policy that evaluates every input
 * with json-rules-engine and offers no table, which sends the import down its input-by-input path.
 * Both must leave the same tiers, explanations, tier decreases, history, audit and re-routed release
 * requests, and every project must hold what the engine gives for its inputs.
 */

type Inputs = { budgetJpy: number | null; maxDowntimeHours: number | null; confidentiality: 'A' | 'B' | 'C' | null };

// Downtime values on band edges, and values SQL writes otherwise than JavaScript (below 1e-4, from
// 1e15), which the table path leaves to the input-by-input path.
const downtimes = [null, 0, 0.5, 2, 12.25, 24, 48, 720, 721, 0.1 + 0.2, 1e-5, 1e15];
const confidentialities = [null, 'A', 'B', 'C'] as const;
const startBudgets = [null, 0, 3_000_000, 9_999_000, 10_000_000, 49_999_000, 50_000_000, 120_000_000];
// Amounts of the file in thousand yen: across every budget band, up and down from where projects start.
const fileAmounts = [0, 1, 7_999, 9_999, 10_000, 10_001, 49_999, 50_000, 80_000, 2_000_000];

function bookInputs(): Inputs[] {
  const rows: Inputs[] = [];
  let i = 0;
  for (const budgetJpy of startBudgets) {
    for (const maxDowntimeHours of downtimes) {
      rows.push({ budgetJpy, maxDowntimeHours, confidentiality: confidentialities[i++ % confidentialities.length]! });
    }
  }
  return rows;
}

async function adminActor(t: TestApp): Promise<Actor> {
  const user = await t.services.db.selectFrom('appUser').selectAll().where('email', '=', 'admin@example.jp').executeTakeFirstOrThrow();
  return { id: user.id, email: user.email, displayName: user.displayName, role: 'admin', bureauCodes: [], via: 'session', scopes: [] };
}

/** The same rules, evaluated by json-rules-engine for every input, with no decision table to join. */
function enginePolicy(policy: Policy): Policy {
  const engine = createOversightEvaluator(policy.rulesets['oversight-tier']);
  const oversightTable = policy.oversightTable.then((table) =>
    Object.assign(Object.create(Object.getPrototypeOf(table) as object) as typeof table, table, {
      fallback: 'test: json-rules-engine per input',
    }),
  );
  return { ...policy, oversightTable, evaluateOversight: engine };
}

/**
 * Projects of `bureau` as the API would have written them, with decreases waiting and release requests
 * pending on some. `rendered`: without a stored explanation where the re-tier leaves none (all but those
 * whose decrease waits), so the import must keep the explanation in force of the decreases it requests.
 */
async function insertBook(t: TestApp, policy: Policy, bureau: string, inputs: Inputs[], requesterId: string, rendered = false) {
  const db = t.services.db;
  const ids: string[] = [];
  if (rendered) await storeDecisionTable(db, await policy.oversightTable);
  for (const [i, input] of inputs.entries()) {
    const evaluation = await policy.evaluateOversight(input);
    const waits = i % 7 === 3 && (evaluation.tier ?? 0) > 1;
    const columns = oversightColumns(evaluation);
    const project = await db
      .insertInto('project')
      .values({
        name: `比較事業${i}`,
        bureauCode: bureau,
        fiscalYear: 2026,
        ...input,
        ...columns,
        oversight: rendered && !waits ? null : columns.oversight,
      })
      .returning(['id', 'code', 'tier', 'reviewerRole', 'rulesetVersion'])
      .executeTakeFirstOrThrow();
    ids.push(project.code);
    if (project.tier === null || project.reviewerRole === null) continue;
    if (i % 5 === 0) {
      await db
        .insertInto('releaseRequest')
        .values({
          projectId: project.id,
          plannedReleaseDate: '2026-10-01',
          tier: project.tier,
          reviewerRole: project.reviewerRole,
          checklist: '[]',
          evidence: '[]',
          rulesetVersion: project.rulesetVersion,
          requestedBy: requesterId,
          dueAt: new Date('2026-12-31T00:00:00Z'),
        })
        .execute();
    }
    if (waits) {
      // A decrease already waiting (an earlier edit lowered the inputs): the import settles it again.
      const lower = await policy.evaluateOversight({ ...input, budgetJpy: 0 });
      await db
        .insertInto('tierDecrease')
        .values({
          projectId: project.id,
          cause: 'inputs_changed',
          fromTier: project.tier,
          fromReviewerRole: project.reviewerRole,
          fromInputs: JSON.stringify(input),
          toTier: lower.tier,
          toReviewerRole: lower.reviewerRole,
          toEvaluation: JSON.stringify(lower),
          rulesetVersion: project.rulesetVersion,
          requestedBy: requesterId,
        })
        .execute();
    }
  }
  return ids;
}

/** The file for one bureau: a line per existing project (by its code) and new projects, one at the largest budget the book stores (¥9,000,000,000,000,000). */
function fileFor(bureau: string, codes: string[]): string {
  const lines = ['external_id,bureau_code,project_name,fiscal_year,category,amount_kyen,project_code'];
  codes.forEach((code, i) => {
    lines.push(`${bureau}-E${i},${bureau},比較事業${i},2026,system_maintenance,${fileAmounts[i % fileAmounts.length]},${code}`);
  });
  for (const [j, amount] of fileAmounts.entries()) lines.push(`${bureau}-N${j},${bureau},新規事業${j},2026,other,${amount},`);
  lines.push(`${bureau}-BIG,${bureau},巨額事業,2026,other,9000000000000,`);
  return `${lines.join('\r\n')}\r\n`;
}

const body = (text: string) => new Blob([text]).stream();

/** What an import leaves on one bureau's projects, by name, with ids, codes and bureau taken out. */
async function outcome(t: TestApp, bureau: string) {
  const db = t.services.db;
  // As every reader sees them: the explanation stored, or rendered from the version's table (decision 0028).
  const projects = await withExplanations(
    db,
    await db.selectFrom('project').selectAll().where('bureauCode', '=', bureau).where('fiscalYear', '=', 2026).execute(),
  );
  const byName = new Map<string, unknown>();
  for (const p of projects.filter((p) => p.name.startsWith('比較事業') || p.name.startsWith('新規事業') || p.name === '巨額事業')) {
    const history = await db
      .selectFrom('tierHistory')
      .select(['fromTier', 'toTier', 'fromReviewerRole', 'toReviewerRole', 'rulesetVersion', 'cause'])
      .where('projectId', '=', p.id)
      .orderBy('id')
      .execute();
    const decreases = await db
      .selectFrom('tierDecrease')
      .select(['status', 'cause', 'fromTier', 'fromReviewerRole', 'fromInputs', 'toTier', 'toReviewerRole', 'toEvaluation', 'supersededBy'])
      .where('projectId', '=', p.id)
      .orderBy('requestedAt')
      .orderBy('id')
      .execute();
    const releases = await db
      .selectFrom('releaseRequest')
      .select(['tier', 'reviewerRole', 'status'])
      .where('projectId', '=', p.id)
      .execute();
    const audit = await db
      .selectFrom('auditEvent')
      .select(['action', 'entityType', 'before', 'after'])
      .where('projectId', '=', p.id)
      .orderBy('id')
      .execute();
    // Recipients by role: the bureau-scoped reviewers of IND and WEL are different people.
    const notifications = await db
      .selectFrom('notification as n')
      .innerJoin('appUser as u', 'u.id', 'n.userId')
      // And the mail each notice queued (the table side writes them all together: notifyEach).
      .leftJoin('emailOutbox as m', 'm.notificationId', 'n.id')
      .select(['u.role', 'n.kind', 'n.entityType', 'n.titleJa', 'n.titleEn', 'm.subject', 'm.body'])
      .where('n.projectId', '=', p.id)
      .orderBy('u.role')
      .orderBy('n.kind')
      .execute();
    const strip = (value: unknown) => {
      if (value === null || typeof value !== 'object') return value;
      const { code: _c, bureauCode: _b, expenseImportId: _i, ...rest } = value as Record<string, unknown>;
      return rest;
    };
    byName.set(p.name, {
      project: {
        budgetJpy: p.budgetJpy,
        maxDowntimeHours: p.maxDowntimeHours,
        confidentiality: p.confidentiality,
        tier: p.tier,
        tierLowerBound: p.tierLowerBound,
        reviewerRole: p.reviewerRole,
        oversight: p.oversight,
        rulesetVersion: p.rulesetVersion,
        version: p.version,
        isNew: p.isNew,
        registrationTrigger: p.registrationTrigger,
      },
      history,
      decreases,
      releases,
      // By action: one statement writes a project's update and its decrease request, in no set order.
      audit: audit.map((a) => ({ ...a, before: strip(a.before), after: strip(a.after) })).sort((x, y) => x.action.localeCompare(y.action)),
      notifications: notifications.map((n) => ({
        ...n,
        titleJa: n.titleJa.replace(p.code, 'CODE'),
        titleEn: n.titleEn.replace(p.code, 'CODE'),
        subject: n.subject?.replaceAll(p.code, 'CODE') ?? null,
        body: n.body?.replaceAll(p.code, 'CODE') ?? null,
      })),
    });
  }
  return byName;
}

describeOnBothDatabases('the expense import tiers from the decision table as the engine per input does', (t) => {
  it('leaves the same tiers, explanations, decreases, history, audit and release routing as the engine path', async () => {
    const db = t().services.db;
    const actor = await adminActor(t());
    const tablePolicy = t().policy;
    const engine = enginePolicy(tablePolicy);
    const inputs = bookInputs();
    const indCodes = await insertBook(t(), tablePolicy, 'IND', inputs, actor.id, true);
    const welCodes = await insertBook(t(), tablePolicy, 'WEL', inputs, actor.id);

    // Count what the table run still evaluates in JavaScript: only decreases and inputs the table leaves.
    let evaluatedInJs = 0;
    const counted: Policy = {
      ...tablePolicy,
      evaluateOversight: (input) => {
        evaluatedInJs++;
        return tablePolicy.evaluateOversight(input);
      },
    };
    const dryRun = await importExpenses({ db, policy: counted, actor, requestId: 'table-dry' }, body(fileFor('IND', indCodes)), {
      dryRun: true,
    });
    expect(dryRun.errors).toEqual([]);
    evaluatedInJs = 0;
    const byTable = await importExpenses({ db, policy: counted, actor, requestId: 'table' }, body(fileFor('IND', indCodes)), {
      dryRun: false,
    });
    const byEngine = await importExpenses({ db, policy: engine, actor, requestId: 'engine' }, body(fileFor('WEL', welCodes)), {
      dryRun: false,
    });

    expect(byTable.errorCount).toBe(0);
    expect(byTable.projects).toEqual(byEngine.projects);
    expect(byTable.lines).toEqual(byEngine.lines);
    expect(dryRun.projects).toMatchObject({ created: byTable.projects.created, updated: byTable.projects.updated });
    expect(byTable.projects.created).toBe(fileAmounts.length + 1);
    expect(byTable.projects.tierChanged).toBeGreaterThan(10);

    const viaTable = await outcome(t(), 'IND');
    const viaEngine = await outcome(t(), 'WEL');
    expect([...viaTable.keys()].sort()).toEqual([...viaEngine.keys()].sort());
    for (const [name, value] of viaTable) expect(value, name).toEqual(viaEngine.get(name));

    // The table run evaluated in JavaScript only the settled projects, the inputs SQL cannot write
    // exactly — far fewer than the projects it tiered.
    const decreasesSettled = await db
      .selectFrom('tierDecrease as d')
      .innerJoin('project as p', 'p.id', 'd.projectId')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('p.bureauCode', '=', 'IND')
      .where('d.cause', '=', 'import')
      .executeTakeFirstOrThrow();
    expect(Number(decreasesSettled.n)).toBeGreaterThan(0);
    const told = await db
      .selectFrom('notification as n')
      .innerJoin('project as p', 'p.id', 'n.projectId')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('p.bureauCode', '=', 'IND')
      .where('n.kind', '=', 'tier_decrease_waiting')
      .executeTakeFirstOrThrow();
    expect(Number(told.n)).toBeGreaterThan(0);
    const mailed = await db
      .selectFrom('emailOutbox as m')
      .innerJoin('notification as n', 'n.id', 'm.notificationId')
      .innerJoin('project as p', 'p.id', 'n.projectId')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('p.bureauCode', '=', 'IND')
      .where('n.kind', '=', 'tier_decrease_waiting')
      .executeTakeFirstOrThrow();
    expect(Number(mailed.n)).toBe(Number(told.n));
    // The engine path evaluates every distinct input (about one per project here).
    expect(evaluatedInJs).toBeLessThan(inputs.length / 2);

    // And every project holds what json-rules-engine gives for its inputs, unless a decrease waits for consent.
    const evaluate = createOversightEvaluator(tablePolicy.rulesets['oversight-tier']);
    const rows = await db
      .selectFrom('project as p')
      .select([
        'p.id',
        'p.name',
        'p.budgetJpy',
        'p.maxDowntimeHours',
        'p.confidentiality',
        'p.tier',
        'p.tierLowerBound',
        'p.reviewerRole',
        'p.oversight',
        'p.rulesetVersion',
      ])
      .where('p.bureauCode', 'in', ['IND', 'WEL'])
      .where('p.fiscalYear', '=', 2026)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('tierDecrease as d').select('d.id').whereRef('d.projectId', '=', 'p.id').where('d.status', '=', 'pending'),
          ),
        ),
      )
      .execute()
      .then((stored) => withExplanations(db, stored));
    expect(rows.length).toBeGreaterThan(inputs.length);
    for (const row of rows) {
      const e = await evaluate(oversightInputsOf(row));
      expect(
        { tier: row.tier, lowerBound: row.tierLowerBound, reviewerRole: row.reviewerRole, oversight: row.oversight },
        row.name,
      ).toEqual({ tier: e.tier, lowerBound: e.lowerBound, reviewerRole: e.reviewerRole, oversight: JSON.parse(JSON.stringify(e)) });
    }
  });
});

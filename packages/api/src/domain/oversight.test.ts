import { isDeepStrictEqual } from 'node:util';
import {
  addBandsOfEveryOperator,
  createOversightEvaluator,
  createPolicy,
  type Policy,
  parseRuleset,
  reviseOversightThresholds,
  type TOversightRuleset,
} from '@psbook/core';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { tierFromDecisionTable, withExplanation, withExplanations } from '../db/queries/oversight-table.ts';
import { describeOnBothDatabases, type TestApp, testPolicy } from '../testing/harness.ts';
import { oversightColumns, oversightInputsOf, retierAllProjects } from './oversight.ts';
import { bandIndexSql, tierSql, UntranslatableRulesetError } from './oversight-bands.ts';

/** mulberry32: the same projects on every run. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const budgets = [
  null,
  0,
  1000,
  7_999_999,
  8_000_000,
  8_000_001,
  9_999_999,
  10_000_000,
  10_000_001,
  49_999_999,
  50_000_000,
  50_000_001,
  123_456_789_000,
  Number.MAX_SAFE_INTEGER,
];
// Downtime is double precision: boundaries, fractions whose text must read as String(number) does,
// and values SQL writes differently from JavaScript (1e-5, 1e15, 1e20), which take the engine path.
const downtimes = [
  null,
  0,
  -0,
  0.5,
  1.25,
  2,
  2.000000001,
  2.5,
  12,
  12.25,
  24,
  48,
  720,
  721,
  0.1 + 0.2,
  123456.789,
  1e-4,
  1e-5,
  1e-7,
  1e14 + 0.5,
  1e15,
  1e20,
  Number.NaN,
  Number.POSITIVE_INFINITY,
];
const confidentialities = [null, 'A', 'B', 'C'] as const;

type Inputs = { budgetJpy: number | null; maxDowntimeHours: number | null; confidentiality: 'A' | 'B' | 'C' | null };

function generateInputs(count: number): Inputs[] {
  const next = random(20261122);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const rows: Inputs[] = [];
  // Every boundary budget and downtime at least once, then random mixes.
  for (const budgetJpy of budgets) rows.push({ budgetJpy, maxDowntimeHours: pick(downtimes), confidentiality: pick(confidentialities) });
  for (const maxDowntimeHours of downtimes)
    rows.push({ budgetJpy: pick(budgets), maxDowntimeHours, confidentiality: pick(confidentialities) });
  while (rows.length < count) {
    const r = next();
    const budgetJpy = r < 0.3 ? pick(budgets) : Math.round(next() * 10 ** (4 + next() * 7)) * (r < 0.6 ? 1000 : 1);
    const d = next();
    const maxDowntimeHours =
      d < 0.3 ? pick(downtimes) : d < 0.6 ? next() * 100 : d < 0.8 ? Math.round(next() * 4000) / 4 : d < 0.9 ? next() * 1e-3 : next() * 1e6;
    rows.push({ budgetJpy, maxDowntimeHours, confidentiality: pick(confidentialities) });
  }
  return rows;
}

/** Projects as the API would have written them under `policy`, inserted directly. */
async function insertProjects(t: TestApp, policy: Policy, inputs: Inputs[]) {
  for (let i = 0; i < inputs.length; i += 200) {
    const slice = inputs.slice(i, i + 200);
    const evaluations = await Promise.all(slice.map((input) => policy.evaluateOversight(input)));
    await t.services.db
      .insertInto('project')
      .values(
        slice.map((input, j) => ({
          name: `再判定${i + j}`,
          bureauCode: 'IND',
          fiscalYear: 2026,
          ...input,
          ...oversightColumns(evaluations[j]!),
        })),
      )
      .execute();
  }
}

/** A copy of the active oversight ruleset, changed by `edit`, as a policy. */
function policyWith(base: Policy, edit: (ruleset: TOversightRuleset) => void): Policy {
  const content = structuredClone(base.rulesets['oversight-tier'].content);
  edit(content);
  return createPolicy({ ...base.rulesets, 'oversight-tier': parseRuleset('oversight-tier', 'changed.json', content) });
}

const factorOf = (ruleset: TOversightRuleset, name: string) => ruleset.factors.find((f) => f.factor === name)!;

/** The revision the retier benchmark measures, with gaps (core's reviseOversightThresholds). */
const revised = (base: Policy): Policy => policyWith(base, reviseOversightThresholds);

/** Every operator in a band (core's addBandsOfEveryOperator). */
const everyOperator = (base: Policy): Policy => policyWith(base, addBandsOfEveryOperator);

type Snapshot = Map<string, { tier: number | null; reviewerRole: string | null }>;

async function snapshot(t: TestApp): Promise<Snapshot> {
  const rows = await t.services.db.selectFrom('project').select(['id', 'tier', 'reviewerRole']).execute();
  return new Map(rows.map((r) => [r.id, { tier: r.tier, reviewerRole: r.reviewerRole }]));
}

/**
 * Every project holds exactly what json-rules-engine gives for its inputs, explanation included: the
 * engine-per-row path, run here on the same data, against what the re-tier wrote from the table.
 */
async function expectEngineEverywhere(t: TestApp, policy: Policy) {
  const engine = createOversightEvaluator(policy.rulesets['oversight-tier']);
  const rows = await t.services.db
    .selectFrom('project')
    .select([
      'id',
      'budgetJpy',
      'maxDowntimeHours',
      'confidentiality',
      'tier',
      'tierLowerBound',
      'reviewerRole',
      'oversight',
      'rulesetVersion',
    ])
    .execute()
    // What every reader returns: the stored explanation, or the one rendered from the version's table.
    .then((stored) => withExplanations(t.services.db, stored));
  expect(rows.length).toBeGreaterThan(0);
  let wrong = 0;
  for (const row of rows) {
    const evaluation = await engine(oversightInputsOf(row));
    const expected = {
      tier: evaluation.tier,
      tierLowerBound: evaluation.lowerBound,
      reviewerRole: evaluation.reviewerRole,
      // Stored as JSON.stringify(evaluation): NaN and Infinity become null there.
      oversight: JSON.parse(JSON.stringify(evaluation)),
      rulesetVersion: evaluation.rulesetVersion,
    };
    const actual = {
      tier: row.tier,
      tierLowerBound: row.tierLowerBound,
      reviewerRole: row.reviewerRole,
      oversight: row.oversight,
      rulesetVersion: row.rulesetVersion,
    };
    // One failing project reported in full; the count says how many more.
    if (wrong === 0) expect(actual, `project ${JSON.stringify(oversightInputsOf(row))}`).toEqual(expected);
    if (!isDeepStrictEqual(actual, expected)) wrong++;
  }
  expect(wrong).toBe(0);
}

/** History and audit rows of `version`: exactly the projects whose tier or reviewer changed, from → to. */
async function expectHistoryForChanges(t: TestApp, before: Snapshot, version: string, requestId: string) {
  const after = await snapshot(t);
  const changed = [...after].filter(([id, a]) => before.get(id)!.tier !== a.tier || before.get(id)!.reviewerRole !== a.reviewerRole);
  const history = await t.services.db
    .selectFrom('tierHistory')
    .select(['projectId', 'fromTier', 'toTier', 'fromReviewerRole', 'toReviewerRole', 'cause'])
    .where('rulesetVersion', '=', version)
    .execute();
  const expected = changed.map(([id, a]) => ({
    projectId: id,
    fromTier: before.get(id)!.tier,
    toTier: a.tier,
    fromReviewerRole: before.get(id)!.reviewerRole,
    toReviewerRole: a.reviewerRole,
    cause: 'ruleset_changed',
  }));
  const byId = (x: { projectId: string }, y: { projectId: string }) => x.projectId.localeCompare(y.projectId);
  expect(history.sort(byId)).toEqual(expected.sort(byId));
  const audits = await t.services.db
    .selectFrom('auditEvent')
    .select(['entityId', 'projectId', 'before', 'after', 'actorLabel'])
    .where('action', '=', 'project.retier')
    .where('requestId', '=', requestId)
    .execute();
  expect(audits.map((a) => a.entityId).sort()).toEqual(changed.map(([id]) => id).sort());
  for (const audit of audits) {
    const a = after.get(audit.entityId)!;
    const b = before.get(audit.entityId)!;
    expect(audit).toMatchObject({ projectId: audit.entityId, actorLabel: 'retier test' });
    expect(audit.before).toEqual({ tier: b.tier, reviewerRole: b.reviewerRole });
    expect(audit.after).toEqual({ tier: a.tier, reviewerRole: a.reviewerRole, rulesetVersion: version });
  }
  return changed.length;
}

const who = (requestId: string) => ({ actor: { id: null, label: 'retier test' }, requestId });

describe('the tier table as SQL', () => {
  const base = testPolicy();

  it('refuses conditions it cannot translate exactly', () => {
    // The engine searches a string value as a substring ('AB'.indexOf('A')), and coerces a string to
    // compare it with a number: both pass validation, neither has a faithful SQL form.
    const substring = policyWith(base, (r) => {
      factorOf(r, 'confidentiality').bands[1]!.conditions = [{ operator: 'in', value: 'BC' }];
    });
    const coerced = policyWith(base, (r) => {
      factorOf(r, 'budget').bands[2]!.conditions = [{ operator: 'lessThan', value: '10000000' }];
    });
    for (const policy of [substring, coerced]) {
      const content = policy.rulesets['oversight-tier'].content;
      expect(() => bandIndexSql(content)).toThrow(UntranslatableRulesetError);
      expect(() => tierSql(content)).toThrow(UntranslatableRulesetError);
    }
  });

  it('translates every operator a band condition can have', () => {
    const policy = everyOperator(base);
    const [budget, downtime, confidentiality] = bandIndexSql(policy.rulesets['oversight-tier'].content);
    expect(budget).toContain('budget_jpy >= 50000000');
    expect(downtime).toContain(`max_downtime_hours >= '0.25'::double precision`);
    expect(downtime).toContain(`max_downtime_hours in ('0.5'::double precision)`);
    expect(confidentiality).toContain(`confidentiality not in ('A')`);
    // contains / doesNotContain never hold: the engine requires the fact to be an array.
    expect(confidentiality).not.toContain('then 3');
    expect(confidentiality).not.toContain('then 4');
  });
});

describeOnBothDatabases('re-tiering every project after the oversight ruleset changes', (t) => {
  const inputs = generateInputs(400);

  it('gives every project what the engine gives, explanation included, from the decision table', async () => {
    await insertProjects(t(), t().policy, inputs);
    const policy = revised(t().policy);
    const version = policy.rulesets['oversight-tier'].version;
    const before = await snapshot(t());

    const result = await retierAllProjects(t().services.db, policy, who('retier-1'));
    await expectEngineEverywhere(t(), policy);
    // Band combinations: (3 bands + none + not given) × (3 + 2) × (2 + 2) at most.
    expect(result.combinations).toBe((await policy.oversightTable).rows.length);
    expect(result.combinations).toBeLessThanOrEqual(100);
    const stored = await t().services.db.selectFrom('oversightDecision').selectAll().where('rulesetVersion', '=', version).execute();
    expect(stored).toHaveLength(result.combinations);
    // Only values SQL cannot write as JavaScript does went input by input: below 1e-4, from 1e15,
    // NaN and Infinity (a few dozen distinct inputs out of 400).
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from (
        select distinct budget_jpy, max_downtime_hours, confidentiality from project
        where max_downtime_hours <> 0 and not (abs(max_downtime_hours) >= 0.0001 and abs(max_downtime_hours) < 1e15)
      ) d
    `.execute(t().services.db);
    const unformattable = rows[0]!;
    expect(unformattable.n).toBeGreaterThan(0);
    // Every other project went by its band combination: the engine and the SQL agreed on all of them.
    expect(result.exactInputs).toBe(unformattable.n);

    const changed = await expectHistoryForChanges(t(), before, version, 'retier-1');
    expect(result.changed).toBe(changed);
    expect(changed).toBeGreaterThan(20);

    // The benchmark's limit (one UPDATE with CASE) computes the same tiers, NaN aside.
    const { tier, lowerBound, reviewer } = tierSql(policy.rulesets['oversight-tier'].content);
    const disagreements = await sql<{ n: number }>`
      select count(*)::int as n from project
      where max_downtime_hours is distinct from 'NaN' and (tier is distinct from ${sql.raw(tier)}
        or tier_lower_bound <> ${sql.raw(lowerBound)} or reviewer_role is distinct from ${sql.raw(reviewer)})
    `.execute(t().services.db);
    expect(disagreements.rows[0]!.n).toBe(0);

    // A second run finds nothing to do.
    const historyCount = async () =>
      Number(
        (
          await t()
            .services.db.selectFrom('tierHistory')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const histories = await historyCount();
    expect(await retierAllProjects(t().services.db, policy, who('retier-2'))).toEqual({ combinations: 0, exactInputs: 0, changed: 0 });
    expect(await historyCount()).toBe(histories);
  });

  it('agrees with the engine for a ruleset using every operator, and on a missing input a band holds for', async () => {
    const policy = everyOperator(t().policy);
    const before = await snapshot(t());
    const result = await retierAllProjects(t().services.db, policy, who('retier-ops'));
    expect(result.combinations).toBeGreaterThan(10);
    await expectEngineEverywhere(t(), policy);
    const version = policy.rulesets['oversight-tier'].version;
    expect(result.changed).toBe(await expectHistoryForChanges(t(), before, version, 'retier-ops'));
    const noConfidentiality = await t()
      .services.db.selectFrom('project')
      .selectAll()
      .where('confidentiality', 'is', null)
      .where('budgetJpy', 'is not', null)
      .executeTakeFirstOrThrow();
    // Stored by no one: rendered from the version's table when read.
    expect(noConfidentiality.oversight).toBeNull();
    expect((await withExplanation(t().services.db, noConfidentiality)).oversight.factors[2]!.tier).toBe(1);
  });

  it('takes the engine path, input by input, for a ruleset the compiler cannot band', async () => {
    // A string threshold: JavaScript coerces it to compare it with a budget, so no number cuts the budgets exactly.
    const policy = policyWith(t().policy, (r) => {
      factorOf(r, 'budget').bands[2]!.conditions = [{ operator: 'lessThan', value: '10000000' }];
    });
    expect((await policy.oversightTable).fallback).toMatch(/budget: lessThan "10000000"/);
    const before = await snapshot(t());
    const result = await retierAllProjects(t().services.db, policy, who('retier-3'));
    const distinct = await sql<{ n: number }>`
      select count(*)::int as n from (select distinct budget_jpy, max_downtime_hours, confidentiality from project) d
    `.execute(t().services.db);
    expect(result.combinations).toBe(0);
    expect(result.exactInputs).toBe(distinct.rows[0]!.n);
    await expectEngineEverywhere(t(), policy);
    const version = policy.rulesets['oversight-tier'].version;
    expect(result.changed).toBe(await expectHistoryForChanges(t(), before, version, 'retier-3'));
  });

  it('writes explanations whose labels hold digits the values also have from the table too', async () => {
    // A digit in the factor's label: the templates are cut where the value goes, not where its text first occurs.
    const policy = policyWith(t().policy, (r) => {
      factorOf(r, 'budget').label = { ja: '予算規模（2020年度基準）', en: 'Budget size (2020 basis)' };
    });
    const before = await snapshot(t());
    const result = await retierAllProjects(t().services.db, policy, who('retier-4'));
    expect(result.combinations).toBeGreaterThan(10);
    const unformattable = await sql<{ n: number }>`
      select count(*)::int as n from (
        select distinct budget_jpy, max_downtime_hours, confidentiality from project
        where max_downtime_hours <> 0 and not (abs(max_downtime_hours) >= 0.0001 and abs(max_downtime_hours) < 1e15)
      ) d
    `.execute(t().services.db);
    expect(result.exactInputs).toBe(unformattable.rows[0]!.n);
    await expectEngineEverywhere(t(), policy);
    const version = policy.rulesets['oversight-tier'].version;
    expect(result.changed).toBe(await expectHistoryForChanges(t(), before, version, 'retier-4'));
  });

  it('tiers only the projects a caller selects, set-based, with the cause it names (what the import calls)', async () => {
    const policy = revised(t().policy);
    const table = await policy.oversightTable;
    const db = t().services.db;
    await db.updateTable('project').set({ bureauCode: 'WEL' }).where(sql<boolean>`budget_jpy % 2 = 0`).execute();
    const versionsBefore = new Map(
      (await db.selectFrom('project').select(['id', 'rulesetVersion']).execute()).map((r) => [r.id, r.rulesetVersion]),
    );
    expect([...versionsBefore.values()]).not.toContain(table.version);
    const { changed } = await db.transaction().execute((tx) =>
      tierFromDecisionTable(tx, table, who('import-1'), {
        where: sql<boolean>`p.bureau_code = 'WEL'`,
        cause: 'import',
        action: 'project.import',
      }),
    );
    const rows = await db.selectFrom('project').select(['id', 'bureauCode', 'rulesetVersion']).execute();
    const exact = await sql<{ id: string }>`
      select id from project where max_downtime_hours is null or max_downtime_hours = 0
        or (abs(max_downtime_hours) >= 0.0001 and abs(max_downtime_hours) < 1e15)`.execute(db);
    const isExact = new Set(exact.rows.map((r) => r.id));
    for (const row of rows) {
      const expected = row.bureauCode === 'WEL' && isExact.has(row.id) ? table.version : versionsBefore.get(row.id);
      expect(row.rulesetVersion, row.id).toBe(expected);
    }
    const history = await db
      .selectFrom('tierHistory')
      .select(['projectId', 'cause'])
      .where('rulesetVersion', '=', table.version)
      .where('cause', '=', 'import')
      .execute();
    expect(history.length).toBe(changed);
    expect(changed).toBeGreaterThan(0);
    const audits = await db.selectFrom('auditEvent').select('entityId').where('requestId', '=', 'import-1').execute();
    expect(audits.map((a) => a.entityId).sort()).toEqual(history.map((h) => h.projectId).sort());
    const wel = new Set(rows.filter((r) => r.bureauCode === 'WEL').map((r) => r.id));
    for (const h of history) expect(wel.has(h.projectId)).toBe(true);
  });
});

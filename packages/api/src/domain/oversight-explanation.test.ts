import {
  createOversightEvaluator,
  createPolicy,
  type OversightDecisionTable,
  type Policy,
  parseRuleset,
  type TOversightInput,
  type TOversightRuleset,
} from '@psbook/core';
import fc from 'fast-check';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import type { Db } from '../db/database.ts';
import { useRoundTripFloats } from '../db/queries/oversight.ts';
import { decisionJoinSql, forgetDecisionTables, tierFromDecisionTable } from '../db/queries/oversight-table.ts';
import { findProjectById } from '../db/queries/projects.ts';
import { withTransaction } from '../db/transaction.ts';
import { describeOnBothDatabases } from '../testing/harness.ts';
import { oversightColumns, oversightInputsOf, retierAllProjects } from './oversight.ts';

/*
 * Decision 0028: the re-tier and the import's table path store no explanation; every reader renders it
 * from the decision table of the project's ruleset version. Here the explanation the re-tier stored
 * until then — the decision row's JSON pieces with the project's values put in, by SQL — is computed
 * for the same projects and compared with what the readers answer, for the demo book and for random
 * inputs, and both with json-rules-engine run on the project's inputs.
 */

const who = (requestId: string) => ({ actor: { id: null, label: 'explanation test' }, requestId });

/** The revision the retier benchmark measures: tier 2 from ¥8,000,000 instead of ¥10,000,000 (a new version). */
function revised(base: Policy): Policy {
  const content: TOversightRuleset = structuredClone(base.rulesets['oversight-tier'].content);
  for (const band of content.factors.find((f) => f.factor === 'budget')!.bands) {
    for (const c of band.conditions) if (c.value === 10_000_000) c.value = 8_000_000;
    band.label = { ja: band.label.ja.replace('1,000万円', '800万円'), en: band.label.en.replace('¥10,000,000', '¥8,000,000') };
  }
  return createPolicy({ ...base.rulesets, 'oversight-tier': parseRuleset('oversight-tier', 'revised.json', content) });
}

/** The explanation the re-tier stored before decision 0028 for each of `ids` it tiers exactly from `table`, by id. */
async function storedBefore(db: Db, table: OversightDecisionTable, ids: string[]): Promise<Map<string, unknown>> {
  return withTransaction(db, async (tx) => {
    await useRoundTripFloats(tx);
    const join = decisionJoinSql(table, 'p');
    const rows = await sql<{ id: string; explanation: string }>`
      select p.id, (${join.explanation})::text as explanation
      from project p join oversight_decision d on ${join.on}
      where ${join.exact} and p.id = any(${sql.val(ids)}::uuid[])`.execute(tx);
    return new Map(rows.rows.map((r) => [r.id, JSON.parse(r.explanation)]));
  });
}

/** json-rules-engine's evaluation as a stored explanation reads back (NaN and Infinity become null in JSON). */
const engineOf = (policy: Policy) => {
  const engine = createOversightEvaluator(policy.rulesets['oversight-tier']);
  return async (input: TOversightInput) => JSON.parse(JSON.stringify(await engine(input)));
};

describeOnBothDatabases(
  'explanations rendered from the decision table of the tier’s ruleset version (decision 0028)',
  (t) => {
    it('answers for every demo project, by GET and by the list, the explanation the re-tier stored before', async () => {
      const db = t().services.db;
      const policy = revised(t().policy);
      const table = await policy.oversightTable;
      await retierAllProjects(db, policy, who('demo'));
      const projects = await db.selectFrom('project').select(['id', 'oversight', 'rulesetVersion']).execute();
      expect(projects.length).toBeGreaterThan(10);
      const before = await storedBefore(
        db,
        table,
        projects.map((p) => p.id),
      );
      // The table tiers the demo book exactly; only the projects whose decrease waited were tiered one by
      // one, storing their explanation (in force, or the new one that ended the decrease).
      const stored = projects.filter((p) => p.oversight !== null);
      const decreases = await db.selectFrom('tierDecrease').select('projectId').distinct().execute();
      expect(decreases.length).toBeGreaterThan(0);
      expect(stored.map((p) => p.id).sort()).toEqual(decreases.map((w) => w.projectId).sort());
      expect(before.size).toBe(projects.length);

      // A restarted server: nothing remembered, the version's table compiled from the ruleset kept with its rows.
      forgetDecisionTables();
      const engine = engineOf(policy);
      const list = await (await t().request('GET', '/api/v1/projects?limit=200', { as: 'admin@example.jp' })).json();
      expect(list.items.length).toBe(projects.length);
      const listed = new Map<string, unknown>(list.items.map((p: { id: string; oversight: unknown }) => [p.id, p.oversight]));
      for (const p of projects.filter((p) => p.oversight === null)) {
        const res = await t().request('GET', `/api/v1/projects/${p.id}`, { as: 'admin@example.jp' });
        expect(res.status).toBe(200);
        const one = await res.json();
        expect(one.oversight, one.code).toEqual(before.get(p.id));
        expect(one.oversight, one.code).toEqual(await engine(oversightInputsOf(one)));
        // The version the tier was decided under, not the one the server runs.
        expect(one.oversight.rulesetVersion).toBe(table.version);
        expect(table.version).not.toBe(t().policy.rulesets['oversight-tier'].version);
        expect(listed.get(p.id), one.code).toEqual(one.oversight);
      }
    });

    it('keeps the explanation in force when an edit lowers the inputs of a project whose explanation was rendered', async () => {
      const db = t().services.db;
      const project = await db
        .selectFrom('project')
        .select(['id', 'version', 'bureauCode'])
        .where('oversight', 'is', null)
        .where('tier', '>=', 2)
        .where('bureauCode', '=', 'IND')
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('tierDecrease as d')
                .select('d.id')
                .whereRef('d.projectId', '=', 'project.id')
                .where('d.status', '=', 'pending'),
            ),
          ),
        )
        .orderBy('code')
        .executeTakeFirstOrThrow();
      const inForce = await (await t().request('GET', `/api/v1/projects/${project.id}`, { as: 'admin@example.jp' })).json();
      const res = await t().request('PATCH', `/api/v1/projects/${project.id}`, {
        as: 'admin@example.jp',
        body: { version: project.version, budgetJpy: 0, maxDowntimeHours: 720, confidentiality: 'C' },
      });
      expect(res.status).toBe(200);
      const after = await res.json();
      // A lower tier waits for its reviewer: tier and explanation stay those of the inputs before.
      expect(after.tier).toBe(inForce.tier);
      expect(after.budgetJpy).toBe(0);
      expect(after.oversight).toEqual(inForce.oversight);
      const read = await (await t().request('GET', `/api/v1/projects/${project.id}`, { as: 'admin@example.jp' })).json();
      expect(read.oversight).toEqual(inForce.oversight);
      const decrease = await db.selectFrom('tierDecrease').select('status').where('projectId', '=', project.id).executeTakeFirstOrThrow();
      expect(decrease.status).toBe('pending');
    });

    it('renders for random inputs what the set-based tiering stored before, and what the engine gives', async () => {
      const db = t().services.db;
      const policies = [t().policy, revised(t().policy)];
      const cuts = [0, 1, 7_999_999, 8_000_000, 9_999_999, 10_000_000, 10_000_001, 49_999_999, 50_000_000, 50_000_001];
      const input = fc.record({
        budgetJpy: fc.oneof(fc.constant(null), fc.constantFrom(...cuts), fc.integer({ min: 0, max: 10 ** 12 }), fc.maxSafeNat()),
        maxDowntimeHours: fc.oneof(
          fc.constant(null),
          fc.constantFrom(0, 2, 12, 24, 48, 720, 721, 0.1 + 0.2, 1e-5, 1e15),
          fc.double({ min: 0, max: 1e6, noNaN: true }),
        ),
        confidentiality: fc.constantFrom(null, 'A', 'B', 'C'),
      });
      let run = 0;
      let rendered = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(input, { minLength: 5, maxLength: 30 }), async (inputs) => {
          // Alternate the two versions, so every run tiers its projects under the other one.
          const policy = policies[run++ % 2]!;
          const other = policies[run % 2]!;
          const evaluations = await Promise.all(inputs.map((i) => other.evaluateOversight(i)));
          const inserted = await db
            .insertInto('project')
            .values(
              inputs.map((i, j) => ({
                name: `無作為${run}-${j}`,
                bureauCode: 'IND',
                fiscalYear: 2026,
                ...i,
                ...oversightColumns(evaluations[j]!),
              })),
            )
            .returning('id')
            .execute();
          const ids = inserted.map((r) => r.id);
          const table = await policy.oversightTable;
          await withTransaction(db, (tx) =>
            tierFromDecisionTable(tx, table, who(`random-${run}`), {
              where: sql<boolean>`p.id = any(${sql.val(ids)}::uuid[])`,
              cause: 'ruleset_changed',
              action: 'project.retier',
            }),
          );
          const before = await storedBefore(db, table, ids);
          const engine = engineOf(policy);
          if (run % 3 === 0) forgetDecisionTables();
          for (const id of ids) {
            const row = (await findProjectById(db, id))!;
            const stored = await db.selectFrom('project').select('oversight').where('id', '=', id).executeTakeFirstOrThrow();
            if (!before.has(id)) {
              // A value SQL writes otherwise than JavaScript: not tiered by the statement, explanation still stored.
              expect(stored.oversight).not.toBeNull();
              continue;
            }
            expect(stored.oversight).toBeNull();
            rendered++;
            expect(row.oversight).toEqual(before.get(id));
            expect(row.oversight).toEqual(await engine(oversightInputsOf(row)));
          }
        }),
        { numRuns: 12, seed: 20261209 },
      );
      expect(rendered).toBeGreaterThan(40);
    });
  },
  { demoProjects: true },
);

import { createOversightEvaluator, defaultRulesets, parseRuleset, rulesetNames, type TOversightInput } from '@psbook/core';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { checkCandidateShape } from '../domain/rules-simulation.ts';
import { tier2BudgetThresholdAt } from '../testing/bodies.ts';
import { describeOnBothDatabases, type TestApp } from '../testing/harness.ts';

const raisedThreshold = () => tier2BudgetThresholdAt(20_000_000);

/** Everything the simulation could touch, row by row. */
async function snapshot(t: TestApp) {
  const { rows } = await sql<Record<string, unknown>>`
    select (select json_agg(json_build_object('id', id, 'tier', tier, 'reviewer', reviewer_role, 'version', version, 'updated', updated_at,
              'ruleset', ruleset_version, 'oversight', oversight) order by id) from project)::text as projects,
      (select count(*) from tier_history)::int as history,
      (select count(*) from audit_event)::int as audit,
      (select json_agg(json_build_object('name', name, 'version', version, 'at', activated_at) order by name) from ruleset_state)::text as rulesets`.execute(
    t.services.db,
  );
  return rows[0];
}

describe('candidate shape limits', () => {
  it('stops at depth, width and size without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(checkCandidateShape(deep)?.message).toMatch(/nested too deeply/);
    expect(checkCandidateShape({ factors: Array.from({ length: 101 }, () => 1) })).toEqual({
      path: 'content.factors',
      message: 'at most 100 items',
    });
    expect(checkCandidateShape(defaultRulesets['oversight-tier'].content)).toBeNull();
  });
});

describeOnBothDatabases(
  'rules',
  (t) => {
    const simulate = (content: unknown, as = 'admin@example.jp') =>
      t().request('POST', '/api/v1/rules/simulate', { as, body: { ruleset: 'oversight-tier', content } });

    it('lists the active rulesets and renders the tier table', async () => {
      const res = await t().request('GET', '/api/v1/rules', { as: 'staff.wel@example.jp' });
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.rulesets.map((r: { name: string }) => r.name)).toEqual([...rulesetNames]);
      for (const r of body.rulesets) {
        expect(r.version).toBe(t().policy.rulesets[r.name as keyof TestApp['policy']['rulesets']].version);
        expect(r.activatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
        expect(r.content.ruleset).toBe(r.name);
      }
      const rows = body.tierTable.rows.map((row: { key: string; cells: { label: { ja: string } | null }[] }) => [
        row.key,
        ...row.cells.map((c) => c.label?.ja ?? null),
      ]);
      expect(rows).toEqual([
        ['budget', '1,000万円未満', '5,000万円未満（1,000万円以上）', '5,000万円以上'],
        ['downtime', '12時間超', '12時間以内（2時間超）', '2時間以内'],
        ['confidentiality', 'B又はC', 'A', null],
        ['reviewer', '各局（管理者）', '各局CIO補佐官', 'CIO統括補佐官'],
      ]);
      expect(body.tierTable.rows[0].label).toEqual({ ja: '予算規模', en: 'Budget size' });
      expect(body.tierTable.factors[0].bands[0]).toMatchObject({ tier: 1, conditions: [{ operator: 'lessThan', value: 10_000_000 }] });
    });

    it('simulates a candidate over the whole book without writing anything', async () => {
      // FIN has no demo projects: these are the only ones the raised threshold changes.
      const fin = [
        { budgetJpy: 15_000_000, maxDowntimeHours: 24, confidentiality: 'C' }, // 2 → 1
        { budgetJpy: 19_999_999, maxDowntimeHours: 48, confidentiality: 'B' }, // 2 → 1
        { budgetJpy: 20_000_000, maxDowntimeHours: 24, confidentiality: 'C' }, // 2 → 2
        { budgetJpy: 15_000_000, maxDowntimeHours: 8, confidentiality: 'C' }, // 2 → 2 (downtime drives)
        { budgetJpy: 15_000_000 }, // unset → unset
      ];
      for (const [i, inputs] of fin.entries()) {
        const res = await t().request('POST', '/api/v1/projects', {
          as: 'admin@example.jp',
          body: { name: `財務局の試算${i}`, bureauCode: 'FIN', fiscalYear: 2026, ...inputs },
        });
        expect(res.status).toBe(201);
      }
      const before = await snapshot(t());
      const res = await simulate(raisedThreshold());
      expect(res.status).toBe(200);
      const body = await res.json();
      const total = await t()
        .services.db.selectFrom('project')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(body).toMatchObject({
        ruleset: 'oversight-tier',
        activeVersion: t().policy.rulesets['oversight-tier'].version,
        isSameAsActive: false,
        projects: Number(total.n),
        changed: 2,
        transitions: [{ fromTier: 2, toTier: 1, fromReviewer: 'cio_advisor', toReviewer: 'bureau_lead', count: 2 }],
      });
      expect(body.candidateVersion).toMatch(/^sha256:/);
      expect(body.candidateVersion).not.toBe(body.activeVersion);
      expect(body.combinations).toBeLessThanOrEqual(body.projects);
      expect(body.byBureau.find((b: { bureauCode: string }) => b.bureauCode === 'FIN')).toEqual({
        bureauCode: 'FIN',
        total: 5,
        changed: 2,
        toTier: { tier1: 2, tier2: 0, tier3: 0, unset: 0 },
      });
      expect(body.sample.map((s: { name: string }) => s.name).sort()).toEqual(['財務局の試算0', '財務局の試算1']);
      expect(body.sample[0]).toMatchObject({
        bureauCode: 'FIN',
        fromTier: 2,
        toTier: 1,
        fromReviewer: 'cio_advisor',
        toReviewer: 'bureau_lead',
      });
      expect(body.sample[0].code).toMatch(/^PS\d{7}$/);
      expect(body.sample[0].id).toMatch(/^[0-9a-f-]{36}$/);

      expect(await snapshot(t())).toEqual(before);
      const rules = await (await t().request('GET', '/api/v1/rules', { as: 'admin@example.jp' })).json();
      expect(rules.rulesets[0].version).toBe(body.activeVersion);
    });

    it('reports reviewer-only changes, samples at most 50, and finds nothing to change in the active ruleset', async () => {
      await sql`
        insert into project (name, bureau_code, fiscal_year, budget_jpy, max_downtime_hours, confidentiality, tier, tier_lower_bound,
          reviewer_role, oversight, ruleset_version)
        select '一括試算' || g, 'FIN', 2027, 12000000, 100, 'C', 2, 2, 'cio_advisor', '{}'::jsonb, ${t().policy.rulesets['oversight-tier'].version}
        from generate_series(1, 60) g`.execute(t().services.db);
      const same = await (await simulate(defaultRulesets['oversight-tier'].content)).json();
      expect(same).toMatchObject({ isSameAsActive: true, changed: 0, transitions: [], sample: [] });

      const raised = await (await simulate(raisedThreshold())).json();
      expect(raised.changed).toBe(62);
      expect(raised.sample).toHaveLength(50);

      const content = structuredClone(defaultRulesets['oversight-tier'].content);
      for (const r of content.reviewers) if (r.tier === 2) r.role = 'chief_cio_advisor';
      const reviewers = await (await simulate(content)).json();
      const moved = reviewers.transitions.find((x: { fromTier: number; toTier: number }) => x.fromTier === 2 && x.toTier === 2);
      expect(moved).toMatchObject({ fromReviewer: 'cio_advisor', toReviewer: 'chief_cio_advisor' });
      expect(moved.count).toBeGreaterThanOrEqual(62);
    });

    it('gives the counts, transitions and bureaus the engine gives project by project, decreases waiting included', async () => {
      // Boundary and random inputs across bureaus, stored with the tiers the active rules give them.
      const budgets = [null, 0, 9_999_999, 10_000_000, 19_999_999, 20_000_000, 49_999_999, 50_000_000];
      const downtimes = [null, 0, 2, 2.5, 12, 12.5, 720, 1e-5, Number.NaN];
      const bureaus = ['FIN', 'IND', 'WEL'];
      let seed = 7;
      const next = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
      const evaluate = t().policy.evaluateOversight;
      const rows = [];
      for (let i = 0; i < 240; i++) {
        const input = {
          budgetJpy: next() < 0.5 ? pick(budgets) : Math.round(next() * 80_000_000),
          maxDowntimeHours: next() < 0.5 ? pick(downtimes) : Math.round(next() * 4000) / 8,
          confidentiality: pick([null, 'A', 'B', 'C'] as const),
        };
        const e = await evaluate(input);
        rows.push({
          name: `照合${i}`,
          bureauCode: pick(bureaus),
          fiscalYear: 2026,
          ...input,
          tier: e.tier,
          tierLowerBound: e.lowerBound,
          reviewerRole: e.reviewerRole,
          oversight: JSON.stringify(e),
          rulesetVersion: e.rulesetVersion,
        });
      }
      const inserted = await t().services.db.insertInto('project').values(rows).returning(['id', 'tier', 'reviewerRole']).execute();
      // A tier-2 project whose lower inputs wait for its reviewer's consent: the inputs in force decide.
      const waiting = inserted.find((p) => p.tier === 2)!;
      await sql`update project set budget_jpy = 0, max_downtime_hours = 100, confidentiality = 'C' where id = ${waiting.id}`.execute(
        t().services.db,
      );
      const from = { budgetJpy: 30_000_000, maxDowntimeHours: 100, confidentiality: 'C' };
      await sql`
        insert into tier_decrease (project_id, cause, from_tier, from_reviewer_role, from_inputs, to_tier, to_reviewer_role, to_evaluation, ruleset_version)
        values (${waiting.id}, 'inputs_changed', 2, 'cio_advisor', ${JSON.stringify(from)}::jsonb, 1, 'bureau_lead', '{}'::jsonb, 'x')`.execute(
        t().services.db,
      );

      const candidate = raisedThreshold();
      const engine = createOversightEvaluator(parseRuleset('oversight-tier', 'candidate', candidate));
      const all = await sql<{
        bureauCode: string;
        budgetJpy: string | null;
        maxDowntimeHours: number | null;
        confidentiality: string | null;
        tier: number | null;
        reviewerRole: string | null;
        fromInputs: TOversightInput | null;
      }>`select p.bureau_code, p.budget_jpy, p.max_downtime_hours, p.confidentiality, p.tier, p.reviewer_role, d.from_inputs
          from project p left join tier_decrease d on d.project_id = p.id and d.status = 'pending'`.execute(t().services.db);
      const transitions = new Map<string, number>();
      const changedByBureau = new Map<string, number>();
      let changed = 0;
      for (const p of all.rows) {
        const current = await engine({
          budgetJpy: p.budgetJpy === null ? null : Number(p.budgetJpy),
          maxDowntimeHours: p.maxDowntimeHours,
          confidentiality: p.confidentiality as TOversightInput['confidentiality'],
        });
        const inForce = p.fromInputs ? await engine(p.fromInputs) : null;
        const e = inForce && (inForce.tier ?? 0) > (current.tier ?? 0) ? inForce : current;
        if (e.tier === p.tier && e.reviewerRole === p.reviewerRole) continue;
        changed++;
        changedByBureau.set(p.bureauCode, (changedByBureau.get(p.bureauCode) ?? 0) + 1);
        const key = `${p.tier}|${e.tier}|${p.reviewerRole}|${e.reviewerRole}`;
        transitions.set(key, (transitions.get(key) ?? 0) + 1);
      }
      expect(changed).toBeGreaterThan(10);

      const body = await (await simulate(candidate)).json();
      expect(body.projects).toBe(all.rows.length);
      expect(body.changed).toBe(changed);
      expect(
        Object.fromEntries(
          body.transitions.map((x: { fromTier: number; toTier: number; fromReviewer: string; toReviewer: string; count: number }) => [
            `${x.fromTier}|${x.toTier}|${x.fromReviewer}|${x.toReviewer}`,
            x.count,
          ]),
        ),
      ).toEqual(Object.fromEntries(transitions));
      for (const b of body.byBureau as { bureauCode: string; changed: number }[])
        expect(b.changed, b.bureauCode).toBe(changedByBureau.get(b.bureauCode) ?? 0);
      // Grouped by band combination, not by input: a few dozen groups for hundreds of distinct inputs.
      expect(body.combinations).toBeLessThan(80);
    });

    it('is for admins only', async () => {
      for (const as of ['staff.ind@example.jp', 'chief@example.jp', 'budget@example.jp'])
        expect((await simulate(raisedThreshold(), as)).status).toBe(403);
      expect((await t().request('POST', '/api/v1/rules/simulate', { body: { ruleset: 'oversight-tier', content: {} } })).status).toBe(401);
    });

    it('answers malformed candidates with 400 and the JSON path of each problem', async () => {
      const wrongTypes = structuredClone(raisedThreshold()) as any;
      wrongTypes.maxTier = 'three';
      wrongTypes.factors[0].bands[1].conditions[0].operator = 'regex';
      wrongTypes.reviewers = wrongTypes.reviewers.slice(0, 2);
      const res = await simulate(wrongTypes);
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.code).toBe('validation_failed');
      expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
        'content.factors[0].bands[1].conditions[0].operator',
        'content.maxTier',
        'content.reviewers',
      ]);
      for (const content of [null, 'abc', 42, [], {}]) {
        const r = await simulate(content);
        expect(r.status).toBe(400);
        expect((await r.json()).errors.length).toBeGreaterThan(0);
      }
      const other = await t().request('POST', '/api/v1/rules/simulate', {
        as: 'admin@example.jp',
        body: { ruleset: 'lifecycle-gates', content: {}, extra: 1 },
      });
      expect((await other.json()).errors.map((e: { path: string }) => e.path).sort()).toEqual(['extra', 'ruleset']);
    });

    it('refuses hostile candidates quickly, never with 500', async () => {
      const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
      const huge = JSON.stringify(Array.from({ length: 100_000 }, (_, i) => i));
      const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])));
      const manyConditions = structuredClone(raisedThreshold()) as any;
      manyConditions.factors[0].bands[0].conditions = Array.from({ length: 5_000 }, () => ({ operator: 'lessThan', value: 1 }));
      const cases: [string, string][] = [
        ['deep', deep],
        ['huge array', huge],
        ['wide object', wide],
        ['many conditions', JSON.stringify(manyConditions)],
        ['long text', JSON.stringify({ ...raisedThreshold(), source: 'x'.repeat(100_000) })],
      ];
      for (const [what, content] of cases) {
        const started = performance.now();
        const res = await t().request('POST', '/api/v1/rules/simulate', {
          as: 'admin@example.jp',
          body: `{"ruleset":"oversight-tier","content":${content}}`,
        });
        expect(res.status, what).toBe(400);
        expect(performance.now() - started, what).toBeLessThan(5_000);
      }
      const tooBig = await t().request('POST', '/api/v1/rules/simulate', {
        as: 'admin@example.jp',
        body: `{"ruleset":"oversight-tier","content":"${'x'.repeat(2_000_000)}"}`,
      });
      expect(tooBig.status).toBe(413);
    });
  },
  { demoProjects: true },
);

/**
 * retier: after a change of the oversight ruleset, retierAllProjects (our path: the engine once per
 * distinct input combination, one UPDATE per chunk with history and audit in the same statement)
 * against the limit: one SQL UPDATE that computes the same tiers with CASE from the tier table.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPolicy, type TOversightRuleset } from '@psbook/core';
import type postgres from 'postgres';
import { openPostgres } from '../../packages/api/src/db/database.ts';
import { retierAllProjects } from '../../packages/api/src/domain/oversight.ts';
import { loadRulesets } from '../../packages/api/src/rules/load-rulesets.ts';
import { repoRoot } from '../support/server.ts';
import type { BenchContext } from './context.ts';
import { type BenchResult, machineLoad, round } from './measure.ts';

/**
 * The policy change measured: tier 2 for budgets from ¥8,000,000 instead of ¥10,000,000 (a plausible
 * revision of 1,000万円 → 800万円). Written to a copy of rules/, loaded like any ruleset.
 */
export function writeChangedRules(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'psbook-rules-'));
  cpSync(join(repoRoot, 'rules'), dir, { recursive: true });
  const file = join(dir, 'oversight-tier.json');
  const ruleset = JSON.parse(readFileSync(file, 'utf8')) as TOversightRuleset;
  let changed = 0;
  for (const factor of ruleset.factors) {
    if (factor.factor !== 'budget') continue;
    for (const band of factor.bands) {
      for (const condition of band.conditions) {
        if (condition.value === 10_000_000) {
          condition.value = 8_000_000;
          changed++;
        }
      }
      band.label = {
        ja: band.label.ja.replace('1,000万円', '800万円'),
        en: band.label.en.replace('¥10,000,000', '¥8,000,000'),
      };
    }
  }
  if (changed !== 2) throw new Error(`expected the ¥10,000,000 boundary in two budget bands, found ${changed}`);
  writeFileSync(file, JSON.stringify(ruleset, null, 2));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const columnOf = { budgetJpy: 'budget_jpy', maxDowntimeHours: 'max_downtime_hours', confidentiality: 'confidentiality' } as const;
const sqlLiteral = (value: unknown) => (typeof value === 'number' ? String(value) : `'${String(value).replace(/'/g, "''")}'`);
const comparison: Record<string, string> = {
  equal: '=',
  notEqual: '<>',
  lessThan: '<',
  lessThanInclusive: '<=',
  greaterThan: '>',
  greaterThanInclusive: '>=',
};

/** The tier table as SQL expressions, generated from the ruleset so both paths apply the same policy. */
export function tierSql(ruleset: TOversightRuleset) {
  const factorTier = ruleset.factors.map((factor) => {
    const column = columnOf[factor.input];
    // The highest band that holds wins, as in the engine.
    const bands = [...factor.bands].sort((a, b) => b.tier - a.tier);
    const whens = bands.map((band) => {
      const conditions = band.conditions.map((c) => {
        if (c.operator === 'in' || c.operator === 'notIn') {
          const list = (c.value as unknown[]).map(sqlLiteral).join(', ');
          return `${column} ${c.operator === 'in' ? 'in' : 'not in'} (${list})`;
        }
        const op = comparison[c.operator];
        if (!op) throw new Error(`operator ${c.operator} has no SQL form in this benchmark`);
        return `${column} ${op} ${sqlLiteral(c.value)}`;
      });
      return `when ${conditions.join(' and ')} then ${band.tier}`;
    });
    return `(case ${whens.join(' ')} end)`;
  });
  const lowerBound = `greatest(${factorTier.map((t) => `coalesce(${t}, 1)`).join(', ')})`;
  const determined = `((${factorTier.map((t) => `${t} is not null`).join(' and ')}) or ${lowerBound} = ${ruleset.maxTier})`;
  const tier = `(case when ${determined} then ${lowerBound} end)`;
  const reviewer = `(case ${tier} ${ruleset.reviewers.map((r) => `when ${r.tier} then '${r.role}'`).join(' ')} end)`;
  return { tier, lowerBound, reviewer };
}

/** Cancel every running statement in the bench database but ours: the bound on a run that takes too long. */
async function cancelOthers(sql: postgres.Sql) {
  await sql`
    select pg_cancel_backend(pid) from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid() and state = 'active'
  `;
}

export async function benchRetier(ctx: BenchContext): Promise<BenchResult> {
  const rules = writeChangedRules();
  const database = openPostgres(ctx.databaseUrl, { poolSize: 2 });
  try {
    const policy = createPolicy(loadRulesets(rules.dir));
    const ruleset = policy.rulesets['oversight-tier'];
    const version = ruleset.version;
    const loadBefore = machineLoad();

    // Ours, bounded: past the cap its statements are cancelled and the transaction rolls back.
    let finished = false;
    const capMs = ctx.retierCapSeconds * 1000;
    const timer = setTimeout(() => {
      const cancelLoop = async () => {
        while (!finished) {
          await cancelOthers(ctx.sql).catch(() => {});
          await new Promise((r) => setTimeout(r, 1000));
        }
      };
      void cancelLoop();
    }, capMs);
    const t0 = performance.now();
    let ours: { combinations: number; changed: number } | null = null;
    let failure: string | null = null;
    try {
      ours = await retierAllProjects(database.db, policy, { actor: { id: null, label: 'bench' }, requestId: null });
    } catch (error) {
      failure = (error as Error).message;
    } finally {
      finished = true;
      clearTimeout(timer);
    }
    const oursSeconds = (performance.now() - t0) / 1000;
    ctx.log(
      `  retierAllProjects: ${round(oursSeconds, 1)} s${ours ? ` (${ours.combinations} combinations, ${ours.changed} changed)` : ` — stopped: ${failure}`}`,
    );

    const { tier, lowerBound, reviewer } = tierSql(ruleset.content);
    let disagreements: number | null = null;
    if (ours) {
      const rows = await ctx.sql.unsafe(
        `select count(*)::int as n from project where tier is distinct from ${tier} or tier_lower_bound <> ${lowerBound} or reviewer_role is distinct from ${reviewer}`,
      );
      disagreements = Number(rows[0]?.n);
      ctx.log(`  projects where the engine and the CASE disagree: ${disagreements}`);
    }
    // Both paths start from a table without the other's dead rows.
    await ctx.sql`vacuum project`;
    const t1 = performance.now();
    await ctx.sql.unsafe(
      `update project set tier = ${tier}, tier_lower_bound = ${lowerBound}, reviewer_role = ${reviewer}, ruleset_version = $1, updated_at = now()`,
      [version],
    );
    const limitSeconds = (performance.now() - t1) / 1000;
    ctx.log(`  one UPDATE with CASE: ${round(limitSeconds, 1)} s`);
    await ctx.sql`vacuum analyze project`;

    const ratio = oursSeconds / limitSeconds;
    return {
      name: 'retier',
      value: round(oursSeconds, 2),
      unit: 's',
      limit: round(limitSeconds, 2),
      ratio: round(ratio, 2),
      n: ctx.n,
      better: 'lower',
      limitKind: 'measured',
      target: 'ratio <= 1.5',
      pass: ours !== null && disagreements === 0 && ratio <= 1.5,
      details: {
        completed: ours !== null,
        ...(failure ? { stoppedAfterCapSeconds: ctx.retierCapSeconds, error: failure } : {}),
        combinations: ours?.combinations,
        changed: ours?.changed,
        disagreements,
        loadBefore,
        loadAfter: machineLoad(),
      },
    };
  } finally {
    rules.cleanup();
    await database.close();
  }
}

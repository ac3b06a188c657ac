/**
 * retier: after a change of the oversight ruleset, retierAllProjects (our path: the ruleset compiled
 * into its decision table, stored as the relation oversight_decision, and one UPDATE … FROM joining it
 * on each project's band keys, writing tiers with history and audit in the same statement; the
 * explanation is rendered when a project is read, decision 0028) against the limit: one SQL UPDATE that
 * computes the same tiers with CASE from the tier table's conditions (tierSql). Explanations, as the API
 * answers them, are checked against json-rules-engine itself.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  createOversightEvaluator,
  createPolicy,
  type OversightEvaluator,
  type TConfidentiality,
  type TOversightRuleset,
} from '@psbook/core';
import type postgres from 'postgres';
import { tierSql } from '../../packages/api/src/domain/oversight-bands.ts';
import { loadRulesets } from '../../packages/api/src/rules/load-rulesets.ts';
import { childEnv, repoRoot } from '../support/server.ts';
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

const explanationSample = 500;

/**
 * Every project with the inputs its tier in force was evaluated from (budget_jpy, max_downtime_hours,
 * confidentiality): its current inputs, or a waiting decrease's `from_inputs`; with `currentTier` (SQL
 * over the current inputs, `p`) and the tier a waiting decrease would give.
 */
const projectsWithInputsInForce = (currentTier = 'null') => `
  select p.id, p.tier, p.tier_lower_bound, p.reviewer_role, d.id is not null as waiting, d.to_tier as decrease_to_tier,
    ${currentTier} as current_tier,
    case when d.id is null then p.budget_jpy else (d.from_inputs->>'budgetJpy')::bigint end as budget_jpy,
    case when d.id is null then p.max_downtime_hours else (d.from_inputs->>'maxDowntimeHours')::double precision end as max_downtime_hours,
    case when d.id is null then p.confidentiality else d.from_inputs->>'confidentiality' end as confidentiality
  from project p left join tier_decrease d on d.project_id = p.id and d.status = 'pending'`;

/**
 * Of a random sample of projects, how many the API explains otherwise than the engine does (for a
 * project with a decrease waiting: the explanation in force, of the inputs it was evaluated from). Read
 * through GET /projects/{id}: the re-tier stores no explanation (decision 0028), the server renders it
 * from the decision table of the project's ruleset version — here one the server was not started with.
 */
async function sampleExplanationMismatches(ctx: BenchContext, engine: OversightEvaluator): Promise<number> {
  const rows = await ctx.sql.unsafe<
    { id: string; budget_jpy: string | null; max_downtime_hours: number | null; confidentiality: string | null }[]
  >(
    `select id, budget_jpy::text, max_downtime_hours, confidentiality from (${projectsWithInputsInForce()}) i
     order by random() limit ${explanationSample}`,
  );
  let mismatches = 0;
  for (const row of rows) {
    const expected = JSON.parse(
      JSON.stringify(
        await engine({
          budgetJpy: row.budget_jpy === null ? null : Number(row.budget_jpy),
          maxDowntimeHours: row.max_downtime_hours,
          confidentiality: row.confidentiality as TConfidentiality | null,
        }),
      ),
    );
    const res = await ctx.http.request('GET', `/api/v1/projects/${row.id}`, { token: ctx.readerToken });
    if (res.status !== 200 || !isDeepStrictEqual(res.json().oversight, expected)) mismatches++;
  }
  return mismatches;
}

/** Cancel every running statement in the bench database but ours: the bound on a run that takes too long. */
async function cancelOthers(sql: postgres.Sql) {
  await sql`
    select pg_cancel_backend(pid) from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid() and state = 'active'
  `;
}

/**
 * Run retierAllProjects in a child process (the heap and pool the API server would have), bounded by
 * `capSeconds`: past it the child is killed and its statements cancelled, so its transaction rolls back.
 */
async function runRetierChild(
  ctx: BenchContext,
  rulesDir: string,
): Promise<{ seconds: number; outcome: Record<string, unknown> | null; failure: string | null }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./retier-child.ts', import.meta.url).pathname, ctx.databaseUrl, rulesDir],
    {
      cwd: new URL('..', import.meta.url).pathname,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-4000);
  });
  let capped = false;
  const timer = setTimeout(() => {
    capped = true;
    child.kill('SIGKILL');
  }, ctx.retierCapSeconds * 1000);
  const code = await new Promise<number | string>((resolve) => child.on('exit', (c, s) => resolve(c ?? s ?? 'unknown')));
  clearTimeout(timer);
  const seconds = (performance.now() - started) / 1000;
  // A killed client leaves its statement running until PostgreSQL notices: stop it now.
  await cancelOthers(ctx.sql).catch(() => {});
  const line = stdout.trim().split('\n').pop() ?? '';
  if (code === 0 && line.startsWith('{')) return { seconds, outcome: JSON.parse(line), failure: null };
  const outOfMemory = /heap out of memory|Allocation failed/i.test(stderr);
  const reason = capped
    ? `not finished after the cap of ${ctx.retierCapSeconds} s (killed)`
    : outOfMemory
      ? `crashed: JavaScript heap out of memory (exit ${code})`
      : `exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
  return { seconds, outcome: null, failure: reason };
}

export async function benchRetier(ctx: BenchContext): Promise<BenchResult> {
  const rules = writeChangedRules();
  try {
    const policy = createPolicy(loadRulesets(rules.dir));
    const ruleset = policy.rulesets['oversight-tier'];
    const version = ruleset.version;
    const loadBefore = machineLoad();

    // Both sides start from the same physical table: one full rewrite, vacuumed. A freshly loaded book
    // has full pages, so every row ours rewrites goes to a new page with new entries in every index
    // (the GIN search index among them), while the limit, run after ours' dead rows were vacuumed,
    // finds half-empty pages and updates in place (HOT). Measured at 20,000 projects, that order alone
    // put the ratio at 2.0–2.3 where the same statements from the same state give 1.2–1.45.
    await ctx.sql`update project set updated_at = updated_at`;
    await ctx.sql`vacuum project`;
    const ours = await runRetierChild(ctx, rules.dir);
    // Timed around the call, as the limit is timed around its statement: the child's own start (node,
    // tsx, modules, pool; 1–2 s on a busy two-core machine) is not re-tiering. Its wall time is kept.
    // When the child did not finish, the wall time until it was stopped is the (lower-bound) value.
    const oursSeconds = typeof ours.outcome?.seconds === 'number' ? ours.outcome.seconds : ours.seconds;
    ctx.log(
      `  retierAllProjects: ${round(oursSeconds, 1)} s (child process ${round(ours.seconds, 1)} s)${ours.outcome ? ` (${ours.outcome.combinations} band combinations, ${ours.outcome.exactInputs} inputs one by one, ${ours.outcome.changed} changed)` : ` — ${ours.failure}`}`,
    );

    const { tier, lowerBound, reviewer } = tierSql(ruleset.content);
    let disagreements: number | null = null;
    let explanationMismatches: number | null = null;
    if (ours.outcome) {
      // A project with a decrease waiting holds the tier its inputs in force give (the decrease's
      // from_inputs), and the decrease waits for the tier its current inputs give (tier-decrease.ts):
      // the book has such projects when the import benchmark ran first.
      const held = tierSql(ruleset.content, 'i');
      const rows = await ctx.sql.unsafe(
        `select count(*)::int as n from (${projectsWithInputsInForce(tierSql(ruleset.content, 'p').tier)}) i
         where i.tier is distinct from ${held.tier} or i.tier_lower_bound <> ${held.lowerBound} or i.reviewer_role is distinct from ${held.reviewer}
           or (i.waiting and i.decrease_to_tier is distinct from i.current_tier)`,
      );
      disagreements = Number(rows[0]?.n);
      ctx.log(`  projects where the engine and the CASE disagree: ${disagreements}`);
      explanationMismatches = await sampleExplanationMismatches(ctx, createOversightEvaluator(ruleset));
      ctx.log(`  sampled explanations unlike the engine's: ${explanationMismatches} of ${explanationSample}`);
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

    // The next ruleset change (back to the rules the book was loaded with), timed the same way. The
    // book is generated with stored explanations, as projects written through the API have them, so
    // the run above also freed each one (decision 0028: the re-tier stores none); this one starts from
    // a book the re-tier already wrote, as every later ruleset change does. Reported beside the first.
    let again: { ours: number; limit: number; ratio: number } | null = null;
    if (ours.outcome) {
      const backTo = createPolicy(loadRulesets(join(repoRoot, 'rules'))).rulesets['oversight-tier'];
      const second = await runRetierChild(ctx, join(repoRoot, 'rules'));
      const secondSeconds = typeof second.outcome?.seconds === 'number' ? second.outcome.seconds : null;
      await ctx.sql`vacuum project`;
      const back = tierSql(backTo.content);
      const t2 = performance.now();
      await ctx.sql.unsafe(
        `update project set tier = ${back.tier}, tier_lower_bound = ${back.lowerBound}, reviewer_role = ${back.reviewer}, ruleset_version = $1, updated_at = now()`,
        [backTo.version],
      );
      const limit2 = (performance.now() - t2) / 1000;
      await ctx.sql`vacuum analyze project`;
      if (secondSeconds !== null) {
        again = { ours: round(secondSeconds, 2), limit: round(limit2, 2), ratio: round(secondSeconds / limit2, 2) };
        ctx.log(`  the next ruleset change: retierAllProjects ${again.ours} s, one UPDATE with CASE ${again.limit} s: ${again.ratio}`);
      } else ctx.log(`  the next ruleset change did not complete: ${second.failure}`);
    }

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
      pass: ours.outcome !== null && disagreements === 0 && explanationMismatches === 0 && ratio <= 1.5,
      details: {
        completed: ours.outcome !== null,
        // When not completed, value is a lower bound: the time until it was stopped.
        ...(ours.failure ? { failure: ours.failure } : {}),
        combinations: ours.outcome?.combinations,
        exactInputs: ours.outcome?.exactInputs,
        changed: ours.outcome?.changed,
        childWallSeconds: round(ours.seconds, 2),
        explanationMismatches,
        childRssMb: ours.outcome?.heapMb,
        disagreements,
        loadBefore,
        loadAfter: machineLoad(),
        // The re-tier of the next ruleset change, on the book as the first one left it.
        nextChange: again,
      },
    };
  } finally {
    rules.cleanup();
  }
}

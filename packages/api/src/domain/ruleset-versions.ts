/**
 * Rulesets that change safely (issue 15; decision 0017). A ruleset is a row of `ruleset_version`:
 * rules/ in the repository gives the first version of each; after that an admin proposes a version,
 * its cases must pass, its whole-book impact is simulated and kept, a second person (another admin or
 * the chief CIO advisor, never the proposer) approves it, and a job activates it at the chosen time —
 * cases again, switch, load, re-tier — with its progress in `ruleset_activation`.
 *
 * Every way a ruleset becomes the one in force goes through `loadActivePolicy`: the only function that
 * reads the active versions and compiles them into the policy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createOversightEvaluator,
  createPolicy,
  isAllowed,
  type LoadedRuleset,
  type Policy,
  parseRuleset,
  type RuleCase,
  type RuleCaseResult,
  RulesetError,
  type Rulesets,
  rulesetNames,
  runRuleCases,
  type TOversightInput,
  type TRulesetActivation,
  type TRulesetActivationStep,
  type TRulesetCancelRequest,
  type TRulesetDecisionRequest,
  type TRulesetName,
  type TRulesetProposalRequest,
  type TRulesetVersion,
  type TRulesetVersionSummary,
  ZRuleCases,
  ZRulesetImpact,
} from '@psbook/core';
import { recordAudit } from '../audit.ts';
import { type AuditActor, auditActorOf, requirePermission, systemActor } from '../auth/actor.ts';
import { activateRulesets } from '../bootstrap.ts';
import type { DomainContext, Services } from '../context.ts';
import type { Db } from '../db/database.ts';
import {
  activateRulesetVersionRow,
  approveLockedRulesetVersion,
  cancelLockedRulesetVersion,
  cancelQueuedActivation,
  claimDueActivation,
  failActivation,
  failApprovedRulesetVersion,
  findActiveRulesetVersion,
  findApprovedRulesetVersion,
  findRulesetVersionView,
  findRulesetVersionViewByActivation,
  finishActivation,
  getRulesetVersionRow,
  insertFirstActiveRulesetVersion,
  insertRulesetActivation,
  insertRulesetVersion,
  interruptRunningActivations,
  listActiveRulesetContents,
  listActiveRulesetVersions,
  listPendingReviewsWithInputs,
  listRulesetsWithVersions,
  listRulesetVersionViews,
  lockActiveRulesetVersion,
  lockRulesetVersion,
  type RulesetVersionView,
  rejectLockedRulesetVersion,
  setActivationProgress,
  supersedeActiveRulesetVersion,
} from '../db/queries/ruleset-versions.ts';
import { listRulesetStates } from '../db/queries/rulesets.ts';
import { withTransaction } from '../db/transaction.ts';
import { AppError, forbidden, notFound, validationError, versionConflict } from '../errors.ts';
import { loadRulesets } from '../rules/load-rulesets.ts';
import { checkCandidateShape, simulateOversightRuleset, tierTableOf } from './rules-simulation.ts';

/* ------------------------------------------------------------------ cases */

/** Read rules/tests/<name>.cases.json of every ruleset. */
export function loadRuleCaseFiles(rulesDir: string): Record<TRulesetName, RuleCase[]> {
  const files = {} as Record<TRulesetName, RuleCase[]>;
  for (const name of rulesetNames) {
    const file = join(rulesDir, 'tests', `${name}.cases.json`);
    const parsed = ZRuleCases.safeParse((JSON.parse(readFileSync(file, 'utf8')) as { cases?: unknown }).cases);
    if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    files[name] = parsed.data;
  }
  return files;
}

export type CaseRun = { passed: number; failed: number; failures: RuleCaseResult[] };

/** Run a ruleset's cases with `candidate` in place of the one of that name in `base`. A case that throws fails. */
export async function runCasesOf(base: Rulesets, candidate: LoadedRuleset, cases: RuleCase[]): Promise<CaseRun> {
  const policy = createPolicy({ ...base, [candidate.name]: candidate } as Rulesets);
  const results: RuleCaseResult[] = [];
  for (const c of cases) {
    try {
      results.push(...(await runRuleCases(policy, { ruleset: candidate.name, cases: [c] })));
    } catch (error) {
      results.push({
        ruleset: candidate.name,
        name: c.name,
        passed: false,
        mismatches: [{ key: '(error)', expected: null, actual: (error as Error).message }],
      });
    }
  }
  const failures = results.filter((r) => !r.passed);
  return { passed: results.length - failures.length, failed: failures.length, failures };
}

const describeFailures = (run: CaseRun) =>
  run.failures
    .map(
      (f) =>
        `${f.name}: ${f.mismatches.map((m) => `${m.key} expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)}`).join(', ')}`,
    )
    .join('; ');

/* ------------------------------------------------------------------ the one load/compile path */

/**
 * The policy of the active versions in the database: the single function that loads and compiles
 * the rulesets in force (start-up, activation, and reload in other processes all call it).
 */
export async function loadActivePolicy(db: Db): Promise<Policy> {
  const rows = await listActiveRulesetContents(db);
  const loaded: Partial<Record<TRulesetName, LoadedRuleset>> = {};
  for (const row of rows) loaded[row.ruleset] = parseRuleset(row.ruleset, `ruleset_version ${row.id}`, row.content);
  const missing = rulesetNames.filter((name) => !loaded[name]);
  if (missing.length) throw new Error(`no active version of ${missing.join(', ')} in the database`);
  return createPolicy(loaded as Rulesets);
}

/** The active version of each ruleset, by content hash: cheap enough to ask every few seconds. */
async function activeVersions(db: Db): Promise<Map<string, string>> {
  const rows = await listActiveRulesetVersions(db);
  return new Map(rows.map((r) => [r.ruleset, r.version]));
}

/** Replace this process's policy when another process activated a version (each process serves requests). */
export async function reloadPolicyIfChanged(services: Services): Promise<boolean> {
  const active = await activeVersions(services.db);
  const same = rulesetNames.every((name) => active.get(name) === services.policy.rulesets[name].version);
  if (same) return false;
  services.policy = await loadActivePolicy(services.db);
  return true;
}

export class RulesetCasesFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RulesetCasesFailed';
  }
}

/**
 * Start-up: rules/ gives the first version of each ruleset the database has none of — only when its
 * own cases pass; otherwise nothing is activated and the start fails with the failing cases named.
 * Once the database has versions, rules/ no longer changes them: a different file is reported (with
 * whether its cases pass) and waits to be proposed. Returns the policy of the active versions.
 */
export async function startRulesets(db: Db, rulesDir: string, log: (message: string) => void = () => {}): Promise<Policy> {
  const repo = loadRulesets(rulesDir);
  const cases = loadRuleCaseFiles(rulesDir);
  const existing = new Set((await listRulesetsWithVersions(db)).map((r) => r.ruleset as TRulesetName));
  const runs = new Map<TRulesetName, CaseRun>();
  for (const name of rulesetNames) runs.set(name, await runCasesOf(repo, repo[name], cases[name]));

  const firstFailing = rulesetNames.filter((name) => !existing.has(name) && runs.get(name)!.failed > 0);
  if (firstFailing.length) {
    throw new RulesetCasesFailed(
      `rules not activated: the cases of ${firstFailing
        .map((name) => `rules/${name}.json fail (${runs.get(name)!.failed} of ${cases[name].length}: ${describeFailures(runs.get(name)!)})`)
        .join('; ')}. Fix the ruleset or its case file in rules/tests/ and start again.`,
    );
  }
  await withTransaction(db, async (tx) => {
    for (const name of rulesetNames) {
      if (existing.has(name)) continue;
      const inserted = await insertFirstActiveRulesetVersion(tx, {
        ruleset: name,
        version: repo[name].version,
        content: JSON.stringify(repo[name].content),
        cases: JSON.stringify(cases[name]),
        caseCount: cases[name].length,
        status: 'active',
        note: `rules/${name}.json`,
        activatedAt: new Date(),
      });
      if (inserted)
        await recordAudit(
          tx,
          { actor: systemActor, requestId: null },
          {
            action: 'ruleset_version.seed',
            entityType: 'ruleset_version',
            entityId: inserted.id,
            after: { ruleset: name, version: repo[name].version, from: `rules/${name}.json` },
          },
        );
    }
  });

  const policy = await loadActivePolicy(db);
  for (const name of rulesetNames) {
    if (!existing.has(name) || repo[name].version === policy.rulesets[name].version) continue;
    const run = runs.get(name)!;
    log(
      run.failed
        ? `rules/${name}.json (${repo[name].version}) differs from the active version and its cases fail (${describeFailures(run)}): not activated; the active ${policy.rulesets[name].version} stays`
        : `rules/${name}.json (${repo[name].version}) differs from the active version ${policy.rulesets[name].version}: propose it under ルール > 版の管理 to change the rules`,
    );
  }
  // A job cut off by a stop: the start-up activation below finishes its re-tier.
  await interruptRunningActivations(db);
  return policy;
}

/* ------------------------------------------------------------------ reading */

const iso = (d: Date | null) => (d ? d.toISOString() : null);

type VersionRow = RulesetVersionView;

function activationOf(row: VersionRow): TRulesetActivation | null {
  if (!row.activationId) return null;
  return {
    id: row.activationId,
    status: row.activationStatus!,
    runAt: iso(row.runAt)!,
    step: row.step!,
    stepsDone: row.stepsDone!,
    stepsTotal: row.stepsTotal!,
    projectsChanged: row.projectsChanged,
    error: row.error,
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
  };
}

function summaryOf(row: VersionRow): TRulesetVersionSummary {
  return {
    id: row.id,
    ruleset: row.ruleset,
    version: row.version,
    status: row.status,
    note: row.note,
    caseCount: row.caseCount,
    proposedBy: row.proposedBy ? { id: row.proposedBy, displayName: row.proposerName ?? '' } : null,
    proposedAt: iso(row.proposedAt)!,
    decidedBy: row.decidedBy ? { id: row.decidedBy, displayName: row.deciderName ?? '' } : null,
    decidedAt: iso(row.decidedAt),
    decisionComment: row.decisionComment,
    activateAt: iso(row.activateAt),
    activatedAt: iso(row.activatedAt),
    supersededAt: iso(row.supersededAt),
    revision: row.revision,
    activation: activationOf(row),
  };
}

const mayDecide = (ctx: DomainContext, row: { status: string; proposedBy: string | null }) =>
  row.status === 'proposed' && isAllowed(ctx.actor, 'rules.decide') && row.proposedBy !== ctx.actor.id;

/**
 * The rulesets in force, each with when its version became active (null if the database has not
 * recorded this version yet), and the oversight tier table they give. Anyone signed in may read them.
 */
export async function listActiveRulesets(ctx: DomainContext) {
  const stored = new Map((await listRulesetStates(ctx.db)).map((r) => [r.name, r]));
  const rulesets = rulesetNames.map((name) => {
    const ruleset = ctx.policy.rulesets[name];
    const state = stored.get(name);
    return {
      name,
      version: ruleset.version,
      title: ruleset.content.title,
      activatedAt: state && state.version === ruleset.version ? state.activatedAt.toISOString() : null,
      content: ruleset.content as unknown,
    };
  });
  return { rulesets, tierTable: tierTableOf(ctx.policy.rulesets['oversight-tier']) };
}

/** What a candidate oversight ruleset would change in the book, against the one in force (rules managers only). */
export async function simulateCandidateRuleset(ctx: DomainContext, content: unknown) {
  requirePermission(ctx.actor, 'rules.manage');
  return simulateOversightRuleset(ctx.db, ctx.policy, content);
}

/** Every version, newest first (optionally of one ruleset). Anyone signed in may read the rules. */
export async function listRulesetVersions(ctx: DomainContext, ruleset?: TRulesetName): Promise<TRulesetVersionSummary[]> {
  return (await listRulesetVersionViews(ctx.db, ruleset)).map(summaryOf);
}

export async function getRulesetVersion(ctx: DomainContext, id: string): Promise<TRulesetVersion> {
  const row = await findRulesetVersionView(ctx.db, id);
  if (!row) throw notFound('Ruleset version');
  return {
    ...summaryOf(row),
    content: row.content,
    cases: row.cases as RuleCase[],
    baseVersionId: row.baseVersionId,
    // Written by proposeRulesetVersion from the simulation: parsed, so the answer is the documented shape.
    impact: row.impact === null ? null : ZRulesetImpact.parse(row.impact),
    canDecide: mayDecide(ctx, row),
  };
}

export async function getRulesetActivation(ctx: DomainContext, id: string): Promise<TRulesetActivation & { rulesetVersionId: string }> {
  const row = await findRulesetVersionViewByActivation(ctx.db, id);
  if (!row) throw notFound('Ruleset activation');
  return { ...activationOf(row)!, rulesetVersionId: row.id };
}

/* ------------------------------------------------------------------ impact */

type Outcome = { tier: number | null; reviewerRole: string | null };

/**
 * Which pending reviews (release requests waiting for a decision, consultations not closed) would go
 * to another reviewer under the candidate — as the re-tier re-routes them (oversight.ts
 * `reroutePendingReviews`): to the project's reviewer under the candidate, where a waiting tier
 * decrease keeps the tier in force unless the current inputs give more, and never downwards.
 */
export async function pendingReviewsMoving(db: Db, candidate: LoadedRuleset<'oversight-tier'>, limit = 100) {
  const evaluate = createOversightEvaluator(candidate);
  const rows = await listPendingReviewsWithInputs(db);
  const outcomes = new Map<string, Outcome>();
  const outcomeOf = async (r: (typeof rows)[number]) => {
    const key = `${r.budgetJpy}|${r.maxDowntimeHours}|${r.confidentiality}|${r.fromInputs}`;
    let outcome = outcomes.get(key);
    if (!outcome) {
      const current = await evaluate({
        budgetJpy: r.budgetJpy === null ? null : Number(r.budgetJpy),
        maxDowntimeHours: r.maxDowntimeHours,
        confidentiality: r.confidentiality as TOversightInput['confidentiality'],
      });
      const inForce = r.fromInputs ? await evaluate(JSON.parse(r.fromInputs) as TOversightInput) : null;
      const e = inForce && (current.tier ?? 0) < (inForce.tier ?? 0) ? inForce : current;
      outcome = { tier: e.tier, reviewerRole: e.reviewerRole };
      outcomes.set(key, outcome);
    }
    return outcome;
  };
  const moving = [];
  for (const r of rows) {
    const to = await outcomeOf(r);
    // As the re-tier re-routes: never downwards — a review filed under a higher tier stays with its reviewer.
    if ((to.tier === r.fromTier && to.reviewerRole === r.fromReviewer) || (to.tier ?? 0) < (r.fromTier ?? 0)) continue;
    moving.push({
      kind: r.kind,
      id: r.id,
      projectCode: r.projectCode,
      projectName: r.projectName,
      bureauCode: r.bureauCode,
      fromReviewer: r.fromReviewer,
      toReviewer: to.reviewerRole,
    });
  }
  return { pending: rows.length, moving: moving.length, items: moving.slice(0, limit) };
}

/* ------------------------------------------------------------------ proposing */

/** Validate a proposed ruleset; malformed → 400 with the JSON path of every problem. */
function parseProposed(name: TRulesetName, content: unknown): LoadedRuleset {
  const shape = checkCandidateShape(content);
  if (shape) throw validationError([shape]);
  try {
    return parseRuleset(name, 'proposal', content);
  } catch (error) {
    if (!(error instanceof RulesetError)) throw error;
    throw validationError(error.problems.slice(0, 100).map((p) => ({ path: `content${p.path.slice(1)}`, message: p.message })));
  }
}

/**
 * An admin proposes a version: it must parse, differ from the active one, and pass its cases (the
 * active version's cases unless new ones are given). Its impact on the book is simulated now and kept.
 */
export async function proposeRulesetVersion(ctx: DomainContext, body: TRulesetProposalRequest): Promise<TRulesetVersion> {
  requirePermission(ctx.actor, 'rules.manage');
  const candidate = parseProposed(body.ruleset, body.content);
  const active = await findActiveRulesetVersion(ctx.db, body.ruleset);
  if (candidate.version === active.version)
    throw new AppError('rule_violation', 'The proposal is the active version itself: change something first', { version: active.version });
  const cases = body.cases ?? (active.cases as RuleCase[]);
  // Each case is walked by the engine, compared as JSON and stored as jsonb: the same bounds as a ruleset.
  const caseShape = (body.cases ?? []).map((c, i) => checkCandidateShape(c, `cases[${i}]`)).find((problem) => problem);
  if (caseShape) throw validationError([caseShape]);
  const run = await runCasesOf(ctx.policy.rulesets, candidate, cases);
  if (run.failed) {
    throw new AppError('rule_violation', `${run.failed} of ${cases.length} cases fail: nothing was proposed`, {
      cases: { passed: run.passed, failed: run.failed, failures: run.failures.slice(0, 100) },
    });
  }
  let impact: unknown = null;
  if (candidate.name === 'oversight-tier') {
    const simulation = await simulateOversightRuleset(ctx.db, ctx.policy, body.content);
    const pendingReviews = await pendingReviewsMoving(ctx.db, candidate as LoadedRuleset<'oversight-tier'>);
    impact = { ...simulation, pendingReviews, simulatedAt: new Date().toISOString() };
  }
  const id = await withTransaction(ctx.db, async (tx) => {
    const row = await insertRulesetVersion(tx, {
      ruleset: candidate.name,
      version: candidate.version,
      content: JSON.stringify(candidate.content),
      cases: JSON.stringify(cases),
      caseCount: cases.length,
      status: 'proposed',
      note: body.note ?? '',
      impact: impact === null ? null : JSON.stringify(impact),
      baseVersionId: active.id,
      proposedBy: ctx.actor.id,
    });
    await recordAudit(
      tx,
      { actor: auditActorOf(ctx.actor), requestId: ctx.requestId },
      {
        action: 'ruleset_version.propose',
        entityType: 'ruleset_version',
        entityId: row.id,
        after: { ruleset: candidate.name, version: candidate.version, cases: cases.length, baseVersion: active.version },
      },
    );
    return row.id;
  });
  return getRulesetVersion(ctx, id);
}

/* ------------------------------------------------------------------ deciding */

/** The steps of an activation job, in order. */
export const activationSteps = ['cases', 'switch', 'load', 'retier'] as const satisfies readonly TRulesetActivationStep[];

/**
 * A second person decides a proposal: another admin or the chief CIO advisor, never its proposer.
 * Approving schedules the activation job at `activateAt` (now when omitted); it is refused with 409
 * when the active version is no longer the one the proposal was simulated against, or another version
 * of the ruleset already waits for its date.
 */
export async function decideRulesetVersion(ctx: DomainContext, id: string, body: TRulesetDecisionRequest): Promise<TRulesetVersion> {
  requirePermission(ctx.actor, 'rules.decide');
  const who = { actor: auditActorOf(ctx.actor), requestId: ctx.requestId };
  await withTransaction(ctx.db, async (tx) => {
    const row = await lockRulesetVersion(tx, id);
    if (!row) throw notFound('Ruleset version');
    if (row.proposedBy === ctx.actor.id) throw forbidden('A second person decides a ruleset: not the one who proposed it');
    if (row.revision !== body.revision) throw versionConflict(row.revision);
    if (row.status !== 'proposed')
      throw new AppError('conflict', `This version is ${row.status}: it was decided already`, { status: row.status });
    const now = new Date();
    if (body.decision === 'rejected') {
      await rejectLockedRulesetVersion(tx, id, ctx.actor.id, now, body.comment ?? null);
      await recordAudit(tx, who, {
        action: 'ruleset_version.reject',
        entityType: 'ruleset_version',
        entityId: id,
        before: { status: 'proposed' },
        after: { status: 'rejected', comment: body.comment },
      });
      return;
    }
    // Lock the active version too: an activation running now cannot slip between the check and the approval.
    const active = await lockActiveRulesetVersion(tx, row.ruleset);
    if (active?.id !== row.baseVersionId)
      throw new AppError(
        'conflict',
        'The active version changed since this one was proposed: its impact is out of date, propose it again',
        {
          activeVersion: active?.version ?? null,
        },
      );
    const waiting = await findApprovedRulesetVersion(tx, row.ruleset);
    if (waiting)
      throw new AppError('conflict', `Another version of ${row.ruleset} is approved and waits for its date`, {
        waitingVersionId: waiting.id,
        activateAt: iso(waiting.activateAt),
      });
    const requested = body.activateAt ? new Date(body.activateAt) : now;
    const activateAt = requested < now ? now : requested;
    await approveLockedRulesetVersion(tx, id, {
      decidedBy: ctx.actor.id,
      decidedAt: now,
      decisionComment: body.comment ?? null,
      activateAt,
    });
    const job = await insertRulesetActivation(tx, { rulesetVersionId: id, runAt: activateAt, stepsTotal: activationSteps.length });
    await recordAudit(tx, who, {
      action: 'ruleset_version.approve',
      entityType: 'ruleset_version',
      entityId: id,
      before: { status: 'proposed' },
      after: { status: 'approved', activateAt: activateAt.toISOString(), activationId: job.id, comment: body.comment },
    });
  });
  return getRulesetVersion(ctx, id);
}

/**
 * Stop an approved version before its date (admin or chief CIO advisor; the one who approved it may
 * too — stopping never lets a rule in). 409 once its job has started: then it runs to its end.
 */
export async function cancelRulesetVersion(ctx: DomainContext, id: string, body: TRulesetCancelRequest): Promise<TRulesetVersion> {
  requirePermission(ctx.actor, 'rules.decide');
  await withTransaction(ctx.db, async (tx) => {
    const row = await lockRulesetVersion(tx, id);
    if (!row) throw notFound('Ruleset version');
    if (row.revision !== body.revision) throw versionConflict(row.revision);
    if (row.status !== 'approved')
      throw new AppError('conflict', `Only a scheduled version can be cancelled; this one is ${row.status}`, { status: row.status });
    // The job row is claimed by `runDueActivations` with an UPDATE: only a job still queued stops here.
    const job = await cancelQueuedActivation(tx, id, body.comment);
    if (!job) throw new AppError('conflict', 'Its activation has started already: it runs to its end', { status: 'activating' });
    await cancelLockedRulesetVersion(tx, id);
    await recordAudit(
      tx,
      { actor: auditActorOf(ctx.actor), requestId: ctx.requestId },
      {
        action: 'ruleset_version.cancel',
        entityType: 'ruleset_version',
        entityId: id,
        before: { status: 'approved', activateAt: iso(row.activateAt) },
        after: { status: 'cancelled', comment: body.comment },
      },
    );
  });
  return getRulesetVersion(ctx, id);
}

/* ------------------------------------------------------------------ activating */

type Job = { id: string; rulesetVersionId: string };

async function progress(db: Db, job: Job, step: (typeof activationSteps)[number], stepsDone: number) {
  await setActivationProgress(db, job.id, step, stepsDone);
}

async function failJob(db: Db, job: Job, message: string, markVersionFailed: boolean) {
  await withTransaction(db, async (tx) => {
    await failActivation(tx, job.id, message);
    if (markVersionFailed) await failApprovedRulesetVersion(tx, job.rulesetVersionId);
    await recordAudit(
      tx,
      { actor: systemActor, requestId: null },
      {
        action: 'ruleset_version.activation_failed',
        entityType: 'ruleset_version',
        entityId: job.rulesetVersionId,
        after: { error: message },
      },
    );
  });
}

/**
 * One activation: the cases run again against the rules in force now (a ruleset whose cases fail
 * never activates — the version becomes `failed` and the active one stays); then the switch (old
 * version superseded, new one active, audited, one transaction); then this process loads the policy;
 * then every project is re-tiered under it, each change in tier history (`activateRulesets`).
 */
async function runActivation(services: Services, job: Job, actor: AuditActor): Promise<void> {
  const { db } = services;
  const version = await getRulesetVersionRow(db, job.rulesetVersionId);
  let switched = false;
  try {
    await progress(db, job, 'cases', 0);
    const base = await loadActivePolicy(db);
    const candidate = parseRuleset(version.ruleset, `ruleset_version ${version.id}`, version.content);
    const run = await runCasesOf(base.rulesets, candidate, version.cases as RuleCase[]);
    if (run.failed) {
      await failJob(db, job, `${run.failed} of ${version.caseCount} cases fail: not activated (${describeFailures(run)})`, true);
      return;
    }
    await progress(db, job, 'switch', 1);
    await withTransaction(db, async (tx) => {
      const previous = await supersedeActiveRulesetVersion(tx, version.ruleset);
      await activateRulesetVersionRow(tx, version.id);
      await recordAudit(
        tx,
        { actor, requestId: null },
        {
          action: 'ruleset_version.activate',
          entityType: 'ruleset_version',
          entityId: version.id,
          before: previous ? { versionId: previous.id, version: previous.version } : null,
          after: { ruleset: version.ruleset, version: version.version, activationId: job.id },
        },
      );
    });
    switched = true;
    await progress(db, job, 'load', 2);
    services.policy = await loadActivePolicy(db);
    await progress(db, job, 'retier', 3);
    const { retiered } = await activateRulesets(db, services.policy);
    await finishActivation(db, job.id, activationSteps.length, retiered);
  } catch (error) {
    // Before the switch nothing changed; after it the version is active and the next start re-tiers.
    await failJob(db, job, (error as Error).message, !switched);
  }
}

/**
 * Run every activation whose time has come, one at a time. A job is claimed with SKIP LOCKED
 * (`claimDueActivation`), so several processes (or a request and the scheduler) never run the same one twice.
 */
export async function runDueActivations(services: Services, actor: AuditActor = systemActor): Promise<number> {
  let ran = 0;
  for (;;) {
    const job = await claimDueActivation(services.db);
    if (!job) return ran;
    await runActivation(services, job, actor);
    ran++;
  }
}

/** Each process: run due activations and pick up versions another process activated. */
export function rulesetTick(services: Services) {
  return async () => {
    await runDueActivations(services);
    await reloadPolicyIfChanged(services);
  };
}

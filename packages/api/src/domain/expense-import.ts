/**
 * Import of digital-related expense information (デジタル関連経費情報, DESIGN §2.2 and §2.6): the
 * registration path "at the initial budget request". A CSV file of expense lines creates or updates
 * projects and sets their budget, and their oversight tier follows.
 *
 * A pipeline, in one transaction, with memory bounded whatever the size of the file (decision 0015).
 * Reading (step 1) is expense-file.ts; this file checks against the book and writes (steps 2–4).
 * 1. Stream: the request body goes through the decoder and csv-parse; the header is mapped here, and
 *    every following record is written, as read, to a temporary table with `COPY … FROM STDIN`
 *    (db/copy.ts). Encoding: a UTF-8 BOM means UTF-8; otherwise the first 64 KiB decide (valid UTF-8 →
 *    UTF-8, else Shift_JIS, read as Windows-31J, which is what Excel writes). A workbook's rows take
 *    the same path.
 * 2. Validate, set-based in SQL: every row error, with its line, goes to a table of errors; the rows
 *    that pass are staged (db/queries/expenses.ts checkRawRows).
 * 3. Merge, set-based: resolve projects, create the new ones, compare lines, compute budgets, upsert
 *    lines, with history and audit in the same statements.
 * 4. Tier (`tierChangedBudgets`): one statement joining the compiled decision relation (decision 0014),
 *    a page of distinct oversight inputs at a time for what it cannot tier exactly.
 * All or nothing: any row error rolls everything back. A dry run does the same reading and planning
 * and then rolls back, so it writes nothing, not even a sequence number.
 *
 * Budget rule: a project's budgetJpy becomes the total (amount × ¥1,000) of its lines of the latest
 * fiscal year it has lines for. Lines without a project code belong to the project of the same
 * bureau, fiscal year and name (created when there is none, isNew true). The optional column 登録の契機
 * (registration_trigger) says at which of the three moments of DESIGN §2.2 such a project is registered:
 * 当初予算要求時 when empty, the moment an expense list stands for. It is a fact of the registration, so it
 * is set on the projects the file creates and never changes an existing project's; lines of one new
 * project that name different triggers are refused (decision 0019).
 */
import { randomUUID } from 'node:crypto';
import { bureausAllowed, permissionScope, rolesAllowed, type TOversightInput } from '@psbook/core';
import { recordAudit } from '../audit.ts';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { insertExpenseImport, setExpenseImportSummary } from '../db/queries/expense-imports.ts';
import {
  analyzeStage,
  applyBudgetChunk,
  applyBudgetsFromDecisions,
  budgetComboPage,
  buildImportPlan,
  type ComboEvaluation,
  checkBudgetTotals,
  checkRawRows,
  checkStagedReferences,
  computeProjectBudgets,
  createImportStage,
  dropRefusedStagedRows,
  type Evaluated,
  errorReport,
  findImportBySha,
  insertImportedProjects,
  lockBudgetProjects,
  lockExpenseImports,
  newProjectPage,
  planBudgetCombos,
  planNewProjects,
  writePlannedLines,
} from '../db/queries/expenses.ts';
import { prepareDecisionTable, storeExplanationsInForce, withHashJoins } from '../db/queries/oversight-table.ts';
import { lockProject, projectSearchColumns } from '../db/queries/projects.ts';
import { withTransaction } from '../db/transaction.ts';
import { AppError, forbidden } from '../errors.ts';
import { checkSpec, type ImportEncoding, maxYen, openSource, type ProgressListener, type RowError, stageFile } from './expense-file.ts';
import { notifyTierDecreasesWaiting } from './notification-events.ts';
import { oversightInputsOf, recordTierChange, tierRank } from './oversight.ts';
import { whoOf } from './projects.ts';
import { settleEvaluation } from './tier-decrease.ts';

const maxReportedErrors = 1000;
/** Distinct oversight inputs evaluated and written per statement (and new projects created per statement). */
const tierPage = 5_000;

export type ImportOptions = {
  dryRun: boolean;
  encoding?: ImportEncoding;
  /** CSV (default) or an Excel workbook; for a workbook, the sheet to read (default: the first). */
  format?: 'csv' | 'xlsx';
  sheet?: string;
  /** Called every few thousand rows while reading, and once per phase while writing. */
  onProgress?: ProgressListener;
};

export type ImportResult = {
  dryRun: boolean;
  importId: string | null;
  fileSha256: string;
  format: 'csv' | 'xlsx';
  /** The sheet read from a workbook; null for CSV. */
  sheet: string | null;
  encoding: ImportEncoding;
  bytes: number;
  lineCount: number;
  lines: { created: number; updated: number; unchanged: number };
  projects: { created: number; updated: number; tierChanged: number };
  changes: number;
  errorCount: number;
  errors: RowError[];
  ignoredColumns: string[];
  previousImportId: string | null;
  durationMs: number;
  /** Milliseconds per phase (read, stage, check, create projects, plan, budgets and evaluation, update projects, write lines). */
  timingsMs: Record<string, number>;
};

/* ------------------------------------------------------------------ writing */

/** Who may import: admins any bureau, staff and bureau leads their own bureaus (DESIGN §1). */
function writableBureausOf(actor: DomainContext['actor']): Set<string> | 'all' {
  if (actor.via !== 'session') throw forbidden('Imports need a signed-in person, not an API token');
  if (permissionScope(actor.role, 'expense.import') === null) {
    throw forbidden(`Only ${rolesAllowed('expense.import').join(', ')} may import expense lines`);
  }
  const bureaus = bureausAllowed(actor, 'expense.import');
  return bureaus === 'all' ? 'all' : new Set(bureaus);
}

class RollbackDryRun extends Error {
  constructor(readonly result: ImportResult) {
    super('dry run');
  }
}

/** Evaluate each distinct combination of oversight inputs once (the tier depends on nothing else). */
async function evaluateDistinct<T extends { budgetJpy: number; maxDowntimeHours: number | null; confidentiality: string | null }>(
  policy: DomainContext['policy'],
  combos: T[],
): Promise<Map<string, Evaluated>> {
  const evaluations = new Map<string, Evaluated>();
  for (const combo of combos) {
    const key = comboKey(combo);
    if (evaluations.has(key)) continue;
    const e = await policy.evaluateOversight({
      budgetJpy: combo.budgetJpy,
      maxDowntimeHours: combo.maxDowntimeHours,
      confidentiality: combo.confidentiality as TOversightInput['confidentiality'],
    });
    evaluations.set(key, { tier: e.tier, lowerBound: e.lowerBound, reviewerRole: e.reviewerRole, oversight: JSON.stringify(e) });
  }
  return evaluations;
}
const comboKey = (c: { budgetJpy: number; maxDowntimeHours: number | null; confidentiality: string | null }) =>
  `${c.budgetJpy}|${c.maxDowntimeHours}|${c.confidentiality}`;

type WriteContext = { rulesetVersion: string; actorId: string; actorLabel: string; requestId: string | null; importId: string };

/**
 * Tier the existing projects whose budget the import changes. With a compiled ruleset, one statement
 * (`applyBudgetsFromDecisions`) writes budgets, tiers, explanations, history and audit for all of them
 * from the decision relation (decision 0014). What it leaves — values SQL writes otherwise than
 * JavaScript, a ruleset the compiler left to the engine — goes a page of distinct oversight inputs at a
 * time (memory stays bounded at any size): evaluate each combination once, then one statement per page.
 * Either way a lower tier waits for consent, as an edit's would (tier-decrease.ts): the table's statement
 * requests those decreases itself (request, history, audit; the reviewers are notified here), while a
 * project already waiting on a decrease, and every decrease of the input-by-input path, is settled
 * project by project; pending release requests follow the new reviewer. A dry run only counts.
 */
async function tierChangedBudgets(
  tx: Db,
  policy: DomainContext['policy'],
  who: ReturnType<typeof whoOf>,
  context: WriteContext | null,
): Promise<{ updated: number; tierChanged: number; oneByOne: { ms: number } }> {
  const counts = { updated: 0, tierChanged: 0 };
  // Decreases and re-routed release requests go project by project: counted and timed apart (performance §4.6).
  const oneByOne = { ms: 0 };
  const settleAndReroute = async (applied: Awaited<ReturnType<typeof applyBudgetChunk>>, rulesetVersion: string) => {
    counts.updated += applied.updated;
    counts.tierChanged += applied.tierChanged;
    const started = performance.now();
    // A tier in force keeps its explanation: stored now if it was rendered from the inputs just changed.
    await storeExplanationsInForce(
      tx,
      applied.unstored.map((u) => ({
        id: u.id,
        rulesetVersion: u.rulesetVersion,
        inputs: {
          budgetJpy: u.budgetJpy === null ? null : Number(u.budgetJpy),
          maxDowntimeHours: u.maxDowntimeHours,
          confidentiality: u.confidentiality,
        },
      })),
    );
    // Decreases the statement requested: their reviewers are told, as settleEvaluation tells them.
    await notifyTierDecreasesWaiting(
      tx,
      applied.requested.map((r) => ({ project: r.project, decrease: { ...r, requestedBy: who.actor.id } })),
    );
    for (const r of applied.settle) {
      const project = (await lockProject(tx, r.id))!;
      const budgetBefore = r.oldBudgetJpy === null ? null : Number(r.oldBudgetJpy);
      const evaluation = await policy.evaluateOversight(oversightInputsOf(project));
      const inForce = { ...oversightInputsOf(project), budgetJpy: budgetBefore };
      if ((await settleEvaluation(tx, policy, who, project, inForce, evaluation, 'import')).tierChanged) counts.tierChanged++;
    }
    // recordTierChange writes their history row too.
    for (const r of applied.reroute) {
      await recordTierChange(
        tx,
        policy,
        who,
        r.id,
        { tier: r.oldTier, reviewerRole: r.oldReviewerRole },
        { tier: r.tier, reviewerRole: r.reviewerRole, rulesetVersion },
        'import',
      );
    }
    oneByOne.ms += performance.now() - started;
  };
  if (context) {
    const decision = await prepareDecisionTable(tx, await policy.oversightTable, 'n');
    if (decision) {
      const applied = await withHashJoins(tx, () => applyBudgetsFromDecisions(tx, decision, maxYen, context));
      await settleAndReroute(applied, context.rulesetVersion);
    }
  }
  // Whatever is left still has its old budget.
  const inputs = await planBudgetCombos(tx, maxYen);
  for (let from = 1; from <= inputs; from += tierPage) {
    const combos = await budgetComboPage(tx, from, from + tierPage - 1);
    const evaluations = await evaluateDistinct(policy, combos);
    if (!context) {
      for (const combo of combos) {
        const e = evaluations.get(comboKey(combo))!;
        counts.updated += Number(combo.projects);
        // A decrease would wait for its reviewer's consent: not a change yet.
        const raisesOrMoves = tierRank(e.tier) >= tierRank(combo.tier);
        if (raisesOrMoves && (e.tier !== combo.tier || e.reviewerRole !== combo.reviewerRole)) counts.tierChanged += Number(combo.projects);
      }
      continue;
    }
    const evaluated: ComboEvaluation[] = [...new Map(combos.map((c) => [comboKey(c), c])).values()].map((c) => ({
      budgetJpy: Number(c.budgetJpy),
      maxDowntimeHours: c.maxDowntimeHours,
      confidentiality: c.confidentiality,
      ...evaluations.get(comboKey(c))!,
    }));
    await settleAndReroute(await applyBudgetChunk(tx, evaluated, context), context.rulesetVersion);
  }
  return { ...counts, oneByOne };
}

/**
 * Create the projects the file registers, a page at a time, each with its final budget and tier: from
 * the decision relation in the insert itself, or evaluated here once per distinct budget where the
 * relation does not tier it exactly (a ruleset left to the engine; budgets beyond 2^53, which the
 * ¥9,000,000,000,000,000 ceiling keeps out of a file).
 */
async function createNewProjects(tx: Db, policy: DomainContext['policy'], count: number, context: WriteContext): Promise<number> {
  let created = 0;
  const decision = count > 0 ? await prepareDecisionTable(tx, await policy.oversightTable, 'n') : null;
  for (let from = 1; from <= count; from += tierPage) {
    const keys = (await newProjectPage(tx, from, from + tierPage - 1)).map((k) => {
      const search = projectSearchColumns(k.projectName, null, null);
      return {
        bureauCode: k.bureauCode,
        fiscalYear: k.fiscalYear,
        projectName: k.projectName,
        budgetJpy: Number(k.budgetJpy),
        registrationTrigger: k.registrationTrigger,
        searchText: search.searchText,
        searchGrams: search.searchGrams.join('\u001f'),
      };
    });
    const byInputs = await evaluateDistinct(
      policy,
      keys
        .filter((k) => !decision || !Number.isSafeInteger(k.budgetJpy))
        .map((k) => ({ budgetJpy: k.budgetJpy, maxDowntimeHours: null, confidentiality: null })),
    );
    const byBudget = new Map([...byInputs.entries()].map(([key, e]) => [Number(key.split('|')[0]), e]));
    const inserted = await insertImportedProjects(tx, keys, byBudget, decision, context);
    // Every key has its evaluation from one side or the other: a project left out would lose its lines.
    if (inserted !== keys.length) throw new Error(`created ${inserted} of ${keys.length} projects: an evaluation is missing`);
    created += inserted;
  }
  return created;
}

/**
 * Read, check and (unless a dry run) apply an expense file. A real import with any row error is
 * refused with 422 and the errors; a dry run answers with the errors and what would change.
 */
export async function importExpenses(ctx: DomainContext, body: ReadableStream<Uint8Array>, options: ImportOptions): Promise<ImportResult> {
  const started = performance.now();
  let lap = started;
  const timingsMs: Record<string, number> = {};
  const timing = (phase: string) => {
    timingsMs[phase] = Math.round(performance.now() - lap);
    lap = performance.now();
  };
  const writableBureaus = writableBureausOf(ctx.actor);
  const policy = ctx.policy;
  const who = whoOf(ctx);
  const rulesetVersion = policy.rulesets['oversight-tier'].version;
  // A workbook is read whole before the transaction (it is a zip); a CSV streams inside it.
  const source = await openSource(body, options);

  try {
    // A dry run rolls back by throwing out of its own transaction: joined to a caller's, it would not.
    if (options.dryRun && ctx.db.isTransaction) throw new Error('a dry-run import needs a transaction of its own: call it outside one');
    return await withTransaction(ctx.db, async (tx) => {
      await createImportStage(tx);
      const file = await stageFile(tx, source, options.onProgress);
      timing('read');
      options.onProgress?.({ processed: file.lineCount, phase: 'writing' });
      const base = {
        dryRun: options.dryRun,
        fileSha256: file.sha256,
        format: file.format,
        sheet: file.sheet,
        encoding: file.encoding,
        bytes: file.bytes,
        lineCount: file.lineCount,
        ignoredColumns: file.ignoredColumns,
      };
      const finish = (partial: Omit<ImportResult, keyof typeof base | 'durationMs' | 'timingsMs'>): ImportResult => ({
        ...base,
        ...partial,
        durationMs: Math.round(performance.now() - started),
        timingsMs,
      });
      // Errors name the sheet of a workbook whose rows were read.
      const report = async () => {
        const { count, errors } = await errorReport(tx, maxReportedErrors);
        return {
          errorCount: count,
          errors: file.errorSheet === undefined ? errors : errors.map((e) => ({ ...e, sheet: file.errorSheet })),
        };
      };
      const reject = async () => {
        const { errorCount, errors } = await report();
        return new AppError('rule_violation', `The file has ${errorCount} error(s); nothing was imported`, {
          errors,
          errorCount,
          fileSha256: file.sha256,
          format: file.format,
          sheet: file.sheet,
          encoding: file.encoding,
          lineCount: file.lineCount,
        });
      };
      const errorCount = async () => (await errorReport(tx, 0)).count;

      // Only the checks against the book need it: one import at a time from here.
      await lockExpenseImports(tx);
      if (file.header) await checkRawRows(tx, checkSpec(file, file.header, writableBureaus));
      await analyzeStage(tx, 'expense_stage');
      timing('check rows');
      await checkStagedReferences(tx, writableBureaus === 'all' ? null : [...writableBureaus]);
      if ((await errorCount()) > 0) await dropRefusedStagedRows(tx);
      const tooLarge = `¥${maxYen.toLocaleString('en')}`;
      const newProjects = await planNewProjects(tx, maxYen, tooLarge);
      const previous = await findImportBySha(tx, file.sha256);
      timing('check against the book');
      if (!options.dryRun && (await errorCount()) > 0) throw await reject();

      const importId = options.dryRun ? null : randomUUID();
      const context = importId
        ? { rulesetVersion, actorId: ctx.actor.id, actorLabel: who.actor.label, requestId: ctx.requestId, importId }
        : null;
      let projectsCreated = newProjects;
      if (context) {
        await insertExpenseImport(tx, {
          id: context.importId,
          fileSha256: file.sha256,
          lineCount: file.lineCount,
          summary: '{}',
          createdBy: ctx.actor.id,
        });
        // New projects get their final budget and tier at once: all their lines are in this file.
        projectsCreated = await createNewProjects(tx, policy, newProjects, context);
        timing('create projects');
      }

      const lines = await buildImportPlan(tx);
      timing('plan');
      await computeProjectBudgets(tx);
      await checkBudgetTotals(tx, maxYen, tooLarge);
      if (!options.dryRun && (await errorCount()) > 0) throw await reject();
      if (context) await lockBudgetProjects(tx);
      timing('budgets');
      const { oneByOne, ...tiered } = await tierChangedBudgets(tx, policy, who, context);
      timing('tier');
      // Of which: decreases settled and release requests re-routed one project at a time.
      timingsMs['tier: one by one'] = Math.round(oneByOne.ms);
      const projects = { created: projectsCreated, ...tiered };

      if (!context) {
        const changes = lines.created + lines.updated + projects.created + projects.updated;
        throw new RollbackDryRun(
          finish({ importId: null, lines, projects, changes, ...(await report()), previousImportId: previous?.id ?? null }),
        );
      }
      await writePlannedLines(tx, context.importId);
      timing('write lines');

      const result = finish({
        importId: context.importId,
        lines,
        projects,
        changes: lines.created + lines.updated + projects.created + projects.updated,
        errorCount: 0,
        errors: [],
        previousImportId: previous?.id ?? null,
      });
      const { errors: _e, ...summary } = result;
      await setExpenseImportSummary(tx, context.importId, JSON.stringify(summary));
      await recordAudit(tx, who, {
        action: 'expense_import.create',
        entityType: 'expense_import',
        entityId: context.importId,
        after: summary,
      });
      return result;
    });
  } catch (error) {
    if (error instanceof RollbackDryRun) return error.result;
    throw error;
  }
}

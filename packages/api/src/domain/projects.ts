import { type TCreateProjectRequest, type TProjectResponse, type TUpdateProjectRequest, ZTierOrNull } from '@psbook/core';
import { recordAudit } from '../audit.ts';
import { auditActorOf, requireProjectWrite } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import {
  decodeCursor,
  findProjectById,
  insertProject,
  listProjects,
  listTierHistory,
  lockProject,
  type ProjectListFilter,
  projectSearchColumns,
  refreshProjectSearch,
  updateProjectAtVersion,
} from '../db/queries/projects.ts';
import { existingBureauCodes } from '../db/queries/users.ts';
import type { ProjectRow } from '../db/schema.ts';
import { withTransaction } from '../db/transaction.ts';
import { AppError, notFound, validationError, versionConflict } from '../errors.ts';
import { oversightColumns, oversightInputsOf, recordTierChange } from './oversight.ts';
import { settleEvaluation } from './tier-decrease.ts';

export type ProjectResponse = TProjectResponse;

/**
 * The API shape of a project: never the raw row (search columns stay inside). Typed as the response
 * schema, so a field the schema names and this leaves out (or the reverse) does not compile.
 */
export function toProjectResponse(row: Omit<ProjectRow, 'searchText' | 'searchGrams'>): TProjectResponse {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    bureauCode: row.bureauCode,
    fiscalYear: row.fiscalYear,
    summary: row.summary,
    isNew: row.isNew,
    registrationTrigger: row.registrationTrigger,
    stage: row.stage,
    budgetJpy: row.budgetJpy,
    maxDowntimeHours: row.maxDowntimeHours,
    confidentiality: row.confidentiality,
    tier: row.tier,
    reviewerRole: row.reviewerRole,
    oversight: row.oversight,
    canvasWritten: row.canvasWritten,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** What an audit event keeps of a project: the fields people change, not derived columns. */
export function auditProjectState(row: ProjectRow) {
  const { oversight: _o, searchText: _t, searchGrams: _g, ...rest } = row;
  return { ...rest, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

export const whoOf = (ctx: DomainContext) => ({ actor: auditActorOf(ctx.actor), requestId: ctx.requestId });

export async function getProjectOrThrow(ctx: { db: DomainContext['db'] }, id: string): Promise<ProjectRow> {
  const row = await findProjectById(ctx.db, id);
  if (!row) throw notFound('Project');
  return row;
}

/**
 * A page of projects matching `filter`, newest or oldest first. `cursor` is the list's own cursor
 * (db/queries/projects.ts); one it did not write is a 400 on `query.cursor`.
 */
export async function listProjectPage(
  ctx: DomainContext,
  filter: ProjectListFilter,
  page: { limit: number; cursor: string | undefined; order: 'newest' | 'oldest' },
): Promise<{ items: TProjectResponse[]; nextCursor: string | null }> {
  const cursor = page.cursor === undefined ? null : decodeCursor(page.cursor);
  if (page.cursor !== undefined && !cursor) throw validationError([{ path: 'query.cursor', message: 'not a cursor from this API' }]);
  const { rows, nextCursor } = await listProjects(ctx.db, filter, { limit: page.limit, cursor, order: page.order });
  return { items: rows.map(toProjectResponse), nextCursor };
}

/** Every change of a project's tier or reviewer, oldest first (404 for an unknown project). */
export async function tierHistoryOf(ctx: DomainContext, projectId: string) {
  await getProjectOrThrow(ctx, projectId);
  const rows = await listTierHistory(ctx.db, projectId);
  // Tier history's tier columns are smallints checked to 1–3: parsed into tiers, not cast.
  return rows.map((r) => ({
    ...r,
    fromTier: ZTierOrNull.parse(r.fromTier),
    toTier: ZTierOrNull.parse(r.toTier),
    at: r.at.toISOString(),
  }));
}

/** Where a row of a project names its project: every list and view of a project's rows carries it. */
export const projectHeadingOf = (row: { projectId: string; projectCode: string; projectName: string; bureauCode: string }) => ({
  projectId: row.projectId,
  projectCode: row.projectCode,
  projectName: row.projectName,
  bureauCode: row.bureauCode,
});

/**
 * The two reads of a kind of row that belongs to a project, as the API shows them: the project's rows
 * (404 for an unknown project; any signed-in user reads them, as the project itself) and one row by id.
 */
export function projectRowReads<Row, Response>(
  what: string,
  listOf: (db: Db, projectId: string) => Promise<Row[]>,
  find: (db: Db, id: string) => Promise<Row | undefined>,
  toResponse: (row: Row) => Response,
) {
  return {
    async listOfProject(ctx: DomainContext, projectId: string): Promise<Response[]> {
      await getProjectOrThrow(ctx, projectId);
      return (await listOf(ctx.db, projectId)).map(toResponse);
    },
    async get(ctx: DomainContext, id: string): Promise<Response> {
      const row = await find(ctx.db, id);
      if (!row) throw notFound(what);
      return toResponse(row);
    },
  };
}

/**
 * Lock a row that belongs to a project (a release request, consultation, action, exemption), its
 * project first: every writer locks in this order, the order a tier change locks in, so a decision
 * and a re-routing cannot interleave or deadlock. `what` names the row in the 404.
 */
export async function lockWithProject<T>(
  tx: Db,
  id: string,
  what: string,
  projectIdOf: (tx: Db, id: string) => Promise<{ projectId: string } | undefined>,
  lockRow: (tx: Db, id: string) => Promise<T | undefined>,
): Promise<{ project: ProjectRow; row: T }> {
  const ref = await projectIdOf(tx, id);
  if (!ref) throw notFound(what);
  const project = await lockProject(tx, ref.projectId);
  const row = await lockRow(tx, id);
  if (!project || !row) throw notFound(what);
  return { project, row };
}

export async function createProject(ctx: DomainContext, input: TCreateProjectRequest): Promise<ProjectRow> {
  requireProjectWrite(ctx.actor, input.bureauCode);
  const evaluation = await ctx.policy.evaluateOversight(input);
  return withTransaction(ctx.db, async (tx) => {
    if (!(await existingBureauCodes(tx, [input.bureauCode])).has(input.bureauCode))
      throw new AppError('validation_failed', 'Unknown bureau', { errors: [{ path: 'bureauCode', message: 'no such bureau' }] });
    const row = await insertProject(tx, {
      name: input.name,
      bureauCode: input.bureauCode,
      fiscalYear: input.fiscalYear,
      summary: input.summary ?? null,
      isNew: input.isNew ?? true,
      registrationTrigger: input.registrationTrigger ?? null,
      budgetJpy: input.budgetJpy ?? null,
      maxDowntimeHours: input.maxDowntimeHours ?? null,
      confidentiality: input.confidentiality ?? null,
      ...oversightColumns(evaluation),
      ...projectSearchColumns(input.name, input.summary ?? null, null),
      createdBy: ctx.actor.id,
      updatedBy: ctx.actor.id,
    });
    await recordTierChange(
      tx,
      ctx.policy,
      whoOf(ctx),
      row.id,
      { tier: null, reviewerRole: null },
      { ...row, rulesetVersion: row.rulesetVersion },
      'created',
    );
    await recordAudit(tx, whoOf(ctx), {
      action: 'project.create',
      entityType: 'project',
      entityId: row.id,
      projectId: row.id,
      after: auditProjectState(row),
    });
    return row;
  });
}

const oversightInputKeys = ['budgetJpy', 'maxDowntimeHours', 'confidentiality'] as const;

/**
 * Apply a change at the version the editor saw. A stale version is a 409 with the current version,
 * never a silent overwrite; a changed oversight input re-evaluates the tier in the same transaction
 * (a lower tier waits for the consent of the reviewer of the tier in force: tier-decrease.ts).
 */
export async function updateProject(
  ctx: DomainContext,
  id: string,
  input: Omit<TUpdateProjectRequest, 'version'>,
  expectedVersion: number,
): Promise<ProjectRow> {
  return withTransaction(ctx.db, async (tx) => {
    const before = await lockProject(tx, id);
    if (!before) throw notFound('Project');
    requireProjectWrite(ctx.actor, before.bureauCode);
    if (before.version !== expectedVersion) throw versionConflict(before.version, toProjectResponse(before));

    const changes: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) if (value !== undefined) changes[key] = value;
    const inputsChanged = oversightInputKeys.some((key) => key in changes && changes[key] !== before[key]);
    // The explanation in force is stored with the new inputs: a decrease that waits keeps the tier, and
    // its explanation, of the inputs before (one rendered from the inputs would describe the new ones).
    if (inputsChanged) changes.oversight = JSON.stringify(before.oversight);
    let after = await updateProjectAtVersion(tx, id, expectedVersion, changes, ctx.actor.id);
    if ('name' in changes || 'summary' in changes) await refreshProjectSearch(tx, id);
    if (inputsChanged) {
      // A lower tier waits for its reviewer's consent; the same tier or a higher one applies at once.
      const evaluation = await ctx.policy.evaluateOversight(oversightInputsOf(after));
      after = (await settleEvaluation(tx, ctx.policy, whoOf(ctx), after, oversightInputsOf(before), evaluation, 'inputs_changed')).row;
    }
    await recordAudit(tx, whoOf(ctx), {
      action: 'project.update',
      entityType: 'project',
      entityId: id,
      projectId: id,
      before: auditProjectState(before),
      after: auditProjectState(after),
    });
    return after;
  });
}

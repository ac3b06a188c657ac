import {
  canMoveProcurementStatus,
  isOverBudgetBy,
  needsTierReview,
  type ProcurementLimits,
  procurementLimits,
  procurementMethodLabels,
  procurementMovesFrom,
  procurementStatusLabels,
  type TCreateProcurementRequest,
  type TUpdateProcurementRequest,
  tierReviewThresholdOf,
  ZProcurementMethod,
  ZTierOrNull,
} from '@psbook/core';
import { recordAudit } from '../audit.ts';
import { requireProjectWrite } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import {
  decodeProcurementCursor,
  findDocumentOfProject,
  findProcurementProject,
  insertProcurement,
  listProcurements,
  listProjectProcurements,
  lockProcurement,
  type ProcurementListFilter,
  type ProcurementProject,
  type ProcurementRow,
  procurementStatsByMethod,
  updateProcurementAtVersion,
} from '../db/queries/procurements.ts';
import { withTransaction } from '../db/transaction.ts';
import { AppError, type FieldError, notFound, validationError, versionConflict } from '../errors.ts';
import type { TableColumn } from '../xlsx.ts';
import { whoOf } from './projects.ts';

export { type ProcurementLimits, procurementLimits };

export type ProcurementResponse = ReturnType<typeof toProcurementResponse>;

/**
 * The API shape of a procurement, with the comparison DESIGN §2.7 asks for: the contract amount
 * against the budget the project's tier was based on (over budget beyond the ruleset's margin), and a
 * flag, at every tier, when the contract alone reaches a budget band above the project's tier.
 */
export function toProcurementResponse(row: ProcurementRow, project: ProcurementProject, limits: ProcurementLimits) {
  const threshold = tierReviewThresholdOf(limits, project.tier);
  const amount = row.contractAmountJpy;
  const budget = project.budgetJpy;
  const known = amount !== null && budget !== null;
  return {
    id: row.id,
    projectId: row.projectId,
    // The project's tier is read through a join as a smallint: parsed into a tier, not cast.
    project: {
      id: project.id,
      code: project.code,
      name: project.name,
      bureauCode: project.bureauCode,
      tier: ZTierOrNull.parse(project.tier),
    },
    title: row.title,
    method: row.method,
    status: row.status,
    specDocumentId: row.specDocumentId,
    vendorName: row.vendorName,
    corporateNumber: row.corporateNumber,
    isStartup: row.isStartup,
    contractAmountJpy: amount,
    contractStart: row.contractStart,
    contractEnd: row.contractEnd,
    budgetComparison: {
      budgetJpy: budget,
      contractAmountJpy: amount,
      differenceJpy: known ? amount - budget : null,
      ratio: known && budget > 0 ? Math.round((amount / budget) * 10_000) / 10_000 : null,
      isOverBudget: known ? isOverBudgetBy(amount, budget, limits.overBudgetMarginRatio) : null,
      overBudgetMarginRatio: limits.overBudgetMarginRatio,
    },
    tierReviewThresholdJpy: threshold,
    needsTierReview: needsTierReview(limits, project.tier, amount),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const auditState = (row: ProcurementRow) => ({ ...row, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() });

async function checkReferences(
  tx: DomainContext['db'],
  projectId: string,
  after: { specDocumentId?: string | null; contractStart?: string | null; contractEnd?: string | null },
): Promise<void> {
  const errors: FieldError[] = [];
  if (after.specDocumentId) {
    const doc = await findDocumentOfProject(tx, after.specDocumentId);
    if (!doc || doc.projectId !== projectId) errors.push({ path: 'specDocumentId', message: 'no such document in this project' });
    else if (doc.kind !== 'procurement_spec')
      errors.push({ path: 'specDocumentId', message: 'must be a procurement specification (調達仕様書)' });
  }
  if (after.contractStart && after.contractEnd && after.contractEnd < after.contractStart) {
    errors.push({ path: 'contractEnd', message: 'must not be before contractStart' });
  }
  if (errors.length) throw validationError(errors);
}

async function projectOrThrow(db: DomainContext['db'], projectId: string): Promise<ProcurementProject> {
  const project = await findProcurementProject(db, projectId);
  if (!project) throw notFound('Project');
  return project;
}

/** A project's procurements, oldest first, as the API shows them (404 for an unknown project). */
export async function listProcurementsOfProject(ctx: DomainContext, projectId: string): Promise<ProcurementResponse[]> {
  const project = await projectOrThrow(ctx.db, projectId);
  const limits = procurementLimits(ctx.policy);
  return (await listProjectProcurements(ctx.db, project.id)).map((row) => toProcurementResponse(row, project, limits));
}

/**
 * A page of the register across the book, newest first. `cursor` is the register's own cursor
 * (db/queries/procurements.ts); one it did not write is a 400 on `query.cursor`.
 */
export async function listProcurementPage(
  ctx: DomainContext,
  filter: ProcurementListFilter,
  page: { limit: number; cursor: string | undefined },
): Promise<{ items: ProcurementResponse[]; nextCursor: string | null }> {
  const cursor = page.cursor === undefined ? null : decodeProcurementCursor(page.cursor);
  if (page.cursor !== undefined && !cursor) throw validationError([{ path: 'query.cursor', message: 'not a cursor from this API' }]);
  const { rows, nextCursor } = await listProcurements(ctx.db, filter, { limit: page.limit, cursor });
  const limits = procurementLimits(ctx.policy);
  return { items: rows.map((row) => toProcurementResponse(row, row.project, limits)), nextCursor };
}

/** Every procurement matching `filter`, newest first, page by page (keyset): the exports' rows. */
export async function* allProcurements(ctx: DomainContext, filter: ProcurementListFilter) {
  const limits = procurementLimits(ctx.policy);
  let cursor = null;
  for (;;) {
    const page = await listProcurements(ctx.db, filter, { limit: 500, cursor });
    yield page.rows.map((row) => toProcurementResponse(row, row.project, limits));
    if (!page.nextCursor) return;
    cursor = decodeProcurementCursor(page.nextCursor);
  }
}

export async function createProcurement(
  ctx: DomainContext,
  projectId: string,
  input: TCreateProcurementRequest,
): Promise<{ row: ProcurementRow; project: ProcurementProject }> {
  return withTransaction(ctx.db, async (tx) => {
    const project = await projectOrThrow(tx, projectId);
    requireProjectWrite(ctx.actor, project.bureauCode);
    await checkReferences(tx, projectId, input);
    const row = await insertProcurement(tx, {
      projectId,
      title: input.title,
      method: input.method,
      status: input.status,
      specDocumentId: input.specDocumentId ?? null,
      vendorName: input.vendorName ?? null,
      corporateNumber: input.corporateNumber ?? null,
      isStartup: input.isStartup ?? false,
      contractAmountJpy: input.contractAmountJpy ?? null,
      contractStart: input.contractStart ?? null,
      contractEnd: input.contractEnd ?? null,
      createdBy: ctx.actor.id,
    });
    await recordAudit(tx, whoOf(ctx), {
      action: 'procurement.create',
      entityType: 'procurement',
      entityId: row.id,
      projectId,
      after: auditState(row),
    });
    return { row, project };
  });
}

/** Apply a change at the version the editor saw; a stale version is a 409, a backward status a 422. */
export async function updateProcurement(
  ctx: DomainContext,
  projectId: string,
  procurementId: string,
  input: Omit<TUpdateProcurementRequest, 'version'>,
  expectedVersion: number,
): Promise<{ row: ProcurementRow; project: ProcurementProject }> {
  return withTransaction(ctx.db, async (tx) => {
    const before = await lockProcurement(tx, procurementId);
    if (!before || before.projectId !== projectId) throw notFound('Procurement');
    const project = await projectOrThrow(tx, projectId);
    requireProjectWrite(ctx.actor, project.bureauCode);
    if (before.version !== expectedVersion)
      throw versionConflict(before.version, toProcurementResponse(before, project, procurementLimits(ctx.policy)));

    const changes: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) if (value !== undefined) changes[key] = value;
    if (input.status !== undefined && !canMoveProcurementStatus(before.status, input.status)) {
      throw new AppError('invalid_transition', `A procurement cannot move from ${before.status} to ${input.status}`, {
        from: before.status,
        to: changes.status,
        allowed: procurementMovesFrom(before.status),
      });
    }
    await checkReferences(tx, projectId, {
      specDocumentId: 'specDocumentId' in changes ? (changes.specDocumentId as string | null) : null,
      contractStart: 'contractStart' in changes ? (changes.contractStart as string | null) : before.contractStart,
      contractEnd: 'contractEnd' in changes ? (changes.contractEnd as string | null) : before.contractEnd,
    });
    const after = await updateProcurementAtVersion(tx, procurementId, expectedVersion, changes);
    await recordAudit(tx, whoOf(ctx), {
      action: 'procurement.update',
      entityType: 'procurement',
      entityId: procurementId,
      projectId,
      before: auditState(before),
      after: auditState(after),
    });
    return { row: after, project };
  });
}

const share = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);

/** Counts and contract totals by method, and the share awarded to startups (count and amount). */
export async function procurementStats({ db, policy }: DomainContext, fiscalYear: number | null) {
  const limits = procurementLimits(policy);
  const rows = new Map((await procurementStatsByMethod(db, fiscalYear, limits.tierReviewJpy)).map((r) => [r.method, r]));
  const byMethod = ZProcurementMethod.options.map((method) => {
    const r = rows.get(method);
    return {
      method,
      label: procurementMethodLabels[method],
      count: Number(r?.count ?? 0),
      awardedCount: Number(r?.awardedCount ?? 0),
      contractTotalJpy: Number(r?.contractTotalJpy ?? 0),
      startupAwardedCount: Number(r?.startupAwardedCount ?? 0),
      startupContractTotalJpy: Number(r?.startupContractTotalJpy ?? 0),
    };
  });
  const sum = (pick: (r: (typeof byMethod)[number]) => number) => byMethod.reduce((acc, r) => acc + pick(r), 0);
  const awardedCount = sum((r) => r.awardedCount);
  const contractTotalJpy = sum((r) => r.contractTotalJpy);
  const startupAwardedCount = sum((r) => r.startupAwardedCount);
  const startupContractTotalJpy = sum((r) => r.startupContractTotalJpy);
  return {
    fiscalYear,
    byMethod,
    total: { count: sum((r) => r.count), awardedCount, contractTotalJpy },
    startups: {
      awardedCount: startupAwardedCount,
      contractTotalJpy: startupContractTotalJpy,
      countShare: share(startupAwardedCount, awardedCount),
      amountShare: share(startupContractTotalJpy, contractTotalJpy),
    },
    tierReviewThresholdJpy: limits.tierReviewJpy[1],
    tierReviewThresholdsJpy: { tier1: limits.tierReviewJpy[1], tier2: limits.tierReviewJpy[2] },
    needsTierReview: [...rows.values()].reduce((acc, r) => acc + Number(r.needsTierReview), 0),
  };
}

const yesNo = (value: boolean | null) => (value === null ? null : value ? 'はい' : 'いいえ');

/** The procurement register as a table: the CSV and the workbook of GET /procurements.csv|.xlsx. */
export const procurementTableColumns: TableColumn<ProcurementResponse>[] = [
  { header: 'プロジェクト番号', kind: 'text', value: (p) => p.project.code },
  { header: '事業名', kind: 'text', value: (p) => p.project.name },
  { header: '局コード', kind: 'text', value: (p) => p.project.bureauCode },
  { header: '件名', kind: 'text', value: (p) => p.title },
  {
    header: '調達方式',
    kind: 'text',
    value: (p) => procurementMethodLabels[p.method as keyof typeof procurementMethodLabels]?.ja ?? p.method,
  },
  { header: '状況', kind: 'text', value: (p) => procurementStatusLabels[p.status as keyof typeof procurementStatusLabels]?.ja ?? p.status },
  { header: '事業者名', kind: 'text', value: (p) => p.vendorName },
  // 13 digits as text: as a number Excel would show 1.23E+12 and could drop the check digit's meaning.
  { header: '法人番号', kind: 'text', value: (p) => p.corporateNumber },
  { header: 'スタートアップ', kind: 'text', value: (p) => yesNo(p.isStartup) },
  { header: '契約金額（円）', kind: 'yen', value: (p) => p.contractAmountJpy },
  { header: '契約開始日', kind: 'date', value: (p) => p.contractStart },
  { header: '契約終了日', kind: 'date', value: (p) => p.contractEnd },
  { header: '予算額（円）', kind: 'yen', value: (p) => p.budgetComparison.budgetJpy },
  { header: '差額（円）', kind: 'yen', value: (p) => p.budgetComparison.differenceJpy },
  { header: '契約額/予算', kind: 'percent', value: (p) => p.budgetComparison.ratio },
  { header: '予算超過', kind: 'text', value: (p) => yesNo(p.budgetComparison.isOverBudget) },
  { header: '区分見直し要', kind: 'text', value: (p) => (p.needsTierReview ? '要' : null) },
  { header: '登録日時', kind: 'datetime', value: (p) => p.createdAt },
];

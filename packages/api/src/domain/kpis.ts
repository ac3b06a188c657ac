import {
  computeKpiStatus,
  expectedValue,
  fiscalYearOf,
  isMeasurementOnPlan,
  measurementNeedsComment,
  type TCreateKpiRequest,
  type TCreateMeasurementRequest,
  type TKpiForStatus,
  type TUpdateKpiRequest,
} from '@psbook/core';
import { recordAudit } from '../audit.ts';
import { requireProjectWrite } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import {
  deleteKpiRow,
  deleteMeasurementRow,
  findMeasurement,
  findProjectKpi,
  insertKpi,
  insertMeasurement,
  type KpiRow,
  listKpiMeasurements,
  listKpiRows,
  listProjectMeasurements,
  type MeasurementRow,
  updateKpiAtVersion,
} from '../db/queries/kpis.ts';
import { lockProject } from '../db/queries/projects.ts';
import { withTransaction } from '../db/transaction.ts';
import { AppError, type FieldError, notFound, validationError, versionConflict } from '../errors.ts';
import { getProjectOrThrow, whoOf } from './projects.ts';

const forStatus = (kpi: KpiRow): TKpiForStatus => ({
  direction: kpi.direction as TKpiForStatus['direction'],
  baselineValue: kpi.baselineValue,
  baselineYear: kpi.baselineYear,
  targetValue: kpi.targetValue,
  targetText: kpi.targetText,
  targetFiscalYear: kpi.targetFiscalYear,
});

/** The API shape of a KPI: its measurements, each judged against that year's plan, and its status. */
export function toKpiResponse(kpi: KpiRow, measurements: readonly MeasurementRow[]) {
  const plan = forStatus(kpi);
  return {
    id: kpi.id,
    projectId: kpi.projectId,
    name: kpi.name,
    unit: kpi.unit,
    direction: plan.direction,
    baselineValue: kpi.baselineValue,
    baselineYear: kpi.baselineYear,
    targetValue: kpi.targetValue,
    targetText: kpi.targetText,
    targetFiscalYear: kpi.targetFiscalYear,
    status: computeKpiStatus(plan, measurements),
    measurements: measurements.map((m) => ({
      id: m.id,
      fiscalYear: m.fiscalYear,
      value: m.value,
      achieved: m.achieved,
      comment: m.comment,
      expectedValue: expectedValue(plan, m.fiscalYear),
      isOnPlan: isMeasurementOnPlan(plan, m),
      recordedBy: m.recordedBy,
      recordedAt: m.recordedAt.toISOString(),
    })),
    version: kpi.version,
    createdAt: kpi.createdAt.toISOString(),
    updatedAt: kpi.updatedAt.toISOString(),
  };
}
export type KpiResponse = ReturnType<typeof toKpiResponse>;

/** What an audit event keeps of a KPI. */
const auditKpiState = (kpi: KpiRow) => ({ ...kpi, createdAt: kpi.createdAt.toISOString(), updatedAt: kpi.updatedAt.toISOString() });

/** Lock the project, check the actor may write it, and find the KPI under it. */
async function lockKpiForWrite(tx: Db, ctx: DomainContext, projectId: string, kpiId: string): Promise<KpiRow> {
  const project = await lockProject(tx, projectId);
  if (!project) throw notFound('Project');
  requireProjectWrite(ctx.actor, project.bureauCode);
  const kpi = await findProjectKpi(tx, projectId, kpiId);
  if (!kpi) throw notFound('KPI');
  return kpi;
}

/** Optional text is stored verbatim; a blank one means "none". */
const blankToNull = (value: string | null | undefined) => (typeof value === 'string' && value.trim() ? value : null);

type KpiPlan = {
  baselineYear: number | null;
  targetValue: number | null;
  targetText: string | null;
  targetFiscalYear: number;
};

/** Rules over several fields, checked on the whole KPI (after a partial update too). */
function checkPlan(plan: KpiPlan): void {
  const errors: FieldError[] = [];
  if (plan.targetValue === null && plan.targetText === null) {
    errors.push({ path: 'targetValue', message: 'a target value or a target text (e.g. 竣工) is required' });
  }
  if (plan.baselineYear !== null && plan.baselineYear > plan.targetFiscalYear) {
    errors.push({ path: 'baselineYear', message: 'the baseline year must not be after the target fiscal year' });
  }
  if (errors.length) throw validationError(errors);
}

export async function listKpis(ctx: Pick<DomainContext, 'db'>, projectId: string): Promise<KpiResponse[]> {
  await getProjectOrThrow(ctx, projectId);
  const [kpis, measurements] = await Promise.all([listKpiRows(ctx.db, projectId), listProjectMeasurements(ctx.db, projectId)]);
  const byKpi = new Map<string, MeasurementRow[]>();
  for (const m of measurements) {
    const list = byKpi.get(m.kpiId);
    if (list) list.push(m);
    else byKpi.set(m.kpiId, [m]);
  }
  return kpis.map((kpi) => toKpiResponse(kpi, byKpi.get(kpi.id) ?? []));
}

export async function createKpi(ctx: DomainContext, projectId: string, input: TCreateKpiRequest): Promise<KpiResponse> {
  const values = {
    name: input.name,
    unit: blankToNull(input.unit),
    direction: input.direction,
    baselineValue: input.baselineValue ?? null,
    baselineYear: input.baselineYear ?? null,
    targetValue: input.targetValue ?? null,
    targetText: blankToNull(input.targetText),
    targetFiscalYear: input.targetFiscalYear,
  };
  checkPlan(values);
  return withTransaction(ctx.db, async (tx) => {
    const project = await lockProject(tx, projectId);
    if (!project) throw notFound('Project');
    requireProjectWrite(ctx.actor, project.bureauCode);
    const kpi = await insertKpi(tx, { ...values, projectId });
    await recordAudit(tx, whoOf(ctx), { action: 'kpi.create', entityType: 'kpi', entityId: kpi.id, projectId, after: auditKpiState(kpi) });
    return toKpiResponse(kpi, []);
  });
}

/** Change a KPI at the version the editor saw; a stale version is a 409 with the current KPI. */
export async function updateKpi(ctx: DomainContext, projectId: string, kpiId: string, input: TUpdateKpiRequest): Promise<KpiResponse> {
  return withTransaction(ctx.db, async (tx) => {
    const before = await lockKpiForWrite(tx, ctx, projectId, kpiId);
    const measurements = await listKpiMeasurements(tx, kpiId);
    if (before.version !== input.version) throw versionConflict(before.version, toKpiResponse(before, measurements));

    const changes: Partial<KpiRow> = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.unit !== undefined) changes.unit = blankToNull(input.unit);
    if (input.direction !== undefined) changes.direction = input.direction;
    if (input.baselineValue !== undefined) changes.baselineValue = input.baselineValue;
    if (input.baselineYear !== undefined) changes.baselineYear = input.baselineYear;
    if (input.targetValue !== undefined) changes.targetValue = input.targetValue;
    if (input.targetText !== undefined) changes.targetText = blankToNull(input.targetText);
    if (input.targetFiscalYear !== undefined) changes.targetFiscalYear = input.targetFiscalYear;
    checkPlan({ ...before, ...changes });

    const after = await updateKpiAtVersion(tx, kpiId, input.version, changes);
    await recordAudit(tx, whoOf(ctx), {
      action: 'kpi.update',
      entityType: 'kpi',
      entityId: kpiId,
      projectId,
      before: auditKpiState(before),
      after: auditKpiState(after),
    });
    return toKpiResponse(after, measurements);
  });
}

/** Remove a KPI and its measurements; with an expected version, a stale one is a 409. */
export async function deleteKpi(ctx: DomainContext, projectId: string, kpiId: string, expectedVersion?: number): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const before = await lockKpiForWrite(tx, ctx, projectId, kpiId);
    const measurements = await listKpiMeasurements(tx, kpiId);
    if (expectedVersion !== undefined && before.version !== expectedVersion) {
      throw versionConflict(before.version, toKpiResponse(before, measurements));
    }
    await deleteKpiRow(tx, kpiId);
    await recordAudit(tx, whoOf(ctx), {
      action: 'kpi.delete',
      entityType: 'kpi',
      entityId: kpiId,
      projectId,
      before: { ...auditKpiState(before), measurements: measurements.map((m) => ({ ...m, recordedAt: m.recordedAt.toISOString() })) },
    });
  });
}

/**
 * Record a KPI's measurement for one fiscal year (at most one per year: a second is a 409). A
 * measurement that misses its year's plan must say why (comment), so the book explains every miss.
 */
export async function addMeasurement(
  ctx: DomainContext,
  projectId: string,
  kpiId: string,
  input: TCreateMeasurementRequest,
  now = new Date(),
): Promise<KpiResponse> {
  return withTransaction(ctx.db, async (tx) => {
    const kpi = await lockKpiForWrite(tx, ctx, projectId, kpiId);
    const value = input.value ?? null;
    const achieved = input.achieved ?? null;
    const comment = blankToNull(input.comment);
    const errors: FieldError[] = [];
    if (kpi.targetValue !== null && value === null) {
      errors.push({ path: 'value', message: 'this KPI has a numeric target: record the measured value' });
    }
    if (kpi.targetValue === null && achieved === null) {
      errors.push({ path: 'achieved', message: `this KPI's target is「${kpi.targetText}」: record whether it was achieved` });
    }
    if (input.fiscalYear > fiscalYearOf(now)) {
      errors.push({ path: 'fiscalYear', message: 'a fiscal year that has not started cannot be measured yet' });
    }
    if (errors.length) throw validationError(errors);

    const duplicate = await findMeasurement(tx, kpiId, input.fiscalYear);
    if (duplicate) {
      throw new AppError('conflict', `This KPI already has a measurement for fiscal year ${input.fiscalYear}`, {
        errors: [{ path: 'fiscalYear', message: 'already measured' }],
      });
    }
    const measurement = { fiscalYear: input.fiscalYear, value, achieved };
    if (!comment && measurementNeedsComment(forStatus(kpi), measurement)) {
      throw new AppError('rule_violation', 'A measurement that misses its plan needs a comment saying why', {
        errors: [{ path: 'comment', message: 'the measurement misses the plan for this year: say why' }],
      });
    }
    const row = await insertMeasurement(tx, { kpiId, ...measurement, comment, recordedBy: ctx.actor.id });
    await recordAudit(tx, whoOf(ctx), {
      action: 'kpi_measurement.create',
      entityType: 'kpi_measurement',
      entityId: row.id,
      projectId,
      after: { ...row, recordedAt: row.recordedAt.toISOString() },
    });
    return toKpiResponse(kpi, await listKpiMeasurements(tx, kpiId));
  });
}

/** Remove one year's measurement (to correct a wrong entry: record it again afterwards). */
export async function deleteMeasurement(ctx: DomainContext, projectId: string, kpiId: string, fiscalYear: number): Promise<KpiResponse> {
  return withTransaction(ctx.db, async (tx) => {
    const kpi = await lockKpiForWrite(tx, ctx, projectId, kpiId);
    const row = await deleteMeasurementRow(tx, kpiId, fiscalYear);
    if (!row) throw notFound(`Measurement for fiscal year ${fiscalYear}`);
    await recordAudit(tx, whoOf(ctx), {
      action: 'kpi_measurement.delete',
      entityType: 'kpi_measurement',
      entityId: row.id,
      projectId,
      before: { ...row, recordedAt: row.recordedAt.toISOString() },
    });
    return toKpiResponse(kpi, await listKpiMeasurements(tx, kpiId));
  });
}

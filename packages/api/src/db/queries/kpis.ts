import type { Selectable } from 'kysely';
import type { Db } from '../database.ts';
import type { KpiMeasurementTable, KpiTable } from '../schema.ts';

export type KpiRow = Selectable<KpiTable>;
export type MeasurementRow = Selectable<KpiMeasurementTable>;

export const listKpiRows = (db: Db, projectId: string) =>
  db.selectFrom('kpi').selectAll().where('projectId', '=', projectId).orderBy('createdAt').orderBy('id').execute();

/** Every measurement of a project's KPIs in one query, oldest year first. */
export const listProjectMeasurements = (db: Db, projectId: string) =>
  db
    .selectFrom('kpiMeasurement')
    .innerJoin('kpi', 'kpi.id', 'kpiMeasurement.kpiId')
    .selectAll('kpiMeasurement')
    .where('kpi.projectId', '=', projectId)
    .orderBy('kpiMeasurement.fiscalYear')
    .execute();

export const listKpiMeasurements = (db: Db, kpiId: string) =>
  db.selectFrom('kpiMeasurement').selectAll().where('kpiId', '=', kpiId).orderBy('fiscalYear').execute();

/** A KPI of this project: a KPI id under another project's path is not found. */
export const findProjectKpi = (db: Db, projectId: string, kpiId: string) =>
  db.selectFrom('kpi').selectAll().where('id', '=', kpiId).where('projectId', '=', projectId).executeTakeFirst();

export const findMeasurement = (db: Db, kpiId: string, fiscalYear: number) =>
  db.selectFrom('kpiMeasurement').selectAll().where('kpiId', '=', kpiId).where('fiscalYear', '=', fiscalYear).executeTakeFirst();

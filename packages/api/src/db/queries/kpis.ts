import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
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

export const insertKpi = (tx: Db, values: Omit<Insertable<KpiTable>, 'createdAt' | 'updatedAt'>) =>
  tx
    .insertInto('kpi')
    // clock_timestamp, not now(): KPIs list in creation order, also when one transaction adds several.
    .values({ ...values, createdAt: sql`clock_timestamp()`, updatedAt: sql`clock_timestamp()` })
    .returningAll()
    .executeTakeFirstOrThrow();

/** Write `changes` at the version the caller checked under the KPI's lock, counting the version up. */
export const updateKpiAtVersion = (tx: Db, kpiId: string, expectedVersion: number, changes: Updateable<KpiTable>) =>
  tx
    .updateTable('kpi')
    .set({ ...changes, version: sql`version + 1`, updatedAt: new Date() })
    .where('id', '=', kpiId)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirstOrThrow();

export const deleteKpiRow = (tx: Db, kpiId: string) => tx.deleteFrom('kpi').where('id', '=', kpiId).execute();

export const insertMeasurement = (tx: Db, values: Insertable<KpiMeasurementTable>) =>
  tx.insertInto('kpiMeasurement').values(values).returningAll().executeTakeFirstOrThrow();

export const deleteMeasurementRow = (tx: Db, kpiId: string, fiscalYear: number) =>
  tx.deleteFrom('kpiMeasurement').where('kpiId', '=', kpiId).where('fiscalYear', '=', fiscalYear).returningAll().executeTakeFirst();

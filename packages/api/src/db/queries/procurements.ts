import type { TProcurementMethod, TProcurementStatus } from '@psbook/core';
import { type Expression, type Insertable, type Selectable, type SqlBool, sql, type Updateable } from 'kysely';
import type { Db } from '../database.ts';
import type { ProcurementTable } from '../schema.ts';

export type ProcurementRow = Selectable<ProcurementTable>;

/** The project facts a procurement response needs: whose it is and the budget its tier was based on. */
export type ProcurementProject = {
  id: string;
  code: string;
  name: string;
  bureauCode: string;
  fiscalYear: number;
  tier: number | null;
  budgetJpy: number | null;
};

export type ProcurementWithProject = ProcurementRow & { project: ProcurementProject };

export const findProcurement = (db: Db, id: string) => db.selectFrom('procurement').selectAll().where('id', '=', id).executeTakeFirst();

/** Lock the procurement row for the rest of the transaction (serialises edits of one procurement). */
export const lockProcurement = (tx: Db, id: string) =>
  tx.selectFrom('procurement').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const insertProcurement = (tx: Db, values: Insertable<ProcurementTable>) =>
  tx.insertInto('procurement').values(values).returningAll().executeTakeFirstOrThrow();

/** Write `changes` at the version the caller checked under the row's lock, counting the version up. */
export const updateProcurementAtVersion = (tx: Db, id: string, expectedVersion: number, changes: Updateable<ProcurementTable>) =>
  tx
    .updateTable('procurement')
    .set({ ...changes, version: sql`version + 1`, updatedAt: new Date() })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirstOrThrow();

export const findProcurementProject = (db: Db, projectId: string): Promise<ProcurementProject | undefined> =>
  db
    .selectFrom('project')
    .select(['id', 'code', 'name', 'bureauCode', 'fiscalYear', 'tier', 'budgetJpy'])
    .where('id', '=', projectId)
    .executeTakeFirst();

export const findDocumentOfProject = (db: Db, documentId: string) =>
  db.selectFrom('document').select(['id', 'projectId', 'kind']).where('id', '=', documentId).executeTakeFirst();

export const listProjectProcurements = (db: Db, projectId: string) =>
  db.selectFrom('procurement').selectAll().where('projectId', '=', projectId).orderBy('createdAt').orderBy('id').execute();

export type ProcurementListFilter = {
  method?: TProcurementMethod[];
  status?: TProcurementStatus[];
  isStartup?: boolean;
  bureau?: string[];
};
export type ProcurementCursor = { createdAt: string; id: string };

export function encodeProcurementCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
}
export function decodeProcurementCursor(cursor: string): ProcurementCursor | null {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { createdAt, id };
}

/** Procurements across the book, newest first, keyset-paged on (created_at, id). */
export async function listProcurements(
  db: Db,
  filter: ProcurementListFilter,
  page: { limit: number; cursor: ProcurementCursor | null },
): Promise<{ rows: ProcurementWithProject[]; nextCursor: string | null }> {
  let query = db
    .selectFrom('procurement as r')
    .innerJoin('project as p', 'p.id', 'r.projectId')
    .selectAll('r')
    .select([
      'p.code as projectCode',
      'p.name as projectName',
      'p.bureauCode as projectBureauCode',
      'p.fiscalYear as projectFiscalYear',
      'p.tier as projectTier',
      'p.budgetJpy as projectBudgetJpy',
    ])
    .where((eb) => {
      const conditions: Expression<SqlBool>[] = [];
      if (filter.method?.length) conditions.push(eb('r.method', 'in', filter.method));
      if (filter.status?.length) conditions.push(eb('r.status', 'in', filter.status));
      if (filter.isStartup !== undefined) conditions.push(eb('r.isStartup', '=', filter.isStartup));
      if (filter.bureau?.length) conditions.push(eb('p.bureauCode', 'in', filter.bureau));
      return eb.and(conditions);
    });
  if (page.cursor) {
    query = query.where(sql<SqlBool>`(r.created_at, r.id) < (${page.cursor.createdAt}::text::timestamptz, ${page.cursor.id}::uuid)`);
  }
  const rows = await query
    .orderBy('r.createdAt', 'desc')
    .orderBy('r.id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const hasMore = rows.length > page.limit;
  const items = (hasMore ? rows.slice(0, page.limit) : rows).map(
    ({ projectCode, projectName, projectBureauCode, projectFiscalYear, projectTier, projectBudgetJpy, ...r }) => ({
      ...r,
      project: {
        id: r.projectId,
        code: projectCode,
        name: projectName,
        bureauCode: projectBureauCode,
        fiscalYear: projectFiscalYear,
        tier: projectTier,
        budgetJpy: projectBudgetJpy,
      },
    }),
  );
  return { rows: items, nextCursor: hasMore ? encodeProcurementCursor(items[items.length - 1]!) : null };
}

/**
 * The fiscal year a procurement counts in: that of its contract start when known (April–March),
 * else its project's fiscal year. One expression, used by the statistics.
 */
const procurementFiscalYear = sql<number>`coalesce(extract(year from (r.contract_start - interval '3 months'))::int, p.fiscal_year)`;

export type ProcurementStatsRow = {
  method: string;
  count: number;
  awardedCount: number;
  contractTotalJpy: number;
  startupAwardedCount: number;
  startupContractTotalJpy: number;
  needsTierReview: number;
};

/**
 * One GROUP BY over the procurements of a fiscal year (all years when null). Cancelled procurements
 * are left out; "awarded" means awarded, contracted or completed, and only those count in amounts.
 */
export async function procurementStatsByMethod(db: Db, fiscalYear: number | null, tierReviewJpy: { 1: number | null; 2: number | null }) {
  const awarded = sql<SqlBool>`r.status in ('awarded', 'contracted', 'completed')`;
  // The bound above the project's tier: tier 1 and 未設定 the lowest band above tier 1, tier 2 the tier-3 band.
  const threshold = sql`case when p.tier = 2 then ${tierReviewJpy[2]}::bigint when p.tier = 3 then null else ${tierReviewJpy[1]}::bigint end`;
  const result = await sql<ProcurementStatsRow>`
    select r.method,
      count(*)::bigint as count,
      count(*) filter (where ${awarded})::bigint as awarded_count,
      coalesce(sum(r.contract_amount_jpy) filter (where ${awarded}), 0)::bigint as contract_total_jpy,
      count(*) filter (where ${awarded} and r.is_startup)::bigint as startup_awarded_count,
      coalesce(sum(r.contract_amount_jpy) filter (where ${awarded} and r.is_startup), 0)::bigint as startup_contract_total_jpy,
      count(*) filter (where r.contract_amount_jpy >= ${threshold})::bigint
        as needs_tier_review
    from procurement r
    join project p on p.id = r.project_id
    where r.status <> 'cancelled'
      and (${fiscalYear}::int is null or ${procurementFiscalYear} = ${fiscalYear}::int)
    group by r.method
    order by r.method
  `.execute(db);
  return result.rows;
}

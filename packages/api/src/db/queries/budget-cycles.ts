import type { TExtractionFact, TExtractionFacts } from '@psbook/core';
import { type Insertable, type RawBuilder, sql } from 'kysely';
import type { Db } from '../database.ts';
import type { BudgetCycleTable } from '../schema.ts';

/** A new cycle; undefined when the fiscal year has one already. */
export const insertBudgetCycle = (tx: Db, values: Insertable<BudgetCycleTable>) =>
  tx
    .insertInto('budgetCycle')
    .values(values)
    .onConflict((oc) => oc.column('fiscalYear').doNothing())
    .returningAll()
    .executeTakeFirst();

export const listBudgetCycleRows = (db: Db) => db.selectFrom('budgetCycle').selectAll().orderBy('fiscalYear', 'desc').execute();

/** The latest cycle before `fiscalYear`, if any. */
export const findPreviousBudgetCycle = (db: Db, fiscalYear: number) =>
  db
    .selectFrom('budgetCycle')
    .select('fiscalYear')
    .where('fiscalYear', '<', fiscalYear)
    .orderBy('fiscalYear', 'desc')
    .limit(1)
    .executeTakeFirst();

/** The project columns behind each extraction fact (TExtractionFacts), with their SQL types. */
export const extractionColumns = {
  isNew: { column: 'is_new', type: 'boolean' },
  tier: { column: 'tier', type: 'smallint' },
  tierLowerBound: { column: 'tier_lower_bound', type: 'smallint' },
  budgetJpy: { column: 'budget_jpy', type: 'bigint' },
  bureauCode: { column: 'bureau_code', type: 'text' },
  stage: { column: 'stage', type: 'text' },
} as const satisfies Record<TExtractionFact, { column: string; type: string }>;
export type ExtractionFact = keyof typeof extractionColumns;

/** The distinct combinations of the `referenced` facts among a budget year's projects (not retired). */
export const extractionFactCombinations = async (tx: Db, fiscalYear: number, referenced: ExtractionFact[]) =>
  (await tx
    .selectFrom('project')
    .where('fiscalYear', '=', fiscalYear)
    .where('stage', '<>', 'retired')
    .select(referenced.map((f) => f))
    .distinct()
    .execute()) as Partial<TExtractionFacts>[];

/**
 * Open a tech review for every project of the budget year (not retired) whose `referenced` facts are
 * one of `combos` (every project when no fact is referenced), and audit each, in one statement;
 * existing reviews are left as they are. Returns how many projects matched and how many reviews it opened.
 */
export async function insertExtractedTechReviews(
  tx: Db,
  fiscalYear: number,
  referenced: ExtractionFact[],
  combos: Partial<TExtractionFacts>[],
  rulesetVersion: string,
  who: { actor: { id: string | null; label: string }; requestId: string | null },
) {
  let join: RawBuilder<unknown>;
  if (referenced.length) {
    const values = sql.join(
      combos.map((combo) => sql`(${sql.join(referenced.map((f) => sql`${combo[f] ?? null}::${sql.raw(extractionColumns[f].type)}`))})`),
    );
    const columns = sql.raw(referenced.map((f) => extractionColumns[f].column).join(', '));
    const on = sql.join(
      referenced.map((f) => sql.raw(`p.${extractionColumns[f].column} is not distinct from v.${extractionColumns[f].column}`)),
      sql` and `,
    );
    join = sql`join (values ${values}) as v(${columns}) on ${on}`;
  } else {
    join = sql``;
  }
  const result = await sql<{ matched: number; inserted: number }>`
        with matched as (
          select p.id, p.tier, p.budget_jpy, p.canvas_written from project p ${join}
          where p.fiscal_year = ${fiscalYear} and p.stage <> 'retired'
        ),
        ins as (
          insert into tech_review (fiscal_year, project_id, tier_at_extraction, budget_jpy_at_extraction, extraction_ruleset_version,
            is_tier_not_set, is_canvas_missing)
          select ${fiscalYear}, id, tier, budget_jpy, ${rulesetVersion}, tier is null, not canvas_written from matched
          on conflict (fiscal_year, project_id) do nothing
          returning id, project_id, tier_at_extraction, budget_jpy_at_extraction, is_tier_not_set, is_canvas_missing
        ),
        audit as (
          insert into audit_event (actor_id, actor_label, action, entity_type, entity_id, project_id, after, request_id)
          select ${who.actor.id}::uuid, ${who.actor.label}, 'tech_review.extract', 'tech_review', id::text, project_id,
            jsonb_build_object('fiscalYear', ${fiscalYear}::int, 'tierAtExtraction', tier_at_extraction,
              'budgetJpyAtExtraction', budget_jpy_at_extraction, 'rulesetVersion', ${rulesetVersion}::text,
              'isTierNotSet', is_tier_not_set, 'isCanvasMissing', is_canvas_missing),
            ${who.requestId}::text
          from ins
        )
        select (select count(*)::int from matched) as matched, (select count(*)::int from ins) as inserted
      `.execute(tx);
  return { matched: Number(result.rows[0]?.matched ?? 0), inserted: Number(result.rows[0]?.inserted ?? 0) };
}

export const lockTechReviewsOfYear = (tx: Db, fiscalYear: number) =>
  tx.selectFrom('techReview').selectAll().where('fiscalYear', '=', fiscalYear).orderBy('id').forUpdate().execute();

export const listProjectCodes = (db: Db, ids: string[]) => db.selectFrom('project').select(['id', 'code']).where('id', 'in', ids).execute();

/** Every tech review of the year becomes submitted, and the cycle with it (the caller holds the cycle's lock). */
export async function submitLockedBudgetCycle(tx: Db, fiscalYear: number, submittedBy: string) {
  await tx
    .updateTable('techReview')
    .set({ status: 'submitted', updatedAt: sql<Date>`now()`, version: sql<number>`version + 1` })
    .where('fiscalYear', '=', fiscalYear)
    .execute();
  return tx
    .updateTable('budgetCycle')
    .set({ submittedAt: sql<Date>`now()`, submittedBy, version: sql<number>`version + 1` })
    .where('fiscalYear', '=', fiscalYear)
    .returningAll()
    .executeTakeFirstOrThrow();
}

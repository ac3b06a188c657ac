import type { TOversightEvaluation, TReviewerRole, TTier } from '@psbook/core';
import { type Insertable, sql } from 'kysely';
import type { AuditActor } from '../../auth/actor.ts';
import type { Db } from '../database.ts';
import type { ConsultationRoutingTable, ReleaseRequestRoutingTable } from '../schema.ts';
import { recordTierChangesSql } from './oversight-table.ts';

type Who = { actor: AuditActor; requestId: string | null };

/** Shortest round-trip text for double precision (PostgreSQL's default since 12), as String(number), for this transaction. */
export async function useRoundTripFloats(tx: Db): Promise<void> {
  await sql`set local extra_float_digits = 1`.execute(tx);
}

export const listPendingReleaseRequestsOfProject = (tx: Db, projectId: string) =>
  tx
    .selectFrom('releaseRequest')
    .select(['id', 'tier', 'reviewerRole', 'requestedBy'])
    .where('projectId', '=', projectId)
    .where('status', '=', 'pending')
    .execute();

export const rerouteReleaseRequest = (
  tx: Db,
  id: string,
  to: { tier: TTier | null; reviewerRole: TReviewerRole | null; checklist: string },
) =>
  tx
    .updateTable('releaseRequest')
    .set({ tier: to.tier, reviewerRole: to.reviewerRole, checklist: to.checklist, version: sql`version + 1` })
    .where('id', '=', id)
    .execute();

export const insertReleaseRequestRouting = (tx: Db, values: Insertable<ReleaseRequestRoutingTable>) =>
  tx.insertInto('releaseRequestRouting').values(values).execute();

/** What a notification names a project by. */
export const getProjectHeading = (tx: Db, projectId: string) =>
  tx.selectFrom('project').select(['id', 'code', 'name', 'bureauCode']).where('id', '=', projectId).executeTakeFirstOrThrow();

export const listOpenConsultationsOfProject = (tx: Db, projectId: string) =>
  tx
    .selectFrom('consultation')
    .select(['id', 'tier', 'reviewerRole', 'subject', 'openedBy'])
    .where('projectId', '=', projectId)
    .where('status', '<>', 'closed')
    .execute();

export const rerouteConsultation = (tx: Db, id: string, tier: TTier | null, reviewerRole: TReviewerRole | null) =>
  tx.updateTable('consultation').set({ tier, reviewerRole, version: sql`version + 1` }).where('id', '=', id).execute();

export const insertConsultationRouting = (tx: Db, values: Insertable<ConsultationRoutingTable>) =>
  tx.insertInto('consultationRouting').values(values).execute();

/** Whether any project is still on another ruleset version than `version`. */
export const anyProjectNotOn = async (tx: Db, version: string) =>
  (await tx.selectFrom('project').select('id').where('rulesetVersion', '<>', version).limit(1).executeTakeFirst()) !== undefined;

/** The condition "project `p` is on another ruleset version than `version`". */
export const notOnRulesetVersion = (version: string) => sql<boolean>`p.ruleset_version <> ${version}`;

/** Projects with a pending release request or an open consultation routed to another tier or reviewer than the project's. */
export const listProjectsWithStaleReviews = (tx: Db) =>
  tx
    .selectFrom('releaseRequest as rr')
    .innerJoin('project as p', 'p.id', 'rr.projectId')
    .select(['p.id', 'p.tier', 'p.reviewerRole'])
    .where('rr.status', '=', 'pending')
    .where(sql<boolean>`(rr.tier is distinct from p.tier or rr.reviewer_role is distinct from p.reviewer_role)`)
    .union((eb) =>
      eb
        .selectFrom('consultation as c')
        .innerJoin('project as p', 'p.id', 'c.projectId')
        .select(['p.id', 'p.tier', 'p.reviewerRole'])
        .where('c.status', '<>', 'closed')
        .where(sql<boolean>`(c.tier is distinct from p.tier or c.reviewer_role is distinct from p.reviewer_role)`),
    )
    .execute();

/* ------------------------------------------------------------------ the input-by-input re-tier */

export type RetierInput = { budgetJpy: number | null; maxDowntimeHours: number | null; confidentiality: string | null };

/**
 * A temporary table for evaluations (dropped at commit) and a cursor over the distinct inputs of the
 * projects not on `version`, so memory stays bounded whatever the size of the book.
 */
export async function openRetierInputs(tx: Db, version: string): Promise<void> {
  await sql`
    create temp table retier_input (
      budget_key bigint, downtime_key double precision, confidentiality_key text,
      tier smallint, lower_bound smallint, reviewer_role text, oversight jsonb
    ) on commit drop
  `.execute(tx);
  await sql`
    declare retier_inputs no scroll cursor for
    select distinct budget_jpy, max_downtime_hours, confidentiality from project where ruleset_version <> ${sql.lit(version)}
  `.execute(tx);
}

export async function fetchRetierInputs(tx: Db): Promise<RetierInput[]> {
  const { rows } = await sql<RetierInput>`fetch forward 2000 from retier_inputs`.execute(tx);
  return rows;
}

export async function storeRetierEvaluations(tx: Db, rows: RetierInput[], evaluations: TOversightEvaluation[]): Promise<void> {
  const values = sql.join(
    rows.map((row, i) => {
      const e = evaluations[i]!;
      // Inputs are never negative or empty (check constraints), so these keys stand for "not given".
      return sql`(${row.budgetJpy ?? -1}::bigint, ${row.maxDowntimeHours ?? -1}::double precision, ${row.confidentiality ?? ''}::text,
          ${e.tier}::smallint, ${e.lowerBound}::smallint, ${e.reviewerRole}::text, ${JSON.stringify(e)}::jsonb)`;
    }),
  );
  await sql`insert into retier_input values ${values}`.execute(tx);
}

export async function closeRetierInputs(tx: Db): Promise<void> {
  await sql`close retier_inputs`.execute(tx);
}

/** One UPDATE joining the stored evaluations to the projects not on `version`, with history and audit; returns how many changed. */
export async function applyRetierEvaluations(tx: Db, who: Who, version: string): Promise<number> {
  const result = await sql<{ changed: number }>`
    with old as (
      select p.id, p.tier, p.reviewer_role, v.tier as new_tier, v.lower_bound, v.reviewer_role as new_reviewer_role, v.oversight
      from project p
      join retier_input v on coalesce(p.budget_jpy, -1) = v.budget_key
        and coalesce(p.max_downtime_hours, -1) = v.downtime_key
        and coalesce(p.confidentiality, '') = v.confidentiality_key
      where p.ruleset_version <> ${version}
    ),
    upd as (
      update project p set
        tier = old.new_tier, tier_lower_bound = old.lower_bound, reviewer_role = old.new_reviewer_role,
        oversight = old.oversight, ruleset_version = ${version}, updated_at = now()
      from old
      where old.id = p.id
      returning p.id, old.tier as from_tier, p.tier as to_tier, old.reviewer_role as from_reviewer_role, p.reviewer_role as to_reviewer_role
    ),
    ${recordTierChangesSql(who, version, 'ruleset_changed', 'project.retier')}
  `.execute(tx);
  return Number(result.rows[0]?.changed ?? 0);
}

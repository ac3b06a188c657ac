import type { TGateExemption, TProjectFacts, TStage } from '@psbook/core';
import { type Insertable, sql } from 'kysely';
import type { Db } from '../database.ts';
import type { StageTransitionTable } from '../schema.ts';
import { projectHeading } from './project-heading.ts';

/**
 * Everything the lifecycle gates look at, in one round trip: each fact is a scalar subquery served by
 * an index on its table's project_id. Counts are bigint, which the drivers turn into exact numbers.
 */
export async function selectProjectFacts(db: Db, projectId: string, fiscalYear: number): Promise<TProjectFacts | undefined> {
  const row = await db
    .selectFrom('project as p')
    .select(['p.stage', 'p.canvasWritten'])
    .select([
      sql<number>`(select count(*) from kpi k where k.project_id = p.id
        and (k.target_value is not null or coalesce(btrim(k.target_text), '') <> ''))`.as('kpiWithTargetCount'),
      sql<number>`(select count(*) from document d where d.project_id = p.id and d.kind = 'requirements_definition')`.as(
        'requirementsDefinitionCount',
      ),
      sql<number>`(select count(*) from document d where d.project_id = p.id and d.kind = 'procurement_spec')`.as('procurementSpecCount'),
      sql<number>`(select count(*) from release_request r where r.project_id = p.id and r.status = 'approved')`.as('approvedReleaseCount'),
      sql<number>`(select count(*) from kpi k where k.project_id = p.id
        and not exists (select 1 from kpi_measurement m where m.kpi_id = k.id and m.fiscal_year = ${fiscalYear}))`.as(
        'kpisUnmeasuredThisYearCount',
      ),
      sql<boolean>`exists (select 1 from yearly_review y where y.project_id = p.id and y.fiscal_year = ${fiscalYear})`.as(
        'hasYearlyDecision',
      ),
      sql<number>`(select count(*) from follow_up_action a where a.project_id = p.id and a.blocking and a.status <> 'verified')`.as(
        'openBlockingActionCount',
      ),
      // An approved exemption counts until the end of its expiry day; after that the gate is unmet again.
      sql<
        TGateExemption[] | null
      >`(select jsonb_agg(jsonb_build_object('gate', e.target, 'reason', e.reason, 'expiresOn', e.expires_on::text)
        order by e.decided_at) from exemption e where e.project_id = p.id and e.target_kind = 'gate'
        and e.status = 'approved' and e.expires_on >= current_date)`.as('exemptGates'),
    ])
    .where('p.id', '=', projectId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    stage: row.stage as TStage,
    canvasWritten: row.canvasWritten,
    kpiWithTargetCount: Number(row.kpiWithTargetCount),
    requirementsDefinitionCount: Number(row.requirementsDefinitionCount),
    procurementSpecCount: Number(row.procurementSpecCount),
    approvedReleaseCount: Number(row.approvedReleaseCount),
    kpisUnmeasuredThisYearCount: Number(row.kpisUnmeasuredThisYearCount),
    hasYearlyDecision: row.hasYearlyDecision === true,
    openBlockingActionCount: Number(row.openBlockingActionCount),
    exemptGates: row.exemptGates ?? [],
  };
}

/** The project's stage moves, oldest first, with who made them. */
export const listStageTransitions = (db: Db, projectId: string) =>
  db
    .selectFrom('stageTransition')
    .leftJoin('appUser', 'appUser.id', 'stageTransition.actorId')
    .selectAll('stageTransition')
    .select('appUser.displayName as actorName')
    .where('stageTransition.projectId', '=', projectId)
    .orderBy('stageTransition.id')
    .execute();

/** Retirements a yearly decision opened that wait for the owning bureau to confirm or withdraw, oldest first. */
export function listPendingRetirementsForBureaus(db: Db, bureauCodes: string[], limit: number) {
  if (bureauCodes.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('yearlyReview as y')
    .innerJoin('project as p', 'p.id', 'y.projectId')
    .select(['y.projectId', 'y.fiscalYear', 'y.decidedAt', ...projectHeading, 'p.tier'])
    .where('y.retirementStatus', '=', 'pending')
    .where('p.bureauCode', 'in', bureauCodes)
    .orderBy('y.decidedAt')
    .orderBy('y.projectId')
    .limit(limit)
    .execute();
}

export const insertStageTransition = (tx: Db, values: Insertable<StageTransitionTable>) =>
  tx.insertInto('stageTransition').values(values).returning('id').executeTakeFirstOrThrow();

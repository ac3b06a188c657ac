import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../database.ts';

/** Projects that share a candidate's band keys, tier in force, reviewer, bureau and waiting decrease. */
export type SimulationGroup = {
  /** The candidate's band key of each factor (0 for a candidate left to the engine). */
  k0: number;
  k1: number;
  k2: number;
  /** False when a key is not in the table (or there is no table): the group is then one input, given below. */
  covered: boolean;
  budgetJpy: number | null;
  maxDowntimeHours: number | null;
  confidentiality: string | null;
  tier: number | null;
  reviewerRole: string | null;
  bureauCode: string;
  /** The inputs the tier in force came from, when a tier decrease waits (decision 0008); JSON text. */
  fromInputs: string | null;
  projects: number;
};

/**
 * Every project with its candidate band keys (`bandKeys`, the CASE of each factor from `bandKeySql`, or
 * null for a candidate left to the engine) and, where the keys do not cover it, its inputs.
 */
export function projectsWithBandKeys(bandKeys: readonly string[] | null): RawBuilder<unknown> {
  const keys = bandKeys ?? ['0', '0', '0'];
  const covered = bandKeys ? keys.map((k) => `${k} >= -2`).join(' and ') : 'false';
  const projectKeys = sql.raw(
    `${keys.map((k, i) => `${k} as k${i}`).join(', ')}, (${covered}) as covered, ` +
      ['budget_jpy', 'max_downtime_hours', 'confidentiality']
        .map((c) => `case when ${covered} then null else p.${c} end as ${c}`)
        .join(', '),
  );
  return sql`
      select p.id, p.code, p.name, p.tier, p.reviewer_role, p.bureau_code, d.from_inputs::text as from_inputs, ${projectKeys}
      from project p left join tier_decrease d on d.project_id = p.id and d.status = 'pending'`;
}

/** The projects counted by group: one GROUP BY, so a few thousand rows at most whatever the book's size. */
export async function countSimulationGroups(tx: Db, projectsWithKeys: RawBuilder<unknown>): Promise<SimulationGroup[]> {
  return (
    await sql<SimulationGroup>`
        select k0, k1, k2, covered, budget_jpy, max_downtime_hours, confidentiality, tier, reviewer_role, bureau_code, from_inputs,
          count(*)::bigint as projects
        from (${projectsWithKeys}) s
        group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11`.execute(tx)
  ).rows;
}

/** The first `limit` projects of the `picked` groups, in group order then by code, with their group's index. */
export async function projectsOfSimulationGroups(tx: Db, projectsWithKeys: RawBuilder<unknown>, picked: SimulationGroup[], limit: number) {
  const values = sql.join(
    picked.map(
      (g, i) =>
        sql`(${i}::int, ${g.k0}::int, ${g.k1}::int, ${g.k2}::int, ${g.covered}::boolean, ${g.budgetJpy}::bigint, ${g.maxDowntimeHours}::double precision, ${g.confidentiality}::text, ${g.tier}::smallint, ${g.reviewerRole}::text, ${g.bureauCode}::text, ${g.fromInputs}::text)`,
    ),
  );
  const rows = await sql<{ id: string; code: string; name: string; bureauCode: string; groupIndex: number }>`
        with g(group_index, k0, k1, k2, covered, budget_jpy, max_downtime_hours, confidentiality, tier, reviewer_role, bureau_code, from_inputs) as (values ${values})
        select s.id, s.code, s.name, s.bureau_code, g.group_index
        from (${projectsWithKeys}) s
        join g
          on s.k0 = g.k0 and s.k1 = g.k1 and s.k2 = g.k2 and s.covered = g.covered
          and s.budget_jpy is not distinct from g.budget_jpy and s.max_downtime_hours is not distinct from g.max_downtime_hours
          and s.confidentiality is not distinct from g.confidentiality and s.tier is not distinct from g.tier
          and s.reviewer_role is not distinct from g.reviewer_role and s.bureau_code = g.bureau_code
          and s.from_inputs is not distinct from g.from_inputs
        order by g.group_index, s.code
        limit ${limit}`.execute(tx);
  return rows.rows;
}

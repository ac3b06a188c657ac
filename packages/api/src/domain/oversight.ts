import type { Policy, TOversightEvaluation, TOversightInput, TOversightInputName, TReviewerRole } from '@psbook/core';
import { sql } from 'kysely';
import { recordAudit } from '../audit.ts';
import type { AuditActor } from '../auth/actor.ts';
import type { Db } from '../db/database.ts';
import { notifyConsultationRouted, notifyReleaseRequestRouted } from './notification-events.ts';
import { bandIndexSql, bandWhenMissing, oversightInputColumns, UntranslatableRulesetError, unmatchedBand } from './oversight-bands.ts';
import { retierPendingDecreases } from './tier-decrease.ts';

type TierState = { tier: number | null; reviewerRole: TReviewerRole | null };

/** Tiers in order of oversight; an unset tier (no reviewer) is the least. */
export const tierRank = (tier: number | null) => tier ?? 0;
type Who = { actor: AuditActor; requestId: string | null };

/** The project columns that store an evaluation. */
export function oversightColumns(evaluation: TOversightEvaluation) {
  return {
    tier: evaluation.tier,
    tierLowerBound: evaluation.lowerBound,
    reviewerRole: evaluation.reviewerRole,
    oversight: JSON.stringify(evaluation),
    rulesetVersion: evaluation.rulesetVersion,
  };
}

export const oversightInputsOf = (row: {
  budgetJpy: number | null;
  maxDowntimeHours: number | null;
  confidentiality: string | null;
}): TOversightInput => ({
  budgetJpy: row.budgetJpy,
  maxDowntimeHours: row.maxDowntimeHours,
  confidentiality: row.confidentiality as TOversightInput['confidentiality'],
});

/**
 * Record a change of tier or reviewer: tier history, and pending release requests and open
 * consultations re-routed to the reviewer the new tier designates (DESIGN §2.3, §2.8).
 */
export async function recordTierChange(
  tx: Db,
  policy: Policy,
  who: Who,
  projectId: string,
  before: TierState,
  after: TierState & { rulesetVersion: string },
  cause: 'created' | 'inputs_changed' | 'ruleset_changed' | 'import',
): Promise<void> {
  // Callers let a tier fall only with the consent of its reviewer (tier-decrease.ts) or by a ruleset change.
  if (cause !== 'created' && before.tier === after.tier && before.reviewerRole === after.reviewerRole) return;
  await tx
    .insertInto('tierHistory')
    .values({
      projectId,
      fromTier: cause === 'created' ? null : before.tier,
      toTier: after.tier,
      fromReviewerRole: cause === 'created' ? null : before.reviewerRole,
      toReviewerRole: after.reviewerRole,
      rulesetVersion: after.rulesetVersion,
      cause,
      actorId: who.actor.id,
    })
    .execute();
  if (cause !== 'created') await reroutePendingReviews(tx, policy, who, projectId, after);
}

/**
 * Everything still waiting on the project's reviewer follows the tier: pending release requests (with
 * the checklist of the new tier) and consultations not yet closed. One function for both, so whatever
 * rule decides whether a pending review moves applies to release requests and consultations alike.
 */
async function reroutePendingReviews(tx: Db, policy: Policy, who: Who, projectId: string, after: TierState) {
  const isRouted = (item: TierState) => item.tier === after.tier && item.reviewerRole === after.reviewerRole;
  // Never downwards: a review filed under a higher tier stays with that tier's reviewer (issue 10 §1).
  const staysPut = (item: TierState) => isRouted(item) || tierRank(after.tier) < tierRank(item.tier);
  const routing = (item: TierState) => ({
    fromTier: item.tier,
    toTier: after.tier,
    fromReviewerRole: item.reviewerRole,
    toReviewerRole: after.reviewerRole,
  });
  const audit = (entityType: string, id: string, item: TierState) =>
    recordAudit(tx, who, {
      action: `${entityType}.reroute`,
      entityType,
      entityId: id,
      projectId,
      before: { tier: item.tier, reviewerRole: item.reviewerRole },
      after: { tier: after.tier, reviewerRole: after.reviewerRole },
    });

  const pending = await tx
    .selectFrom('releaseRequest')
    .select(['id', 'tier', 'reviewerRole', 'requestedBy'])
    .where('projectId', '=', projectId)
    .where('status', '=', 'pending')
    .execute();
  for (const request of pending) {
    if (staysPut(request)) continue;
    const checklist = after.tier === null ? [] : await policy.releaseChecklist(after.tier as 1 | 2 | 3);
    await tx
      .updateTable('releaseRequest')
      .set({ tier: after.tier, reviewerRole: after.reviewerRole, checklist: JSON.stringify(checklist), version: sql`version + 1` })
      .where('id', '=', request.id)
      .execute();
    await tx
      .insertInto('releaseRequestRouting')
      .values({ releaseRequestId: request.id, ...routing(request) })
      .execute();
    await audit('release_request', request.id, request);
    const project = await tx
      .selectFrom('project')
      .select(['id', 'code', 'name', 'bureauCode'])
      .where('id', '=', projectId)
      .executeTakeFirstOrThrow();
    await notifyReleaseRequestRouted(tx, project, { ...request, tier: after.tier, reviewerRole: after.reviewerRole }, true);
  }

  const consultations = await tx
    .selectFrom('consultation')
    .select(['id', 'tier', 'reviewerRole', 'subject', 'openedBy'])
    .where('projectId', '=', projectId)
    .where('status', '<>', 'closed')
    .execute();
  for (const consultation of consultations) {
    if (staysPut(consultation)) continue;
    await tx
      .updateTable('consultation')
      .set({ tier: after.tier, reviewerRole: after.reviewerRole, version: sql`version + 1` })
      .where('id', '=', consultation.id)
      .execute();
    await tx
      .insertInto('consultationRouting')
      .values({ consultationId: consultation.id, ...routing(consultation) })
      .execute();
    await audit('consultation', consultation.id, consultation);
    const project = await tx
      .selectFrom('project')
      .select(['id', 'code', 'name', 'bureauCode'])
      .where('id', '=', projectId)
      .executeTakeFirstOrThrow();
    await notifyConsultationRouted(tx, project, { ...consultation, tier: after.tier, reviewerRole: after.reviewerRole }, 'rerouted');
  }
}

type OversightRuleset = Policy['rulesets']['oversight-tier']['content'];
type Factor = OversightRuleset['factors'][number];

/** The group key of an input that is not given: the band CASE gives null, and a hash join needs a value. */
const notGiven = -2;

/**
 * The value of a project's input as the explanation shows it, in SQL: `json` as `factors[i].value`,
 * `text` as the reasons embed it (the evaluator's formatValue wraps it in ¥/円, h/時間). `exact` is
 * where both equal what JavaScript writes; other rows take the engine path.
 */
const valueSql: Record<TOversightInputName, { json(e: string): string; text(e: string): string; exact(e: string): string }> = {
  budgetJpy: {
    json: (e) => `${e}::text`,
    // Intl's ja-JP grouping: a comma every three digits (the pattern covers every bigint).
    text: (e) => `to_char(${e}, 'FM9,999,999,999,999,999,999')`,
    exact: (e) => `${e} between -9007199254740991 and 9007199254740991`,
  },
  maxDowntimeHours: {
    // Shortest round-trip digits, as String(number), where neither writes an exponent: JavaScript
    // switches to one below 1e-6 and from 1e21, PostgreSQL below 1e-4 and from 1e15. -0 prints as 0.
    json: (e) => `(case when ${e} = 0 then '0' else ${e}::text end)`,
    text: (e) => `(case when ${e} = 0 then '0' else ${e}::text end)`,
    // NaN fails the range test, so the band CASE never sees it (see oversight-bands.ts).
    exact: (e) => `(${e} = 0 or (abs(${e}) >= 0.0001 and abs(${e}) < 1e15))`,
  },
  confidentiality: {
    json: (e) => `to_json(${e})::text`,
    // 'A', 'B' or 'C': nothing to escape inside a JSON string (the template check would notice).
    text: (e) => e,
    exact: () => 'true',
  },
};

type BandPlan = {
  factors: { factor: Factor; column: string; bandSql: string; missingBand: number | null }[];
  /** Rows whose values the SQL formats exactly as JavaScript does. */
  exactSql: string;
};

/** The ruleset's bands as SQL over `project p`, or null when a condition has no exact SQL form. */
function planBands(ruleset: OversightRuleset): BandPlan | null {
  let bandSql: string[];
  try {
    bandSql = bandIndexSql(ruleset, 'p');
  } catch (error) {
    if (error instanceof UntranslatableRulesetError) return null;
    throw error;
  }
  const factors = ruleset.factors.map((factor, i) => ({
    factor,
    column: `p.${oversightInputColumns[factor.input].column}`,
    bandSql: bandSql[i]!,
    missingBand: bandWhenMissing(factor),
  }));
  const inputs = [...new Set(ruleset.factors.map((f) => f.input))];
  const exactSql = inputs
    .map((input) => {
      const column = `p.${oversightInputColumns[input].column}`;
      return `(${column} is null or ${valueSql[input].exact(column)})`;
    })
    .join(' and ');
  return { factors, exactSql };
}

/** How SQL writes one given input value: as JSON and as the reasons' text. Null: the input is not given. */
type Slot = { json: string; text: string } | null;
const slotKinds = ['value', 'reason', 'reasonJa'] as const;
const marker = (kind: (typeof slotKinds)[number], i: number) => `<<retier:${kind}:${i}>>`;

/**
 * The evaluation of one input as JSON text cut around the places that vary with the input within its
 * group: per factor its value and the value in its two reasons (3 slots per factor, in that order).
 * Null when the value cannot be found in the reasons or the markers are not where expected.
 */
function templateOf(evaluation: TOversightEvaluation, slots: Slot[]): string[] | null {
  if (JSON.stringify(evaluation).includes('<<retier:')) return null;
  const marked = structuredClone(evaluation);
  const markers: (string | null)[] = [];
  for (const [i, f] of marked.factors.entries()) {
    const slot = slots[i];
    if (!slot) {
      markers.push(null, null, null);
      continue;
    }
    // The first occurrence: the reason names the value right after the factor's label. Checked on a
    // second input of the group by the caller, so a label containing the value cannot slip through.
    const at = f.reason.indexOf(slot.text);
    const atJa = f.reasonJa.indexOf(slot.text);
    if (at < 0 || atJa < 0) return null;
    (f as { value: unknown }).value = marker('value', i);
    f.reason = f.reason.slice(0, at) + marker('reason', i) + f.reason.slice(at + slot.text.length);
    f.reasonJa = f.reasonJa.slice(0, atJa) + marker('reasonJa', i) + f.reasonJa.slice(atJa + slot.text.length);
    markers.push(`"${marker('value', i)}"`, marker('reason', i), marker('reasonJa', i));
  }
  const pieces: string[] = [];
  let rest = JSON.stringify(marked);
  for (const m of markers) {
    if (m === null) {
      pieces.push('');
      continue;
    }
    const at = rest.indexOf(m);
    if (at < 0) return null;
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at + m.length);
  }
  pieces.push(rest);
  return pieces;
}

/** The template filled with one input's slots, as the UPDATE fills it in SQL. */
function renderTemplate(pieces: string[], slots: Slot[]): string {
  let out = pieces[0]!;
  for (let j = 0; j < pieces.length - 1; j++) {
    const slot = slots[Math.floor(j / slotKinds.length)];
    const fill = slot ? (j % slotKinds.length === 0 ? slot.json : slot.text) : '';
    out += fill + pieces[j + 1]!;
  }
  return out;
}

/** Whether the engine put each factor in the band the SQL names (by what the explanation shows of it). */
function agreesWithBands(plan: BandPlan, evaluation: TOversightEvaluation, keys: number[]): boolean {
  return plan.factors.every(({ factor, missingBand }, i) => {
    const shown = evaluation.factors[i];
    if (!shown || shown.factor !== factor.factor) return false;
    const key = keys[i]!;
    if ((key === notGiven) !== (shown.value === null)) return false;
    const band = key === notGiven ? missingBand : key === unmatchedBand ? null : key;
    const expected = band === null ? null : factor.bands[band]!;
    return (
      JSON.stringify([shown.tier, shown.band, shown.thresholds]) ===
      JSON.stringify(expected ? [expected.tier, expected.label, expected.conditions] : [null, null, []])
    );
  });
}

type GroupRow = Record<string, unknown> & {
  iscombination: number;
  projects: number;
  oldtier: number | null;
  oldreviewer: string | null;
};

/**
 * Re-evaluate every project under the policy's oversight ruleset. The tier and the explanation depend
 * on the inputs only through the band each factor falls in, so projects are grouped in SQL by their
 * bands (a few dozen groups), the engine evaluates one real input per group — on its lowest values and
 * again on its highest — and must agree with the SQL on the bands and on the explanation's text; then
 * one UPDATE writes each project's explanation from its group's, with the project's own values put in.
 * What that cannot cover exactly (a condition without an exact SQL form, values SQL formats differently
 * from JavaScript, a group the engine disagrees on) is evaluated input by input, as before.
 * Returns the band combinations evaluated, the inputs evaluated one by one, and how many projects
 * changed tier or reviewer.
 */
export async function retierAllProjects(
  db: Db,
  policy: Policy,
  who: Who,
): Promise<{ combinations: number; exactInputs: number; changed: number }> {
  const version = policy.rulesets['oversight-tier'].version;
  return db.transaction().execute(async (tx) => {
    // Shortest round-trip text for double precision (PostgreSQL's default since 12), as String(number).
    await sql`set local extra_float_digits = 1`.execute(tx);
    // Projects waiting on a tier decrease first, one by one (few): both sides of the decrease are re-evaluated.
    const withDecrease = await retierPendingDecreases(tx, policy, who, version);
    const plan = planBands(policy.rulesets['oversight-tier'].content);
    const byBands = plan ? await retierByBands(tx, policy, who, plan, version) : { combinations: 0, changed: 0 };
    // Whatever the band path left still has the old ruleset version.
    const byInput = await retierInputByInput(tx, policy, who, version);
    // Pending release requests and open consultations follow their project's new reviewer.
    const stale = await tx
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
    for (const p of stale) await reroutePendingReviews(tx, policy, who, p.id, p);
    return { combinations: byBands.combinations, exactInputs: byInput.inputs, changed: withDecrease + byBands.changed + byInput.changed };
  });
}

/** History and audit rows for the projects an UPDATE … RETURNING `upd` changed, and the count of them. */
const recordRetierChanges = (who: Who, version: string) => sql`
  changed as (
    select * from upd where from_tier is distinct from to_tier or from_reviewer_role is distinct from to_reviewer_role
  ),
  history as (
    insert into tier_history (project_id, from_tier, to_tier, from_reviewer_role, to_reviewer_role, ruleset_version, cause, actor_id)
    select id, from_tier, to_tier, from_reviewer_role, to_reviewer_role, ${version}, 'ruleset_changed', ${who.actor.id}::uuid from changed
  ),
  audit as (
    insert into audit_event (actor_id, actor_label, action, entity_type, entity_id, project_id, before, after, request_id)
    select ${who.actor.id}::uuid, ${who.actor.label}, 'project.retier', 'project', id::text, id,
      jsonb_build_object('tier', from_tier, 'reviewerRole', from_reviewer_role),
      jsonb_build_object('tier', to_tier, 'reviewerRole', to_reviewer_role, 'rulesetVersion', ${version}::text),
      ${who.requestId}::text
    from changed
  )
  select count(*)::int as changed from changed
`;

async function retierByBands(tx: Db, policy: Policy, who: Who, plan: BandPlan, version: string) {
  const n = plan.factors.length;
  const keyOf = (row: Record<string, unknown>) => plan.factors.map((_, i) => Number(row[`k${i}`]));
  const perFactor = (f: (factor: BandPlan['factors'][number], i: number) => string) => sql.raw(plan.factors.map(f).join(', '));
  // One scan: per band combination and old tier/reviewer (what the UPDATE joins on), and per band
  // combination alone with its lowest and highest values, as numbers and as the SQL writes them.
  const { rows } = await sql<GroupRow>`
    with s as (
      select ${perFactor((f, i) => `coalesce(${f.bandSql}, ${notGiven}) as k${i}, ${f.column} as v${i}`)},
        p.tier as oldtier, p.reviewer_role as oldreviewer
      from project p
      where p.ruleset_version <> ${version} and ${sql.raw(plan.exactSql)}
    )
    select ${perFactor((_, i) => `k${i}`)}, oldtier, oldreviewer, grouping(oldtier, oldreviewer) as iscombination, count(*)::int as projects,
      ${perFactor((f, i) => {
        const format = valueSql[f.factor.input];
        return [
          `min(v${i}) as lo${i}`,
          `max(v${i}) as hi${i}`,
          `${format.json(`min(v${i})`)} as lojson${i}`,
          `${format.text(`min(v${i})`)} as lotext${i}`,
          `${format.json(`max(v${i})`)} as hijson${i}`,
          `${format.text(`max(v${i})`)} as hitext${i}`,
        ].join(', ');
      })}
    from s
    group by grouping sets ((${perFactor((_, i) => `k${i}`)}, oldtier, oldreviewer), (${perFactor((_, i) => `k${i}`)}))
  `.execute(tx);

  type Outcome = { evaluation: TOversightEvaluation; pieces: string[] };
  const outcomes = new Map<string, Outcome>();
  let combinations = 0;
  for (const row of rows) {
    if (!row.iscombination) continue;
    combinations++;
    const keys = keyOf(row);
    const side = (end: 'lo' | 'hi') => {
      const input: Record<string, unknown> = {};
      const slots: Slot[] = plan.factors.map(({ factor }, i) => {
        input[factor.input] = row[`${end}${i}`] ?? null;
        return keys[i] === notGiven ? null : { json: String(row[`${end}json${i}`]), text: String(row[`${end}text${i}`]) };
      });
      return { input: input as TOversightInput, slots };
    };
    const lo = side('lo');
    const hi = side('hi');
    const low = await policy.evaluateOversight(lo.input);
    if (!agreesWithBands(plan, low, keys)) continue;
    const pieces = templateOf(low, lo.slots);
    if (!pieces || renderTemplate(pieces, lo.slots) !== JSON.stringify(low)) continue;
    if (JSON.stringify(hi.input) !== JSON.stringify(lo.input)) {
      const high = await policy.evaluateOversight(hi.input);
      if (!agreesWithBands(plan, high, keys) || renderTemplate(pieces, hi.slots) !== JSON.stringify(high)) continue;
    }
    outcomes.set(keys.join(','), { evaluation: low, pieces });
  }

  // The UPDATE's groups: band combination × old tier and reviewer, so history needs no second look.
  const groups = rows.filter((row) => !row.iscombination && outcomes.has(keyOf(row).join(',')));
  const fills = plan.factors.flatMap(({ column, factor }) => {
    const format = valueSql[factor.input];
    return [format.json(column), format.text(column), format.text(column)];
  });
  // concat() builds the text in one buffer and reads a null (an input not given) as nothing.
  const oversight = sql.raw(`concat(${['g.p0', ...fills.flatMap((fill, j) => [fill, `g.p${j + 1}`])].join(', ')})::jsonb`);
  const pieceCount = n * slotKinds.length + 1;
  const columns = sql.raw(
    [...plan.factors.map((_, i) => `k${i}`), 'from_tier', 'from_reviewer_role', 'tier', 'lower_bound', 'reviewer_role']
      .concat(Array.from({ length: pieceCount }, (_, j) => `p${j}`))
      .join(', '),
  );
  const joinKeys = sql.raw(plan.factors.map((f, i) => `g.k${i} = coalesce(${f.bandSql}, ${notGiven})`).join(' and '));
  let changed = 0;
  // Batches only bound a statement's parameters: a real tier table gives one.
  for (let start = 0; start < groups.length; start += 500) {
    const values = sql.join(
      groups.slice(start, start + 500).map((row) => {
        const { evaluation: e, pieces } = outcomes.get(keyOf(row).join(','))!;
        return sql`(${sql.join([
          ...keyOf(row).map((k) => sql`${k}::int`),
          sql`${row.oldtier}::smallint`,
          sql`${row.oldreviewer}::text`,
          sql`${e.tier}::smallint`,
          sql`${e.lowerBound}::smallint`,
          sql`${e.reviewerRole}::text`,
          ...pieces.map((piece) => sql`${piece}::text`),
        ])})`;
      }),
    );
    const result = await sql<{ changed: number }>`
      with g(${columns}) as (values ${values}),
      upd as (
        update project p set
          tier = g.tier, tier_lower_bound = g.lower_bound, reviewer_role = g.reviewer_role,
          oversight = ${oversight}, ruleset_version = ${version}, updated_at = now()
        from g
        -- Equalities on values, not IS NOT DISTINCT FROM, so PostgreSQL hashes the few groups.
        where ${joinKeys}
          and coalesce(p.tier, 0) = coalesce(g.from_tier, 0)
          and coalesce(p.reviewer_role, '') = coalesce(g.from_reviewer_role, '')
          and p.reviewer_role is not distinct from g.from_reviewer_role
          and p.ruleset_version <> ${version} and ${sql.raw(plan.exactSql)}
        returning p.id, g.from_tier, p.tier as to_tier, g.from_reviewer_role, p.reviewer_role as to_reviewer_role
      ),
      ${recordRetierChanges(who, version)}
    `.execute(tx);
    changed += Number(result.rows[0]?.changed ?? 0);
  }
  return { combinations, changed };
}

/**
 * The exact path: the engine once per distinct input of the projects still on another ruleset version.
 * Inputs come through a cursor and their evaluations go to a temporary table, so memory stays bounded
 * and one UPDATE joins them all.
 */
async function retierInputByInput(tx: Db, policy: Policy, who: Who, version: string) {
  const left = await tx.selectFrom('project').select('id').where('rulesetVersion', '<>', version).limit(1).executeTakeFirst();
  if (!left) return { inputs: 0, changed: 0 };
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
  let inputs = 0;
  for (;;) {
    const { rows } = await sql<Parameters<typeof oversightInputsOf>[0]>`fetch forward 2000 from retier_inputs`.execute(tx);
    if (rows.length === 0) break;
    inputs += rows.length;
    const evaluations = await Promise.all(rows.map((row) => policy.evaluateOversight(oversightInputsOf(row))));
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
  await sql`close retier_inputs`.execute(tx);
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
    ${recordRetierChanges(who, version)}
  `.execute(tx);
  return { inputs, changed: Number(result.rows[0]?.changed ?? 0) };
}

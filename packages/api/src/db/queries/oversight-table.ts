/**
 * The compiled oversight ruleset (core's decision table) in the database: the relation
 * `oversight_decision`, the CASE that names each project's band combination from its inputs, and the
 * set-based tiering that joins the two — one UPDATE … FROM with tier history and audit written by the
 * same statement. The re-tier uses it; the expense import can call `tierFromDecisionTable` with its own
 * set of projects. What the set-based tiering leaves out — the explanation — is rendered when a
 * project is read, from the table of the project's ruleset version (`withExplanations`, decision 0028).
 */
import {
  bandNotGiven,
  compileOversightRuleset,
  decisionRowJsonPieces,
  type OversightDecisionTable,
  oversightValueAffixes,
  parseRuleset,
  type TConfidentiality,
  type TOversightEvaluation,
  type TOversightInputName,
  ZReviewerRole,
} from '@psbook/core';
import { type RawBuilder, sql } from 'kysely';
import type { AuditActor } from '../../auth/actor.ts';
import type { Db } from '../database.ts';

type Who = { actor: AuditActor; requestId: string | null };

/** The band key CASE gives an input the table does not cover (a code outside the schema): no row has it. */
const notCovered = -3;

/**
 * Each input's project column and how SQL writes its value where JavaScript does: as JSON
 * (`factors[i].value`) and as the reasons show the number (formatOversightValue adds ¥/円, h/時間 around
 * it, found from `sample`). `exact` holds where both agree; other rows are tiered input by input.
 */
export const oversightInputSql: Record<
  TOversightInputName,
  {
    column: string;
    isDouble: boolean;
    sample: number | string;
    written: string;
    json(e: string): string;
    text(e: string): string;
    exact(e: string): string;
  }
> = {
  budgetJpy: {
    column: 'budget_jpy',
    isDouble: false,
    sample: 1_234_567,
    written: '1,234,567',
    json: (e) => `${e}::text`,
    // Intl's ja-JP grouping: a comma every three digits (the pattern covers every bigint).
    text: (e) => `to_char(${e}, 'FM9,999,999,999,999,999,999')`,
    exact: (e) => `${e} between -9007199254740991 and 9007199254740991`,
  },
  maxDowntimeHours: {
    column: 'max_downtime_hours',
    isDouble: true,
    sample: 1.5,
    written: '1.5',
    // Shortest round-trip digits (extra_float_digits = 1), as String(number), where neither writes an
    // exponent: JavaScript switches to one below 1e-6 and from 1e21, PostgreSQL below 1e-4 and from 1e15.
    json: (e) => `(case when ${e} = 0 then '0' else ${e}::text end)`,
    text: (e) => `(case when ${e} = 0 then '0' else ${e}::text end)`,
    // NaN and ±Infinity fail the range test.
    exact: (e) => `(${e} = 0 or (abs(${e}) >= 0.0001 and abs(${e}) < 1e15))`,
  },
  confidentiality: {
    column: 'confidentiality',
    isDouble: false,
    sample: 'B',
    written: 'B',
    // 'A', 'B' or 'C' (a check constraint): nothing to escape inside a JSON string.
    json: (e) => `to_json(${e})::text`,
    text: (e) => e,
    exact: () => 'true',
  },
};

/** The decision relation's band column of each factor. */
const bandColumn = { budget: 'budget_band', downtime: 'downtime_band', confidentiality: 'confidentiality_band' } as const;

function literal(value: number | string): string {
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  // Safe integers as they are (bigint against integer is exact); other numbers as double precision,
  // which is what JavaScript compares in. String(n) reads back as the same double in PostgreSQL.
  return Number.isSafeInteger(value) ? String(value) : `'${String(value)}'::double precision`;
}

/**
 * Per factor (in ruleset order), the SQL of its band key for a project row under `alias`, read from the
 * table's cells: -2 when the input is not given, the cell's band otherwise. Exact for every value the
 * column can hold (NaN included, which PostgreSQL sorts above every number).
 */
export function bandKeySql(table: OversightDecisionTable, alias = 'p'): string[] {
  return table.factors.map(({ input, cells }) => {
    const { column: name, isDouble } = oversightInputSql[input];
    const column = `${alias}.${name}`;
    const whens: string[] = [`when ${column} is null then ${bandNotGiven}`];
    if (cells.type === 'code') {
      for (const [code, band] of Object.entries(cells.codes)) whens.push(`when ${column} = ${literal(code)} then ${band}`);
      return `(case ${whens.join(' ')} else ${notCovered} end)`;
    }
    if (isDouble) whens.push(`when ${column} = 'NaN' then ${cells.nan}`);
    cells.cuts.forEach((cut, i) => {
      whens.push(
        `when ${column} < ${literal(cut)} then ${cells.cells[2 * i]}`,
        `when ${column} = ${literal(cut)} then ${cells.cells[2 * i + 1]}`,
      );
    });
    return `(case ${whens.join(' ')} else ${cells.cells[2 * cells.cuts.length]} end)`;
  });
}

/** Rows whose values SQL writes exactly as JavaScript does (the others are tiered input by input). */
export function exactValuesSql(table: OversightDecisionTable, alias = 'p'): string {
  return table.factors
    .map(({ input }) => {
      const column = `${alias}.${oversightInputSql[input].column}`;
      return `(${column} is null or ${oversightInputSql[input].exact(column)})`;
    })
    .join(' and ');
}

/**
 * Write the table's rows for its version, once (a version is a content hash, so its rows never change),
 * and the ruleset they were compiled from, which renders the explanations of the projects tiered from
 * them (`withExplanations`).
 */
export async function storeDecisionTable(tx: Db, table: OversightDecisionTable): Promise<void> {
  if (table.fallback !== null) return;
  // Also for rows stored before the source was kept (migration 20261209T0200): a project tiered from
  // them now relies on it.
  await tx
    .insertInto('oversightDecisionSource')
    .values({ rulesetVersion: table.version, content: JSON.stringify(table.ruleset.content) })
    .onConflict((oc) => oc.doNothing())
    .execute();
  rememberDecisionTable(table);
  const stored = await tx
    .selectFrom('oversightDecision')
    .select('rulesetVersion')
    .where('rulesetVersion', '=', table.version)
    .limit(1)
    .execute();
  if (stored.length) return;
  const affixes = (input: TOversightInputName) =>
    oversightValueAffixes(input, oversightInputSql[input].sample, oversightInputSql[input].written);
  const rows = table.rows.map((row) => {
    const bands = Object.fromEntries(table.factors.map((f, i) => [bandColumn[f.factor], row.bands[i]!])) as Record<
      (typeof bandColumn)[keyof typeof bandColumn],
      number
    >;
    return {
      rulesetVersion: table.version,
      budgetBand: bands.budget_band,
      downtimeBand: bands.downtime_band,
      confidentialityBand: bands.confidentiality_band,
      tier: row.tier,
      lowerBound: row.lowerBound,
      reviewerRole: row.reviewerRole,
      explanation: decisionRowJsonPieces(table, row, affixes),
    };
  });
  for (let i = 0; i < rows.length; i += 200) {
    await tx
      .insertInto('oversightDecision')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** The explanation of the inputs under `alias` from their decision row `d`, as jsonb: the pieces with the values between them. */
function explanationSql(table: OversightDecisionTable, alias = 'p'): string {
  const fills = table.factors.flatMap(({ input }) => {
    const format = oversightInputSql[input];
    const column = `${alias}.${format.column}`;
    return [format.json(column), format.text(column), format.text(column)];
  });
  // concat() builds the text in one buffer and reads a null (an input not given) as nothing.
  return `concat(${['d.explanation[1]', ...fills.flatMap((fill, j) => [fill, `d.explanation[${j + 2}]`])].join(', ')})::jsonb`;
}

/**
 * How a statement reads its evaluation from the decision relation, for inputs under `alias` (a row with
 * the columns budget_jpy, max_downtime_hours and confidentiality): join `oversight_decision d` on
 * `on`, keep only rows where `exact` holds (the others are evaluated input by input), and write
 * `explanation`. The statement must run after `prepareDecisionTable` in the same transaction.
 */
export type DecisionJoin = { version: string; on: RawBuilder<boolean>; exact: RawBuilder<boolean>; explanation: RawBuilder<unknown> };

export function decisionJoinSql(table: OversightDecisionTable, alias: string): DecisionJoin {
  const keys = bandKeySql(table, alias);
  const bands = table.factors.map((f, i) => `d.${bandColumn[f.factor]} = ${keys[i]}`).join(' and ');
  return {
    version: table.version,
    on: sql<boolean>`d.ruleset_version = ${table.version} and ${sql.raw(bands)}`,
    exact: sql.raw<boolean>(exactValuesSql(table, alias)),
    explanation: sql.raw(explanationSql(table, alias)),
  };
}

/**
 * Make the table joinable in this transaction: its rows stored, and double precision written as
 * JavaScript writes it (shortest round-trip text, PostgreSQL's default since 12, as String(number)).
 * Returns the join, or null for a ruleset the compiler left to the engine.
 */
export async function prepareDecisionTable(tx: Db, table: OversightDecisionTable, alias: string): Promise<DecisionJoin | null> {
  if (table.fallback !== null) return null;
  await storeDecisionTable(tx, table);
  await sql`set local extra_float_digits = 1`.execute(tx);
  return decisionJoinSql(table, alias);
}

/**
 * Run `statement` (a join with the decision relation) with nested loops off, then as they were.
 * PostgreSQL cannot estimate how many projects match the band CASE expressions and guesses a few
 * dozen: it then loops the decision rows over a materialised copy of every project, which at
 * 1,000,000 projects did not finish in 30 minutes (EXPLAIN in docs/performance.md §4.3), or (the
 * import, §4.6) hashes on one band key and filters the other two out of 15 times too many rows. Hash
 * joins are right at every size (a few dozen decision rows).
 */
export async function withHashJoins<T>(tx: Db, statement: () => Promise<T>): Promise<T> {
  const nestLoop = await sql<{ setting: string }>`select current_setting('enable_nestloop') as setting`.execute(tx);
  await sql`select set_config('enable_nestloop', 'off', true)`.execute(tx);
  const result = await statement();
  await sql`select set_config('enable_nestloop', ${nestLoop.rows[0]?.setting ?? 'on'}, true)`.execute(tx);
  return result;
}

/** Every (tier, reviewer) a project can hold before it is tiered: joined as values, so PostgreSQL hashes the few rows. */
const priorStates = (() => {
  const roles = ['null', ...ZReviewerRole.options.map((role) => `'${role}'`)];
  const pairs = ['null', '1', '2', '3'].flatMap((tier) => roles.map((role) => `(${tier}::smallint, ${role}::text)`));
  return sql.raw(`(values ${pairs.join(', ')}) as o(from_tier, from_reviewer_role)`);
})();

/**
 * History and audit rows for the projects an `upd` CTE (UPDATE … RETURNING id, from/to tier and
 * reviewer) changed, written by the same statement; the statement returns how many changed.
 */
export const recordTierChangesSql = (who: Who, version: string, cause: 'ruleset_changed' | 'import', action: string) => sql`
  changed as (
    select * from upd where from_tier is distinct from to_tier or from_reviewer_role is distinct from to_reviewer_role
  ),
  history as (
    insert into tier_history (project_id, from_tier, to_tier, from_reviewer_role, to_reviewer_role, ruleset_version, cause, actor_id)
    select id, from_tier, to_tier, from_reviewer_role, to_reviewer_role, ${version}, ${cause}, ${who.actor.id}::uuid from changed
  ),
  audit as (
    insert into audit_event (actor_id, actor_label, action, entity_type, entity_id, project_id, before, after, request_id)
    select ${who.actor.id}::uuid, ${who.actor.label}, ${action}, 'project', id::text, id,
      jsonb_build_object('tier', from_tier, 'reviewerRole', from_reviewer_role),
      jsonb_build_object('tier', to_tier, 'reviewerRole', to_reviewer_role, 'rulesetVersion', ${version}::text),
      ${who.requestId}::text
    from changed
  )
  select count(*)::int as changed from changed
`;

/**
 * Tier the projects `where` selects (a condition on `p`) from the decision table, in one statement:
 * UPDATE project FROM oversight_decision joined on the band keys, writing tier, lower bound, reviewer
 * and the ruleset version, and tier history and audit for those whose tier or reviewer changed. The
 * explanation is not stored (null): readers render it from the version's table (`withExplanations`).
 * Projects it cannot tier exactly (a value SQL writes otherwise than JavaScript, an input the table does
 * not cover) keep their row as it was; the caller finds them by their ruleset version.
 * Stores the table first. Returns how many changed tier or reviewer; nothing for a ruleset the
 * compiler left to the engine.
 */
export async function tierFromDecisionTable(
  tx: Db,
  table: OversightDecisionTable,
  who: Who,
  options: { where: RawBuilder<boolean>; cause: 'ruleset_changed' | 'import'; action: string },
): Promise<{ changed: number }> {
  if (table.fallback !== null) return { changed: 0 };
  await storeDecisionTable(tx, table);
  // Shortest round-trip text for double precision (PostgreSQL's default since 12), as String(number).
  await sql`set local extra_float_digits = 1`.execute(tx);
  const keys = bandKeySql(table, 'p');
  const join = sql.raw(table.factors.map((f, i) => `d.${bandColumn[f.factor]} = ${keys[i]}`).join(' and '));
  const result = await withHashJoins(tx, () =>
    sql<{ changed: number }>`
    with upd as (
      update project p set
        tier = d.tier, tier_lower_bound = d.lower_bound, reviewer_role = d.reviewer_role,
        -- No explanation stored: it is rendered from this version's table when the project is read.
        oversight = null, ruleset_version = ${table.version}, updated_at = now()
      from oversight_decision d cross join ${priorStates}
      where d.ruleset_version = ${table.version} and ${join}
        -- Equalities on values, not IS NOT DISTINCT FROM, so PostgreSQL hashes the few decision × prior rows.
        and coalesce(p.tier, 0) = coalesce(o.from_tier, 0) and coalesce(p.reviewer_role, '') = coalesce(o.from_reviewer_role, '')
        and ${sql.raw(exactValuesSql(table, 'p'))} and ${options.where}
      returning p.id, o.from_tier, p.tier as to_tier, o.from_reviewer_role, p.reviewer_role as to_reviewer_role
    ),
    ${recordTierChangesSql(who, table.version, options.cause, options.action)}
  `.execute(tx),
  );
  return { changed: Number(result.rows[0]?.changed ?? 0) };
}

/* ------------------------------------------------------------------ explanations rendered on read */

/**
 * Compiled tables by ruleset version. A version is a content hash, so its table never changes; a book
 * holds projects of one version, or a few while a new ruleset is being applied.
 */
const tablesByVersion = new Map<string, Promise<OversightDecisionTable>>();
const maxRememberedTables = 16;

function remember(version: string, table: Promise<OversightDecisionTable>) {
  if (!tablesByVersion.has(version) && tablesByVersion.size >= maxRememberedTables) {
    tablesByVersion.delete(tablesByVersion.keys().next().value!);
  }
  tablesByVersion.set(version, table);
  // A failed load is not remembered: the next read tries again.
  table.catch(() => {
    if (tablesByVersion.get(version) === table) tablesByVersion.delete(version);
  });
}

/** Forget every remembered table, as a restarted server starts (tests; a table is never wrong to keep). */
export function forgetDecisionTables(): void {
  tablesByVersion.clear();
}

/** Keep a compiled table for the reads that render its version's explanations (no compiling again). */
export function rememberDecisionTable(table: OversightDecisionTable): void {
  if (table.fallback === null && !tablesByVersion.has(table.version)) remember(table.version, Promise.resolve(table));
}

/** The decision table of a ruleset version: remembered, or compiled from the ruleset stored with its rows. */
export function decisionTableOf(db: Db, version: string): Promise<OversightDecisionTable> {
  const known = tablesByVersion.get(version);
  if (known) return known;
  const table = (async () => {
    const source = await db
      .selectFrom('oversightDecisionSource')
      .select('content')
      .where('rulesetVersion', '=', version)
      .executeTakeFirst();
    // storeDecisionTable writes the source in the transaction that first tiers a project from the version.
    if (!source) throw new Error(`the oversight ruleset ${version} is not stored: the explanations of its projects cannot be rendered`);
    const ruleset = parseRuleset('oversight-tier', `oversight_decision_source ${version}`, source.content);
    if (ruleset.version !== version) throw new Error(`the stored oversight ruleset ${version} hashes to ${ruleset.version}`);
    return compileOversightRuleset(ruleset);
  })();
  remember(version, table);
  return table;
}

type Explainable = {
  oversight: TOversightEvaluation | null;
  rulesetVersion: string;
  budgetJpy: number | null;
  maxDowntimeHours: number | null;
  confidentiality: TConfidentiality | null;
};

/**
 * The rows with their explanations: the stored one, or the one the decision table of the row's ruleset
 * version gives its inputs — what the tiering that wrote the row without one computed (the tier of a
 * project with a decrease waiting keeps its stored explanation: the explanation in force is not the one
 * of its current inputs).
 */
export async function withExplanations<R extends Explainable>(
  db: Db,
  rows: R[],
): Promise<(Omit<R, 'oversight'> & { oversight: TOversightEvaluation })[]> {
  return Promise.all(rows.map((row) => withExplanation(db, row)));
}

export async function withExplanation<R extends Explainable>(
  db: Db,
  row: R,
): Promise<Omit<R, 'oversight'> & { oversight: TOversightEvaluation }> {
  if (row.oversight !== null) return { ...row, oversight: row.oversight };
  const table = await decisionTableOf(db, row.rulesetVersion);
  const inputs = { budgetJpy: row.budgetJpy, maxDowntimeHours: row.maxDowntimeHours, confidentiality: row.confidentiality };
  return { ...row, oversight: table.evaluateFromTable(inputs) ?? (await table.evaluate(inputs)) };
}

/**
 * Store, for each project, the explanation its inputs in force give under its ruleset version: for a
 * project that keeps its tier while its inputs changed (a decrease waits), whose explanation was
 * rendered from the inputs it no longer has. One statement for all of them.
 */
export async function storeExplanationsInForce(
  tx: Db,
  projects: { id: string; rulesetVersion: string; inputs: Omit<Explainable, 'oversight' | 'rulesetVersion'> }[],
): Promise<void> {
  if (!projects.length) return;
  const explained = await withExplanations(
    tx,
    projects.map((p) => ({ ...p.inputs, rulesetVersion: p.rulesetVersion, oversight: null })),
  );
  await sql`
    update project p set oversight = v.oversight::jsonb
    from unnest(${sql.val(projects.map((p) => p.id))}::uuid[], ${sql.val(explained.map((e) => JSON.stringify(e.oversight)))}::text[])
      as v(id, oversight)
    where p.id = v.id`.execute(tx);
}

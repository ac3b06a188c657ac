import { readFileSync } from 'node:fs';
import { fiscalYearOf, type Policy, type TChecklistItem, type TCreateKpiRequest } from '@psbook/core';
import { parse } from 'csv-parse/sync';
import { type Actor, setupActor } from '../auth/actor.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { Db } from '../db/database.ts';
import { backdateRegistration } from '../db/queries/demo-clock.ts';
import { findProjectById } from '../db/queries/projects.ts';
import { findUserByEmail, hasAnyUser, listUsers } from '../db/queries/users.ts';
import type { ProjectRow } from '../db/schema.ts';
import { withTransaction } from '../db/transaction.ts';
import { saveCanvas } from '../domain/canvas.ts';
import { createDocument } from '../domain/documents.ts';
import { addMeasurement, createKpi } from '../domain/kpis.ts';
import { transitionProject } from '../domain/lifecycle.ts';
import { createProject, updateProject } from '../domain/projects.ts';
import { createReleaseRequest, decideReleaseRequest, getReleaseRequestDetail } from '../domain/releases.ts';
import { createBureau, createUser, listBureaus } from '../domain/users.ts';
import { tellBudgetStory } from './demo-budget.ts';
import {
  budgetLineInputs,
  type DemoStory,
  demoAccounts,
  demoBureaus,
  demoPassword,
  demoStories,
  launchRegistrations,
  nonDigitalBudgetLines,
  programmeProjects,
  requestedProject,
} from './demo-data.ts';
import { tellSupervisionStories } from './demo-supervision.ts';

export { demoAccounts, demoBureaus, demoPassword };

type BudgetLine = { no: string; name_ja: string; name_en: string; fy2021_estimate_kyen: string; fy2020_budget_kyen: string; notes: string };

const dataFile = (name: string) => new URL(`./data/${name}`, import.meta.url);

/**
 * The demo book: bureaus, the eight demo accounts (password `psbook-demo`) and projects built from
 * the public budget documents. Refuses to touch a database that already has users.
 */
export async function seedDemo(db: Db, policy: Policy, options: { projects?: boolean } = {}): Promise<{ users: number; projects: number }> {
  if (await hasAnyUser(db)) throw new Error('the database already has users: demo data is only created in an empty database');

  // Through the domain verbs, as an administrator would create them: the same checks and audit events.
  const setup = { db, policy, actor: setupActor('seed'), requestId: 'seed' };
  const knownBureaus = new Set((await listBureaus(setup)).map((b) => b.code));
  for (const bureau of demoBureaus) if (!knownBureaus.has(bureau.code)) await createBureau(setup, bureau);
  const passwordHash = await hashPassword(demoPassword);
  for (const account of demoAccounts) {
    await createUser(
      setup,
      {
        email: account.email,
        displayName: account.displayName,
        role: account.role,
        bureauCodes: [...account.bureauCodes],
        password: demoPassword,
      },
      { passwordHash },
    );
  }

  if (options.projects === false) return { users: demoAccounts.length, projects: 0 };

  const admin = await findUserByEmail(db, 'admin@example.jp');
  if (!admin) throw new Error('no demo account admin@example.jp');
  const actor: Actor = {
    id: admin.id,
    email: admin.email,
    displayName: admin.displayName,
    role: 'admin',
    bureauCodes: ['DSB'],
    via: 'session',
    scopes: [],
  };
  const ctx = { db, policy, actor, requestId: 'seed' };

  const lines = parse(readFileSync(dataFile('fy2021-strategy-office-budget-lines.csv')), { columns: true, bom: true }) as BudgetLine[];
  const registered = new Map<string, ProjectRow>();
  for (const line of lines) {
    // Only digital projects are registered, as a person working from the digital-expense list would.
    if (nonDigitalBudgetLines[line.no]) continue;
    const inputs = budgetLineInputs[line.no];
    registered.set(
      line.name_ja,
      await createProject(ctx, {
        name: line.name_ja,
        bureauCode: 'DSB',
        fiscalYear: 2021,
        summary: budgetLineSummary(line),
        isNew: false,
        registrationTrigger: 'initial_budget',
        // Thousand yen in the documents; integer yen in the book.
        budgetJpy: Number(line.fy2021_estimate_kyen) * 1000,
        maxDowntimeHours: inputs?.maxDowntimeHours ?? null,
        confidentiality: inputs?.confidentiality ?? null,
      }),
    );
  }
  for (const p of programmeProjects) {
    registered.set(p.name, await createProject(ctx, { ...p, isNew: true, registrationTrigger: 'measure_planned' }));
  }
  registered.set(
    requestedProject.name,
    await createProject(ctx, {
      ...requestedProject,
      fiscalYear: fiscalYearOf(new Date()) + 1,
      isNew: true,
      registrationTrigger: 'initial_budget',
    }),
  );
  // One transaction for all the stories: fast on PGlite, and a failed seed leaves no half-told story.
  await withTransaction(db, (tx) => tellStories(tx, policy, registered));
  await awaitTierDecrease(db, policy, registered);
  await tellBudgetStory(db, policy);
  await awaitReleaseJudgement(db, policy, registered);
  await spreadRegistrations(db, [...registered.values()]);
  return { users: demoAccounts.length, projects: registered.size };
}

/**
 * A budget line's summary in Japanese only: the estimate, the previous budget and the programmes of
 * the line (○ …). The CSV's working notes (`change_kyen=`, the summary-table rate) and English names
 * are data about the document, not about the project.
 */
export function budgetLineSummary(line: BudgetLine): string {
  const kyen = (value: string) => Number(value).toLocaleString('ja-JP');
  const programmes = line.notes
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part && !/^(change_kyen|summary-table rate)=/.test(part))
    .join(' ');
  return `令和3年度見積 ${kyen(line.fy2021_estimate_kyen)}千円（前年度 ${kyen(line.fy2020_budget_kyen)}千円）。${programmes}`;
}

/**
 * Registration dates shaped like the real book's first weeks (slide 86: 16 → 33 → 118 → 297 → 360 →
 * 418 by Monday), scaled to the demo: project k is registered in the first week whose scaled running
 * total exceeds k. The weeks end a little over a year ago, before the supervision stories' stage moves.
 * The clock is the one thing no domain verb takes, so this is the seed's only direct update: the
 * registration time and the tier history row written with it move together.
 */
async function spreadRegistrations(db: Db, projects: ProjectRow[]): Promise<void> {
  const total = launchRegistrations[launchRegistrations.length - 1]!;
  const scaled = launchRegistrations.map((n) => Math.round((n / total) * projects.length));
  const firstMonday = new Date();
  firstMonday.setUTCHours(1, 0, 0, 0);
  firstMonday.setUTCDate(firstMonday.getUTCDate() - 420 - ((firstMonday.getUTCDay() + 6) % 7));
  for (const [k, project] of projects.entries()) {
    const week = scaled.findIndex((n) => n > k);
    // Spread within the week so the registrations do not share one instant.
    const at = new Date(firstMonday.getTime() + (week * 7 - (k % 5)) * 86_400_000);
    await backdateRegistration(db, project.id, at);
  }
}

// ---------------------------------------------------------------------------------------------
// The stories (demo-data.ts): canvases, KPIs, documents, release judgements and stage moves, so the
// demo book spans every stage and its running systems are in operation with measured KPIs.
// Everything goes through the domain verbs: the same checks, audit events and gates as the API.
// ---------------------------------------------------------------------------------------------

type PolicyGoalKpiRow = {
  section: string;
  no: string;
  goal_ja: string;
  goal_en: string;
  target_year: string;
  target_value: string;
  unit: string;
};

/**
 * The 2017 policy-goal KPIs as KPI requests, keyed `<section>-<no>` (e.g. `2-05`). Their awkward
 * cases are kept, not smoothed over:
 * - `2019年` is a calendar year. Its end (December 2019) falls in fiscal year 2019 (April 2019 to
 *   March 2020), so the target fiscal year is 2019; `2020年度` is already a fiscal year.
 * - `竣工` (construction completed) is not a number: a target text, judged achieved or not.
 * - `10％台（米国・英国並み）` is a band: its floor (10 %) is the numeric target, the text keeps the band.
 * - A goal with two target years becomes two KPIs, each named with its year.
 */
export function policyGoalKpis(): Map<string, TCreateKpiRequest> {
  const rows = parse(readFileSync(dataFile('policy-goal-kpis-2017.csv')), { columns: true, bom: true }) as PolicyGoalKpiRow[];
  const goalCounts = new Map<string, number>();
  for (const row of rows) goalCounts.set(row.goal_ja, (goalCounts.get(row.goal_ja) ?? 0) + 1);
  const kpis = new Map<string, TCreateKpiRequest>();
  for (const row of rows) {
    const fiscal = row.target_year.match(/^(\d{4})年度$/);
    const calendar = row.target_year.match(/^(\d{4})年$/);
    const targetFiscalYear = Number(fiscal?.[1] ?? calendar?.[1]);
    if (!Number.isInteger(targetFiscalYear))
      throw new Error(`policy-goal KPI ${row.section} ${row.no}: unreadable year ${row.target_year}`);
    const value = row.target_value.normalize('NFKC').replace(/,/g, '').trim();
    const band = value.match(/^(\d+(?:\.\d+)?)%台/);
    const target = /^-?\d+(\.\d+)?$/.test(value)
      ? { targetValue: Number(value), targetText: null }
      : band
        ? { targetValue: Number(band[1]), targetText: row.target_value }
        : { targetValue: null, targetText: row.target_value };
    const repeated = (goalCounts.get(row.goal_ja) ?? 0) > 1;
    kpis.set(`${row.section.split(' ')[0]}-${row.no}`, {
      name: repeated ? `${row.goal_ja}（${row.target_year}目標）` : row.goal_ja,
      unit: row.unit || undefined,
      direction: 'increase',
      ...target,
      targetFiscalYear,
    });
  }
  return kpis;
}

async function loadActors(db: Db): Promise<Map<string, Actor>> {
  const users = await listUsers(db);
  return new Map(
    users.map((u) => [
      u.email,
      { id: u.id, email: u.email, displayName: u.displayName, role: u.role, bureauCodes: u.bureauCodes, via: 'session', scopes: [] },
    ]),
  );
}

/**
 * A release judged and approved (リリース判定), through the release workflow itself: the keeper files
 * the request, and the reviewer the tier designates judges every checklist item ok.
 */
async function approveRelease(
  db: Db,
  policy: Policy,
  project: ProjectRow,
  applicant: Actor,
  reviewer: Actor,
  release: NonNullable<DemoStory['release']>,
) {
  const id = await createReleaseRequest({ db, policy, actor: applicant, requestId: 'seed' }, project.id, {
    plannedReleaseDate: release.plannedReleaseDate,
  });
  const request = await getReleaseRequestDetail({ db, policy, actor: reviewer, requestId: 'seed' }, id);
  const checklist = request.checklist as TChecklistItem[];
  await decideReleaseRequest({ db, policy, actor: reviewer, requestId: 'seed' }, id, {
    decision: 'approved',
    comment: release.comment,
    items: checklist.map((item) => ({ itemId: item.itemId, result: 'ok' as const })),
  });
}

/**
 * A release request waiting for its judge, so the IND bureau lead finds one on first sign-in: the
 * startup consultation service (tier 1, in development) asks to release its booking screen.
 */
async function awaitReleaseJudgement(db: Db, policy: Policy, projects: Map<string, ProjectRow>): Promise<void> {
  const project = projects.get('創業支援オンライン相談');
  if (!project) throw new Error('no demo project 創業支援オンライン相談');
  const actors = await loadActors(db);
  await createReleaseRequest({ db, policy, actor: actors.get('staff.ind@example.jp')!, requestId: 'seed' }, project.id, {
    plannedReleaseDate: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
    notes: 'スマートフォン利用者を含む5名のユーザテストを実施し、結果を登録した',
  });
}

/**
 * A tier decrease waiting for consent (decision 0008): the bureau cut the matching system's budget
 * below ¥10,000,000, which would make it tier 1; tier 2 stays until IND's CIO advisor agrees, so
 * advisor.ind finds it among their tasks on first sign-in.
 */
async function awaitTierDecrease(db: Db, policy: Policy, projects: Map<string, ProjectRow>): Promise<void> {
  const project = projects.get('海外展開マッチングシステム');
  if (!project) throw new Error('no demo project 海外展開マッチングシステム');
  const actors = await loadActors(db);
  const ctx = { db, policy, actor: actors.get('staff.ind@example.jp')!, requestId: 'seed' };
  const current = await findProjectById(db, project.id);
  if (!current) throw new Error(`no project ${project.id}`);
  await updateProject(ctx, project.id, { budgetJpy: 9_500_000 }, current.version);
}

async function tellStories(db: Db, policy: Policy, projects: Map<string, ProjectRow>): Promise<void> {
  const actors = await loadActors(db);
  const actor = (email: string) => {
    const found = actors.get(email);
    if (!found) throw new Error(`no demo account ${email}`);
    return found;
  };
  const goals = policyGoalKpis();
  for (const story of demoStories) {
    const project = projects.get(story.name);
    if (!project) throw new Error(`no demo project ${story.name}`);
    const keeper = actor(story.keeper);
    const ctx = { db, policy, actor: keeper, requestId: 'seed' };
    await saveCanvas(ctx, project.id, { fields: story.canvas });
    for (const demoKpi of story.kpis) {
      const base = demoKpi.goal ? goals.get(demoKpi.goal) : demoKpi.kpi;
      if (!base) throw new Error(`${story.name}: no policy-goal KPI ${demoKpi.goal}`);
      const kpi = await createKpi(ctx, project.id, {
        ...base,
        ...(demoKpi.baseline ? { baselineValue: demoKpi.baseline.value, baselineYear: demoKpi.baseline.fiscalYear } : {}),
      });
      for (const m of demoKpi.measurements ?? []) await addMeasurement(ctx, project.id, kpi.id, m);
    }
    for (const document of story.documents) await createDocument(ctx, project.id, document);
    for (const move of story.moves) {
      if (move.to === 'operation' && story.release) {
        const current = await findProjectById(db, project.id);
        if (!current) throw new Error(`no project ${project.id}`);
        await approveRelease(db, policy, current, keeper, actor(story.release.reviewer), story.release);
      }
      await transitionProject(ctx, project.id, move);
    }
  }
  await tellSupervisionStories(db, policy, projects, actor);
}

/**
 * One generated project, deterministic in (seed, index): the same seed always gives the same book,
 * whatever the batch size or the number of worker threads. Values are drawn to look like a real
 * register: budgets at thousand-yen granularity from a log-normal spread (as in the city's budget
 * documents), some inputs missing, stages that depend on age, Japanese names, summaries and canvases.
 */
import { createServiceCanvas, defaultRulesets, type Policy, type TConfidentiality, type TOversightInput } from '@psbook/core';
import { projectSearchColumns } from '../../packages/api/src/db/queries/projects.ts';
import { oversightColumns } from '../../packages/api/src/domain/oversight.ts';
import {
  benchBureaus,
  canvasOutcomes,
  canvasPains,
  canvasSolutions,
  canvasUsers,
  nameObjects,
  nameSubjects,
  nameSuffixes,
  summaryActions,
  summaryOpenings,
} from './vocabulary.ts';

/** The key items (重要項目) of the default service-canvas ruleset. */
const canvasKeyFields = createServiceCanvas(defaultRulesets['service-canvas'].content).keyItems;

/** mulberry32: small, fast, good enough for test data. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    weighted: <T>(items: readonly (readonly [T, number])[]): T => {
      const total = items.reduce((sum, [, w]) => sum + w, 0);
      let x = next() * total;
      for (const [item, w] of items) {
        x -= w;
        if (x < 0) return item;
      }
      return items[items.length - 1]![0];
    },
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}
export type Random = ReturnType<typeof createRandom>;

/** A different, well-mixed seed per row (murmur3's finaliser over seed and index). */
function rowSeed(seed: number, index: number): number {
  let h = (Math.imul(index, 0x9e3779b1) ^ seed) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** A version-4-shaped UUID whose last 12 digits are the row index, so ids never collide. */
function uuidFor(random: Random, index: number): string {
  const a = hex(random.int(0x100000000), 8);
  const b = hex(random.int(0x10000), 4);
  const c = hex(0x4000 | random.int(0x1000), 4);
  const d = hex(0x8000 | random.int(0x4000), 4);
  return `${a}-${b}-${c}-${d}-${hex(index, 12)}`;
}

export const bookStart = Date.parse('2021-04-01T00:00:00+09:00');
export const bookEnd = Date.parse('2026-11-01T00:00:00+09:00');

const downtimeChoices = [
  [0.5, 2],
  [1, 5],
  [2, 8],
  [4, 8],
  [8, 10],
  [12, 12],
  [24, 20],
  [48, 10],
  [72, 8],
  [168, 10],
  [720, 7],
] as const;
const confidentialityChoices: (readonly [TConfidentiality, number])[] = [
  ['A', 28],
  ['B', 42],
  ['C', 20],
];
const triggerChoices = [
  ['initial_budget', 60],
  ['measure_planned', 25],
  ['supplementary_budget', 10],
  [null, 5],
] as const;
const bureauChoices = benchBureaus.map((b) => [b, b.weight] as const);

export type GeneratedProject = {
  id: string;
  code: string;
  name: string;
  bureauCode: string;
  bureauNameJa: string;
  fiscalYear: number;
  summary: string | null;
  isNew: boolean;
  registrationTrigger: string | null;
  stage: string;
  budgetJpy: number | null;
  maxDowntimeHours: number | null;
  confidentiality: TConfidentiality | null;
  createdAt: Date;
  updatedAt: Date;
  canvas: Record<string, string> | null;
};

/** The Japanese fiscal year (April to March, in Japan time) of an instant. */
export function fiscalYearOf(at: number): number {
  const jst = new Date(at + 9 * 3600_000);
  return jst.getUTCMonth() >= 3 ? jst.getUTCFullYear() : jst.getUTCFullYear() - 1;
}

export function generateProject(seed: number, index: number, total: number): GeneratedProject {
  const random = createRandom(rowSeed(seed, index));
  const id = uuidFor(random, index);
  const bureau = random.weighted(bureauChoices);
  // More registrations in later years: the book fills up as more bureaus use it.
  const position = Math.sqrt((index + random.next()) / total);
  const createdAt = Math.floor(bookStart + (bookEnd - bookStart) * position);
  const updatedAt = Math.min(bookEnd, createdAt + random.int(200 * 86_400_000));
  const age = 1 - position;
  const stage = random.weighted([
    ['planning', 5 + 40 * (1 - age)],
    ['requirements', 5 + 20 * (1 - age)],
    ['development', 10 + 15 * (1 - age)],
    ['operation', 10 + 60 * age],
    ['retired', 1 + 15 * age],
  ] as const);

  const subject = random.pick(nameSubjects);
  const object = random.pick(nameObjects);
  const name = `${subject}${object}${random.pick(nameSuffixes)}${random.next() < 0.1 ? `（第${2 + random.int(4)}期）` : ''}`;
  const summary =
    random.next() < 0.05
      ? null
      : `${random.pick(summaryOpenings)}${subject}の${object}について、${random.pick(summaryActions)}。令和${fiscalYearOf(createdAt) - 2018}年度から実施。`;

  // Log-normal around ¥15M, at thousand-yen granularity; 8% not yet known.
  const budgetJpy =
    random.next() < 0.08
      ? null
      : Math.min(20_000_000_000, Math.max(100_000, Math.round(Math.exp(Math.log(15e6) + 1.6 * random.normal()) / 1000) * 1000));
  const maxDowntimeHours = random.next() < 0.1 ? null : random.weighted(downtimeChoices);
  const confidentiality = random.next() < 0.1 ? null : random.weighted(confidentialityChoices);

  let canvas: Record<string, string> | null = null;
  if (random.next() < 0.4) {
    canvas = {
      projectName: name,
      department: bureau.nameJa,
      longTermAim: `${subject}に関わる手続きをいつでもどこでも完結できる都市にする`,
      users: random.pick(canvasUsers),
      userPains: random.pick(canvasPains),
      userGoals: `${object}を待たずに済ませたい`,
      userValue: `${random.pick(canvasPains)}ことが解消される`,
      providerValue: '入力と照合の作業が減り相談業務に時間を使える',
      issues: `${subject}の${object}が紙と対面に依存している`,
      solution: random.pick(canvasSolutions),
      targetOutcomes: random.pick(canvasOutcomes),
    };
    // A quarter of canvases are drafts with some key items still empty.
    if (random.next() < 0.25) for (const key of canvasKeyFields.slice(2 + random.int(6))) delete canvas[key];
  }

  return {
    id,
    code: `PS${String(index + 1).padStart(7, '0')}`,
    name,
    bureauCode: bureau.code,
    bureauNameJa: bureau.nameJa,
    fiscalYear: fiscalYearOf(createdAt),
    summary,
    isNew: random.next() < 0.25,
    registrationTrigger: random.weighted(triggerChoices),
    stage,
    budgetJpy,
    maxDowntimeHours,
    confidentiality,
    createdAt: new Date(createdAt),
    updatedAt: new Date(updatedAt),
    canvas,
  };
}

/** COPY text format: backslash escapes for the characters that delimit fields and rows. */
export const copyText = (value: string) =>
  value.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'));
const copyValue = (value: string | number | boolean | null) => (value === null ? '\\N' : copyText(String(value)));
const arrayLiteral = (items: string[]) => `{${items.map((item) => `"${item.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`).join(',')}}`;

/** The `project` columns, in the order projectCopyLine writes them. */
export const projectCopyColumns = [
  'id',
  'code',
  'name',
  'bureau_code',
  'fiscal_year',
  'summary',
  'is_new',
  'registration_trigger',
  'stage',
  'budget_jpy',
  'max_downtime_hours',
  'confidentiality',
  'tier',
  'tier_lower_bound',
  'reviewer_role',
  'oversight',
  'ruleset_version',
  'canvas_written',
  'search_text',
  'search_grams',
  'version',
  'created_by',
  'updated_by',
  'created_at',
  'updated_at',
] as const;

export const canvasCopyColumns = ['project_id', 'revision', 'fields', 'is_written', 'created_by', 'created_at'] as const;

/** The project's row (and its canvas row) as COPY text lines, with the tier the policy gives today. */
export async function projectCopyLines(
  project: GeneratedProject,
  policy: Policy,
  createdBy: string,
): Promise<{ project: string; canvas: string | null }> {
  const input: TOversightInput = {
    budgetJpy: project.budgetJpy,
    maxDowntimeHours: project.maxDowntimeHours,
    confidentiality: project.confidentiality,
  };
  const oversight = oversightColumns(await policy.evaluateOversight(input));
  const search = projectSearchColumns(project.name, project.summary, project.canvas);
  const isWritten = project.canvas !== null && canvasKeyFields.every((key) => (project.canvas?.[key] ?? '').trim() !== '');
  const values = [
    project.id,
    project.code,
    project.name,
    project.bureauCode,
    project.fiscalYear,
    project.summary,
    project.isNew,
    project.registrationTrigger,
    project.stage,
    project.budgetJpy,
    project.maxDowntimeHours,
    project.confidentiality,
    oversight.tier,
    oversight.tierLowerBound,
    oversight.reviewerRole,
    oversight.oversight,
    oversight.rulesetVersion,
    isWritten,
    search.searchText,
    arrayLiteral(search.searchGrams),
    1,
    createdBy,
    createdBy,
    project.createdAt.toISOString(),
    project.updatedAt.toISOString(),
  ];
  const canvas =
    project.canvas === null
      ? null
      : [project.id, 1, JSON.stringify(project.canvas), isWritten, createdBy, project.createdAt.toISOString()].map(copyValue).join('\t');
  return { project: values.map(copyValue).join('\t'), canvas };
}

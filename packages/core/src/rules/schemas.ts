import { z } from 'zod';
import { canvasFieldKeys } from '../canvas/fields.ts';
import { withSchema } from '../registry/define-registry.ts';
import { oversightFactorRegistry, stageRegistry, type TOversightInputName as TOversightInput } from '../registry/domain-lists.ts';
import { conditionOperatorRegistry } from './operators.ts';
import type { TRulesetName } from './ruleset-names.ts';

/** Japanese and English text of a policy label. */
export const ZLocalized = z.strictObject({ ja: z.string().min(1), en: z.string().min(1) });
export type TLocalized = z.infer<typeof ZLocalized>;

/** The operators a condition may use: one registry (rules/operators.ts) with their engine semantics. */
const ZOperator = withSchema(conditionOperatorRegistry).schema;
const ZValue = z.union([z.number(), z.string(), z.boolean(), z.null(), z.array(z.union([z.number(), z.string(), z.boolean()]))]);

/** A json-rules-engine condition tree: `all` / `any` / `not` over `{ fact, operator, value }` leaves. */
export type TConditionTree =
  | { all: TConditionTree[] }
  | { any: TConditionTree[] }
  | { not: TConditionTree }
  | { fact: string; operator: z.infer<typeof ZOperator>; value: z.infer<typeof ZValue>; path?: string };

export const ZConditionTree: z.ZodType<TConditionTree> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(ZConditionTree).min(1) }),
    z.strictObject({ any: z.array(ZConditionTree).min(1) }),
    z.strictObject({ not: ZConditionTree }),
    z.strictObject({ fact: z.string().min(1), operator: ZOperator, value: ZValue, path: z.string().optional() }),
  ]),
);

export const ZTier = z.union([z.literal(1), z.literal(2), z.literal(3)]);
/**
 * A tier where it can be missing: a project's while it is 未設定 (decision 0002), and what follows it
 * (an evaluation, a history row, a tier decrease's target). Named once so the document shows `Tier`
 * without null wherever a tier is always set (a release request's, a consultation's, a portfolio row's).
 */
export const ZTierOrNull = ZTier.nullable();
export const ZReviewerRole = z.enum(['bureau_lead', 'cio_advisor', 'chief_cio_advisor']);
export type TReviewerRole = z.infer<typeof ZReviewerRole>;
/**
 * A reviewer role where it can be missing: exactly where the tier can (a project's while 未設定, an
 * evaluation, a tier decrease's target), since every tier has one reviewer (the ruleset's `reviewers`).
 * Named once, as `ZTierOrNull` is, so the document shows `ReviewerRole` without null where a role is
 * always set (a release request's, a consultation's).
 */
export const ZReviewerRoleOrNull = ZReviewerRole.nullable();

const ZBandCondition = z.strictObject({ operator: ZOperator, value: ZValue });

export const ZOversightRuleset = z
  .strictObject({
    ruleset: z.literal('oversight-tier'),
    title: ZLocalized,
    source: z.string().optional(),
    maxTier: ZTier,
    factors: z
      .array(
        z.strictObject({
          factor: oversightFactorRegistry.schema,
          input: z.enum(oversightFactorRegistry.entries.map((f) => f.input) as [TOversightInput, ...TOversightInput[]]),
          label: ZLocalized,
          bands: z.array(z.strictObject({ tier: ZTier, label: ZLocalized, conditions: z.array(ZBandCondition).min(1) })).min(1),
        }),
      )
      .length(oversightFactorRegistry.keys.length),
    reviewers: z.array(z.strictObject({ tier: ZTier, role: ZReviewerRole, label: ZLocalized })).length(3),
  })
  .superRefine((value, ctx) => {
    const factors = new Set(value.factors.map((f) => f.factor));
    if (factors.size !== oversightFactorRegistry.keys.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['factors'],
        message: `each factor (${oversightFactorRegistry.keys.join(', ')}) must appear once`,
      });
    }
    value.factors.forEach((f, i) => {
      const expected = oversightFactorRegistry.get(f.factor).input;
      if (f.input !== expected)
        ctx.addIssue({ code: 'custom', path: ['factors', i, 'input'], message: `factor ${f.factor} reads ${expected}` });
    });
    const tiers = new Set(value.reviewers.map((r) => r.tier));
    if (tiers.size !== 3) ctx.addIssue({ code: 'custom', path: ['reviewers'], message: 'one reviewer per tier 1, 2 and 3' });
  });
export type TOversightRuleset = z.infer<typeof ZOversightRuleset>;

export const ZStage = stageRegistry.schema;
export type TStage = z.infer<typeof ZStage>;

export const ZLifecycleRuleset = z.strictObject({
  ruleset: z.literal('lifecycle-gates'),
  title: ZLocalized,
  source: z.string().optional(),
  stages: z.array(ZStage).length(stageRegistry.keys.length),
  gates: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z][a-z0-9_]*$/),
        stage: ZStage,
        label: ZLocalized,
        message: ZLocalized,
        conditions: ZConditionTree,
      }),
    )
    .min(1),
});
export type TLifecycleRuleset = z.infer<typeof ZLifecycleRuleset>;

export const ZReleaseChecklistRuleset = z.strictObject({
  ruleset: z.literal('release-checklist'),
  title: ZLocalized,
  source: z.string().optional(),
  items: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z][a-z0-9_]*$/),
        principle: z.string(),
        label: ZLocalized,
        description: ZLocalized,
        tiers: z.array(ZTier).min(1),
        naAllowed: z.boolean(),
      }),
    )
    .min(1),
});
export type TReleaseChecklistRuleset = z.infer<typeof ZReleaseChecklistRuleset>;

export const ZTechReviewExtractionRuleset = z
  .strictObject({
    ruleset: z.literal('tech-review-extraction'),
    title: ZLocalized,
    source: z.string().optional(),
    conditions: ZConditionTree,
    /**
     * The viewpoints a tech review rates (slide 83: 「技術面・ユーザビリティ・セキュリティ 等」). Open-ended:
     * a year may add e.g. accessibility or data use; a budget cycle keeps the set it was opened with.
     */
    viewpoints: z
      .array(
        z.strictObject({
          id: z
            .string()
            .regex(/^[a-z][a-z0-9_]*$/)
            .max(40),
          label: ZLocalized,
          guidance: ZLocalized,
        }),
      )
      .min(1)
      .max(20),
    /** The rating every viewpoint takes: the values a review may give, worst first, each with its meaning. */
    ratingScale: z
      .array(z.strictObject({ value: z.number().int().min(1).max(10), label: ZLocalized }))
      .min(2)
      .max(10),
  })
  .superRefine((value, ctx) => {
    const ids = value.viewpoints.map((v) => v.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['viewpoints', i, 'id'], message: `viewpoint ${id} appears twice` });
    });
    const values = value.ratingScale.map((r) => r.value);
    values.forEach((v, i) => {
      if (i > 0 && v <= values[i - 1]!)
        ctx.addIssue({ code: 'custom', path: ['ratingScale', i, 'value'], message: 'values must increase' });
    });
  });
export type TTechReviewExtractionRuleset = z.infer<typeof ZTechReviewExtractionRuleset>;

const ZRulesDate = z.iso.date({ message: 'must be a date (YYYY-MM-DD)' });

/**
 * Supervision (DESIGN §2.8): which stages file status reports, how often by tier, the grace before a
 * missing report is overdue, and the working days a consultee has to answer a consultation.
 */
export const ZSupervisionRuleset = z
  .strictObject({
    ruleset: z.literal('supervision'),
    title: ZLocalized,
    source: z.string().optional(),
    supervisedStages: z.array(ZStage.exclude(['planning', 'retired'])).min(1),
    cadence: z
      .array(
        z.strictObject({
          tier: ZTier,
          months: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(6), z.literal(12)]),
          label: ZLocalized,
        }),
      )
      .length(3),
    reportGraceDays: z.number().int().min(0).max(180),
    consultationDueWorkingDays: z.number().int().min(1).max(120),
    /** Days that are not working days besides Saturdays and Sundays (national holidays, year-end closure). */
    holidays: z.array(ZRulesDate).max(2000),
    holidaysSource: z.string().optional(),
    /**
     * A contract counts as over budget when it exceeds the project's budget by more than this share
     * (0.1 = 10 %), at every tier (DESIGN §2.7). Absent: any excess.
     */
    procurementOverBudgetMarginRatio: z.number().min(0).max(10).optional(),
  })
  .superRefine((value, ctx) => {
    const tiers = new Set(value.cadence.map((c) => c.tier));
    if (tiers.size !== 3) ctx.addIssue({ code: 'custom', path: ['cadence'], message: 'one cadence per tier 1, 2 and 3' });
  });
export type TSupervisionRuleset = z.infer<typeof ZSupervisionRuleset>;

/**
 * The service canvas (DESIGN §2.5): which cells are key items (重要項目: the canvas counts as written
 * only with all of them filled) and the guidance shown beside each area and cell. Policy, so a year can
 * change what must be written without a code change. Every cell of the canvas appears exactly once.
 */
export const ZServiceCanvasRuleset = z
  .strictObject({
    ruleset: z.literal('service-canvas'),
    title: ZLocalized,
    source: z.string().optional(),
    areas: z.array(z.strictObject({ area: z.enum(['header', 'user', 'provider', 'value', 'solution']), guidance: ZLocalized.optional() })),
    fields: z.array(z.strictObject({ key: z.enum(canvasFieldKeys), isKey: z.boolean(), guidance: ZLocalized.optional() })),
  })
  .superRefine((value, ctx) => {
    const keys = value.fields.map((f) => f.key);
    const missing = canvasFieldKeys.filter((key) => !keys.includes(key));
    if (missing.length || new Set(keys).size !== keys.length)
      ctx.addIssue({
        code: 'custom',
        path: ['fields'],
        message: `every canvas cell exactly once (missing: ${missing.join(', ') || 'none'})`,
      });
    if (!value.fields.some((f) => f.isKey)) ctx.addIssue({ code: 'custom', path: ['fields'], message: 'at least one key item' });
  });
export type TServiceCanvasRuleset = z.infer<typeof ZServiceCanvasRuleset>;

export const rulesetSchemas = {
  'oversight-tier': ZOversightRuleset,
  'lifecycle-gates': ZLifecycleRuleset,
  'release-checklist': ZReleaseChecklistRuleset,
  'tech-review-extraction': ZTechReviewExtractionRuleset,
  supervision: ZSupervisionRuleset,
  'service-canvas': ZServiceCanvasRuleset,
} as const satisfies Record<TRulesetName, z.ZodType>;
export { rulesetNames, type TRulesetName } from './ruleset-names.ts';

/**
 * Ruleset versions (decision 0017): what an admin proposes, what a second person decides, and how a
 * version reads back. The rulesets themselves are validated by `parseRuleset`; here are the envelopes.
 */
import { z } from 'zod';
import { text } from '../projects/schemas.ts';
import { rulesetNames, type TRulesetName, ZReviewerRoleOrNull, ZTierOrNull } from './schemas.ts';

export const ZRulesetName = z.enum(rulesetNames as [TRulesetName, ...TRulesetName[]]);

/** One case of a case file (rules/tests/<name>.cases.json): every key of `expected` must equal the output. */
export const ZRuleCase = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(300),
  input: z.record(z.string(), z.unknown()),
  expected: z.record(z.string(), z.unknown()).refine((e) => Object.keys(e).length > 0, 'states at least one expected value'),
});
export const ZRuleCases = z.array(ZRuleCase).min(1, 'a ruleset needs at least one case').max(500);

export const ZRulesetProposalRequest = z.strictObject({
  ruleset: ZRulesetName,
  content: z
    .unknown()
    .refine((v) => v !== undefined, 'is required')
    .describe('the proposed ruleset, as in rules/<ruleset>.json'),
  cases: ZRuleCases.optional().describe('the case file’s cases; the active version’s cases when omitted'),
  note: text(2000).optional().describe('why the rules change'),
});
export type TRulesetProposalRequest = z.infer<typeof ZRulesetProposalRequest>;

export const ZRulesetDecisionRequest = z
  .strictObject({
    decision: z.enum(['approved', 'rejected']),
    comment: text(4000).optional(),
    activateAt: z.iso
      .datetime({ offset: true, message: 'must be a date and time (ISO 8601)' })
      .optional()
      .describe('when the version becomes active; now when omitted or past'),
    revision: z.number().int().min(1).describe('the version row’s revision (409 when stale)'),
  })
  .refine((body) => body.decision !== 'rejected' || (body.comment ?? '').trim().length > 0, {
    path: ['comment'],
    message: 'a rejection needs a comment',
  });
export type TRulesetDecisionRequest = z.infer<typeof ZRulesetDecisionRequest>;

export const ZRulesetCancelRequest = z.strictObject({
  comment: text(4000)
    .refine((s) => s.trim().length > 0, 'is required')
    .describe('why the scheduled activation stops'),
  revision: z.number().int().min(1).describe('the version row’s revision (409 when stale)'),
});
export type TRulesetCancelRequest = z.infer<typeof ZRulesetCancelRequest>;

/** Where an activation job is: queued for its date, running its steps, or ended. */
export const ZRulesetActivationStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'interrupted', 'cancelled']);
export type TRulesetActivationStatus = z.infer<typeof ZRulesetActivationStatus>;
export const ZRulesetVersionStatus = z.enum(['proposed', 'rejected', 'approved', 'cancelled', 'active', 'superseded', 'failed']);
/**
 * Where an activation job is in its work: queued, one of its four steps in order (the new version's
 * case files run, the switch to it, the rules loaded, the re-tier), or ended (finished, cancelled).
 */
export const ZRulesetActivationStep = z
  .enum(['queued', 'cases', 'switch', 'load', 'retier', 'finished', 'cancelled'])
  .describe(
    'queued; then cases, switch, load and retier in that order; finished or cancelled at the end (a failed job keeps the step it failed in)',
  );
export type TRulesetActivationStep = z.infer<typeof ZRulesetActivationStep>;

export const ZRulesetActivation = z.object({
  id: z.uuid(),
  status: ZRulesetActivationStatus,
  runAt: z.string(),
  step: ZRulesetActivationStep,
  stepsDone: z.number().int(),
  stepsTotal: z.number().int(),
  projectsChanged: z.number().int().nullable().describe('projects whose tier or reviewer the re-tier changed'),
  error: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type TRulesetActivation = z.infer<typeof ZRulesetActivation>;

const ZPerson = z.object({ id: z.uuid(), displayName: z.string() }).nullable();

export const ZRulesetVersionSummary = z.object({
  id: z.uuid(),
  ruleset: ZRulesetName,
  version: z.string().describe('content hash, as GET /rules reports it'),
  status: ZRulesetVersionStatus,
  note: z.string(),
  caseCount: z.number().int(),
  proposedBy: ZPerson.describe('null for the first version, read from rules/'),
  proposedAt: z.string(),
  decidedBy: ZPerson,
  decidedAt: z.string().nullable(),
  decisionComment: z.string().nullable(),
  activateAt: z.string().nullable(),
  activatedAt: z.string().nullable(),
  supersededAt: z.string().nullable(),
  revision: z.number().int(),
  activation: ZRulesetActivation.nullable(),
});
export type TRulesetVersionSummary = z.infer<typeof ZRulesetVersionSummary>;

export const ZMovingReview = z.object({
  kind: z.enum(['release_request', 'consultation']),
  id: z.uuid(),
  projectCode: z.string(),
  projectName: z.string(),
  bureauCode: z.string(),
  fromReviewer: z.string().nullable(),
  toReviewer: z.string().nullable(),
});

/** Projects by the tier they would have: 1, 2, 3 and 未設定. */
export const ZTierCounts = z.object({ tier1: z.number().int(), tier2: z.number().int(), tier3: z.number().int(), unset: z.number().int() });

/** What a candidate oversight ruleset would change in the book (POST /rules/simulate; writes nothing). */
export const ZRulesetSimulation = z.object({
  ruleset: z.literal('oversight-tier'),
  candidateVersion: z.string(),
  activeVersion: z.string(),
  isSameAsActive: z.boolean(),
  projects: z.number().int(),
  combinations: z.number().int().describe('distinct input combinations evaluated'),
  changed: z.number().int().describe('projects whose tier or reviewer would change'),
  byBureau: z.array(z.object({ bureauCode: z.string(), total: z.number().int(), changed: z.number().int(), toTier: ZTierCounts })),
  transitions: z.array(
    z.object({
      fromTier: ZTierOrNull,
      toTier: ZTierOrNull,
      fromReviewer: ZReviewerRoleOrNull,
      toReviewer: ZReviewerRoleOrNull,
      count: z.number().int(),
    }),
  ),
  sample: z.array(
    z.object({
      id: z.uuid(),
      code: z.string(),
      name: z.string(),
      bureauCode: z.string(),
      fromTier: ZTierOrNull,
      toTier: ZTierOrNull,
      fromReviewer: ZReviewerRoleOrNull,
      toReviewer: ZReviewerRoleOrNull,
    }),
  ),
});
export type TRulesetSimulation = z.infer<typeof ZRulesetSimulation>;

/** A proposed oversight version's impact, kept with it: the simulation, the pending reviews it would move, when. */
export const ZRulesetImpact = ZRulesetSimulation.extend({
  pendingReviews: z.object({ pending: z.number().int(), moving: z.number().int(), items: z.array(ZMovingReview) }),
  simulatedAt: z.string(),
});
export type TRulesetImpact = z.infer<typeof ZRulesetImpact>;

export const ZRulesetVersion = ZRulesetVersionSummary.extend({
  content: z.unknown(),
  cases: z.array(ZRuleCase),
  baseVersionId: z.uuid().nullable(),
  impact: ZRulesetImpact.nullable().describe(
    'the whole-book simulation at proposal time (POST /rules/simulate’s answer plus pendingReviews); oversight-tier only',
  ),
  canDecide: z.boolean().describe('whether the signed-in user may approve or reject it now'),
});
export type TRulesetVersion = z.infer<typeof ZRulesetVersion>;

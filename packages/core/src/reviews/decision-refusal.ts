/**
 * Who may decide what (DESIGN §1, §2.1, §2.3, §2.8), and why a decision is refused. Which tier needs
 * which reviewer role is policy: the oversight ruleset gives each project (and each pending release
 * request) its `reviewerRole`. Where a person holds that role follows from the role registry's
 * `bureauScope`: a bureau lead for their own bureaus, a CIO advisor for the bureaus assigned to them,
 * the chief CIO advisor for every bureau.
 *
 * The API's decision verbs (release judgements, tier decreases, consultations, status-report
 * assessments, exemptions), its reviewer lists, the inbox and `canDecide` in every response read these
 * functions, so they cannot disagree. Pure: the API passes the signed-in person and the rows.
 */
import { roleRegistry, type TRole } from '../registry/domain-lists.ts';
import { type TReviewerRole, ZReviewerRole } from '../rules/schemas.ts';

/** Who asks to decide: a person signed in, an API token, or the system itself. */
export type TDecider = { id: string; role: TRole; bureauCodes: readonly string[]; via: 'session' | 'api_token' | 'system' };

/** The decisions a person may take, as the reviewer role they hold and the bureaus they hold it for. */
export type TReviewerReach = { reviewerRole: TReviewerRole; bureauCodes: string[] | 'all' };

/** Whether a reviewer role is held per bureau (bureau lead, CIO advisor) rather than for the whole city. */
export const isBureauScopedReviewer = (role: TReviewerRole) => roleRegistry.get(role).bureauScope !== 'none';

/** The decisions `decider` may take, or null for everyone who is not a reviewer. */
export function reviewerReachOf(decider: TDecider): TReviewerReach | null {
  // A judgement is a person's act: machine tokens never judge, whatever their owner's role.
  if (decider.via !== 'session') return null;
  const reviewerRole = ZReviewerRole.safeParse(decider.role);
  if (!reviewerRole.success) return null;
  return {
    reviewerRole: reviewerRole.data,
    bureauCodes: isBureauScopedReviewer(reviewerRole.data) ? [...decider.bureauCodes] : 'all',
  };
}

/** Whether a reach covers a decision routed to `reviewerRole` for a project of `bureauCode`. */
export function reachCovers(reach: TReviewerReach, reviewerRole: string | null, bureauCode: string): boolean {
  if (reviewerRole !== reach.reviewerRole) return false;
  return reach.bureauCodes === 'all' || reach.bureauCodes.includes(bureauCode);
}

/** "CIO advisor of bureau IND", "Chief CIO advisor": who a refusal says may decide instead. */
function designatedReviewer(reviewerRole: string, bureauCode: string): string {
  const role = ZReviewerRole.safeParse(reviewerRole);
  if (!role.success) return reviewerRole;
  return `${roleRegistry.label(role.data, 'en')}${isBureauScopedReviewer(role.data) ? ` of bureau ${bureauCode}` : ''}`;
}

export type TDecidableRequest = { tier: number | null; reviewerRole: string | null; requestedBy: string | null };

/**
 * Why `decider` may not judge `request` of a project of `project.bureauCode`, or null when they may.
 * The applicant never judges their own request, even when they hold the designated role for the
 * bureau (DESIGN §2.3). The same rule decides who answers a consultation, assesses a status report or
 * decides an exemption (the tier's consultee, DESIGN §2.8): `subject` names what is judged.
 */
export function decisionRefusal(
  decider: TDecider,
  project: { bureauCode: string },
  request: TDecidableRequest,
  subject = 'release request',
): string | null {
  if (request.requestedBy === decider.id) return `The applicant cannot judge their own ${subject}`;
  if (request.tier === null || request.reviewerRole === null) {
    return `The project’s tier is not set, so no reviewer is designated for this ${subject}`;
  }
  const reach = reviewerReachOf(decider);
  if (!reach || !reachCovers(reach, request.reviewerRole, project.bureauCode)) {
    return `A tier-${request.tier} ${subject} is judged only by the ${designatedReviewer(request.reviewerRole, project.bureauCode)}`;
  }
  return null;
}

/**
 * Why `decider` may not agree to or refuse a tier decrease, or null when they may: the reviewer of the
 * tier in force decides (DESIGN §2.1 "a tier never falls on the bureau's word alone"), never the person
 * who lowered the inputs.
 */
export function tierDecreaseRefusal(
  decider: TDecider,
  request: { fromTier: number; fromReviewerRole: string; requestedBy: string | null; bureauCode: string },
): string | null {
  if (request.requestedBy === decider.id) return 'The person who lowered the inputs cannot agree to their own tier decrease';
  const reach = reviewerReachOf(decider);
  if (!reach || !reachCovers(reach, request.fromReviewerRole, request.bureauCode)) {
    return `A decrease from tier ${request.fromTier} is agreed only by the ${designatedReviewer(request.fromReviewerRole, request.bureauCode)}`;
  }
  return null;
}

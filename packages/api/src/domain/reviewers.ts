import {
  decisionRefusal,
  isBureauScopedReviewer,
  reachCovers,
  reviewerReachOf,
  type TDecidableRequest,
  type TReviewerReach,
  type TReviewerRole,
  type TTier,
  ZTier,
} from '@psbook/core';
import type { Actor } from '../auth/actor.ts';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { listPendingRetirementsForBureaus } from '../db/queries/lifecycle.ts';
import { listPendingForReviewer, listReturnedForBureaus } from '../db/queries/releases.ts';
import {
  listActionsWaitingOn,
  listOpenConsultationsForReviewer,
  listRequestedExemptionsForReviewer,
  listUnassessedReportsForReviewer,
} from '../db/queries/supervision.ts';
import { listOpenTechReviews } from '../db/queries/tech-reviews.ts';
import { listActiveUsersOfRole } from '../db/queries/users.ts';
import { projectHeadingOf } from './projects.ts';
import { listPendingDecreasesForReviewer } from './tier-decrease.ts';

/**
 * Who judges what (DESIGN §1, §2.1): the rule itself is core's (reviews/decision-refusal.ts) — which
 * reviewer role a person holds for which bureaus, and why a decision is refused. Here it meets the
 * database: the designated reviewers of a project and the inbox.
 *
 * The decision route (canDecide), the reviewer list (designatedReviewers), the inbox and the
 * outstanding yearly reviews all derive from `reviewerReachOf`, so they cannot disagree.
 */
export type ReviewerReach = TReviewerReach;
export { decisionRefusal, reachCovers, reviewerReachOf };

export type DecidableProject = { bureauCode: string };
export type DecidableRequest = TDecidableRequest;

export function canDecide(actor: Actor, project: DecidableProject, request: DecidableRequest): boolean {
  return decisionRefusal(actor, project, request) === null;
}

export type DesignatedReviewer = { id: string; email: string; displayName: string; role: string };

/**
 * The active users who may judge a release request of `project` routed to `reviewerRole`, except the
 * applicant. An empty list tells the applicant no one can judge it yet (e.g. a bureau without a lead).
 */
export async function designatedReviewers(
  db: Db,
  project: { bureauCode: string; reviewerRole: TReviewerRole | null },
  exceptUserId?: string,
): Promise<DesignatedReviewer[]> {
  const role = project.reviewerRole;
  if (!role) return [];
  return listActiveUsersOfRole(db, role, isBureauScopedReviewer(role) ? project.bureauCode : null, exceptUserId);
}

/** Who may judge now, as a detail view lists them. */
export const toReviewerResponse = (r: DesignatedReviewer) => ({ id: r.id, displayName: r.displayName, email: r.email });

/** One move of a release request or a consultation to another tier's reviewer (its routing history). */
export const toRoutingResponse = (r: {
  fromTier: TTier | null;
  toTier: TTier | null;
  fromReviewerRole: TReviewerRole | null;
  toReviewerRole: TReviewerRole | null;
  at: Date;
}) => ({
  // A request is filed only with a tier and re-routed only upwards (domain/oversight.ts): both are set.
  fromTier: ZTier.parse(r.fromTier),
  toTier: ZTier.parse(r.toTier),
  fromReviewerRole: r.fromReviewerRole,
  toReviewerRole: r.toReviewerRole,
  at: r.at.toISOString(),
});

/** An inbox item as gathered: the tier as the tables store it (an integer), checked on the way out. */
type GatheredItem = Omit<InboxItem, 'tier'> & { tier: number | null };

export type InboxItem = {
  kind:
    | 'release_request'
    | 'tech_review'
    | 'tier_decrease'
    | 'consultation'
    | 'status_report'
    | 'exemption'
    | 'follow_up_action'
    | 'retirement';
  /**
   * judge: decide a pending release request; resubmit: a returned request waits for a new filing;
   * evaluate: a tech review to complete; consent: agree to or refuse a tier decrease; answer: a
   * consultation waits on its consultee; assess: a status report waits for the independent assessment;
   * decide: an exemption request; act: a follow-up action its owner must do; verify: a done action its
   * raiser must verify; confirm: a retirement the yearly decision opened waits for the bureau to confirm
   * or withdraw it.
   */
  action: 'judge' | 'resubmit' | 'evaluate' | 'consent' | 'answer' | 'assess' | 'decide' | 'act' | 'verify' | 'confirm';
  id: string;
  projectId: string;
  projectCode: string;
  projectName: string;
  bureauCode: string;
  tier: TTier | null;
  status: string;
  /** When it started waiting: filed, returned, or extracted. */
  since: string;
  dueAt: string | null;
  isOverdue: boolean;
};

/** A date column's day, due by its end in the server's time zone (the same clock as fiscal years). */
function endOfDay(date: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y!, m! - 1, d!, 23, 59, 59, 999);
}

/**
 * What waits for the signed-in user, oldest first (DESIGN §2.3, §2.4):
 * reviewers (bureau lead, CIO advisor, chief) the pending release requests they may judge — the same
 * rule as the decision route — and the tier decreases they may agree to; staff and bureau leads their bureaus' returned requests still to be
 * refiled; admins (the DSB reviewers) the tech reviews still extracted or in review, due at the
 * cycle's evaluation deadline. Nothing waits on the budget office: its list is empty.
 */
export async function listInbox(ctx: DomainContext, limit: number): Promise<{ items: InboxItem[]; hasMore: boolean }> {
  const { db, actor } = ctx;
  const now = Date.now();
  const items: GatheredItem[] = [];
  const reach = reviewerReachOf(actor);
  if (reach) {
    for (const r of await listPendingForReviewer(db, reach, actor.id, limit + 1)) {
      items.push({
        kind: 'release_request',
        action: 'judge',
        id: r.id,
        ...projectHeadingOf(r),
        tier: r.tier,
        status: r.status,
        since: r.requestedAt.toISOString(),
        dueAt: r.dueAt.toISOString(),
        isOverdue: r.dueAt.getTime() < now,
      });
    }
  }
  if (reach) {
    for (const d of await listPendingDecreasesForReviewer(db, reach, actor.id, limit + 1)) {
      items.push({
        kind: 'tier_decrease',
        action: 'consent',
        id: d.id,
        projectId: d.projectId,
        projectCode: d.projectCode,
        projectName: d.projectName,
        bureauCode: d.bureauCode,
        tier: d.fromTier,
        status: d.status,
        since: d.requestedAt.toISOString(),
        dueAt: null,
        isOverdue: false,
      });
    }
    // Supervision (DESIGN §2.8): the same reach as release requests decides what waits on a consultee.
    for (const c of await listOpenConsultationsForReviewer(db, reach, actor.id, limit + 1)) {
      const due = endOfDay(c.dueOn);
      items.push({
        kind: 'consultation',
        action: 'answer',
        id: c.id,
        projectId: c.projectId,
        projectCode: c.projectCode,
        projectName: c.projectName,
        bureauCode: c.bureauCode,
        tier: c.tier,
        status: c.status,
        since: c.openedAt.toISOString(),
        dueAt: due.toISOString(),
        isOverdue: due.getTime() < now,
      });
    }
    for (const r of await listUnassessedReportsForReviewer(db, reach, actor.id, limit + 1)) {
      items.push({
        kind: 'status_report',
        action: 'assess',
        id: r.period,
        ...projectHeadingOf(r),
        tier: r.tier,
        status: 'filed',
        since: r.filedAt.toISOString(),
        dueAt: null,
        isOverdue: false,
      });
    }
    for (const e of await listRequestedExemptionsForReviewer(db, reach, actor.id, limit + 1)) {
      items.push({
        kind: 'exemption',
        action: 'decide',
        id: e.id,
        projectId: e.projectId,
        projectCode: e.projectCode,
        projectName: e.projectName,
        bureauCode: e.bureauCode,
        tier: null,
        status: e.status,
        since: e.requestedAt.toISOString(),
        dueAt: null,
        isOverdue: false,
      });
    }
  }
  if (actor.via === 'session') {
    for (const a of await listActionsWaitingOn(db, actor.id, limit + 1)) {
      const due = endOfDay(a.dueDate);
      items.push({
        kind: 'follow_up_action',
        action: a.status === 'open' ? 'act' : 'verify',
        id: a.id,
        projectId: a.projectId,
        projectCode: a.projectCode,
        projectName: a.projectName,
        bureauCode: a.bureauCode,
        tier: null,
        status: a.status,
        since: (a.doneAt ?? a.raisedAt).toISOString(),
        dueAt: a.status === 'open' ? due.toISOString() : null,
        isOverdue: a.status === 'open' && due.getTime() < now,
      });
    }
  }
  if (actor.via === 'session' && (actor.role === 'staff' || actor.role === 'bureau_lead')) {
    for (const r of await listReturnedForBureaus(db, actor.bureauCodes, limit + 1)) {
      items.push({
        kind: 'release_request',
        action: 'resubmit',
        id: r.id,
        ...projectHeadingOf(r),
        tier: r.tier,
        status: r.status,
        since: (r.decidedAt ?? r.requestedAt).toISOString(),
        dueAt: null,
        isOverdue: false,
      });
    }
  }
  // A yearly 廃止 decision opens the retirement; the owning bureau confirms or withdraws it.
  if (actor.via === 'session' && (actor.role === 'staff' || actor.role === 'bureau_lead')) {
    for (const r of await listPendingRetirementsForBureaus(db, actor.bureauCodes, limit + 1)) {
      items.push({
        kind: 'retirement',
        action: 'confirm',
        // The yearly review is keyed by project and fiscal year; its year is the item's id.
        id: String(r.fiscalYear),
        ...projectHeadingOf(r),
        tier: r.tier,
        status: 'pending',
        since: r.decidedAt.toISOString(),
        dueAt: null,
        isOverdue: false,
      });
    }
  }
  // GovTech Tokyo writes the tech reviews (slide 83), so their inbox holds the open ones.
  if (actor.via === 'session' && actor.role === 'govtech') {
    for (const r of await listOpenTechReviews(db, limit + 1)) {
      const due = endOfDay(r.evaluationDeadline);
      items.push({
        kind: 'tech_review',
        action: 'evaluate',
        id: r.id,
        ...projectHeadingOf(r),
        tier: r.tierAtExtraction,
        status: r.status,
        since: r.extractedAt.toISOString(),
        dueAt: due.toISOString(),
        isOverdue: due.getTime() < now,
      });
    }
  }
  items.sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : a.id < b.id ? -1 : 1));
  const page = items.slice(0, limit).map((item) => ({ ...item, tier: item.tier === null ? null : ZTier.parse(item.tier) }));
  return { items: page, hasMore: items.length > limit };
}

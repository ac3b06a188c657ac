import { roleLabels, type TReviewerRole } from '@psbook/core';
import type { Db } from '../db/database.ts';
import { listActiveBureauMembers } from '../db/queries/users.ts';
import { activeUser, activeUsersWithRole, type Delivery, notify, notifyEach, type Recipient } from './notifications.ts';
import { designatedReviewers } from './reviewers.ts';

/*
 * The events that ask someone to act, and who that is. Every recipient list comes from the rule that
 * lets the person act: `designatedReviewers` (the same reach as the decision route and the inbox) for
 * release requests and tier decreases, the person who filed a request for its outcome, the roles the
 * budget cycle's own verbs and inbox name for its milestones.
 */

type ProjectRef = { id: string; code: string; name: string; bureauCode: string };

// Reached only once a reviewer was designated; the empty label keeps the sentence readable if not.
const roleJa = (role: TReviewerRole | null) => (role ? roleLabels[role].ja : '');
const roleEn = (role: TReviewerRole | null) => (role ? roleLabels[role].en : '');

/** Who may act for the project's reviewer role now, except the person who asked (designatedReviewers). */
const reviewersOf = (tx: Db, project: { bureauCode: string }, reviewerRole: TReviewerRole | null, except: string | null) =>
  designatedReviewers(tx, { bureauCode: project.bureauCode, reviewerRole }, except ?? undefined);

/** A release request waits for a reviewer: filed, or re-routed to another tier's reviewer. */
export async function notifyReleaseRequestRouted(
  tx: Db,
  project: ProjectRef,
  request: { id: string; tier: number | null; reviewerRole: TReviewerRole | null; requestedBy: string },
  rerouted: boolean,
) {
  const reviewers = await reviewersOf(tx, project, request.reviewerRole, request.requestedBy);
  await notify(tx, reviewers, {
    kind: 'release_request_routed',
    entityType: 'release_request',
    entityId: request.id,
    projectId: project.id,
    path: `/release-requests/${request.id}`,
    titleJa: `${rerouted ? '区分の変更により回付: ' : ''}リリース判定の依頼 ${project.code} ${project.name}`,
    titleEn: `Release request to judge: ${project.code} ${project.name}${rerouted ? ' (re-routed after a tier change)' : ''}`,
    detailJa: `区分${request.tier}の${roleJa(request.reviewerRole)}として判定してください（期限14日）。`,
    detailEn: `Please judge it as the tier-${request.tier} ${roleEn(request.reviewerRole).toLowerCase()} (due in 14 days).`,
  });
}

export async function notifyReleaseRequestDecided(
  tx: Db,
  project: ProjectRef,
  request: { id: string; requestedBy: string },
  decision: 'approved' | 'returned',
) {
  await notify(tx, await activeUser(tx, request.requestedBy), {
    kind: 'release_request_decided',
    entityType: 'release_request',
    entityId: request.id,
    projectId: project.id,
    path: `/release-requests/${request.id}`,
    titleJa: `リリース判定: ${decision === 'approved' ? '承認' : '差戻し'} ${project.code} ${project.name}`,
    titleEn: `Release request ${decision}: ${project.code} ${project.name}`,
    detailJa: decision === 'returned' ? 'コメントを確認し、対応のうえ再申請してください。' : 'リリースに進めます。',
    detailEn: decision === 'returned' ? 'Read the comments, address them and file again.' : 'The release may go ahead.',
  });
}

/** A tier decrease waits for the reviewer of the tier in force (the same rule as `tierDecreaseRefusal`). */
export async function notifyTierDecreaseWaiting(tx: Db, project: ProjectRef, decrease: WaitingDecrease) {
  await notifyTierDecreasesWaiting(tx, [{ project, decrease }]);
}

type WaitingDecrease = { id: string; fromTier: number; fromReviewerRole: TReviewerRole; toTier: number | null; requestedBy: string | null };

/**
 * The same for many decreases (an import's): the reviewers looked up once per bureau, role and
 * requester, every notice written together (notifyEach).
 */
export async function notifyTierDecreasesWaiting(tx: Db, waiting: { project: ProjectRef; decrease: WaitingDecrease }[]) {
  const reviewersByKey = new Map<string, Recipient[]>();
  const deliveries: Delivery[] = [];
  for (const { project, decrease } of waiting) {
    const key = JSON.stringify([project.bureauCode, decrease.fromReviewerRole, decrease.requestedBy]);
    let reviewers = reviewersByKey.get(key);
    if (!reviewers) {
      reviewers = await reviewersOf(tx, project, decrease.fromReviewerRole, decrease.requestedBy);
      reviewersByKey.set(key, reviewers);
    }
    const to = decrease.toTier === null ? '未設定' : `区分${decrease.toTier}`;
    deliveries.push({
      recipients: reviewers,
      event: {
        kind: 'tier_decrease_waiting',
        entityType: 'tier_decrease',
        entityId: decrease.id,
        projectId: project.id,
        path: `/projects/${project.id}`,
        titleJa: `区分引下げの同意依頼 ${project.code} ${project.name}（区分${decrease.fromTier}→${to}）`,
        titleEn: `Tier decrease to consent to: ${project.code} ${project.name} (tier ${decrease.fromTier} → ${decrease.toTier ?? 'not set'})`,
        detailJa: `現在の区分${decrease.fromTier}の${roleJa(decrease.fromReviewerRole)}として、同意または不同意を判断してください。`,
        detailEn: `As the ${roleEn(decrease.fromReviewerRole)} of the tier in force, agree to it or refuse it.`,
      },
    });
  }
  await notifyEach(tx, deliveries);
}

export async function notifyTierDecreaseDecided(
  tx: Db,
  project: ProjectRef,
  decrease: { id: string; requestedBy: string | null },
  decision: 'approved' | 'refused',
) {
  await notify(tx, await activeUser(tx, decrease.requestedBy), {
    kind: 'tier_decrease_decided',
    entityType: 'tier_decrease',
    entityId: decrease.id,
    projectId: project.id,
    path: `/projects/${project.id}`,
    titleJa: `区分引下げ: ${decision === 'approved' ? '同意' : '不同意'} ${project.code} ${project.name}`,
    titleEn: `Tier decrease ${decision}: ${project.code} ${project.name}`,
  });
}

/** Extraction opened tech reviews: the DSB's administrators write them (the inbox's rule). */
export async function notifyTechReviewsToWrite(tx: Db, fiscalYear: number, count: number, evaluationDeadline: string, actorId: string) {
  // GovTech Tokyo writes the reviews (slide 83).
  await notify(tx, await activeUsersWithRole(tx, ['govtech'], actorId), {
    kind: 'tech_reviews_to_write',
    entityType: 'budget_cycle',
    entityId: String(fiscalYear),
    path: '/budget-review',
    titleJa: `${fiscalYear}年度 技術的評価の作成依頼（${count}件、期限 ${evaluationDeadline}）`,
    titleEn: `Fiscal ${fiscalYear}: ${count} tech reviews to write (due ${evaluationDeadline})`,
  });
}

/** The evaluation report went to the finance bureau: every budget office user reads it. */
export async function notifyTechReviewsSubmitted(tx: Db, fiscalYear: number, count: number) {
  await notify(tx, await activeUsersWithRole(tx, ['budget_office']), {
    kind: 'tech_reviews_submitted',
    entityType: 'budget_cycle',
    entityId: String(fiscalYear),
    path: '/budget-review',
    titleJa: `${fiscalYear}年度 評価書の提出（技術的評価 ${count}件）`,
    titleEn: `Fiscal ${fiscalYear}: evaluation report submitted (${count} tech reviews)`,
  });
}

// ---------------------------------------------------------------------------------------------------
// Supervision (監理・協議): the consultee is the reviewer the tier designates (`designatedReviewers`, the
// reach behind `consulteeRefusal`); the bureau side is the people `canWriteProject` lets act for the
// project's bureau (its staff and bureau leads); actions go to their owner and back to who raised them.

/** The staff and bureau leads of a bureau: who act for it (`canWriteProject`), except one person. */
export async function bureauMembers(tx: Db, bureauCode: string, exceptUserId?: string | null) {
  return listActiveBureauMembers(tx, bureauCode, ['staff', 'bureau_lead'], exceptUserId);
}

const consultationPath = (projectId: string, id: string) => `/projects/${projectId}/consultations/${id}`;

/** A consultation waits for its consultee: opened, re-routed after a tier change, or asked again by the bureau. */
export async function notifyConsultationRouted(
  tx: Db,
  project: ProjectRef,
  consultation: { id: string; subject: string; tier: number | null; reviewerRole: TReviewerRole | null; openedBy: string },
  how: 'opened' | 'rerouted',
) {
  const consultees = await reviewersOf(tx, project, consultation.reviewerRole, consultation.openedBy);
  await notify(tx, consultees, {
    kind: 'consultation_routed',
    entityType: 'consultation',
    entityId: consultation.id,
    projectId: project.id,
    path: consultationPath(project.id, consultation.id),
    titleJa: `${how === 'rerouted' ? '区分の変更により回付: ' : ''}協議の依頼 ${project.code}「${consultation.subject}」`,
    titleEn: `Consultation to answer: ${project.code} “${consultation.subject}”${how === 'rerouted' ? ' (re-routed after a tier change)' : ''}`,
    detailJa: `区分${consultation.tier}の${roleJa(consultation.reviewerRole)}として回答してください。`,
    detailEn: `Please answer as the tier-${consultation.tier} ${roleEn(consultation.reviewerRole).toLowerCase()}.`,
  });
}

/**
 * A message in a consultation tells the other side: the consultee's answer goes to the person who
 * opened it (as guidance when it records some); the bureau's message goes to the consultees.
 */
export async function notifyConsultationReplied(
  tx: Db,
  project: ProjectRef,
  consultation: { id: string; subject: string; reviewerRole: TReviewerRole | null; openedBy: string },
  side: 'consultee' | 'bureau' | 'technical',
  authorId: string,
  hasGuidance: boolean,
) {
  // GovTech Tokyo's technical guidance goes to the bureau, like the consultee's answer.
  const recipients =
    side !== 'bureau'
      ? (await activeUser(tx, consultation.openedBy)).filter((r) => r.id !== authorId)
      : await reviewersOf(tx, project, consultation.reviewerRole, consultation.openedBy).then((list) =>
          list.filter((r) => r.id !== authorId),
        );
  const guidance = side !== 'bureau' && hasGuidance;
  await notify(tx, recipients, {
    kind: guidance ? 'guidance_recorded' : 'consultation_replied',
    entityType: 'consultation',
    entityId: consultation.id,
    projectId: project.id,
    path: consultationPath(project.id, consultation.id),
    titleJa: `${guidance ? '指導の記録' : side === 'consultee' ? '協議への回答' : side === 'technical' ? '技術的助言' : '協議への返信'} ${project.code}「${consultation.subject}」`,
    titleEn: `${guidance ? 'Guidance recorded' : side === 'consultee' ? 'Consultation answered' : side === 'technical' ? 'Technical advice' : 'Reply in a consultation'}: ${project.code} “${consultation.subject}”`,
  });
}

const supervisionPath = (projectId: string) => `/projects/${projectId}/supervision`;

/** A follow-up action is assigned to its owner (by a consultee's guidance, a judgement, or the bureau). */
export async function notifyActionAssigned(
  tx: Db,
  project: ProjectRef,
  action: { id: string; title: string; ownerId: string; dueDate: string; raisedBy: string | null },
) {
  if (action.ownerId === action.raisedBy) return;
  await notify(tx, await activeUser(tx, action.ownerId), {
    kind: 'action_assigned',
    entityType: 'follow_up_action',
    entityId: action.id,
    projectId: project.id,
    path: supervisionPath(project.id),
    titleJa: `対応事項の割当て ${project.code}「${action.title}」（期限 ${action.dueDate}）`,
    titleEn: `Follow-up action assigned: ${project.code} “${action.title}” (due ${action.dueDate})`,
  });
}

/** The owner marked an action done: the one who raised it verifies it. */
export async function notifyActionToVerify(
  tx: Db,
  project: ProjectRef,
  action: { id: string; title: string; raisedBy: string | null; ownerId: string },
) {
  if (action.raisedBy === action.ownerId) return;
  await notify(tx, await activeUser(tx, action.raisedBy), {
    kind: 'action_to_verify',
    entityType: 'follow_up_action',
    entityId: action.id,
    projectId: project.id,
    path: supervisionPath(project.id),
    titleJa: `対応事項の確認依頼 ${project.code}「${action.title}」`,
    titleEn: `Follow-up action to verify: ${project.code} “${action.title}”`,
  });
}

/** An exemption waits for the project's consultee (the same reach as `consulteeRefusal`). */
export async function notifyExemptionToDecide(
  tx: Db,
  project: ProjectRef & { reviewerRole: TReviewerRole | null },
  exemption: { id: string; targetLabel: { ja: string; en: string }; expiresOn: string; requestedBy: string },
) {
  await notify(tx, await reviewersOf(tx, project, project.reviewerRole, exemption.requestedBy), {
    kind: 'exemption_to_decide',
    entityType: 'exemption',
    entityId: exemption.id,
    projectId: project.id,
    path: supervisionPath(project.id),
    titleJa: `免除の判断依頼 ${project.code}（${exemption.targetLabel.ja}、${exemption.expiresOn}まで）`,
    titleEn: `Exemption to decide: ${project.code} (${exemption.targetLabel.en} until ${exemption.expiresOn})`,
  });
}

export async function notifyExemptionDecided(
  tx: Db,
  project: ProjectRef,
  exemption: { id: string; targetLabel: { ja: string; en: string }; requestedBy: string },
  decision: 'approved' | 'refused',
) {
  await notify(tx, await activeUser(tx, exemption.requestedBy), {
    kind: 'exemption_decided',
    entityType: 'exemption',
    entityId: exemption.id,
    projectId: project.id,
    path: supervisionPath(project.id),
    titleJa: `免除: ${decision === 'approved' ? '承認' : '不承認'} ${project.code}（${exemption.targetLabel.ja}）`,
    titleEn: `Exemption ${decision}: ${project.code} (${exemption.targetLabel.en})`,
  });
}

import type { Policy, TNotificationKind, TStage } from '@psbook/core';
import type { DomainContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { insertOutboxMail } from '../db/queries/email-outbox.ts';
import {
  claimReminderKey,
  claimReminderKeys,
  listDueReleaseRequests,
  listExpiringExemptions,
  listLateConsultations,
  listNotificationsBetween,
  listSupervisedProjectsPage,
  listUnsubmittedCycles,
} from '../db/queries/reminders.ts';
import { withTransaction } from '../db/transaction.ts';
import { bureauMembers } from './notification-events.ts';
import { activeUser, activeUsersWithRole, type Delivery, notify, notifyEach, preferencesFor, type Recipient } from './notifications.ts';
import { designatedReviewers } from './reviewers.ts';
import { localToday } from './supervision.ts';

/*
 * Reminders for what is due soon or overdue, from a scheduler every API process runs
 * (docs/decisions/0012-notifications-outbox.md). Each reminder has a key (item + stage); inserting the
 * key into reminder_sent with ON CONFLICT DO NOTHING, in the transaction that writes the notices, is
 * what lets exactly one process send it: a second inserter waits for the first to commit and then
 * inserts nothing. Works the same on PGlite and a PostgreSQL server.
 */

/** A release request is "due soon" this many days before its deadline. */
export const releaseDueSoonDays = 3;
/** Tech reviews are "due soon" this many days before the cycle's evaluation deadline. */
export const techReviewDueSoonDays = 7;
/** A status report is "due soon" this many days before its deadline. */
export const statusReportDueSoonDays = 7;
/** An approved exemption is "expiring" this many days before its last day. */
export const exemptionExpiringDays = 7;

/** Run `write` once for `key`: in one transaction with the key, or not at all if the key was taken. */
async function once(db: Db, key: string, write: (tx: Db) => Promise<void>): Promise<boolean> {
  return withTransaction(db, async (tx) => {
    const claimed = await claimReminderKey(tx, key);
    if (!claimed) return false;
    await write(tx);
    return true;
  });
}

async function remindReleaseRequests(db: Db, now: Date): Promise<number> {
  const soon = new Date(now.getTime() + releaseDueSoonDays * 86_400_000);
  const due = await listDueReleaseRequests(db, now, soon);
  let sent = 0;
  for (const r of due) {
    const stage = r.dueAt.getTime() <= now.getTime() ? 'overdue' : 'due';
    const kind: TNotificationKind = stage === 'overdue' ? 'release_request_overdue' : 'release_request_due';
    const done = await once(db, `release_request:${r.id}:${stage}`, async (tx) => {
      const reviewers = await designatedReviewers(tx, { bureauCode: r.bureauCode, reviewerRole: r.reviewerRole }, r.requestedBy);
      const day = r.dueAt.toISOString().slice(0, 10);
      await notify(tx, reviewers, {
        kind,
        entityType: 'release_request',
        entityId: r.id,
        projectId: r.projectId,
        path: `/release-requests/${r.id}`,
        titleJa: `${stage === 'overdue' ? '期限超過' : '期限間近'}: リリース判定 ${r.code} ${r.name}（期限 ${day}）`,
        titleEn: `${stage === 'overdue' ? 'Overdue' : 'Due soon'}: release request ${r.code} ${r.name} (due ${day})`,
      });
    });
    if (done) sent++;
  }
  return sent;
}

async function remindTechReviews(db: Db, now: Date): Promise<number> {
  const cycles = await listUnsubmittedCycles(db);
  let sent = 0;
  for (const c of cycles) {
    const open = Number(c.open ?? 0);
    if (!open) continue;
    const [y, m, d] = c.evaluationDeadline.split('-').map(Number);
    const deadline = new Date(y!, m! - 1, d!, 23, 59, 59, 999);
    const daysLeft = (deadline.getTime() - now.getTime()) / 86_400_000;
    if (daysLeft > techReviewDueSoonDays) continue;
    const stage = daysLeft < 0 ? 'overdue' : 'due';
    const done = await once(db, `budget_cycle:${c.fiscalYear}:evaluation_${stage}`, async (tx) => {
      await notify(tx, await activeUsersWithRole(tx, ['govtech']), {
        kind: 'tech_reviews_due',
        entityType: 'budget_cycle',
        entityId: String(c.fiscalYear),
        path: '/budget-review',
        titleJa: `${stage === 'overdue' ? '期限超過' : '期限間近'}: ${c.fiscalYear}年度 技術的評価 ${open}件（期限 ${c.evaluationDeadline}）`,
        titleEn: `${stage === 'overdue' ? 'Overdue' : 'Due soon'}: fiscal ${c.fiscalYear}, ${open} tech reviews (due ${c.evaluationDeadline})`,
      });
    });
    if (done) sent++;
  }
  return sent;
}

const localDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/**
 * The daily digest: one mail per user with yesterday's notices of the kinds they take as a digest.
 * Sent once per user and day (key digest:user:day), after the day has ended in the server's time zone.
 */
async function sendDigests(db: Db, now: Date): Promise<number> {
  const end = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const start = new Date(end.getFullYear(), end.getMonth(), end.getDate() - 1);
  const day = localDay(start);
  const rows = await listNotificationsBetween(db, start, end);
  const byKind = new Map<TNotificationKind, Set<string>>();
  for (const row of rows) byKind.set(row.kind, (byKind.get(row.kind) ?? new Set()).add(row.userId));
  const wantsDigest = new Set<string>();
  for (const [kind, users] of byKind) {
    for (const [userId, p] of await preferencesFor(db, kind, [...users])) {
      if (p.channel === 'email' && p.cadence === 'digest') wantsDigest.add(`${userId}:${kind}`);
    }
  }
  const perUser = new Map<string, { email: string; lines: { ja: string; en: string }[] }>();
  for (const row of rows) {
    if (!wantsDigest.has(`${row.userId}:${row.kind}`)) continue;
    const entry = perUser.get(row.userId) ?? { email: row.email, lines: [] };
    entry.lines.push({ ja: row.titleJa, en: row.titleEn });
    perUser.set(row.userId, entry);
  }
  let sent = 0;
  for (const [userId, entry] of perUser) {
    const done = await once(db, `digest:${userId}:${day}`, async (tx) => {
      await insertOutboxMail(tx, {
        userId,
        messageId: `<digest.${userId}.${day}@psbook>`,
        toEmail: entry.email,
        subject: `[PS Book] ${day} のお知らせ（${entry.lines.length}件） / Notifications of ${day}`,
        body: [
          `${day} のお知らせ（${entry.lines.length}件）`,
          ...entry.lines.map((l) => `・${l.ja}`),
          '',
          '---',
          '',
          `Notifications of ${day} (${entry.lines.length})`,
          ...entry.lines.map((l) => `- ${l.en}`),
        ].join('\n'),
        path: '/notifications',
      });
    });
    if (done) sent++;
  }
  return sent;
}

/**
 * Whether this process is the one to run an hourly scan. The status-report pass reads every supervised
 * project, so one process per hour does it rather than every process every few minutes; a process that
 * dies mid-scan leaves the rest to the next hour (each reminder still has its own key).
 */
async function claimScan(db: Db, key: string): Promise<boolean> {
  return claimReminderKey(db, key);
}

/** Consultations still waiting on the consultee past their due day: the consultees, once per due day. */
async function remindConsultations(db: Db, now: Date): Promise<number> {
  const today = localToday(now);
  const late = await listLateConsultations(db, today);
  let sent = 0;
  for (const c of late) {
    // The due day is part of the key: a consultation asked again gets a new due day and a new reminder.
    const done = await once(db, `consultation:${c.id}:${c.dueOn}:overdue`, async (tx) => {
      await notify(tx, await designatedReviewers(tx, { bureauCode: c.bureauCode, reviewerRole: c.reviewerRole }, c.openedBy), {
        kind: 'consultation_overdue',
        entityType: 'consultation',
        entityId: c.id,
        projectId: c.projectId,
        path: `/projects/${c.projectId}/consultations/${c.id}`,
        titleJa: `期限超過: 協議 ${c.code}「${c.subject}」（回答期限 ${c.dueOn}）`,
        titleEn: `Overdue: consultation ${c.code} “${c.subject}” (answer due ${c.dueOn})`,
      });
    });
    if (done) sent++;
  }
  return sent;
}

/** Approved exemptions that end within a week: the person who asked for them, once per exemption. */
async function remindExemptions(db: Db, now: Date): Promise<number> {
  const today = localToday(now);
  const soon = localToday(new Date(now.getTime() + exemptionExpiringDays * 86_400_000));
  const ending = await listExpiringExemptions(db, today, soon);
  let sent = 0;
  for (const e of ending) {
    const done = await once(db, `exemption:${e.id}:expiring`, async (tx) => {
      await notify(tx, await activeUser(tx, e.requestedBy), {
        kind: 'exemption_expiring',
        entityType: 'exemption',
        entityId: e.id,
        projectId: e.projectId,
        path: `/projects/${e.projectId}/supervision`,
        titleJa: `免除の期限が近い: ${e.code}（${e.target}、${e.expiresOn}まで）`,
        titleEn: `Exemption expiring: ${e.code} (${e.target} until ${e.expiresOn})`,
      });
    });
    if (done) sent++;
  }
  return sent;
}

/**
 * Status reports (DESIGN §2.8): the bureau of each supervised project is reminded a week before a
 * report's deadline and once it is overdue — the same `reportDue` rule as the portfolio. Projects are
 * read a page at a time, and each page's reminders are written in one transaction: their keys claimed
 * in one insert, the notices and mails of those claimed in a few (`notifyEach`). One at a time, a
 * book of 200,000 projects with no reports yet took the server's single thread ten minutes.
 */
async function remindStatusReports(db: Db, policy: Policy, now: Date): Promise<number> {
  const today = localToday(now);
  const soon = localToday(new Date(now.getTime() + statusReportDueSoonDays * 86_400_000));
  const stages = policy.rulesets.supervision.content.supervisedStages;
  let sent = 0;
  let after: string | null = null;
  for (;;) {
    const page = await listSupervisedProjectsPage(db, stages, after, 500);
    if (!page.length) return sent;
    after = page[page.length - 1]!.id;
    const reminders: { key: string; kind: TNotificationKind; period: string; deadline: string | null; project: (typeof page)[number] }[] =
      [];
    for (const p of page) {
      const due = policy.supervision.reportDue({
        stage: p.stage as TStage,
        tier: p.tier,
        supervisedSince: p.supervisedSince,
        latestReportPeriod: p.latestPeriod,
        today,
      });
      if (!due) continue;
      if (due.overdue && due.duePeriod)
        reminders.push({
          key: `status_report:${p.id}:${due.duePeriod}:overdue`,
          kind: 'status_report_overdue',
          period: due.duePeriod,
          deadline: null,
          project: p,
        });
      if (due.nextDeadline <= soon)
        reminders.push({
          key: `status_report:${p.id}:${due.nextPeriod}:due`,
          kind: 'status_report_due',
          period: due.nextPeriod,
          deadline: due.nextDeadline,
          project: p,
        });
    }
    if (!reminders.length) continue;
    sent += await withTransaction(db, async (tx) => {
      const claimed = await claimReminderKeys(
        tx,
        reminders.map((r) => r.key),
      );
      const members = new Map<string, Recipient[]>();
      const deliveries: Delivery[] = [];
      for (const r of reminders) {
        if (!claimed.has(r.key)) continue;
        const p = r.project;
        let recipients = members.get(p.bureauCode);
        if (!recipients) {
          recipients = await bureauMembers(tx, p.bureauCode);
          members.set(p.bureauCode, recipients);
        }
        const overdue = r.kind === 'status_report_overdue';
        deliveries.push({
          recipients,
          event: {
            kind: r.kind,
            entityType: 'status_report',
            entityId: `${p.id}:${r.period}`,
            projectId: p.id,
            path: `/projects/${p.id}/status-reports`,
            titleJa: `${overdue ? '期限超過' : '期限間近'}: 状況報告 ${p.code} ${p.name}（${r.period}${r.deadline ? `、期限 ${r.deadline}` : ''}）`,
            titleEn: `${overdue ? 'Overdue' : 'Due soon'}: status report ${p.code} ${p.name} (${r.period}${r.deadline ? `, due ${r.deadline}` : ''})`,
          },
        });
      }
      await notifyEach(tx, deliveries);
      return deliveries.length;
    });
  }
}

/** One pass of the scheduler: every reminder that is due and not yet sent, then yesterday's digests. */
export async function runReminders(ctx: DomainContext, now = new Date()): Promise<{ reminders: number; digests: number }> {
  const { db, policy } = ctx;
  const reminders =
    (await remindReleaseRequests(db, now)) +
    (await remindTechReviews(db, now)) +
    (await remindConsultations(db, now)) +
    (await remindExemptions(db, now)) +
    ((await claimScan(db, `scan:status_reports:${localToday(now)}T${String(now.getHours()).padStart(2, '0')}`))
      ? await remindStatusReports(db, policy, now)
      : 0);
  // Yesterday's notices are read once an hour by one process (a crashed pass is redone the next hour).
  const digests = (await claimScan(db, `scan:digests:${localToday(now)}T${String(now.getHours()).padStart(2, '0')}`))
    ? await sendDigests(db, now)
    : 0;
  return { reminders, digests };
}

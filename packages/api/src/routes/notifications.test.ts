import { notificationKindList, type TNotificationKind } from '@psbook/core';
import { expect, it } from 'vitest';
import { systemContext } from '../context.ts';
import { notify } from '../domain/notifications.ts';
import { runReminders } from '../domain/reminders.ts';
import { demoAccounts } from '../seed/demo.ts';
import { tierInputs } from '../testing/bodies.ts';
import { describeOnBothDatabases, type TestApp } from '../testing/harness.ts';

const staffInd = 'staff.ind@example.jp';
const leadInd = 'lead.ind@example.jp';
const admin = 'admin@example.jp';
const designated = { 1: leadInd, 2: 'advisor.ind@example.jp', 3: 'chief@example.jp' } as const;

async function userIds(t: TestApp): Promise<Map<string, string>> {
  const rows = await t.services.db.selectFrom('appUser').select(['id', 'email']).execute();
  return new Map(rows.map((r) => [r.id, r.email]));
}

/** Who was notified of `entityId` (by kind), as emails, sorted; and who got a mail for it. */
async function recipientsOf(t: TestApp, entityId: string, kind: TNotificationKind) {
  const emails = await userIds(t);
  const notices = await t.services.db
    .selectFrom('notification')
    .select(['id', 'userId'])
    .where('entityId', '=', entityId)
    .where('kind', '=', kind)
    .execute();
  const mails = notices.length
    ? await t.services.db
        .selectFrom('emailOutbox')
        .select(['toEmail', 'messageId'])
        .where(
          'notificationId',
          'in',
          notices.map((n) => n.id),
        )
        .execute()
    : [];
  return {
    notified: notices.map((n) => emails.get(n.userId)!).sort(),
    mailed: mails.map((m) => m.toEmail).sort(),
    messageIds: mails.map((m) => m.messageId),
  };
}

async function projectInDevelopment(t: TestApp, inputs: Record<string, unknown>) {
  const res = await t.request('POST', '/api/v1/projects', {
    as: staffInd,
    body: { name: '通知の対象', bureauCode: 'IND', fiscalYear: 2026, ...inputs },
  });
  expect(res.status).toBe(201);
  const project = await res.json();
  await t.services.db.updateTable('project').set({ stage: 'development' }).where('id', '=', project.id).execute();
  return project as { id: string; version: number; code: string };
}

async function fileRequest(t: TestApp, projectId: string) {
  const res = await t.request('POST', `/api/v1/projects/${projectId}/release-requests`, {
    as: staffInd,
    body: { plannedReleaseDate: '2026-12-01' },
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; checklist: { itemId: string }[]; version: number };
}

/** A new tier-3 IND project of `fiscalYear` (¥80,000,000), picked by that budget cycle's extraction. */
async function registerAndExtract(t: TestApp, name: string, fiscalYear: number) {
  const body = { name, bureauCode: 'IND', fiscalYear, isNew: true, budgetJpy: 80_000_000, maxDowntimeHours: 24, confidentiality: 'C' };
  expect((await t.request('POST', '/api/v1/projects', { as: staffInd, body })).status).toBe(201);
  expect((await t.request('POST', `/api/v1/budget-cycles/${fiscalYear}/extract`, { as: admin })).status).toBe(200);
}

describeOnBothDatabases('notifications', (t) => {
  it.each([1, 2, 3] as const)('a tier-%i release request notifies and mails exactly its designated reviewer', async (tier) => {
    const project = await projectInDevelopment(t(), tierInputs[tier]);
    const request = await fileRequest(t(), project.id);
    const got = await recipientsOf(t(), request.id, 'release_request_routed');
    expect(got.notified).toEqual([designated[tier]]);
    expect(got.mailed).toEqual([designated[tier]]);
    expect(got.messageIds[0]).toMatch(/^<notification\.[0-9a-f-]{36}@psbook>$/);
    const list = await (await t().request('GET', '/api/v1/notifications?limit=200', { as: designated[tier] })).json();
    const notice = list.items.find((n: { entityId: string }) => n.entityId === request.id);
    expect(notice).toMatchObject({ kind: 'release_request_routed', path: `/release-requests/${request.id}`, readAt: null });
    expect(notice.titleJa).toContain('リリース判定の依頼');
    expect(notice.titleJa).toContain(project.code);
  });

  it('a re-routed release request notifies the new reviewer only, and the decision goes to the applicant', async () => {
    const project = await projectInDevelopment(t(), tierInputs[1]);
    const request = await fileRequest(t(), project.id);
    const raised = await t().request('PATCH', `/api/v1/projects/${project.id}`, {
      as: staffInd,
      body: { version: project.version, budgetJpy: 60_000_000 },
    });
    expect(raised.status).toBe(200);
    const got = await recipientsOf(t(), request.id, 'release_request_routed');
    expect(got.notified).toEqual([designated[3], leadInd].sort());
    const chiefNotice = await t()
      .services.db.selectFrom('notification as n')
      .innerJoin('appUser as u', 'u.id', 'n.userId')
      .select('n.titleJa')
      .where('n.entityId', '=', request.id)
      .where('u.email', '=', designated[3])
      .executeTakeFirstOrThrow();
    expect(chiefNotice.titleJa).toContain('区分の変更により回付');

    const detail = await (await t().request('GET', `/api/v1/release-requests/${request.id}`, { as: staffInd })).json();
    const decided = await t().request('POST', `/api/v1/release-requests/${request.id}/decision`, {
      as: designated[3],
      body: { decision: 'returned', comment: '証跡が不足', items: [] },
    });
    expect(decided.status, await decided.clone().text()).toBe(200);
    expect(detail.tier).toBe(3);
    const outcome = await recipientsOf(t(), request.id, 'release_request_decided');
    expect(outcome.notified).toEqual([staffInd]);
    expect(outcome.mailed).toEqual([staffInd]);
  });

  it.each([2, 3] as const)(
    'a decrease from tier %i waits for that tier’s reviewer, and its decision goes to the person who lowered the inputs',
    async (tier) => {
      const project = await projectInDevelopment(t(), tierInputs[tier]);
      const lowered = await t().request('PATCH', `/api/v1/projects/${project.id}`, {
        as: staffInd,
        body: { version: project.version, budgetJpy: 1_000_000 },
      });
      expect(lowered.status).toBe(200);
      const { items } = await (await t().request('GET', `/api/v1/projects/${project.id}/tier-decreases`, { as: staffInd })).json();
      const decrease = items[0];
      expect((await recipientsOf(t(), decrease.id, 'tier_decrease_waiting')).notified).toEqual([designated[tier]]);
      const decided = await t().request('POST', `/api/v1/tier-decreases/${decrease.id}/decision`, {
        as: designated[tier],
        body: { decision: 'approved', version: decrease.version },
      });
      expect(decided.status, await decided.clone().text()).toBe(200);
      const outcome = await recipientsOf(t(), decrease.id, 'tier_decrease_decided');
      expect(outcome.notified).toEqual([staffInd]);
      // tier_decrease_decided is in-app by default: no mail.
      expect(outcome.mailed).toEqual([]);
    },
  );

  it('budget-cycle milestones: extraction tells GovTech Tokyo (who write the reviews), submission the budget office', async () => {
    const second = await t().request('POST', '/api/v1/admin/users', {
      as: admin,
      body: {
        email: 'govtech2@example.jp',
        displayName: '第二 技術',
        role: 'govtech',
        bureauCodes: ['DSB'],
        password: 'long-enough-password',
      },
    });
    expect(second.status, await second.clone().text()).toBe(201);
    const fy = 2061;
    const cycle = {
      fiscalYear: fy,
      requestDate: `${fy - 1}-07-28`,
      requestDeadline: `${fy - 1}-09-30`,
      evaluationDeadline: `${fy - 1}-10-31`,
      submissionDate: `${fy - 1}-11-10`,
    };
    expect((await t().request('POST', '/api/v1/budget-cycles', { as: admin, body: cycle })).status).toBe(201);
    await registerAndExtract(t(), '抽出対象', fy);
    // Not the administrators any more: GovTech Tokyo writes the reviews.
    expect((await recipientsOf(t(), String(fy), 'tech_reviews_to_write')).notified.sort()).toEqual([
      'govtech2@example.jp',
      'govtech@example.jp',
    ]);

    const reviews = await (await t().request('GET', `/api/v1/tech-reviews?fiscalYear=${fy}`, { as: admin })).json();
    for (const r of reviews.items) {
      const res = await t().request('PATCH', `/api/v1/tech-reviews/${r.id}`, {
        as: 'govtech@example.jp',
        body: {
          version: r.version,
          viewpoints: {
            technical: { rating: 4, comment: '良' },
            usability: { rating: 3, comment: '可' },
            security: { rating: 5, comment: '良' },
          },
          overallOpinion: '妥当',
        },
      });
      expect(res.status).toBe(200);
    }
    expect((await t().request('POST', `/api/v1/budget-cycles/${fy}/submit`, { as: admin })).status).toBe(200);
    const budgetOffice = demoAccounts.filter((a) => a.role === 'budget_office').map((a) => a.email);
    expect((await recipientsOf(t(), String(fy), 'tech_reviews_submitted')).notified).toEqual(budgetOffice);
  });

  it('reminds the reviewer once when a release request is due and once when it is overdue, however many schedulers run', async () => {
    const project = await projectInDevelopment(t(), tierInputs[2]);
    const request = await fileRequest(t(), project.id);
    const { db } = t().services;
    await db
      .updateTable('releaseRequest')
      .set({ dueAt: new Date(Date.now() + 86_400_000) })
      .where('id', '=', request.id)
      .execute();
    await Promise.all([
      runReminders(systemContext({ db, policy: t().policy }, 'reminders')),
      runReminders(systemContext({ db, policy: t().policy }, 'reminders')),
      runReminders(systemContext({ db, policy: t().policy }, 'reminders')),
    ]);
    expect((await recipientsOf(t(), request.id, 'release_request_due')).notified).toEqual([designated[2]]);
    await db
      .updateTable('releaseRequest')
      .set({ dueAt: new Date(Date.now() - 60_000) })
      .where('id', '=', request.id)
      .execute();
    await Promise.all([
      runReminders(systemContext({ db, policy: t().policy }, 'reminders')),
      runReminders(systemContext({ db, policy: t().policy }, 'reminders')),
    ]);
    await runReminders(systemContext({ db, policy: t().policy }, 'reminders'));
    const overdue = await recipientsOf(t(), request.id, 'release_request_overdue');
    expect(overdue.notified).toEqual([designated[2]]);
    expect(overdue.mailed).toEqual([designated[2]]);
    expect((await recipientsOf(t(), request.id, 'release_request_due')).notified).toEqual([designated[2]]);
  });

  it('lists a user’s own notifications in pages, marks read by id and all, and never touches another user’s', async () => {
    const project = await projectInDevelopment(t(), tierInputs[1]);
    for (let i = 0; i < 3; i++) {
      const r = await fileRequest(t(), project.id);
      await t().services.db.updateTable('releaseRequest').set({ status: 'withdrawn' }).where('id', '=', r.id).execute();
    }
    const count = async (as: string) => (await (await t().request('GET', '/api/v1/notifications/unread-count', { as })).json()).unread;
    const before = await count(leadInd);
    expect(before).toBeGreaterThanOrEqual(3);
    const first = await (await t().request('GET', '/api/v1/notifications?limit=2', { as: leadInd })).json();
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(first.unread).toBe(before);
    const second = await (await t().request('GET', `/api/v1/notifications?limit=2&cursor=${first.nextCursor}`, { as: leadInd })).json();
    expect(second.items[0].id).not.toBe(first.items[1].id);
    expect(second.items[0].createdAt <= first.items[1].createdAt).toBe(true);

    // Someone else's ids change nothing.
    const other = await t().request('POST', '/api/v1/notifications/read', { as: staffInd, body: { ids: [first.items[0].id] } });
    expect(await other.json()).toMatchObject({ marked: 0 });
    expect(await count(leadInd)).toBe(before);

    const one = await (await t().request('POST', '/api/v1/notifications/read', { as: leadInd, body: { ids: [first.items[0].id] } })).json();
    expect(one).toEqual({ marked: 1, unread: before - 1 });
    const unreadOnly = await (await t().request('GET', '/api/v1/notifications?unread=true&limit=200', { as: leadInd })).json();
    expect(unreadOnly.items.map((n: { id: string }) => n.id)).not.toContain(first.items[0].id);
    const all = await (await t().request('POST', '/api/v1/notifications/read', { as: leadInd, body: { all: true } })).json();
    expect(all).toEqual({ marked: before - 1, unread: 0 });

    for (const body of [{}, { ids: [] }, { ids: ['x'] }, { all: false }, { ids: [first.items[0].id], all: true }]) {
      const bad = await t().request('POST', '/api/v1/notifications/read', { as: leadInd, body });
      expect(bad.status, JSON.stringify(body)).toBe(400);
    }
    expect((await t().request('GET', '/api/v1/notifications?limit=201', { as: leadInd })).status).toBe(400);
    const badCursor = await t().request('GET', '/api/v1/notifications?cursor=bm90LWEtY3Vyc29y', { as: leadInd });
    expect(badCursor.status).toBe(400);
    expect((await badCursor.json()).errors[0].path).toBe('query.cursor');
  });

  it('follows preferences: in-app only sends no mail, a digest waits for the day’s end; admin defaults apply to who has not chosen', async () => {
    const prefs = await (await t().request('GET', '/api/v1/notifications/preferences', { as: 'advisor.ind@example.jp' })).json();
    expect(prefs.items.map((p: { kind: string }) => p.kind)).toEqual(notificationKindList);
    const put = await t().request('PUT', '/api/v1/notifications/preferences', {
      as: 'advisor.ind@example.jp',
      body: { items: [{ kind: 'release_request_routed', channel: 'in_app', cadence: 'immediate' }] },
    });
    expect(put.status).toBe(200);
    expect((await put.json()).items.find((p: { kind: string }) => p.kind === 'release_request_routed')).toEqual({
      kind: 'release_request_routed',
      channel: 'in_app',
      cadence: 'immediate',
      isDefault: false,
    });
    const inApp = await fileRequest(t(), (await projectInDevelopment(t(), tierInputs[2])).id);
    const got = await recipientsOf(t(), inApp.id, 'release_request_routed');
    expect(got.notified).toEqual([designated[2]]);
    expect(got.mailed).toEqual([]);

    // The chief has not chosen: the administrators' default (a daily digest) applies.
    const defaults = await t().request('PUT', '/api/v1/admin/notification-defaults', {
      as: admin,
      body: { items: [{ kind: 'release_request_routed', channel: 'email', cadence: 'digest' }] },
    });
    expect(defaults.status).toBe(200);
    const digested = await fileRequest(t(), (await projectInDevelopment(t(), tierInputs[3])).id);
    expect((await recipientsOf(t(), digested.id, 'release_request_routed')).mailed).toEqual([]);
    const tomorrow = new Date(Date.now() + 86_400_000);
    await t().services.db.deleteFrom('reminderSent').where('key', 'like', 'scan:%').execute();
    await Promise.all([
      runReminders(systemContext(t().services, 'reminders'), tomorrow),
      runReminders(systemContext(t().services, 'reminders'), tomorrow),
    ]);
    const digests = await t()
      .services.db.selectFrom('emailOutbox')
      .selectAll()
      .where('toEmail', '=', designated[3])
      .where('path', '=', '/notifications')
      .execute();
    expect(digests).toHaveLength(1);
    expect(digests[0]!.body).toContain('リリース判定の依頼');
    expect(digests[0]!.subject).toContain('のお知らせ');
    // The advisor's own choice is untouched by the default.
    const advisorPrefs = await (await t().request('GET', '/api/v1/notifications/preferences', { as: 'advisor.ind@example.jp' })).json();
    expect(advisorPrefs.items.find((p: { kind: string }) => p.kind === 'release_request_routed').channel).toBe('in_app');
    await t().request('PUT', '/api/v1/admin/notification-defaults', {
      as: admin,
      body: { items: [{ kind: 'release_request_routed', channel: 'email', cadence: 'immediate' }] },
    });
    await t().request('PUT', '/api/v1/notifications/preferences', {
      as: 'advisor.ind@example.jp',
      body: { items: [{ kind: 'release_request_routed', channel: 'email', cadence: 'immediate' }] },
    });

    const bad = await t().request('PUT', '/api/v1/notifications/preferences', {
      as: staffInd,
      body: { items: [{ kind: 'no_such_kind', channel: 'email', cadence: 'immediate' }] },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors[0].path).toMatch(/^items\.0\.kind/);
  });

  it('shows admin the outbox with the mail as it would be sent: Japanese, English below, and the link', async () => {
    const project = await projectInDevelopment(t(), tierInputs[1]);
    const request = await fileRequest(t(), project.id);
    const res = await t().request('GET', '/api/v1/admin/outbox?limit=200&status=pending', { as: admin });
    expect(res.status).toBe(200);
    const mail = (await res.json()).items.find((m: { body: string }) => m.body.includes(`/release-requests/${request.id}`));
    expect(mail).toMatchObject({ toEmail: leadInd, status: 'pending', attempts: 0, lastError: null });
    expect(mail.subject).toMatch(/^\[PS Book\] リリース判定の依頼 .* \/ Release request to judge/);
    expect(mail.body.indexOf('判定してください')).toBeLessThan(mail.body.indexOf('Please judge'));
    expect(mail.body).toContain(`${t().services.config.publicUrl}/release-requests/${request.id}`);
    expect((await t().request('GET', '/api/v1/admin/outbox', { as: leadInd })).status).toBe(403);
  });

  // Supervision (issue 13): the consultee is the reviewer the tier designates, the bureau side its staff and leads.
  const consult = async (projectId: string) => {
    const res = await t().request('POST', `/api/v1/projects/${projectId}/consultations`, {
      as: staffInd,
      body: { topic: 'security', subject: '認証方式の相談', body: '多要素認証の方式について相談したい' },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as { id: string; version: number };
  };

  it.each([1, 2, 3] as const)(
    'a tier-%i consultation notifies exactly its consultee, and re-routing notifies the new one',
    async (tier) => {
      const project = await projectInDevelopment(t(), tierInputs[tier]);
      const consultation = await consult(project.id);
      const got = await recipientsOf(t(), consultation.id, 'consultation_routed');
      expect(got.notified).toEqual([designated[tier]]);
      expect(got.mailed).toEqual([designated[tier]]);
      if (tier === 3) return;
      const raised = await t().request('PATCH', `/api/v1/projects/${project.id}`, {
        as: staffInd,
        body: { version: project.version, budgetJpy: 60_000_000 },
      });
      expect(raised.status).toBe(200);
      expect((await recipientsOf(t(), consultation.id, 'consultation_routed')).notified).toEqual([designated[3], designated[tier]].sort());
    },
  );

  it('replies, guidance, actions and exemptions each tell the other side only', async () => {
    const project = await projectInDevelopment(t(), tierInputs[2]);
    const consultation = await consult(project.id);
    const answered = await t().request('POST', `/api/v1/consultations/${consultation.id}/messages`, {
      as: designated[2],
      body: { body: 'パスキーを推奨します。', guidance: { title: 'パスキー対応を設計に反映', dueDate: '2027-01-31', blocking: true } },
    });
    expect(answered.status).toBe(201);
    expect((await recipientsOf(t(), consultation.id, 'guidance_recorded')).notified).toEqual([staffInd]);
    const actionId = (await answered.json()).messages[1].actionId as string;
    expect((await recipientsOf(t(), actionId, 'action_assigned')).notified).toEqual([staffInd]);

    const followUp = await t().request('POST', `/api/v1/consultations/${consultation.id}/messages`, {
      as: staffInd,
      body: { body: '反映しました' },
    });
    expect(followUp.status).toBe(201);
    expect((await recipientsOf(t(), consultation.id, 'consultation_replied')).notified).toEqual([designated[2]]);

    const done = await t().request('PATCH', `/api/v1/actions/${actionId}`, { as: staffInd, body: { version: 1, status: 'done' } });
    expect(done.status).toBe(200);
    expect((await recipientsOf(t(), actionId, 'action_to_verify')).notified).toEqual([designated[2]]);

    const requested = await t().request('POST', `/api/v1/projects/${project.id}/exemptions`, {
      as: staffInd,
      body: { targetKind: 'gate', target: 'procurement_spec', reason: '既存契約の延長', expiresOn: '2099-03-31' },
    });
    expect(requested.status).toBe(201);
    const exemption = await requested.json();
    expect((await recipientsOf(t(), exemption.id, 'exemption_to_decide')).notified).toEqual([designated[2]]);
    // The notice names the gate in its own words, never its id.
    const gateLabel = t().policy.rulesets['lifecycle-gates'].content.gates.find((g) => g.id === 'procurement_spec')!.label;
    const notice = await t()
      .services.db.selectFrom('notification')
      .select(['titleJa', 'titleEn'])
      .where('entityId', '=', exemption.id)
      .where('kind', '=', 'exemption_to_decide')
      .executeTakeFirstOrThrow();
    expect(notice.titleJa).toContain(gateLabel.ja);
    expect(notice.titleEn).toContain(gateLabel.en);
    expect(notice.titleJa).not.toContain('procurement_spec');
    const decided = await t().request('POST', `/api/v1/exemptions/${exemption.id}/decision`, {
      as: designated[2],
      body: { decision: 'approved', version: exemption.version },
    });
    expect(decided.status, await decided.clone().text()).toBe(200);
    expect((await recipientsOf(t(), exemption.id, 'exemption_decided')).notified).toEqual([staffInd]);
  });

  it('reminds once: an overdue consultation its consultee, an expiring exemption its requester, an overdue status report the bureau', async () => {
    const { db } = t().services;
    const project = await projectInDevelopment(t(), tierInputs[2]);
    const consultation = await consult(project.id);
    await db.updateTable('consultation').set({ dueOn: '2020-01-06' }).where('id', '=', consultation.id).execute();
    const requested = await t().request('POST', `/api/v1/projects/${project.id}/exemptions`, {
      as: staffInd,
      body: { targetKind: 'gate', target: 'procurement_spec', reason: '既存契約の延長', expiresOn: '2099-03-31' },
    });
    const exemption = await requested.json();
    await t().request('POST', `/api/v1/exemptions/${exemption.id}/decision`, {
      as: designated[2],
      body: { decision: 'approved', version: exemption.version },
    });
    const inThreeDays = new Date(Date.now() + 3 * 86_400_000);
    const day = `${inThreeDays.getFullYear()}-${String(inThreeDays.getMonth() + 1).padStart(2, '0')}-${String(inThreeDays.getDate()).padStart(2, '0')}`;
    await db.updateTable('exemption').set({ expiresOn: day }).where('id', '=', exemption.id).execute();
    // Under supervision for a year with no report: the last reporting period is overdue.
    await db
      .updateTable('project')
      .set({ createdAt: new Date(Date.now() - 400 * 86_400_000) })
      .where('id', '=', project.id)
      .execute();

    // Earlier tests in this database already ran this hour's status-report scan (one process an hour does it).
    await db.deleteFrom('reminderSent').where('key', 'like', 'scan:%').execute();
    await Promise.all([
      runReminders(systemContext({ db, policy: t().policy }, 'reminders')),
      runReminders(systemContext({ db, policy: t().policy }, 'reminders')),
    ]);
    await runReminders(systemContext({ db, policy: t().policy }, 'reminders'));
    expect(await db.selectFrom('reminderSent').select('key').where('key', 'like', 'scan:status_reports:%').execute()).toHaveLength(1);
    expect((await recipientsOf(t(), consultation.id, 'consultation_overdue')).notified).toEqual([designated[2]]);
    expect((await recipientsOf(t(), exemption.id, 'exemption_expiring')).notified).toEqual([staffInd]);
    const reports = await db
      .selectFrom('notification as n')
      .innerJoin('appUser as u', 'u.id', 'n.userId')
      .select(['u.email', 'n.path'])
      .where('n.projectId', '=', project.id)
      .where('n.kind', '=', 'status_report_overdue')
      .execute();
    const members = demoAccounts
      .filter((a) => (a.role === 'staff' || a.role === 'bureau_lead') && (a.bureauCodes as readonly string[]).includes('IND'))
      .map((a) => a.email);
    expect(reports.map((r) => r.email).sort()).toEqual(members.sort());
    expect(reports[0]!.path).toBe(`/projects/${project.id}/status-reports`);
  });

  it('writes a page of status-report reminders together, and skips in it those already sent', async () => {
    const { db } = t().services;
    const [first, second, third] = [
      await projectInDevelopment(t(), tierInputs[2]),
      await projectInDevelopment(t(), tierInputs[2]),
      await projectInDevelopment(t(), tierInputs[2]),
    ];
    const supervisedFor400Days = (ids: string[]) =>
      db
        .updateTable('project')
        .set({ createdAt: new Date(Date.now() - 400 * 86_400_000) })
        .where('id', 'in', ids)
        .execute();
    const pass = async () => {
      await db.deleteFrom('reminderSent').where('key', 'like', 'scan:%').execute();
      await runReminders(systemContext({ db, policy: t().policy }, 'reminders'));
    };
    const overdueNotices = async (projectId: string) =>
      (
        await db
          .selectFrom('notification as n')
          .innerJoin('appUser as u', 'u.id', 'n.userId')
          .select('u.email')
          .where('n.projectId', '=', projectId)
          .where('n.kind', '=', 'status_report_overdue')
          .execute()
      )
        .map((r) => r.email)
        .sort();
    const members = demoAccounts
      .filter((a) => (a.role === 'staff' || a.role === 'bureau_lead') && (a.bureauCodes as readonly string[]).includes('IND'))
      .map((a) => a.email)
      .sort();

    // The second project's reminder goes out first; the next pass finds its key taken among the page's.
    await supervisedFor400Days([second.id]);
    await pass();
    expect(await overdueNotices(second.id)).toEqual(members);
    await supervisedFor400Days([first.id, third.id]);
    await pass();
    expect(await overdueNotices(first.id)).toEqual(members);
    expect(await overdueNotices(second.id)).toEqual(members);
    expect(await overdueNotices(third.id)).toEqual(members);
    await pass();
    expect(await overdueNotices(third.id)).toEqual(members);
  });

  it('reminds every active GovTech Tokyo reviewer once when a cycle’s tech reviews are due within a week', async () => {
    const day = (offset: number) => {
      const d = new Date(Date.now() + offset * 86_400_000);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    };
    const fy = 2071;
    const cycle = { fiscalYear: fy, requestDate: day(-60), requestDeadline: day(-30), evaluationDeadline: day(3), submissionDate: day(10) };
    const created = await t().request('POST', '/api/v1/budget-cycles', { as: admin, body: cycle });
    expect(created.status, await created.clone().text()).toBe(201);
    await registerAndExtract(t(), '評価期限', fy);
    const { db } = t().services;
    await Promise.all([
      runReminders(systemContext({ db, policy: t().policy }, 'reminders')),
      runReminders(systemContext({ db, policy: t().policy }, 'reminders')),
    ]);
    const writers = (
      await db.selectFrom('appUser').select('email').where('role', '=', 'govtech').where('isActive', '=', true).execute()
    ).map((a) => a.email);
    expect(writers.length).toBeGreaterThan(0);
    expect((await recipientsOf(t(), String(fy), 'tech_reviews_due')).notified).toEqual(writers.sort());
  });

  it('writes notices and mails only with their event: a rolled-back transaction leaves neither', async () => {
    const { db } = t().services;
    const lead = await db.selectFrom('appUser').select(['id', 'email']).where('email', '=', leadInd).executeTakeFirstOrThrow();
    const event = {
      kind: 'release_request_routed',
      entityType: 'release_request',
      entityId: 'rolled-back',
      path: '/x',
      titleJa: 'x',
      titleEn: 'x',
    } as const;
    await expect(
      db.transaction().execute(async (tx) => {
        await notify(tx, [lead], event);
        throw new Error('the event failed after notify');
      }),
    ).rejects.toThrow('the event failed');
    expect(await db.selectFrom('notification').select('id').where('entityId', '=', 'rolled-back').execute()).toEqual([]);
    await db.transaction().execute((tx) => notify(tx, [lead, lead], event));
    const written = await db.selectFrom('notification').select('id').where('entityId', '=', 'rolled-back').execute();
    expect(written).toHaveLength(1);
    expect(await db.selectFrom('emailOutbox').select('id').where('notificationId', '=', written[0]!.id).execute()).toHaveLength(1);
  });
});

import { ratingDimensions, type TRating, type TRatings, type TStage } from '@psbook/core';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { localToday } from '../domain/supervision.ts';
import { tierInputs } from '../testing/bodies.ts';
import { describeOnBothDatabases, type TestApp } from '../testing/harness.ts';

const staffInd = 'staff.ind@example.jp';
const leadInd = 'lead.ind@example.jp';
const advisorInd = 'advisor.ind@example.jp';
const advisorWel = 'advisor.wel@example.jp';
const chief = 'chief@example.jp';
const admin = 'admin@example.jp';

const consulteeOf = { 1: leadInd, 2: advisorInd, 3: chief } as const;

async function project(t: TestApp, tier: 1 | 2 | 3, stage: TStage = 'development') {
  const res = await t.request('POST', '/api/v1/projects', {
    as: staffInd,
    body: { name: '監理の対象', bureauCode: 'IND', fiscalYear: 2026, ...tierInputs[tier] },
  });
  expect(res.status).toBe(201);
  const body = await res.json();
  // The stage is the precondition here, not what is tested.
  await t.services.db.updateTable('project').set({ stage }).where('id', '=', body.id).execute();
  return body as { id: string; version: number; tier: number };
}

const consult = (t: TestApp, projectId: string, as = staffInd) =>
  t.request('POST', `/api/v1/projects/${projectId}/consultations`, {
    as,
    body: { topic: 'security', subject: '認証方式の相談', body: '多要素認証の方式について相談したい' },
  });

/** Every dimension rated alike. */
const all = (rating: TRating): TRatings => Object.fromEntries(ratingDimensions.map((d) => [d, rating])) as TRatings;
const reportBody = (period: string, selfRating = all('green')) => ({
  period,
  milestones: ['requirements_done', 'procurement_awarded', 'release', 'operation_start'].map((milestone) => ({
    milestone,
    plannedDate: '2026-12-01',
    forecastDate: null,
    actualDate: null,
  })),
  cost: { budgetJpy: 30_000_000, contractJpy: 25_000_000, spentJpy: 5_000_000, forecastJpy: 25_000_000 },
  selfRating,
  risks: [{ title: '要員不足', likelihood: 'medium', impact: 'high', owner: '産業 花子', mitigation: '追加要員を調達' }],
  narrative: '概ね計画どおり',
});
const fileReport = (t: TestApp, projectId: string, period: string, selfRating = all('green')) =>
  t.request('POST', `/api/v1/projects/${projectId}/status-reports`, { as: staffInd, body: reportBody(period, selfRating) });
const assess = (t: TestApp, projectId: string, period: string, as: string, body: Record<string, unknown>) =>
  t.request('PUT', `/api/v1/projects/${projectId}/status-reports/${period}/assessment`, { as, body });

async function userId(t: TestApp, email: string) {
  return (await t.services.db.selectFrom('appUser').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
}

const inboxOf = async (t: TestApp, as: string) =>
  (await (await t.request('GET', '/api/v1/reviews/inbox', { as })).json()).items as { kind: string; id: string; action: string }[];

describeOnBothDatabases('supervision', (t) => {
  it('routes a consultation to the consultee of each tier, due ten working days later, in their inbox only', async () => {
    for (const tier of [1, 2, 3] as const) {
      const p = await project(t(), tier);
      const res = await consult(t(), p.id);
      expect(res.status).toBe(201);
      const body = await res.json();
      expect(body).toMatchObject({ status: 'open', tier, isOverdue: false, version: 1 });
      expect(body.reviewerRole).toBe({ 1: 'bureau_lead', 2: 'cio_advisor', 3: 'chief_cio_advisor' }[tier]);
      expect(body.consultees.map((c: { email: string }) => c.email)).toEqual([consulteeOf[tier]]);
      expect(body.dueOn).toBe(t().policy.supervision.consultationDueOn(localToday()));
      expect(body.messages).toEqual([expect.objectContaining({ side: 'bureau', body: '多要素認証の方式について相談したい' })]);
      expect(await inboxOf(t(), consulteeOf[tier])).toContainEqual(
        expect.objectContaining({ kind: 'consultation', id: body.id, action: 'answer' }),
      );
      for (const other of Object.values(consulteeOf).filter((e) => e !== consulteeOf[tier])) {
        expect((await inboxOf(t(), other)).map((i) => i.id)).not.toContain(body.id);
      }
    }
  });

  it('refuses a consultation from another bureau and for a project without a tier', async () => {
    const p = await project(t(), 2);
    expect((await consult(t(), p.id, 'staff.wel@example.jp')).status).toBe(403);
    const noTier = await t().request('POST', '/api/v1/projects', {
      as: staffInd,
      body: { name: '区分未設定', bureauCode: 'IND', fiscalYear: 2026 },
    });
    const res = await consult(t(), (await noTier.json()).id);
    expect(res.status).toBe(422);
    expect((await res.json()).errors).toEqual([{ path: 'project.tier', message: 'needed to designate the consultee' }]);
  });

  it('re-routes an open consultation when the tier rises, like a pending release request', async () => {
    const p = await project(t(), 1);
    const opened = await (await consult(t(), p.id)).json();
    const release = await t().request('POST', `/api/v1/projects/${p.id}/release-requests`, {
      as: staffInd,
      body: { plannedReleaseDate: '2027-04-01' },
    });
    const request = await release.json();
    const patched = await t().request('PATCH', `/api/v1/projects/${p.id}`, {
      as: staffInd,
      body: { version: p.version, budgetJpy: 60_000_000 },
    });
    expect((await patched.json()).tier).toBe(3);

    const moved = await (await t().request('GET', `/api/v1/consultations/${opened.id}`, { as: staffInd })).json();
    expect(moved).toMatchObject({ tier: 3, reviewerRole: 'chief_cio_advisor', version: 2 });
    expect(moved.routing).toEqual([
      expect.objectContaining({ fromTier: 1, toTier: 3, fromReviewerRole: 'bureau_lead', toReviewerRole: 'chief_cio_advisor' }),
    ]);
    const movedRequest = await (await t().request('GET', `/api/v1/release-requests/${request.id}`, { as: staffInd })).json();
    expect(movedRequest).toMatchObject({ tier: 3, reviewerRole: 'chief_cio_advisor' });

    // The old consultee no longer answers as consultee, and the inboxes follow.
    expect((await inboxOf(t(), leadInd)).map((i) => i.id)).not.toContain(opened.id);
    expect(await inboxOf(t(), chief)).toContainEqual(expect.objectContaining({ id: opened.id, action: 'answer' }));
    const audit = await t().services.db.selectFrom('auditEvent').select('action').where('entityId', '=', opened.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['consultation.create', 'consultation.reroute']);
  });

  it('never re-routes a consultation downwards: after an agreed decrease it stays with the higher tier’s consultee', async () => {
    const p = await project(t(), 3);
    const opened = await (await consult(t(), p.id)).json();
    expect(opened).toMatchObject({ tier: 3, reviewerRole: 'chief_cio_advisor' });
    const lowered = await t().request('PATCH', `/api/v1/projects/${p.id}`, {
      as: staffInd,
      body: { version: p.version, ...tierInputs[1] },
    });
    expect(await lowered.json()).toMatchObject({ tier: 3 });
    const [pending] = (await (await t().request('GET', `/api/v1/projects/${p.id}/tier-decreases`, { as: staffInd })).json()).items;
    const agreed = await t().request('POST', `/api/v1/tier-decreases/${pending.id}/decision`, {
      as: chief,
      body: { decision: 'approved', version: pending.version },
    });
    expect(agreed.status).toBe(200);
    const after = await (await t().request('GET', `/api/v1/consultations/${opened.id}`, { as: staffInd })).json();
    expect(after).toMatchObject({ tier: 3, reviewerRole: 'chief_cio_advisor', routing: [] });
    expect(await inboxOf(t(), chief)).toContainEqual(expect.objectContaining({ id: opened.id, action: 'answer' }));
    expect((await inboxOf(t(), leadInd)).map((i) => i.id)).not.toContain(opened.id);
  });

  it('turns guidance into an action the owner does and the consultee verifies', async () => {
    const p = await project(t(), 2);
    const opened = await (await consult(t(), p.id)).json();
    // Someone who is neither the bureau nor the consultee takes no part.
    const outsider = await t().request('POST', `/api/v1/consultations/${opened.id}/messages`, { as: advisorWel, body: { body: '横から' } });
    expect(outsider.status).toBe(403);
    const guidanceByBureau = await t().request('POST', `/api/v1/consultations/${opened.id}/messages`, {
      as: staffInd,
      body: { body: '自分で指導', guidance: { title: 'x', dueDate: '2027-01-31', blocking: true } },
    });
    expect(guidanceByBureau.status).toBe(403);

    const answered = await t().request('POST', `/api/v1/consultations/${opened.id}/messages`, {
      as: advisorInd,
      body: {
        body: 'TOTPではなくパスキーを推奨します。',
        guidance: { title: 'パスキー対応を設計に反映', dueDate: '2027-01-31', blocking: true },
      },
    });
    expect(answered.status).toBe(201);
    const detail = await answered.json();
    expect(detail).toMatchObject({ status: 'answered', version: 2 });
    const actionId = detail.messages[1].actionId;
    expect(detail.messages[1]).toMatchObject({ side: 'consultee', actionId: expect.any(String) });

    const action = (await (await t().request('GET', `/api/v1/projects/${p.id}/actions`, { as: staffInd })).json()).items[0];
    expect(action).toMatchObject({
      id: actionId,
      title: 'パスキー対応を設計に反映',
      ownerId: await userId(t(), staffInd),
      status: 'open',
      blocking: true,
      source: { kind: 'guidance', refId: opened.id },
    });
    expect(await inboxOf(t(), staffInd)).toContainEqual(expect.objectContaining({ kind: 'follow_up_action', id: actionId, action: 'act' }));

    // Only the owner marks it done; only the raiser verifies it; a stale version is 409.
    const patch = (as: string, body: Record<string, unknown>) => t().request('PATCH', `/api/v1/actions/${actionId}`, { as, body });
    expect((await patch(advisorInd, { version: 1, status: 'done' })).status).toBe(403);
    expect((await patch(staffInd, { version: 1, status: 'verified' })).status).toBe(422);
    const done = await patch(staffInd, { version: 1, status: 'done', note: '設計書に反映' });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ status: 'done', version: 2 });
    expect((await patch(staffInd, { version: 2, status: 'verified' })).status).toBe(403);
    expect((await patch(advisorInd, { version: 1, status: 'verified' })).status).toBe(409);
    expect(await inboxOf(t(), advisorInd)).toContainEqual(expect.objectContaining({ id: actionId, action: 'verify' }));
    const verified = await patch(advisorInd, { version: 2, status: 'verified' });
    expect(await verified.json()).toMatchObject({ status: 'verified', verifiedAt: expect.any(String), version: 3 });

    // The bureau's follow-up reopens the consultation with a new due date; closing needs the current version.
    await t().services.db.updateTable('consultation').set({ dueOn: '2020-01-06' }).where('id', '=', opened.id).execute();
    const reopened = await (
      await t().request('POST', `/api/v1/consultations/${opened.id}/messages`, { as: staffInd, body: { body: '反映しました' } })
    ).json();
    expect(reopened).toMatchObject({ status: 'open', isOverdue: false, dueOn: t().policy.supervision.consultationDueOn(localToday()) });
    expect((await t().request('POST', `/api/v1/consultations/${opened.id}/close`, { as: staffInd, body: { version: 2 } })).status).toBe(
      409,
    );
    const closed = await t().request('POST', `/api/v1/consultations/${opened.id}/close`, { as: staffInd, body: { version: 3 } });
    expect(await closed.json()).toMatchObject({ status: 'closed', consultees: [] });
    const late = await t().request('POST', `/api/v1/consultations/${opened.id}/messages`, { as: staffInd, body: { body: '追記' } });
    expect(late.status).toBe(409);
  });

  it('lets GovTech Tokyo give technical guidance in any consultation without answering for the consultee', async () => {
    const p = await project(t(), 2);
    const opened = await (await consult(t(), p.id)).json();
    const advice = await t().request('POST', `/api/v1/consultations/${opened.id}/messages`, {
      as: 'govtech@example.jp',
      body: {
        body: '認証基盤は都の共通基盤を利用できます。',
        guidance: { title: '共通認証基盤の利用を検討', dueDate: '2027-02-28', blocking: false },
      },
    });
    expect(advice.status).toBe(201);
    const detail = await advice.json();
    // Still waiting for the consultee: the technical advice does not answer for the CIO advisor.
    expect(detail).toMatchObject({ status: 'open', version: 2 });
    expect(detail.messages[1]).toMatchObject({ side: 'technical', authorName: '技術 翔太', actionId: expect.any(String) });
    const actions = (await (await t().request('GET', `/api/v1/projects/${p.id}/actions`, { as: staffInd })).json()).items;
    expect(actions).toContainEqual(
      expect.objectContaining({
        title: '共通認証基盤の利用を検討',
        source: expect.objectContaining({ kind: 'guidance', refId: opened.id }),
      }),
    );
    const notes = await t()
      .services.db.selectFrom('notification as n')
      .innerJoin('appUser as u', 'u.id', 'n.userId')
      .select(['u.email', 'n.kind'])
      .where('n.entityId', '=', opened.id)
      .where('n.kind', '=', 'guidance_recorded')
      .execute();
    expect(notes).toEqual([{ email: staffInd, kind: 'guidance_recorded' }]);
    // Closing stays with the bureau and the consultee.
    const close = await t().request('POST', `/api/v1/consultations/${opened.id}/close`, { as: 'govtech@example.jp', body: { version: 2 } });
    expect(close.status).toBe(403);
    const answered = await t().request('POST', `/api/v1/consultations/${opened.id}/messages`, {
      as: advisorInd,
      body: { body: '同意見です' },
    });
    expect((await answered.json()).status).toBe('answered');
  });

  it('files one report per period: the second for the same period is 409, a future month or an unsupervised stage 422', async () => {
    const p = await project(t(), 3);
    const first = await fileReport(t(), p.id, '2026-09');
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ period: '2026-09', stage: 'development', tier: 3, assessment: null, version: 1 });
    const again = await fileReport(t(), p.id, '2026-09', all('red'));
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'conflict', period: '2026-09' });
    expect((await fileReport(t(), p.id, '2099-01')).status).toBe(422);
    // Two filings of one period at once: the project lock lets one in, the other is told 409.
    const racing = await Promise.all([fileReport(t(), p.id, '2026-08'), fileReport(t(), p.id, '2026-08', all('amber'))]);
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409]);
    const planning = await project(t(), 3, 'planning');
    expect((await fileReport(t(), planning.id, '2026-09')).status).toBe(422);
    const bad = await t().request('POST', `/api/v1/projects/${p.id}/status-reports`, {
      as: staffInd,
      body: { ...reportBody('2026-10'), cost: { ...reportBody('2026-10').cost, spentJpy: -1 } },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors).toEqual([expect.objectContaining({ path: 'cost.spentJpy' })]);
  });

  it('takes the assessment from the consultee only, at the report version', async () => {
    const p = await project(t(), 2);
    await fileReport(t(), p.id, '2026-09');
    const body = { version: 1, ratings: all('amber'), comment: 'スケジュールに余裕がない' };
    for (const who of [staffInd, leadInd, advisorWel, chief, admin])
      expect((await assess(t(), p.id, '2026-09', who, body)).status, who).toBe(403);
    expect(await inboxOf(t(), advisorInd)).toContainEqual(
      expect.objectContaining({ kind: 'status_report', id: '2026-09', action: 'assess' }),
    );
    const res = await assess(t(), p.id, '2026-09', advisorInd, body);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ assessment: { ratings: all('amber'), comment: 'スケジュールに余裕がない' }, version: 2 });
    expect((await assess(t(), p.id, '2026-09', advisorInd, body)).status).toBe(409);
    expect((await assess(t(), p.id, '2026-08', advisorInd, body)).status).toBe(404);
    expect((await assess(t(), p.id, '2026-13', advisorInd, body)).status).toBe(400);
  });

  it('flags divergence and overdue reports in the report list and the portfolio, divergent and overdue first', async () => {
    const diverging = await project(t(), 2);
    await fileReport(t(), diverging.id, '2026-08');
    await fileReport(t(), diverging.id, '2026-09');
    await assess(t(), diverging.id, '2026-08', advisorInd, {
      version: 1,
      ratings: { ...all('green'), cost: 'amber' },
      comment: '費用に懸念',
    });
    let list = await (await t().request('GET', `/api/v1/projects/${diverging.id}/status-reports`, { as: staffInd })).json();
    expect(list.divergent).toBe(false);
    await assess(t(), diverging.id, '2026-09', advisorInd, {
      version: 1,
      ratings: { ...all('green'), scope: 'amber' },
      comment: '範囲に懸念',
    });
    list = await (await t().request('GET', `/api/v1/projects/${diverging.id}/status-reports`, { as: staffInd })).json();
    expect(list).toMatchObject({
      supervised: true,
      cadenceMonths: 3,
      divergent: true,
      divergence: [{ rule: 'two_periods', periods: ['2026-08', '2026-09'], dimensions: ['cost', 'scope'] }],
    });

    // Under supervision for a year with no report: overdue.
    const silent = await project(t(), 2);
    await t()
      .services.db.updateTable('project')
      .set({ createdAt: sql<Date>`now() - interval '1 year'` })
      .where('id', '=', silent.id)
      .execute();

    const rows = (await (await t().request('GET', '/api/v1/supervision/portfolio?bureau=IND', { as: advisorInd })).json()).items as {
      projectId: string;
      divergent: boolean;
      reportOverdue: boolean;
      tier: number;
    }[];
    expect(rows.find((r) => r.projectId === diverging.id)).toMatchObject({
      divergent: true,
      selfRating: 'green',
      assessment: 'green',
      tier: 2,
    });
    expect(rows.find((r) => r.projectId === silent.id)).toMatchObject({ reportOverdue: true, divergent: false });
    // Every row is the advisor's tier 2; divergent rows come first, then overdue ones.
    expect(new Set(rows.map((r) => r.tier))).toEqual(new Set([2]));
    const urgency = rows.map((r) => (r.divergent ? 2 : 0) + (r.reportOverdue ? 1 : 0));
    expect(urgency).toEqual([...urgency].sort((a, b) => b - a));

    const divergentOnly = (await (await t().request('GET', '/api/v1/supervision/portfolio?divergent=true', { as: advisorInd })).json())
      .items;
    expect(divergentOnly.every((r: { divergent: boolean }) => r.divergent)).toBe(true);
    expect((await t().request('GET', '/api/v1/supervision/portfolio', { as: staffInd })).status).toBe(403);
    expect((await t().request('GET', '/api/v1/supervision/portfolio?tier=4', { as: advisorInd })).status).toBe(400);
    // The chief sees every tier; advisor.wel sees none of IND's.
    const chiefRows = (await (await t().request('GET', '/api/v1/supervision/portfolio?bureau=IND', { as: chief })).json()).items;
    expect(chiefRows.map((r: { projectId: string }) => r.projectId)).toContain(diverging.id);
    const welRows = (await (await t().request('GET', '/api/v1/supervision/portfolio?bureau=IND', { as: advisorWel })).json()).items;
    expect(welRows).toEqual([]);

    const csv = await t().request('GET', '/api/v1/supervision/portfolio.csv?bureau=IND', { as: advisorInd });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text.startsWith('事業番号,事業名,局,区分,段階')).toBe(true);
    expect(text).toContain('乖離あり');
  });

  it('holds the next stage with an open blocking action until it is verified', async () => {
    const p = await project(t(), 2, 'requirements');
    for (const kind of ['requirements_definition', 'procurement_spec']) {
      await t().request('POST', `/api/v1/projects/${p.id}/documents`, {
        as: staffInd,
        body: { kind, title: kind, url: 'https://example.jp/doc.pdf' },
      });
    }
    const raised = await t().request('POST', `/api/v1/projects/${p.id}/actions`, {
      as: advisorInd,
      body: {
        title: '脆弱性診断の計画を提出',
        ownerId: await userId(t(), staffInd),
        dueDate: '2027-01-31',
        blocking: true,
        source: { kind: 'tech_review' },
      },
    });
    expect(raised.status).toBe(201);
    const action = await raised.json();
    // Another bureau's advisor raises nothing here; an owner outside the bureau is a field error.
    expect(
      (
        await t().request('POST', `/api/v1/projects/${p.id}/actions`, {
          as: advisorWel,
          body: { title: 'x', ownerId: action.ownerId, dueDate: '2027-01-31', blocking: false, source: { kind: 'guidance' } },
        })
      ).status,
    ).toBe(403);
    const wrongOwner = await t().request('POST', `/api/v1/projects/${p.id}/actions`, {
      as: advisorInd,
      body: {
        title: 'x',
        ownerId: await userId(t(), 'staff.wel@example.jp'),
        dueDate: '2027-01-31',
        blocking: false,
        source: { kind: 'guidance' },
      },
    });
    expect((await wrongOwner.json()).errors).toEqual([expect.objectContaining({ path: 'ownerId' })]);

    const move = () => t().request('POST', `/api/v1/projects/${p.id}/transitions`, { as: staffInd, body: { to: 'development' } });
    const held = await move();
    expect(held.status).toBe(422);
    expect((await held.json()).unmet.map((u: { gate: string }) => u.gate)).toEqual(['requirements_actions_verified']);
    await t().request('PATCH', `/api/v1/actions/${action.id}`, { as: staffInd, body: { version: 1, status: 'done' } });
    expect((await move()).status).toBe(422);
    await t().request('PATCH', `/api/v1/actions/${action.id}`, { as: advisorInd, body: { version: 2, status: 'verified' } });
    expect((await move()).status).toBe(200);
  });

  it('opens a gate with an approved exemption, shows it as 免除, and closes it again at expiry', async () => {
    const p = await project(t(), 2, 'requirements');
    const gates = async () => (await (await t().request('GET', `/api/v1/projects/${p.id}/gates`, { as: staffInd })).json()).gates;
    const request = await t().request('POST', `/api/v1/projects/${p.id}/exemptions`, {
      as: staffInd,
      body: { targetKind: 'gate', target: 'procurement_spec', reason: '既存契約の延長で調達を行わない', expiresOn: '2099-03-31' },
    });
    expect(request.status).toBe(201);
    const exemption = await request.json();
    expect(exemption).toMatchObject({ status: 'requested', isActive: false });
    expect(
      (
        await t().request('POST', `/api/v1/projects/${p.id}/exemptions`, {
          as: staffInd,
          body: { targetKind: 'gate', target: 'procurement_spec', reason: '二重', expiresOn: '2099-03-31' },
        })
      ).status,
    ).toBe(409);
    const unknown = await t().request('POST', `/api/v1/projects/${p.id}/exemptions`, {
      as: staffInd,
      body: { targetKind: 'gate', target: 'no_such_gate', reason: 'x', expiresOn: '2099-03-31' },
    });
    expect((await unknown.json()).errors).toEqual([{ path: 'target', message: 'not a lifecycle gate' }]);
    expect(await inboxOf(t(), advisorInd)).toContainEqual(
      expect.objectContaining({ kind: 'exemption', id: exemption.id, action: 'decide' }),
    );

    const decide = (as: string, body: Record<string, unknown>) =>
      t().request('POST', `/api/v1/exemptions/${exemption.id}/decision`, { as, body });
    for (const who of [staffInd, leadInd, advisorWel, chief, admin])
      expect((await decide(who, { version: 1, decision: 'approved' })).status, who).toBe(403);
    expect((await decide(advisorInd, { version: 1, decision: 'refused' })).status).toBe(422);
    const approved = await decide(advisorInd, { version: 1, decision: 'approved', comment: '期限付きで認める' });
    expect(await approved.json()).toMatchObject({ status: 'approved', isActive: true, isExpired: false, version: 2 });
    expect((await decide(advisorInd, { version: 2, decision: 'refused', comment: 'やはり' })).status).toBe(409);

    expect((await gates()).find((g: { gate: string }) => g.gate === 'procurement_spec')).toMatchObject({
      met: true,
      exemption: { reason: '既存契約の延長で調達を行わない', expiresOn: '2099-03-31' },
    });
    // Expired yesterday: the gate is unmet again, and the exemption says so.
    await t()
      .services.db.updateTable('exemption')
      .set({ expiresOn: sql<string>`current_date - 1` })
      .where('id', '=', exemption.id)
      .execute();
    expect((await gates()).find((g: { gate: string }) => g.gate === 'procurement_spec')).toMatchObject({ met: false, exemption: null });
    const listed = (await (await t().request('GET', `/api/v1/projects/${p.id}/exemptions`, { as: staffInd })).json()).items[0];
    expect(listed).toMatchObject({ status: 'approved', isActive: false, isExpired: true });
    const audit = await t()
      .services.db.selectFrom('auditEvent')
      .select('action')
      .where('entityId', '=', exemption.id)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['exemption.create', 'exemption.approve']);
  });

  it('lets a release be approved with an exempted checklist item judged ng', async () => {
    const p = await project(t(), 2);
    const exemption = await (
      await t().request('POST', `/api/v1/projects/${p.id}/exemptions`, {
        as: staffInd,
        body: { targetKind: 'checklist_item', target: 'all_tokyo', reason: '単独業務で他局連携なし', expiresOn: '2099-03-31' },
      })
    ).json();
    await t().request('POST', `/api/v1/exemptions/${exemption.id}/decision`, {
      as: advisorInd,
      body: { version: 1, decision: 'approved' },
    });
    await t().request('POST', `/api/v1/projects/${p.id}/documents`, {
      as: staffInd,
      body: { kind: 'user_test_report', title: 'ユーザテスト結果報告書', url: 'https://example.jp/user-test.pdf' },
    });
    const request = await (
      await t().request('POST', `/api/v1/projects/${p.id}/release-requests`, { as: staffInd, body: { plannedReleaseDate: '2027-04-01' } })
    ).json();
    expect(request.exemptions).toEqual([{ itemId: 'all_tokyo', reason: '単独業務で他局連携なし', expiresOn: '2099-03-31' }]);
    const items = request.checklist.map((i: { itemId: string }) => ({ itemId: i.itemId, result: i.itemId === 'all_tokyo' ? 'ng' : 'ok' }));
    const res = await t().request('POST', `/api/v1/release-requests/${request.id}/decision`, {
      as: advisorInd,
      body: { decision: 'approved', items },
    });
    expect(res.status).toBe(200);
  });
});

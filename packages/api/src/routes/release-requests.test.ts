import { expect, it } from 'vitest';
import { demoAccounts } from '../seed/demo.ts';
import { tierInputs } from '../testing/bodies.ts';
import { describeOnBothDatabases, type TestApp } from '../testing/harness.ts';

const staffInd = 'staff.ind@example.jp';
const leadInd = 'lead.ind@example.jp';
const everyone = demoAccounts.map((a) => a.email);

const designated = { 1: leadInd, 2: 'advisor.ind@example.jp', 3: 'chief@example.jp' } as const;

type Checklist = { itemId: string; naAllowed: boolean }[];
const allOk = (checklist: Checklist) => checklist.map((item) => ({ itemId: item.itemId, result: 'ok' as const }));

async function registerUserTestReport(t: TestApp, projectId: string, as = staffInd) {
  const res = await t.request('POST', `/api/v1/projects/${projectId}/documents`, {
    as,
    body: { kind: 'user_test_report', title: 'ユーザテスト結果報告書', url: 'https://example.jp/user-test.pdf' },
  });
  expect(res.status).toBe(201);
}

async function projectInDevelopment(t: TestApp, inputs: Record<string, unknown>, as = staffInd, withUserTest = true) {
  const res = await t.request('POST', '/api/v1/projects', {
    as,
    body: { name: 'リリース判定の対象', bureauCode: 'IND', fiscalYear: 2026, ...inputs },
  });
  expect(res.status).toBe(201);
  const project = await res.json();
  // The lifecycle transitions belong to another route; here the stage is the precondition only.
  await t.services.db.updateTable('project').set({ stage: 'development' }).where('id', '=', project.id).execute();
  if (withUserTest) await registerUserTestReport(t, project.id, as);
  return project as { id: string; version: number; tier: number | null };
}

async function file(t: TestApp, projectId: string, as = staffInd, body: Record<string, unknown> = { plannedReleaseDate: '2026-12-01' }) {
  return t.request('POST', `/api/v1/projects/${projectId}/release-requests`, { as, body });
}

const decide = (t: TestApp, id: string, as: string, body: Record<string, unknown>) =>
  t.request('POST', `/api/v1/release-requests/${id}/decision`, { as, body });

describeOnBothDatabases('release requests', (t) => {
  it('files a release request with the checklist of the tier, routed to its reviewer and due in 14 days', async () => {
    const project = await projectInDevelopment(t(), tierInputs[1]);
    const res = await file(t(), project.id, staffInd, {
      plannedReleaseDate: '2026-12-01',
      notes: 'ユーザテスト済み',
      evidence: [{ itemId: 'user_test', url: 'https://example.jp/report.pdf', note: '5名で実施' }],
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({
      projectId: project.id,
      status: 'pending',
      tier: 1,
      reviewerRole: 'bureau_lead',
      plannedReleaseDate: '2026-12-01',
      evidence: [{ itemId: 'user_test', url: 'https://example.jp/report.pdf', note: '5名で実施' }],
      decision: null,
      isOverdue: false,
      routing: [],
      version: 1,
    });
    expect(body.checklist).toEqual(await t().policy.releaseChecklist(1));
    expect(new Date(body.dueAt).getTime() - new Date(body.requestedAt).getTime()).toBe(14 * 24 * 3600_000);
    expect(body.reviewers.map((r: { email: string }) => r.email)).toEqual([leadInd]);

    const audit = await t().services.db.selectFrom('auditEvent').select('action').where('entityId', '=', body.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['release_request.create']);

    const again = await file(t(), project.id);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');

    const list = await (await t().request('GET', `/api/v1/projects/${project.id}/release-requests`, { as: 'staff.wel@example.jp' })).json();
    expect(list.items.map((r: { id: string }) => r.id)).toEqual([body.id]);
  });

  it('refuses a project outside development, a project without a tier, and evidence for items not on the checklist', async () => {
    const planning = await (
      await t().request('POST', '/api/v1/projects', {
        as: staffInd,
        body: { name: '企画中', bureauCode: 'IND', fiscalYear: 2026, ...tierInputs[1] },
      })
    ).json();
    const notDev = await file(t(), planning.id);
    expect(notDev.status).toBe(422);
    expect((await notDev.json()).code).toBe('rule_violation');

    const unset = await projectInDevelopment(t(), { budgetJpy: 1_000_000 });
    expect(unset.tier).toBeNull();
    const noTier = await file(t(), unset.id);
    expect(noTier.status).toBe(422);
    const problem = await noTier.json();
    expect(problem.code).toBe('rule_violation');
    expect(problem.missing.sort()).toEqual(['confidentiality', 'maxDowntimeHours']);
    expect(problem.title).toContain('maxDowntimeHours');

    const project = await projectInDevelopment(t(), tierInputs[1]);
    // `simple` is a tier-2/3 item: not on the tier-1 checklist.
    const badEvidence = await file(t(), project.id, staffInd, {
      plannedReleaseDate: '2026-12-01',
      evidence: [{ itemId: 'user_test' }, { itemId: 'simple' }, { itemId: 'no_such_item' }],
    });
    expect(badEvidence.status).toBe(400);
    expect((await badEvidence.json()).errors.map((e: { path: string }) => e.path)).toEqual(['evidence.1.itemId', 'evidence.2.itemId']);

    const badBody = await file(t(), project.id, staffInd, {
      plannedReleaseDate: '2026-13-45',
      evidence: [{ itemId: 'user_test', url: 'javascript:x' }],
    });
    expect(badBody.status).toBe(400);
    expect((await badBody.json()).errors.map((e: { path: string }) => e.path).sort()).toEqual(['evidence.0.url', 'plannedReleaseDate']);

    expect((await file(t(), project.id, 'staff.wel@example.jp')).status).toBe(403);
    expect((await file(t(), project.id, 'chief@example.jp')).status).toBe(403);
    expect((await file(t(), project.id, 'budget@example.jp')).status).toBe(403);
    expect((await file(t(), '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await file(t(), 'not-a-uuid')).status).toBe(400);
    expect((await t().request('GET', '/api/v1/release-requests/00000000-0000-4000-8000-000000000000', { as: staffInd })).status).toBe(404);
  });

  for (const tier of [1, 2, 3] as const) {
    it(`lets only the tier-${tier} reviewer judge: every other demo account gets 403`, async () => {
      const project = await projectInDevelopment(t(), tierInputs[tier]);
      expect(project.tier).toBe(tier);
      const request = await (await file(t(), project.id)).json();
      expect(request.checklist).toEqual(await t().policy.releaseChecklist(tier));
      const approval = { decision: 'approved', comment: '問題なし', items: allOk(request.checklist) };

      for (const email of everyone.filter((e) => e !== designated[tier])) {
        const res = await decide(t(), request.id, email, approval);
        expect(res.status, email).toBe(403);
        expect((await res.json()).code).toBe('forbidden');
      }
      const still = await (await t().request('GET', `/api/v1/release-requests/${request.id}`, { as: staffInd })).json();
      expect(still.status).toBe('pending');
      expect(still.reviewers.map((r: { email: string }) => r.email)).toEqual([designated[tier]]);

      const ok = await decide(t(), request.id, designated[tier], approval);
      expect(ok.status).toBe(200);
      const decided = await ok.json();
      expect(decided).toMatchObject({ status: 'approved', version: 2, decision: { decision: 'approved', comment: '問題なし' } });
      expect(decided.decision.items).toEqual(approval.items);

      const twice = await decide(t(), request.id, designated[tier], { decision: 'returned', comment: 'やはり', items: [] });
      expect(twice.status).toBe(409);
      const audit = await t()
        .services.db.selectFrom('auditEvent')
        .select('action')
        .where('entityId', '=', request.id)
        .orderBy('id')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['release_request.create', 'release_request.approve']);
    });
  }

  it('never lets the applicant judge their own request, even as the designated reviewer', async () => {
    const project = await projectInDevelopment(t(), tierInputs[1], leadInd);
    const request = await (await file(t(), project.id, leadInd)).json();
    expect(request.reviewerRole).toBe('bureau_lead');
    const res = await decide(t(), request.id, leadInd, { decision: 'approved', items: allOk(request.checklist) });
    expect(res.status).toBe(403);
    expect((await res.json()).title).toContain('applicant');
    // And the inbox does not offer it to them either; no one else can judge it, which the request says.
    const inbox = await (await t().request('GET', '/api/v1/reviews/inbox', { as: leadInd })).json();
    expect(inbox.items.map((i: { id: string }) => i.id)).not.toContain(request.id);
    const detail = await (await t().request('GET', `/api/v1/release-requests/${request.id}`, { as: leadInd })).json();
    expect(detail.reviewers).toEqual([]);
  });

  it('approves only when every item is ok (na where allowed), returns only with a comment', async () => {
    const project = await projectInDevelopment(t(), tierInputs[2]);
    const request = await (await file(t(), project.id)).json();
    const checklist = request.checklist as Checklist;
    const advisor = designated[2];

    const withNg = allOk(checklist).map((item, i) => (i === 3 ? { ...item, result: 'ng' } : item));
    const ng = await decide(t(), request.id, advisor, { decision: 'approved', items: withNg });
    expect(ng.status).toBe(422);
    const ngBody = await ng.json();
    expect(ngBody.code).toBe('rule_violation');
    expect(ngBody.errors).toEqual([expect.objectContaining({ path: 'items.3.result', itemId: checklist[3]!.itemId })]);

    const naIndex = checklist.findIndex((item) => !item.naAllowed);
    const naAllowedIndex = checklist.findIndex((item) => item.naAllowed);
    const badNa = allOk(checklist).map((item, i) => (i === naIndex ? { ...item, result: 'na' } : item));
    const na = await decide(t(), request.id, advisor, { decision: 'approved', items: badNa });
    expect(na.status).toBe(422);
    expect((await na.json()).errors.map((e: { path: string }) => e.path)).toEqual([`items.${naIndex}.result`]);

    const missing = await decide(t(), request.id, advisor, { decision: 'approved', items: allOk(checklist).slice(1) });
    expect(missing.status).toBe(422);
    expect((await missing.json()).errors).toEqual([expect.objectContaining({ path: 'items', itemId: checklist[0]!.itemId })]);

    const unknown = await decide(t(), request.id, advisor, {
      decision: 'approved',
      items: [...allOk(checklist), { itemId: 'open', result: 'ok' }, { itemId: 'user_test', result: 'ok' }],
    });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).errors.map((e: { path: string }) => e.path)).toEqual([
      `items.${checklist.length}.itemId`,
      `items.${checklist.length + 1}.itemId`,
    ]);

    for (const comment of [undefined, '', '   ']) {
      const res = await decide(t(), request.id, advisor, {
        decision: 'returned',
        ...(comment === undefined ? {} : { comment }),
        items: withNg,
      });
      expect(res.status).toBe(422);
      expect((await res.json()).errors).toEqual([expect.objectContaining({ path: 'comment' })]);
    }
    const invalid = await decide(t(), request.id, advisor, { decision: 'maybe', items: [{ itemId: 'user_test', result: 'good' }] });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).errors.map((e: { path: string }) => e.path).sort()).toEqual(['decision', 'items.0.result']);

    // Nothing was judged by the refused attempts.
    const pending = await (await t().request('GET', `/api/v1/release-requests/${request.id}`, { as: staffInd })).json();
    expect(pending).toMatchObject({ status: 'pending', version: 1 });

    const goodNa = allOk(checklist).map((item, i) => (i === naAllowedIndex ? { ...item, result: 'na' } : item));
    const returned = await decide(t(), request.id, advisor, {
      decision: 'returned',
      comment: 'データ利活用の測定方法を追記してください',
      items: [{ itemId: 'data_use', result: 'ng', note: 'KPIの取得元が未定' }],
    });
    expect(returned.status).toBe(200);
    expect(await returned.json()).toMatchObject({
      status: 'returned',
      decision: {
        decision: 'returned',
        comment: 'データ利活用の測定方法を追記してください',
        items: [{ itemId: 'data_use', result: 'ng' }],
      },
    });

    // The bureau sees the returned request in its inbox until it files again; then the new one is approvable with na.
    const staffInbox = await (await t().request('GET', '/api/v1/reviews/inbox', { as: staffInd })).json();
    expect(staffInbox.items).toContainEqual(expect.objectContaining({ id: request.id, action: 'resubmit', dueAt: null }));
    const refiled = await (await file(t(), project.id)).json();
    const after = await (await t().request('GET', '/api/v1/reviews/inbox', { as: staffInd })).json();
    expect(after.items.map((i: { id: string }) => i.id)).not.toContain(request.id);
    const approved = await decide(t(), refiled.id, advisor, { decision: 'approved', items: goodNa });
    expect(approved.status).toBe(200);
    expect((await approved.json()).status).toBe('approved');

    const approvedCount = await t()
      .services.db.selectFrom('releaseRequest')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('projectId', '=', project.id)
      .where('status', '=', 'approved')
      .executeTakeFirstOrThrow();
    expect(Number(approvedCount.n)).toBe(1);
  });

  it('re-routes a pending request when the tier changes: new reviewer and checklist, routing history, old reviewer refused', async () => {
    const project = await projectInDevelopment(t(), tierInputs[1]);
    const request = await (await file(t(), project.id)).json();
    expect(request).toMatchObject({ tier: 1, reviewerRole: 'bureau_lead' });

    const patched = await t().request('PATCH', `/api/v1/projects/${project.id}`, {
      as: staffInd,
      body: { version: project.version, budgetJpy: 12_000_000 },
    });
    expect(patched.status).toBe(200);
    expect((await patched.json()).tier).toBe(2);

    const rerouted = await (await t().request('GET', `/api/v1/release-requests/${request.id}`, { as: staffInd })).json();
    expect(rerouted).toMatchObject({ status: 'pending', tier: 2, reviewerRole: 'cio_advisor', version: 2 });
    expect(rerouted.checklist).toEqual(await t().policy.releaseChecklist(2));
    expect(rerouted.routing).toEqual([
      expect.objectContaining({ fromTier: 1, toTier: 2, fromReviewerRole: 'bureau_lead', toReviewerRole: 'cio_advisor' }),
    ]);
    expect(rerouted.reviewers.map((r: { email: string }) => r.email)).toEqual([designated[2]]);

    // The old reviewer is refused even with the old checklist; the inboxes follow the routing.
    const old = await decide(t(), request.id, leadInd, { decision: 'approved', items: allOk(request.checklist) });
    expect(old.status).toBe(403);
    const leadInbox = await (await t().request('GET', '/api/v1/reviews/inbox', { as: leadInd })).json();
    expect(leadInbox.items.map((i: { id: string }) => i.id)).not.toContain(request.id);
    const advisorInbox = await (await t().request('GET', '/api/v1/reviews/inbox', { as: designated[2] })).json();
    expect(advisorInbox.items).toContainEqual(expect.objectContaining({ id: request.id, action: 'judge', tier: 2 }));

    // Judging against the tier-1 checklist is not enough any more: the tier-2 items are missing.
    const stale = await decide(t(), request.id, designated[2], { decision: 'approved', items: allOk(request.checklist) });
    expect(stale.status).toBe(422);
    const ok = await decide(t(), request.id, designated[2], { decision: 'approved', items: allOk(rerouted.checklist) });
    expect(ok.status).toBe(200);
  });

  it('refuses approval without a registered user test report unless an approved exemption from the user-test item covers it', async () => {
    const project = await projectInDevelopment(t(), tierInputs[2], staffInd, false);
    const request = await (await file(t(), project.id)).json();
    const approve = () => decide(t(), request.id, designated[2], { decision: 'approved', items: allOk(request.checklist) });
    const refused = await approve();
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ code: 'rule_violation', errors: [expect.objectContaining({ itemId: 'user_test' })] });
    // Returning is still possible: the rule guards the approval only.
    const exemption = await (
      await t().request('POST', `/api/v1/projects/${project.id}/exemptions`, {
        as: staffInd,
        body: {
          targetKind: 'checklist_item',
          target: 'user_test',
          reason: '法改正対応の軽微な改修で利用者向け画面の変更なし',
          expiresOn: '2099-03-31',
        },
      })
    ).json();
    // Requested is not approved: still refused.
    expect((await approve()).status).toBe(422);
    const decided = await t().request('POST', `/api/v1/exemptions/${exemption.id}/decision`, {
      as: designated[2],
      body: { version: 1, decision: 'approved' },
    });
    expect(decided.status).toBe(200);
    expect((await approve()).status).toBe(200);

    // Without an exemption, registering the report is what lets the approval through.
    const other = await projectInDevelopment(t(), tierInputs[1], staffInd, false);
    const second = await (await file(t(), other.id)).json();
    const approveSecond = () => decide(t(), second.id, leadInd, { decision: 'approved', items: allOk(second.checklist) });
    expect((await approveSecond()).status).toBe(422);
    await registerUserTestReport(t(), other.id);
    expect((await approveSecond()).status).toBe(200);
  });

  it('opens the development → operation gate only with an approved release request', async () => {
    const project = await projectInDevelopment(t(), tierInputs[1]);
    const move = () => t().request('POST', `/api/v1/projects/${project.id}/transitions`, { as: staffInd, body: { to: 'operation' } });
    const unmetGate = async () => {
      const res = await move();
      expect(res.status).toBe(422);
      const body = await res.json();
      expect(body.code).toBe('gate_unmet');
      expect(body.unmet.map((g: { gate: string }) => g.gate)).toEqual(['release_approved']);
    };
    await unmetGate();
    const request = await (await file(t(), project.id)).json();
    await unmetGate();
    expect((await decide(t(), request.id, leadInd, { decision: 'returned', comment: '要修正', items: [] })).status).toBe(200);
    await unmetGate();
    const refiled = await (await file(t(), project.id)).json();
    expect((await decide(t(), refiled.id, leadInd, { decision: 'approved', items: allOk(refiled.checklist) })).status).toBe(200);
    const moved = await move();
    expect(moved.status).toBe(200);
    expect((await moved.json()).stage).toBe('operation');
    // Out of development, no new release request can be filed.
    expect((await file(t(), project.id)).status).toBe(422);
  });

  it('refuses a stale If-Match version and lets exactly one of two racing judgements win', async () => {
    const project = await projectInDevelopment(t(), tierInputs[3]);
    const request = await (await file(t(), project.id)).json();
    const approval = { decision: 'approved', items: allOk(request.checklist) };
    const staleVersion = await t().request('POST', `/api/v1/release-requests/${request.id}/decision`, {
      as: designated[3],
      body: approval,
      headers: { 'if-match': '"7"' },
    });
    expect(staleVersion.status).toBe(409);
    expect((await staleVersion.json()).currentVersion).toBe(1);

    const results = await Promise.all([
      decide(t(), request.id, designated[3], approval),
      decide(t(), request.id, designated[3], { decision: 'returned', comment: '差戻し', items: [] }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);

    const other = await projectInDevelopment(t(), tierInputs[3]);
    const filings = await Promise.all([file(t(), other.id), file(t(), other.id), file(t(), other.id)]);
    expect(filings.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });

  it('lets the applicant’s bureau correct and withdraw a pending request, audited and version-checked, and nothing after judgement', async () => {
    const project = await projectInDevelopment(t(), tierInputs[1]);
    const request = await (await file(t(), project.id)).json();
    const patch = (as: string, body: Record<string, unknown>) =>
      t().request('PATCH', `/api/v1/release-requests/${request.id}`, { as, body });
    const withdraw = (as: string, id: string, body: Record<string, unknown>) =>
      t().request('POST', `/api/v1/release-requests/${id}/withdraw`, { as, body });

    // Staff of the applicant's bureau (its lead included) may correct it, another bureau may not; a stale
    // version and an unknown item are refused.
    expect((await patch(leadInd, { version: 1, plannedReleaseDate: '2027-01-10' })).status).toBe(200);
    expect((await patch('staff.wel@example.jp', { version: 2, notes: '他局' })).status).toBe(403);
    const stale = await patch(staffInd, { version: 1, notes: '古い画面から' });
    expect(stale.status).toBe(409);
    expect((await stale.json()).currentVersion).toBe(2);
    const unknownItem = await patch(staffInd, { version: 2, evidence: [{ itemId: 'no_such_item', note: 'x' }] });
    expect(unknownItem.status).toBe(400);
    expect((await unknownItem.json()).errors).toEqual([expect.objectContaining({ path: 'evidence.0.itemId' })]);

    const corrected = await patch(staffInd, {
      version: 2,
      notes: '日程を訂正しました',
      evidence: [{ itemId: 'user_test', url: 'https://example.jp/user-test.pdf' }],
    });
    expect(corrected.status).toBe(200);
    expect(await corrected.json()).toMatchObject({
      status: 'pending',
      plannedReleaseDate: '2027-01-10',
      notes: '日程を訂正しました',
      evidence: [{ itemId: 'user_test', url: 'https://example.jp/user-test.pdf' }],
      version: 3,
    });

    expect((await withdraw(staffInd, request.id, { version: 2 })).status).toBe(409);
    const withdrawn = await withdraw(staffInd, request.id, { version: 3, reason: '日程が延期になった' });
    expect(withdrawn.status).toBe(200);
    expect(await withdrawn.json()).toMatchObject({ status: 'withdrawn', decision: null, reviewers: [], version: 4 });
    // Gone from the reviewer's inbox, nothing left to judge or change, and a new request may be filed.
    const inbox = await (await t().request('GET', '/api/v1/reviews/inbox', { as: leadInd })).json();
    expect(inbox.items.map((i: { id: string }) => i.id)).not.toContain(request.id);
    expect((await decide(t(), request.id, leadInd, { decision: 'approved', items: allOk(request.checklist) })).status).toBe(409);
    expect((await patch(staffInd, { version: 4, notes: '取り下げ後' })).status).toBe(409);
    expect((await file(t(), project.id)).status).toBe(201);

    const audit = await t()
      .services.db.selectFrom('auditEvent')
      .select(['action', 'after'])
      .where('entityId', '=', request.id)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'release_request.create',
      'release_request.update',
      'release_request.update',
      'release_request.withdraw',
    ]);
    expect(audit[3]!.after).toMatchObject({ status: 'withdrawn', reason: '日程が延期になった' });
  });

  it('lets exactly one of a racing withdrawal and judgement win', async () => {
    const project = await projectInDevelopment(t(), tierInputs[1]);
    const request = await (await file(t(), project.id)).json();
    const results = await Promise.all([
      t().request('POST', `/api/v1/release-requests/${request.id}/withdraw`, { as: staffInd, body: { version: 1 } }),
      decide(t(), request.id, leadInd, { decision: 'approved', items: allOk(request.checklist) }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });
});

import { createPolicy, parseRuleset } from '@psbook/core';
import { expect, it } from 'vitest';
import { activateRulesets } from '../bootstrap.ts';
import { describeOnBothDatabases, type TestApp } from '../testing/harness.ts';

/*
 * Issue 10 §1, the oversight bypass: a bureau lowered a tier-3 project's inputs while its release
 * request was pending, the request fell to the bureau lead, the lead approved, the inputs went back.
 * Now the tier in force stays until the reviewer of that tier agrees to the decrease.
 */

const staffInd = 'staff.ind@example.jp';
const leadInd = 'lead.ind@example.jp';
const advisorInd = 'advisor.ind@example.jp';
const chief = 'chief@example.jp';
const tier3 = { budgetJpy: 50_000_000, maxDowntimeHours: 24, confidentiality: 'C' } as const;
const tier1 = { budgetJpy: 1_000_000, maxDowntimeHours: 24, confidentiality: 'C' } as const;

type Project = { id: string; code: string; version: number; tier: number | null; reviewerRole: string | null; budgetJpy: number | null };

async function registerInDevelopment(t: TestApp, name: string, inputs: Record<string, unknown> = tier3): Promise<Project> {
  const res = await t.request('POST', '/api/v1/projects', { as: staffInd, body: { name, bureauCode: 'IND', fiscalYear: 2026, ...inputs } });
  expect(res.status).toBe(201);
  const project = (await res.json()) as Project;
  await t.services.db.updateTable('project').set({ stage: 'development' }).where('id', '=', project.id).execute();
  // Tested, so the release can be approved (テストしないものはリリースしない).
  const report = await t.request('POST', `/api/v1/projects/${project.id}/documents`, {
    as: staffInd,
    body: { kind: 'user_test_report', title: 'ユーザテスト結果報告書', url: 'https://example.jp/user-test.pdf' },
  });
  expect(report.status).toBe(201);
  return project;
}

const read = async (t: TestApp, id: string, as = staffInd) =>
  (await (await t.request('GET', `/api/v1/projects/${id}`, { as })).json()) as Project;
const patch = (t: TestApp, p: { id: string; version: number }, body: Record<string, unknown>, as = staffInd) =>
  t.request('PATCH', `/api/v1/projects/${p.id}`, { as, body: { version: p.version, ...body } });
const decreasesOf = async (t: TestApp, projectId: string, as = staffInd) =>
  (await (await t.request('GET', `/api/v1/projects/${projectId}/tier-decreases`, { as })).json()).items as {
    id: string;
    status: string;
    fromTier: number;
    toTier: number | null;
    fromReviewerRole: string;
    requestedByName: string;
    supersededBy: string | null;
    canDecide: boolean;
    version: number;
  }[];
const decide = (t: TestApp, id: string, as: string, body: Record<string, unknown>) =>
  t.request('POST', `/api/v1/tier-decreases/${id}/decision`, { as, body });
const allOk = (checklist: { itemId: string }[]) => checklist.map((item) => ({ itemId: item.itemId, result: 'ok' as const }));

describeOnBothDatabases('tier decreases', (t) => {
  it('closes the bypass: lowering the inputs keeps tier 3 and its chief CIO advisor until the chief agrees', async () => {
    const project = await registerInDevelopment(t(), '監理逃れの試み');
    expect(project).toMatchObject({ tier: 3, reviewerRole: 'chief_cio_advisor' });
    const request = await (
      await t().request('POST', `/api/v1/projects/${project.id}/release-requests`, {
        as: staffInd,
        body: { plannedReleaseDate: '2027-03-01' },
      })
    ).json();
    expect(request).toMatchObject({ tier: 3, reviewerRole: 'chief_cio_advisor' });

    // The bureau lowers every input: accepted as data, the tier in force stays.
    const lowered = await patch(t(), project, tier1);
    expect(lowered.status).toBe(200);
    const afterEdit = await lowered.json();
    expect(afterEdit).toMatchObject({ budgetJpy: 1_000_000, tier: 3, reviewerRole: 'chief_cio_advisor', version: 2 });

    // The release request is not re-routed down, so the lead cannot approve it.
    const stillChief = await (await t().request('GET', `/api/v1/release-requests/${request.id}`, { as: staffInd })).json();
    expect(stillChief).toMatchObject({ tier: 3, reviewerRole: 'chief_cio_advisor', routing: [] });
    const byLead = await t().request('POST', `/api/v1/release-requests/${request.id}/decision`, {
      as: leadInd,
      body: { decision: 'approved', items: allOk(request.checklist) },
    });
    expect(byLead.status).toBe(403);

    // A decrease waits for the reviewer of tier 3, and only for them.
    const [pending] = await decreasesOf(t(), project.id);
    expect(pending).toMatchObject({ status: 'pending', fromTier: 3, toTier: 1, fromReviewerRole: 'chief_cio_advisor', canDecide: false });
    for (const as of [staffInd, leadInd, advisorInd, 'admin@example.jp', 'budget@example.jp', 'advisor.wel@example.jp']) {
      const refused = await decide(t(), pending!.id, as, { decision: 'approved', version: pending!.version });
      expect(refused.status, as).toBe(403);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }
    const leadInbox = await (await t().request('GET', '/api/v1/reviews/inbox', { as: leadInd })).json();
    expect(leadInbox.items.map((i: { id: string }) => i.id)).not.toContain(pending!.id);
    const chiefInbox = await (await t().request('GET', '/api/v1/reviews/inbox', { as: chief })).json();
    expect(chiefInbox.items).toContainEqual(
      expect.objectContaining({ kind: 'tier_decrease', action: 'consent', id: pending!.id, projectId: project.id, tier: 3 }),
    );
    expect((await decreasesOf(t(), project.id, chief))[0]!.canDecide).toBe(true);

    // The chief agrees: the tier falls, the pending release request still waits for the chief.
    const agreed = await decide(t(), pending!.id, chief, { decision: 'approved', version: pending!.version });
    expect(agreed.status).toBe(200);
    expect(await agreed.json()).toMatchObject({ status: 'approved', decidedByName: expect.any(String), canDecide: false });
    expect(await read(t(), project.id)).toMatchObject({ tier: 1, reviewerRole: 'bureau_lead', version: 3 });
    const afterConsent = await (await t().request('GET', `/api/v1/release-requests/${request.id}`, { as: staffInd })).json();
    expect(afterConsent).toMatchObject({ tier: 3, reviewerRole: 'chief_cio_advisor' });
    expect(
      (
        await t().request('POST', `/api/v1/release-requests/${request.id}/decision`, {
          as: leadInd,
          body: { decision: 'approved', items: allOk(request.checklist) },
        })
      ).status,
    ).toBe(403);
    const again = await decide(t(), pending!.id, chief, { decision: 'approved', version: pending!.version + 1 });
    expect(again.status).toBe(409);
    // The chief still judges the release, against the tier-3 checklist it was filed with.
    const byChief = await t().request('POST', `/api/v1/release-requests/${request.id}/decision`, {
      as: chief,
      body: { decision: 'approved', items: allOk(request.checklist) },
    });
    expect(byChief.status).toBe(200);
    expect(await byChief.json()).toMatchObject({ status: 'approved', tier: 3, reviewerRole: 'chief_cio_advisor' });

    // Tier history shows the request, who agreed and when; the audit log has every step.
    const history = (await (await t().request('GET', `/api/v1/projects/${project.id}/tier-history`, { as: 'budget@example.jp' })).json())
      .items as { fromTier: number; toTier: number; cause: string; actorName: string | null; tierDecreaseId: string | null; at: string }[];
    expect(history.map((h) => [h.fromTier, h.toTier, h.cause])).toEqual([
      [null, 3, 'created'],
      [3, 1, 'decrease_requested'],
      [3, 1, 'decrease_approved'],
    ]);
    expect(history[2]).toMatchObject({ tierDecreaseId: pending!.id, actorName: expect.any(String), at: expect.any(String) });
    const chiefName = (
      await t().services.db.selectFrom('appUser').select('displayName').where('email', '=', chief).executeTakeFirstOrThrow()
    ).displayName;
    expect(history[2]!.actorName).toBe(chiefName);
    const audit = await t()
      .services.db.selectFrom('auditEvent')
      .select('action')
      .where('projectId', '=', project.id)
      .where('action', 'like', 'tier_decrease.%')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['tier_decrease.request', 'tier_decrease.approve']);
  });

  it('raises at once, supersedes a waiting decrease when the inputs go back up, and lets the reviewer refuse only with a reason', async () => {
    const project = await registerInDevelopment(t(), '引下げと差戻し', tier1);
    expect(project.tier).toBe(1);
    const raised = await (await patch(t(), project, tier3)).json();
    expect(raised).toMatchObject({ tier: 3, reviewerRole: 'chief_cio_advisor' });
    expect(await decreasesOf(t(), project.id)).toEqual([]);

    // Lower, lower again (the earlier request is replaced), then restore: nothing waits any more.
    let current = await (await patch(t(), raised, { budgetJpy: 12_000_000 })).json();
    current = await (await patch(t(), current, { budgetJpy: 1_000_000 })).json();
    let list = await decreasesOf(t(), project.id);
    expect(list.map((d) => [d.status, d.toTier, d.supersededBy])).toEqual([
      ['pending', 1, null],
      ['superseded', 2, 'inputs_changed'],
    ]);
    expect(current.tier).toBe(3);
    current = await (await patch(t(), current, { budgetJpy: 60_000_000 })).json();
    list = await decreasesOf(t(), project.id);
    expect(list.every((d) => d.status === 'superseded')).toBe(true);
    expect(current).toMatchObject({ tier: 3, budgetJpy: 60_000_000 });

    // A refusal needs a comment; with one, the tier in force stays.
    current = await (await patch(t(), current, { budgetJpy: 2_000_000 })).json();
    const [pending] = await decreasesOf(t(), project.id);
    const bare = await decide(t(), pending!.id, chief, { decision: 'refused', version: pending!.version });
    expect(bare.status).toBe(400);
    expect((await bare.json()).errors).toEqual([expect.objectContaining({ path: 'comment' })]);
    const refused = await decide(t(), pending!.id, chief, {
      decision: 'refused',
      comment: '予算の根拠資料が必要です',
      version: pending!.version,
    });
    expect(refused.status).toBe(200);
    expect(await refused.json()).toMatchObject({ status: 'refused', comment: '予算の根拠資料が必要です' });
    expect(await read(t(), project.id)).toMatchObject({ tier: 3, budgetJpy: 2_000_000, reviewerRole: 'chief_cio_advisor' });
    const history = (await (await t().request('GET', `/api/v1/projects/${project.id}/tier-history`, { as: staffInd })).json()).items;
    expect(history.at(-1)).toMatchObject({ fromTier: 3, toTier: 1, cause: 'decrease_refused' });
  });

  it('lets the tier-2 decrease be agreed only by the CIO advisor of the project’s bureau', async () => {
    const project = await registerInDevelopment(t(), '区分2の引下げ', {
      budgetJpy: 12_000_000,
      maxDowntimeHours: 24,
      confidentiality: 'C',
    });
    expect(project.tier).toBe(2);
    await patch(t(), project, { budgetJpy: 1_000_000 });
    const [pending] = await decreasesOf(t(), project.id);
    expect(pending).toMatchObject({ fromTier: 2, toTier: 1, fromReviewerRole: 'cio_advisor' });
    expect((await decide(t(), pending!.id, 'advisor.wel@example.jp', { decision: 'approved', version: 1 })).status).toBe(403);
    expect((await decide(t(), pending!.id, chief, { decision: 'approved', version: 1 })).status).toBe(403);
    expect((await decide(t(), pending!.id, advisorInd, { decision: 'approved', version: 1 })).status).toBe(200);
    expect(await read(t(), project.id)).toMatchObject({ tier: 1, reviewerRole: 'bureau_lead' });
  });

  it('holds the tier in force through the expense import too', async () => {
    const created = await (
      await t().request('POST', '/api/v1/projects', {
        as: staffInd,
        body: { name: '取込で引下げ', bureauCode: 'IND', fiscalYear: 2026, maxDowntimeHours: 24, confidentiality: 'C' },
      })
    ).json();
    const token = await t().tokenFor(staffInd);
    const upload = (lines: string[]) =>
      t().app.request('/api/v1/imports/expenses', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: `external_id,bureau_code,project_name,fiscal_year,category,amount_kyen\r\n${lines.join('\r\n')}\r\n`,
      });
    // ¥50,000,000 of lines: tier 3 at once.
    const first = await upload(['DEC-1,IND,取込で引下げ,2026,system_maintenance,50000']);
    expect(first.ok).toBe(true);
    expect(await read(t(), created.id)).toMatchObject({ tier: 3, budgetJpy: 50_000_000 });
    // The same line now ¥1,000,000: the budget changes, tier 3 stays until the chief agrees.
    const second = await upload(['DEC-1,IND,取込で引下げ,2026,system_maintenance,1000']);
    expect(second.ok).toBe(true);
    expect(await second.json()).toMatchObject({ projects: { updated: 1, tierChanged: 0 } });
    expect(await read(t(), created.id)).toMatchObject({ tier: 3, budgetJpy: 1_000_000, reviewerRole: 'chief_cio_advisor' });
    const [pending] = await decreasesOf(t(), created.id);
    expect(pending).toMatchObject({ status: 'pending', fromTier: 3, toTier: 1 });
    expect((await decide(t(), pending!.id, leadInd, { decision: 'approved', version: pending!.version })).status).toBe(403);
    expect((await decide(t(), pending!.id, chief, { decision: 'approved', version: pending!.version })).status).toBe(200);
    expect(await read(t(), created.id)).toMatchObject({ tier: 1 });
  });

  it('applies a ruleset change directly, and re-evaluates both sides of a waiting decrease', async () => {
    // In force: tier 2 at ¥12,000,000; lowered to ¥6,000,000 (tier 1 today), waiting.
    const project = await registerInDevelopment(t(), '規則改定と引下げ', {
      budgetJpy: 12_000_000,
      maxDowntimeHours: 48,
      confidentiality: 'C',
    });
    await patch(t(), project, { budgetJpy: 6_000_000 });
    expect(await read(t(), project.id)).toMatchObject({ tier: 2 });
    const [before] = await decreasesOf(t(), project.id);
    expect(before).toMatchObject({ fromTier: 2, toTier: 1 });

    // The rules owner moves tier 3 down to ¥10,000,000 and tier 2 to ¥5,000,000: the inputs in force
    // (¥12,000,000) give tier 3, applied directly; the current ones (¥6,000,000) give tier 2, still less.
    const candidate = structuredClone(t().policy.rulesets['oversight-tier'].content);
    const budget = candidate.factors.find((f) => f.factor === 'budget')!;
    for (const band of budget.bands) {
      for (const condition of band.conditions) {
        if (condition.value === 10_000_000) condition.value = 5_000_000;
        else if (condition.value === 50_000_000) condition.value = 10_000_000;
      }
    }
    const policy = createPolicy({ ...t().policy.rulesets, 'oversight-tier': parseRuleset('oversight-tier', 'candidate.json', candidate) });
    expect((await policy.evaluateOversight({ budgetJpy: 12_000_000, maxDowntimeHours: 48, confidentiality: 'C' })).tier).toBe(3);
    expect((await policy.evaluateOversight({ budgetJpy: 6_000_000, maxDowntimeHours: 48, confidentiality: 'C' })).tier).toBe(2);
    await activateRulesets(t().services.db, policy);

    const row = await t().services.db.selectFrom('project').selectAll().where('id', '=', project.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ tier: 3, reviewerRole: 'chief_cio_advisor', rulesetVersion: policy.rulesets['oversight-tier'].version });
    const [after] = await decreasesOf(t(), project.id);
    expect(after).toMatchObject({ id: before!.id, status: 'pending', fromTier: 3, toTier: 2, fromReviewerRole: 'chief_cio_advisor' });
    const history = await t()
      .services.db.selectFrom('tierHistory')
      .select(['fromTier', 'toTier', 'cause'])
      .where('projectId', '=', project.id)
      .orderBy('id')
      .execute();
    expect(history.at(-1)).toEqual({ fromTier: 2, toTier: 3, cause: 'ruleset_changed' });
  });

  it('re-routes a waiting decrease whose tier in force stays: new explanations and ruleset, no history, no notice', async () => {
    // In force: tier 2 at ¥12,000,000; lowered to ¥6,000,000 (tier 1), waiting — twice, as a batch.
    const inputs = { budgetJpy: 12_000_000, maxDowntimeHours: 48, confidentiality: 'C' } as const;
    const projects = [
      await registerInDevelopment(t(), '規則改定と引下げ（据置き）一', inputs),
      await registerInDevelopment(t(), '規則改定と引下げ（据置き）二', inputs),
    ];
    for (const project of projects) await patch(t(), project, { budgetJpy: 6_000_000 });
    const before = await Promise.all(projects.map(async (p) => (await decreasesOf(t(), p.id))[0]!));
    const { db } = t().services;
    const ids = projects.map((p) => p.id);
    const historyBefore = await db.selectFrom('tierHistory').select('id').where('projectId', 'in', ids).execute();
    const notices = () => db.selectFrom('notification').select(['kind', 'entityId']).where('projectId', 'in', ids).orderBy('id').execute();
    const noticesBefore = await notices();

    // Tier 3 from ¥40,000,000 instead of ¥50,000,000: neither side's tier moves, every explanation does.
    const candidate = structuredClone(t().policy.rulesets['oversight-tier'].content);
    for (const band of candidate.factors.find((f) => f.factor === 'budget')!.bands)
      for (const condition of band.conditions) if (condition.value === 50_000_000) condition.value = 40_000_000;
    const policy = createPolicy({ ...t().policy.rulesets, 'oversight-tier': parseRuleset('oversight-tier', 'candidate.json', candidate) });
    const version = policy.rulesets['oversight-tier'].version;
    await activateRulesets(db, policy);

    const json = (value: unknown) => JSON.parse(JSON.stringify(value));
    const inForce = json(await policy.evaluateOversight(inputs));
    const current = json(await policy.evaluateOversight({ ...inputs, budgetJpy: 6_000_000 }));
    expect(inForce).toMatchObject({ tier: 2, rulesetVersion: version });
    for (const [i, project] of projects.entries()) {
      const row = await db.selectFrom('project').selectAll().where('id', '=', project.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ tier: 2, tierLowerBound: inForce.lowerBound, reviewerRole: 'cio_advisor', rulesetVersion: version });
      expect(row.oversight).toEqual(inForce);
      const decrease = await db.selectFrom('tierDecrease').selectAll().where('id', '=', before[i]!.id).executeTakeFirstOrThrow();
      expect(decrease).toMatchObject({
        status: 'pending',
        fromTier: 2,
        fromReviewerRole: 'cio_advisor',
        toTier: 1,
        toReviewerRole: 'bureau_lead',
        rulesetVersion: version,
        version: before[i]!.version + 1,
      });
      expect(decrease.toEvaluation).toEqual(current);
      const audit = await db
        .selectFrom('auditEvent')
        .select(['action', 'actorLabel', 'after'])
        .where('entityId', '=', decrease.id)
        .where('action', '=', 'tier_decrease.reroute')
        .execute();
      expect(audit).toEqual([
        {
          action: 'tier_decrease.reroute',
          actorLabel: expect.any(String),
          after: { fromTier: 2, fromReviewerRole: 'cio_advisor', toTier: 1, rulesetVersion: version },
        },
      ]);
    }
    expect(await db.selectFrom('tierHistory').select('id').where('projectId', 'in', ids).execute()).toEqual(historyBefore);
    expect(await notices()).toEqual(noticesBefore);
  });
});

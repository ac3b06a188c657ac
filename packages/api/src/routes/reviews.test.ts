import { beforeAll, expect, it } from 'vitest';
import { demoAccounts } from '../seed/demo.ts';
import { tierInputs } from '../testing/bodies.ts';
import { describeOnBothDatabases, type TestApp } from '../testing/harness.ts';

const admin = 'admin@example.jp';
const govtech = 'govtech@example.jp';
const everyone = demoAccounts.map((a) => a.email);

type InboxItem = {
  kind: string;
  action: string;
  id: string;
  projectId: string;
  since: string;
  dueAt: string | null;
  isOverdue: boolean;
  tier: number | null;
};

async function pendingRequest(t: TestApp, bureauCode: 'IND' | 'WEL', tier: 1 | 2 | 3, as: string) {
  const project = await (
    await t.request('POST', '/api/v1/projects', {
      as,
      body: { name: `受信箱 ${bureauCode} 区分${tier}`, bureauCode, fiscalYear: 2026, ...tierInputs[tier] },
    })
  ).json();
  await t.services.db.updateTable('project').set({ stage: 'development' }).where('id', '=', project.id).execute();
  const res = await t.request('POST', `/api/v1/projects/${project.id}/release-requests`, {
    as,
    body: { plannedReleaseDate: '2027-01-15' },
  });
  expect(res.status).toBe(201);
  return (await res.json()).id as string;
}

describeOnBothDatabases('review inbox', (t) => {
  const requests: string[] = [];
  const inbox = async (as: string) => {
    const res = await t().request('GET', '/api/v1/reviews/inbox', { as });
    expect(res.status, as).toBe(200);
    return (await res.json()).items as InboxItem[];
  };

  beforeAll(async () => {
    for (const bureau of ['IND', 'WEL'] as const) {
      for (const tier of [1, 2, 3] as const) {
        requests.push(await pendingRequest(t(), bureau, tier, bureau === 'IND' ? 'staff.ind@example.jp' : 'staff.wel@example.jp'));
      }
    }
    // A bureau lead's own request: tier 1 of their bureau, yet never theirs to judge.
    requests.push(await pendingRequest(t(), 'IND', 1, 'lead.ind@example.jp'));
  });

  it('offers each account exactly the pending release requests the decision route lets them judge', async () => {
    for (const as of everyone) {
      const offered = (await inbox(as)).filter((i) => i.action === 'judge').map((i) => i.id);
      const allowed: string[] = [];
      for (const id of requests) {
        // An approval without items is refused either way: 403 when not theirs, 422 when it is.
        const res = await t().request('POST', `/api/v1/release-requests/${id}/decision`, { as, body: { decision: 'approved', items: [] } });
        expect([403, 422], as).toContain(res.status);
        if (res.status === 422) allowed.push(id);
      }
      expect(offered.filter((id) => requests.includes(id)).sort(), as).toEqual(allowed.sort());
    }
    const [indT1, indT2, indT3, , welT2, welT3, leadOwn] = requests;
    const judgeIds = async (as: string) => (await inbox(as)).filter((i) => i.action === 'judge').map((i) => i.id);
    expect(await judgeIds('lead.ind@example.jp')).toEqual([indT1]);
    expect(await judgeIds('advisor.ind@example.jp')).toEqual([indT2]);
    expect(await judgeIds('advisor.wel@example.jp')).toEqual([welT2]);
    expect(await judgeIds('chief@example.jp')).toEqual([indT3, welT3]);
    expect(requests).toContain(leadOwn);
    expect(await inbox('budget@example.jp')).toEqual([]);
    // Nothing was judged by the probing.
    const statuses = await t().services.db.selectFrom('releaseRequest').select('status').where('id', 'in', requests).execute();
    expect(statuses.every((s) => s.status === 'pending')).toBe(true);
  });

  it('lists oldest first and flags what is past due', async () => {
    const [, , indT3, , , welT3] = requests;
    await t()
      .services.db.updateTable('releaseRequest')
      .set({ requestedAt: new Date(Date.now() - 20 * 86_400_000), dueAt: new Date(Date.now() - 6 * 86_400_000) })
      .where('id', '=', welT3!)
      .execute();
    const items = await inbox('chief@example.jp');
    expect(items.map((i) => i.id)).toEqual([welT3, indT3]);
    expect(items.map((i) => i.isOverdue)).toEqual([true, false]);
    expect(items[1]!.dueAt).toEqual(expect.any(String));
    const detail = await (await t().request('GET', `/api/v1/release-requests/${welT3}`, { as: 'chief@example.jp' })).json();
    expect(detail.isOverdue).toBe(true);
  });

  it('gives GovTech Tokyo the tech reviews still open, due at the evaluation deadline, until the report is submitted', async () => {
    await t().request('POST', '/api/v1/budget-cycles', {
      as: admin,
      body: {
        fiscalYear: 2024,
        requestDate: '2023-07-25',
        requestDeadline: '2023-09-30',
        evaluationDeadline: '2023-10-31',
        submissionDate: '2023-11-20',
      },
    });
    const project = await (
      await t().request('POST', '/api/v1/projects', {
        as: 'staff.ind@example.jp',
        body: { name: '技術レビュー対象', bureauCode: 'IND', fiscalYear: 2024, isNew: true, ...tierInputs[2] },
      })
    ).json();
    expect((await (await t().request('POST', '/api/v1/budget-cycles/2024/extract', { as: admin })).json()).extracted).toBe(1);

    const items = await inbox(govtech);
    expect(items.every((i) => i.kind === 'tech_review' && i.action === 'evaluate')).toBe(true);
    const review = items.find((i) => i.projectId === project.id)!;
    expect(review).toMatchObject({ tier: 2, isOverdue: true });
    expect(new Date(review.dueAt!).getTime()).toBe(new Date(2023, 9, 31, 23, 59, 59, 999).getTime());
    for (const as of everyone.filter((e) => e !== govtech)) {
      expect(
        (await inbox(as)).some((i) => i.kind === 'tech_review'),
        as,
      ).toBe(false);
    }

    const stored = await t()
      .services.db.selectFrom('techReview')
      .select(['id', 'version'])
      .where('projectId', '=', project.id)
      .executeTakeFirstOrThrow();
    const done = await t().request('PATCH', `/api/v1/tech-reviews/${stored.id}`, {
      as: govtech,
      body: {
        version: stored.version,
        viewpoints: {
          technical: { rating: 3, comment: '' },
          usability: { rating: 3, comment: '' },
          security: { rating: 3, comment: '' },
        },
        overallOpinion: '可',
      },
    });
    expect(done.status).toBe(200);
    expect((await inbox(govtech)).map((i) => i.id)).toContain(stored.id);
    expect((await t().request('POST', '/api/v1/budget-cycles/2024/submit', { as: admin })).status).toBe(200);
    expect((await inbox(govtech)).map((i) => i.id)).not.toContain(stored.id);
  });

  it('needs a sign-in, and pages by cursor to the last item', async () => {
    expect((await t().request('GET', '/api/v1/reviews/inbox')).status).toBe(401);
    const whole = await (await t().request('GET', '/api/v1/reviews/inbox?limit=200', { as: 'chief@example.jp' })).json();
    expect(whole.items.length).toBeGreaterThan(1);
    expect(whole.nextCursor).toBeNull();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `limit=1&cursor=${cursor}` : 'limit=1';
      const page = await (await t().request('GET', `/api/v1/reviews/inbox?${query}`, { as: 'chief@example.jp' })).json();
      expect(page.items).toHaveLength(1);
      seen.push(`${page.items[0].kind}:${page.items[0].id}`);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(whole.items.map((i: { kind: string; id: string }) => `${i.kind}:${i.id}`));
    expect((await t().request('GET', '/api/v1/reviews/inbox?limit=201', { as: 'chief@example.jp' })).status).toBe(400);
    const bad = await t().request('GET', '/api/v1/reviews/inbox?cursor=abc', { as: 'chief@example.jp' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors).toEqual([{ path: 'query.cursor', message: 'not a cursor from this API' }]);
  });
});

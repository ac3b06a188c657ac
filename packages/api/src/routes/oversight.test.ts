import { expect, it } from 'vitest';
import { describeOnBothDatabases } from '../testing/harness.ts';

describeOnBothDatabases('oversight evaluation', (t) => {
  const evaluate = (body: unknown, as = 'staff.ind@example.jp') => t().request('POST', '/api/v1/oversight/evaluate', { as, body });

  it('explains every factor for any signed-in user, and stores nothing', async () => {
    const before = await t()
      .services.db.selectFrom('auditEvent')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    for (const as of ['staff.ind@example.jp', 'budget@example.jp', 'chief@example.jp', 'admin@example.jp']) {
      const res = await evaluate({ budgetJpy: 10_000_000, maxDowntimeHours: 12.5, confidentiality: 'B' }, as);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toMatchObject({ tier: 2, lowerBound: 2, reviewerRole: 'cio_advisor', missing: [] });
      expect(body.rulesetVersion).toBe(t().policy.rulesets['oversight-tier'].version);
      expect(body.factors.map((f: { factor: string; tier: number; drives: boolean }) => [f.factor, f.tier, f.drives])).toEqual([
        ['budget', 2, true],
        ['downtime', 1, false],
        ['confidentiality', 1, false],
      ]);
      expect(body.factors[0].thresholds).toEqual([
        { operator: 'greaterThanInclusive', value: 10_000_000 },
        { operator: 'lessThan', value: 50_000_000 },
      ]);
    }
    const after = await t()
      .services.db.selectFrom('auditEvent')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('keeps the exact boundaries and the not-set case', async () => {
    expect(await (await evaluate({ budgetJpy: 50_000_000 })).json()).toMatchObject({ tier: 3, reviewerRole: 'chief_cio_advisor' });
    expect(await (await evaluate({ maxDowntimeHours: 2, confidentiality: null })).json()).toMatchObject({ tier: 3 });
    expect(await (await evaluate({ budgetJpy: 9_999_999, maxDowntimeHours: 12, confidentiality: 'C' })).json()).toMatchObject({ tier: 2 });
    const unknown = await (await evaluate({})).json();
    expect(unknown).toMatchObject({
      tier: null,
      lowerBound: 1,
      reviewerRole: null,
      missing: ['budgetJpy', 'maxDowntimeHours', 'confidentiality'],
    });
    const partial = await (await evaluate({ budgetJpy: 20_000_000 })).json();
    expect(partial).toMatchObject({ tier: null, lowerBound: 2, missing: ['maxDowntimeHours', 'confidentiality'] });
  });

  it('validates strictly: unknown fields, wrong types and ranges answer 400 with paths', async () => {
    const res = await evaluate({ budgetJpy: -1, maxDowntimeHours: 'soon', confidentiality: 'D', tier: 1 });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.code).toBe('validation_failed');
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['budgetJpy', 'confidentiality', 'maxDowntimeHours', 'tier']);
    expect((await evaluate({ budgetJpy: 1.5 })).status).toBe(400);
    expect((await evaluate([1, 2])).status).toBe(400);
    const malformed = await t().request('POST', '/api/v1/oversight/evaluate', { as: 'staff.ind@example.jp', body: '{"budgetJpy":' });
    expect(malformed.status).toBe(400);
    expect((await t().request('POST', '/api/v1/oversight/evaluate', { body: {} })).status).toBe(401);
  });
});

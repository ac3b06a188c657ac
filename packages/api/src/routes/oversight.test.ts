import { createOversightEvaluator } from '@psbook/core';
import { expect, it } from 'vitest';
import { describeOnBothDatabases } from '../testing/harness.ts';
import { listen } from '../testing/http-server.ts';

describeOnBothDatabases('oversight evaluation', (t) => {
  const evaluate = (body: unknown, as = 'staff.ind@example.jp') => t().request('POST', '/api/v1/oversight/evaluate', { as, body });

  it('explains every factor for any signed-in user, and stores nothing', async () => {
    const before = await t()
      .services.db.selectFrom('auditEvent')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const input = { budgetJpy: 10_000_000, maxDowntimeHours: 12.5, confidentiality: 'B' } as const;
    for (const as of ['staff.ind@example.jp', 'budget@example.jp', 'chief@example.jp', 'admin@example.jp']) {
      const res = await evaluate(input, as);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      const text = await res.text();
      // Written from the decision table's JSON pieces: the engine's evaluation, as JSON, to the character.
      expect(text).toBe(JSON.stringify(await createOversightEvaluator(t().policy.rulesets['oversight-tier'])(input)));
      const body = JSON.parse(text);
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

  it('answers over HTTP with the engine’s evaluation, no-store and the security headers, for bodies with and without a length', async () => {
    const server = await listen(t().app);
    try {
      const token = await t().tokenFor('staff.ind@example.jp');
      const input = { budgetJpy: 49_999_999, maxDowntimeHours: 2.5, confidentiality: 'A' as const };
      const expected = await createOversightEvaluator(t().policy.rulesets['oversight-tier'])(input);
      const json = JSON.stringify(input);
      // A declared Content-Length, then a chunked body (a stream has no length), then one over the limit.
      const bodies: [string, RequestInit['body'], RequestInit?][] = [
        ['with a length', json],
        ['chunked', new Blob([json]).stream(), { duplex: 'half' } as RequestInit],
      ];
      for (const [what, body, init] of bodies) {
        const res = await fetch(`${server.url}/api/v1/oversight/evaluate`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body,
          ...init,
        });
        expect(res.status, what).toBe(200);
        expect(res.headers.get('cache-control'), what).toBe('no-store');
        expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
        expect(res.headers.get('x-request-id'), what).toBeTruthy();
        expect(await res.json(), what).toEqual(JSON.parse(JSON.stringify(expected)));
      }
      const chunkedTooLarge = await fetch(`${server.url}/api/v1/oversight/evaluate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: new Blob([`{"budgetJpy":1,"x":"${'a'.repeat(1_100_000)}"}`]).stream(),
        duplex: 'half',
      } as RequestInit);
      expect(chunkedTooLarge.status).toBe(413);
    } finally {
      await server.close();
    }
  });
});

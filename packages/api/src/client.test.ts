/**
 * A client generated from the OpenAPI document (openapi-typescript types + openapi-fetch) drives a
 * release from registration to approval, with no hand-written type: every body, answer and error below
 * is typed from the document, so `npm run typecheck` fails when the document and this use disagree.
 */
import type { Api } from '@psbook/core';
import createClient from 'openapi-fetch';
import { expect, it } from 'vitest';
import { writtenCanvas } from './testing/bodies.ts';
import { describeOnBothDatabases, type TestApp } from './testing/harness.ts';

type Client = ReturnType<typeof createClient<Api.paths>>;

/** A client for one signed-in person, talking to the app in process through its fetch; `sent` collects the URLs it asked for. */
async function clientFor(t: TestApp, email: string, sent: string[] = []): Promise<Client> {
  const token = await t.tokenFor(email);
  return createClient<Api.paths>({
    baseUrl: 'http://localhost',
    headers: { authorization: `Bearer ${token}` },
    fetch: async (request) => {
      sent.push(decodeURIComponent(request.url));
      return t.app.fetch(request);
    },
  });
}

describeOnBothDatabases('a generated client', (t) => {
  it('registers a project, takes it to development, files a release request and approves it', async () => {
    const staff = await clientFor(t(), 'staff.ind@example.jp');
    const lead = await clientFor(t(), 'lead.ind@example.jp');

    const created = await staff.POST('/api/v1/projects', {
      body: {
        name: '子育て支援給付オンライン申請',
        bureauCode: 'IND',
        fiscalYear: 2026,
        budgetJpy: 1_000_000,
        maxDowntimeHours: 24,
        confidentiality: 'C',
      },
    });
    if (!created.data) throw new Error(`registration failed: ${JSON.stringify(created.error)}`);
    const project = created.data;
    expect(project.tier).toBe(1);
    expect(created.response.headers.get('etag')).toBe(`"${project.version}"`);
    const params = { path: { id: project.id } };

    // A gate not met is a typed problem: its code and the unmet gates are members of the error type.
    const early = await staff.POST('/api/v1/projects/{id}/transitions', { params, body: { to: 'requirements' } });
    expect(early.response.status).toBe(422);
    expect(early.error?.code).toBe('gate_unmet');

    const canvas = await staff.PUT('/api/v1/projects/{id}/canvas', {
      params,
      body: {
        fields: writtenCanvas,
      },
    });
    expect(canvas.data?.isWritten).toBe(true);
    const kpi = await staff.POST('/api/v1/projects/{id}/kpis', {
      params,
      body: { name: 'オンライン申請率', unit: '%', direction: 'increase', targetValue: 80, targetFiscalYear: 2027 },
    });
    expect(kpi.response.status).toBe(201);
    expect((await staff.POST('/api/v1/projects/{id}/transitions', { params, body: { to: 'requirements' } })).data?.stage).toBe(
      'requirements',
    );

    // 'テストしないものはリリースしない': the user test report is registered before the release is judged.
    for (const kind of ['requirements_definition', 'procurement_spec', 'user_test_report'] as const) {
      const document = await staff.POST('/api/v1/projects/{id}/documents', {
        params,
        body: {
          kind,
          title: { requirements_definition: '要件定義書', procurement_spec: '調達仕様書', user_test_report: 'ユーザテスト結果報告書' }[
            kind
          ],
          url: `https://example.jp/${kind}.pdf`,
        },
      });
      expect(document.response.status).toBe(201);
    }
    const moved = await staff.POST('/api/v1/projects/{id}/transitions', { params, body: { to: 'development' } });
    expect(moved.data?.stage).toBe('development');

    const filed = await staff.POST('/api/v1/projects/{id}/release-requests', { params, body: { plannedReleaseDate: '2026-12-01' } });
    if (!filed.data) throw new Error(`filing failed: ${JSON.stringify(filed.error)}`);
    const request = filed.data;
    expect(request).toMatchObject({ status: 'pending', reviewerRole: 'bureau_lead' });

    const decided = await lead.POST('/api/v1/release-requests/{id}/decision', {
      params: { path: { id: request.id } },
      body: {
        decision: 'approved',
        comment: '問題なし',
        items: request.checklist.map((item) => ({ itemId: item.itemId, result: 'ok' as const })),
      },
    });
    expect(decided.data).toMatchObject({ status: 'approved', decision: { decision: 'approved', comment: '問題なし' } });

    // Deciding twice: a conflict whose `status` is the HTTP status, the request's in `currentStatus`.
    const twice = await lead.POST('/api/v1/release-requests/{id}/decision', {
      params: { path: { id: request.id } },
      body: { decision: 'approved', items: request.checklist.map((item) => ({ itemId: item.itemId, result: 'ok' as const })) },
    });
    expect(twice.response.status).toBe(409);
    expect(twice.error).toMatchObject({ code: 'conflict', status: 409, currentStatus: 'approved' });

    const operation = await staff.POST('/api/v1/projects/{id}/transitions', { params, body: { to: 'operation' } });
    expect(operation.data?.stage).toBe('operation');
  });

  it('passes multi-value filters as typed arrays, exploded or as one comma-separated value', async () => {
    const sent: string[] = [];
    const staff = await clientFor(t(), 'staff.ind@example.jp', sent);
    const query = {
      bureau: ['IND'],
      stage: ['planning', 'operation'],
      tier: [1, 2, 'unset'],
      fiscalYear: [2026],
      limit: 200,
    } satisfies NonNullable<Api.operations['listProjects']['parameters']['query']>;
    // openapi-fetch repeats the parameter (?stage=planning&stage=operation) …
    const exploded = await staff.GET('/api/v1/projects', { params: { query } });
    if (!exploded.data) throw new Error(`list failed: ${JSON.stringify(exploded.error)}`);
    // … and the document's own style (form, not exploded) joins the values with commas: the same list.
    const joined = await staff.GET('/api/v1/projects', {
      params: { query },
      querySerializer: { array: { style: 'form', explode: false } },
    });
    expect(sent[0]).toContain('stage=planning&stage=operation');
    expect(sent[1]).toContain('stage=planning,operation');
    expect(sent[1]).toContain('tier=1,2,unset');
    expect(joined.data?.items.map((p) => p.id)).toEqual(exploded.data.items.map((p) => p.id));
    expect(exploded.data.items.length).toBeGreaterThan(0);
    for (const p of exploded.data.items) {
      expect(['planning', 'operation']).toContain(p.stage);
      expect([1, 2, null]).toContain(p.tier);
      expect(p.fiscalYear).toBe(2026);
    }
    // A value outside the enum is a 400 on the parameter, typed as a validation problem.
    const bad = await staff.GET('/api/v1/projects', { params: { query: { stage: ['planning', 'launch' as 'planning'] } } });
    expect(bad.response.status).toBe(400);
    expect(bad.error).toMatchObject({ code: 'validation_failed', errors: [{ path: 'query.stage' }] });
  });
});

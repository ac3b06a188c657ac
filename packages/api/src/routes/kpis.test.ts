import { expect, it } from 'vitest';
import { describeOnBothDatabases } from '../testing/harness.ts';

describeOnBothDatabases('KPIs', (t) => {
  const staff = 'staff.ind@example.jp';
  async function newProject() {
    const res = await t().request('POST', '/api/v1/projects', {
      as: staff,
      body: { name: 'KPI検証', bureauCode: 'IND', fiscalYear: 2022 },
    });
    expect(res.status).toBe(201);
    return (await res.json()).id as string;
  }
  const numericKpi = {
    name: '都の支援による中小企業の海外展開の実現',
    unit: '件',
    direction: 'increase',
    baselineValue: 100,
    baselineYear: 2020,
    targetValue: 200,
    targetFiscalYear: 2024,
  };
  const kpis = (projectId: string) => `/api/v1/projects/${projectId}/kpis`;
  async function createKpi(projectId: string, body: unknown = numericKpi) {
    const res = await t().request('POST', kpis(projectId), { as: staff, body });
    expect(res.status).toBe(201);
    return res.json();
  }

  it('adds a numeric KPI and a KPI with a non-numeric target (竣工), and lists them with status', async () => {
    const projectId = await newProject();
    const numeric = await createKpi(projectId);
    expect(numeric).toMatchObject({ ...numericKpi, targetText: null, status: 'no_data', measurements: [], version: 1 });
    const text = await createKpi(projectId, {
      name: '東京ビッグサイトの拡張',
      direction: 'increase',
      targetValue: null,
      targetText: '竣工',
      targetFiscalYear: 2019,
    });
    expect(text).toMatchObject({ targetValue: null, targetText: '竣工', unit: null });
    const list = await (await t().request('GET', kpis(projectId), { as: 'budget@example.jp' })).json();
    expect(list.items.map((k: { id: string }) => k.id)).toEqual([numeric.id, text.id]);
  });

  it('answers invalid KPIs with their field paths', async () => {
    const projectId = await newProject();
    const res = await t().request('POST', kpis(projectId), {
      as: staff,
      body: { name: ' ', direction: 'up', targetFiscalYear: 1800, extra: true },
    });
    expect(res.status).toBe(400);
    const paths = (await res.json()).errors.map((e: { path: string }) => e.path).sort();
    // The missing target is named in the same answer as the other problems (issue 18, item 9: all errors in one pass).
    expect(paths).toEqual(['direction', 'extra', 'name', 'targetFiscalYear', 'targetValue']);
    const noTarget = await t().request('POST', kpis(projectId), { as: staff, body: { ...numericKpi, targetValue: null } });
    expect(noTarget.status).toBe(400);
    expect((await noTarget.json()).errors.map((e: { path: string }) => e.path)).toEqual(['targetValue']);
    const lateBaseline = await t().request('POST', kpis(projectId), { as: staff, body: { ...numericKpi, baselineYear: 2030 } });
    expect(lateBaseline.status).toBe(400);
    expect((await lateBaseline.json()).errors.map((e: { path: string }) => e.path)).toEqual(['baselineYear']);
  });

  it('changes a KPI at the version seen and refuses a stale version with 409', async () => {
    const projectId = await newProject();
    const kpi = await createKpi(projectId);
    const url = `${kpis(projectId)}/${kpi.id}`;
    const ok = await t().request('PATCH', url, { as: staff, body: { version: 1, targetValue: 250, unit: '' } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ targetValue: 250, unit: null, version: 2, name: numericKpi.name });
    const stale = await t().request('PATCH', url, { as: 'lead.ind@example.jp', body: { version: 1, name: '上書き' } });
    expect(stale.status).toBe(409);
    const body = await stale.json();
    expect(body).toMatchObject({ code: 'version_conflict', currentVersion: 2, current: { targetValue: 250 } });
    // Removing the only target leaves the KPI without one: refused, not a database error.
    const noTarget = await t().request('PATCH', url, { as: staff, body: { version: 2, targetValue: null } });
    expect(noTarget.status).toBe(400);
    expect((await noTarget.json()).errors).toEqual([{ path: 'targetValue', message: expect.any(String) }]);
    expect((await t().request('PATCH', url, { as: staff, body: { name: 'no version' } })).status).toBe(400);
  });

  it('records measurements: on plan, a miss that must say why, one per fiscal year', async () => {
    const projectId = await newProject();
    const kpi = await createKpi(projectId);
    const measure = (body: unknown, as = staff) => t().request('POST', `${kpis(projectId)}/${kpi.id}/measurements`, { as, body });

    // The line from 100 (FY2020) to 200 (FY2024) asks for 150 in FY2022.
    const onPlan = await measure({ fiscalYear: 2022, value: 160 });
    expect(onPlan.status).toBe(201);
    const afterFirst = await onPlan.json();
    expect(afterFirst.status).toBe('on_track');
    expect(afterFirst.measurements).toEqual([
      expect.objectContaining({ fiscalYear: 2022, value: 160, expectedValue: 150, isOnPlan: true }),
    ]);

    const miss = await measure({ fiscalYear: 2023, value: 170 });
    expect(miss.status).toBe(422);
    const missBody = await miss.json();
    expect(missBody.code).toBe('rule_violation');
    expect(missBody.errors).toEqual([{ path: 'comment', message: expect.any(String) }]);
    const explained = await measure({ fiscalYear: 2023, value: 170, comment: '海外渡航制限で商談会が中止になった' });
    expect(explained.status).toBe(201);
    expect((await explained.json()).status).toBe('behind');

    const duplicate = await measure({ fiscalYear: 2023, value: 180, comment: 'again' });
    expect(duplicate.status).toBe(409);
    expect((await duplicate.json()).errors).toEqual([{ path: 'fiscalYear', message: 'already measured' }]);

    const achieved = await measure({ fiscalYear: 2024, value: 210 });
    expect((await achieved.json()).status).toBe('achieved');

    const future = await measure({ fiscalYear: 2100, value: 1 });
    expect(future.status).toBe(400);
    expect((await future.json()).errors.map((e: { path: string }) => e.path)).toEqual(['fiscalYear']);
    const noValue = await measure({ fiscalYear: 2021, achieved: true });
    expect(noValue.status).toBe(400);
    expect((await noValue.json()).errors.map((e: { path: string }) => e.path)).toEqual(['value']);
    expect((await measure({ fiscalYear: 2021 })).status).toBe(400);

    // A wrong entry is removed and recorded again.
    const removed = await t().request('DELETE', `${kpis(projectId)}/${kpi.id}/measurements/2024`, { as: staff });
    expect(removed.status).toBe(200);
    expect((await removed.json()).measurements.map((m: { fiscalYear: number }) => m.fiscalYear)).toEqual([2022, 2023]);
    expect((await measure({ fiscalYear: 2024, value: 205 })).status).toBe(201);
    expect((await t().request('DELETE', `${kpis(projectId)}/${kpi.id}/measurements/2019`, { as: staff })).status).toBe(404);
  });

  it('judges a non-numeric target by whether it was achieved', async () => {
    const projectId = await newProject();
    const kpi = await createKpi(projectId, { name: '拡張工事', direction: 'increase', targetText: '竣工', targetFiscalYear: 2021 });
    const measure = (body: unknown) => t().request('POST', `${kpis(projectId)}/${kpi.id}/measurements`, { as: staff, body });
    const noAnswer = await measure({ fiscalYear: 2020, value: 3 });
    expect(noAnswer.status).toBe(400);
    expect((await noAnswer.json()).errors.map((e: { path: string }) => e.path)).toEqual(['achieved']);
    // Before the target year not being done yet is on plan.
    expect((await (await measure({ fiscalYear: 2020, achieved: false })).json()).status).toBe('on_track');
    expect((await measure({ fiscalYear: 2021, achieved: false })).status).toBe(422);
    expect((await (await measure({ fiscalYear: 2021, achieved: true })).json()).status).toBe('achieved');
  });

  it('lets the owning bureau and admin write KPIs and measurements, nobody else', async () => {
    const projectId = await newProject();
    const kpi = await createKpi(projectId);
    for (const as of ['staff.wel@example.jp', 'advisor.ind@example.jp', 'chief@example.jp', 'budget@example.jp']) {
      expect((await t().request('POST', kpis(projectId), { as, body: numericKpi })).status, as).toBe(403);
      expect((await t().request('PATCH', `${kpis(projectId)}/${kpi.id}`, { as, body: { version: 1, name: 'x' } })).status, as).toBe(403);
      const measure = await t().request('POST', `${kpis(projectId)}/${kpi.id}/measurements`, {
        as,
        body: { fiscalYear: 2022, value: 150 },
      });
      expect(measure.status, as).toBe(403);
      expect((await t().request('DELETE', `${kpis(projectId)}/${kpi.id}`, { as })).status, as).toBe(403);
      expect((await t().request('GET', kpis(projectId), { as })).status, as).toBe(200);
    }
    expect((await t().request('POST', kpis(projectId), { as: 'admin@example.jp', body: numericKpi })).status).toBe(201);
    expect((await t().request('POST', kpis(projectId), { as: 'lead.ind@example.jp', body: numericKpi })).status).toBe(201);
  });

  it('does not reach a KPI through another project, and removes a KPI at the version seen', async () => {
    const projectId = await newProject();
    const other = await newProject();
    const kpi = await createKpi(projectId);
    expect((await t().request('PATCH', `${kpis(other)}/${kpi.id}`, { as: staff, body: { version: 1, name: 'x' } })).status).toBe(404);
    expect((await t().request('DELETE', `${kpis(other)}/${kpi.id}`, { as: staff })).status).toBe(404);
    await t().request('PATCH', `${kpis(projectId)}/${kpi.id}`, { as: staff, body: { version: 1, name: '改名' } });
    const stale = await t().request('DELETE', `${kpis(projectId)}/${kpi.id}`, { as: staff, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(409);
    await t().request('POST', `${kpis(projectId)}/${kpi.id}/measurements`, { as: staff, body: { fiscalYear: 2022, value: 150 } });
    const removed = await t().request('DELETE', `${kpis(projectId)}/${kpi.id}`, { as: staff, headers: { 'if-match': '"2"' } });
    expect(removed.status).toBe(204);
    expect((await (await t().request('GET', kpis(projectId), { as: staff })).json()).items).toEqual([]);
    const history = await (await t().request('GET', `/api/v1/projects/${projectId}/history`, { as: staff })).json();
    const deletion = history.items.find((e: { action: string }) => e.action === 'kpi.delete');
    expect(deletion.before).toMatchObject({ name: '改名', measurements: [expect.objectContaining({ fiscalYear: 2022, value: 150 })] });
    expect(history.items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['kpi.create', 'kpi.update', 'kpi_measurement.create', 'kpi.delete']),
    );
  });
});

import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { expect, it } from 'vitest';
import { describeOnBothDatabases } from '../testing/harness.ts';
import { budgetLineSummary, policyGoalKpis } from './demo.ts';
import { launchRegistrations, nonDigitalBudgetLines } from './demo-data.ts';

const budgetLines = parse(readFileSync(new URL('./data/fy2021-strategy-office-budget-lines.csv', import.meta.url)), {
  columns: true,
  bom: true,
}) as { no: string; name_ja: string; name_en: string; fy2021_estimate_kyen: string; fy2020_budget_kyen: string; notes: string }[];

it('writes budget-line summaries in Japanese only, without the CSV’s working notes', () => {
  for (const line of budgetLines) {
    const summary = budgetLineSummary(line);
    expect(summary, line.no).toMatch(/^令和3年度見積 [\d,]+千円（前年度 [\d,]+千円）。/);
    expect(summary, line.no).not.toContain(line.name_en);
    expect(summary, line.no).not.toMatch(/change_kyen|summary-table|rate=/);
  }
  expect(budgetLineSummary(budgetLines.find((l) => l.no === '6')!)).toBe(
    '令和3年度見積 11,023,761千円（前年度 10,593,775千円）。○ 電子都庁基盤の運用管理及び東京2020大会開催に向けたセキュリティ強化等',
  );
});

it('reads the awkward policy-goal KPIs as they are meant', () => {
  const kpis = policyGoalKpis();
  expect(kpis.size).toBe(18);
  // 竣工 by 2019年 (calendar year): a text target in fiscal year 2019.
  expect(kpis.get('2-05')).toMatchObject({ targetValue: null, targetText: '竣工', targetFiscalYear: 2019 });
  // 10％台: the band's floor is the number, the band itself the text.
  expect(kpis.get('2-06')).toMatchObject({ targetValue: 10, targetText: '10％台（米国・英国並み）', unit: '%', targetFiscalYear: 2024 });
  expect(kpis.get('2-04')).toMatchObject({ targetValue: 40000, targetText: null, targetFiscalYear: 2020 });
  expect(kpis.get('3-01')).toMatchObject({ targetValue: 42.6, unit: '万円/10a' });
  // One goal, two target years: two KPIs told apart by their year.
  expect([kpis.get('2-08')?.name, kpis.get('2-09')?.name]).toEqual([
    '都の支援による中小企業の海外展開の実現（2020年度目標）',
    '都の支援による中小企業の海外展開の実現（2024年度目標）',
  ]);
});

describeOnBothDatabases(
  'demo book',
  (t) => {
    const listAll = async () =>
      (await (await t().request('GET', '/api/v1/projects?limit=200', { as: 'chief@example.jp' })).json()).items as {
        id: string;
        name: string;
        stage: string;
        canvasWritten: boolean;
      }[];

    it('spans every stage, each project consistent with the gates it passed', async () => {
      const projects = await listAll();
      expect(new Set(projects.map((p) => p.stage))).toEqual(new Set(['planning', 'requirements', 'development', 'operation', 'retired']));
      for (const p of projects.filter((p) => p.stage === 'development' || p.stage === 'operation')) {
        expect(p.canvasWritten, p.name).toBe(true);
        const gates = await (await t().request('GET', `/api/v1/projects/${p.id}/gates`, { as: 'chief@example.jp' })).json();
        expect(gates.facts.kpiWithTargetCount, p.name).toBeGreaterThan(0);
        expect(gates.facts.requirementsDefinitionCount, p.name).toBeGreaterThan(0);
        expect(gates.facts.procurementSpecCount, p.name).toBeGreaterThan(0);
        if (p.stage === 'operation') expect(gates.facts.approvedReleaseCount, p.name).toBe(1);
      }
    });

    it('has the release of each operating project decided by the reviewer its tier designates, never the applicant', async () => {
      const rows = await t()
        .services.db.selectFrom('releaseRequest as r')
        .innerJoin('project as p', 'p.id', 'r.projectId')
        .innerJoin('appUser as d', 'd.id', 'r.decidedBy')
        .select([
          'p.name',
          'p.tier',
          'p.reviewerRole',
          'r.tier as requestTier',
          'r.status',
          'r.requestedBy',
          'r.decidedBy',
          'd.role as deciderRole',
        ])
        .where('r.status', '=', 'approved')
        .execute();
      // Three programme projects and the five running systems of the strategy office.
      expect(rows.length).toBe(8);
      for (const r of rows) {
        expect(r.status).toBe('approved');
        expect(r.requestTier).toBe(r.tier);
        expect(r.deciderRole, r.name).toBe(r.reviewerRole);
        expect(r.decidedBy).not.toBe(r.requestedBy);
      }
    });

    it('shows canvases, KPIs with measurements and a stage history on the IoT portal', async () => {
      const portal = (await listAll()).find((p) => p.name === '中小企業IoT化支援ポータル')!;
      expect(portal.stage).toBe('operation');
      const canvas = await (await t().request('GET', `/api/v1/projects/${portal.id}/canvas`, { as: 'staff.wel@example.jp' })).json();
      expect(canvas).toMatchObject({ revision: 1, isWritten: true, createdByName: '産業 花子' });
      const kpis = await (await t().request('GET', `/api/v1/projects/${portal.id}/kpis`, { as: 'staff.wel@example.jp' })).json();
      expect(kpis.items.map((k: { status: string }) => k.status)).toEqual(['achieved', 'behind', 'achieved']);
      const transitions = await (
        await t().request('GET', `/api/v1/projects/${portal.id}/transitions`, { as: 'staff.wel@example.jp' })
      ).json();
      expect(transitions.items.map((m: { toStage: string }) => m.toStage)).toEqual(['requirements', 'development', 'operation']);

      const farm = (await listAll()).find((p) => p.name === '農業産出額データ基盤')!;
      const gates = await (await t().request('GET', `/api/v1/projects/${farm.id}/gates`, { as: 'staff.ind@example.jp' })).json();
      expect(gates.gates.map((g: { gate: string; met: boolean }) => [g.gate, g.met])).toEqual([
        ['canvas_written', false],
        ['kpi_with_target', true],
        ['planning_actions_verified', true],
      ]);
    });

    it('gives each reviewer and keeper supervision work on first sign-in', async () => {
      const inbox = async (email: string) =>
        ((await (await t().request('GET', '/api/v1/reviews/inbox', { as: email })).json()).items as { kind: string; action: string }[]).map(
          (i) => `${i.kind}:${i.action}`,
        );
      expect(await inbox('advisor.ind@example.jp')).toContain('consultation:answer');
      expect(await inbox('advisor.wel@example.jp')).toEqual(expect.arrayContaining(['status_report:assess', 'exemption:decide']));
      expect(await inbox('chief@example.jp')).toContain('consultation:answer');
      // GovTech Tokyo: the reviews of the budget compilation under way.
      expect(await inbox('govtech@example.jp')).toContain('tech_review:evaluate');
      expect(await inbox('lead.ind@example.jp')).toContain('follow_up_action:verify');
      expect(await inbox('staff.ind@example.jp')).toContain('follow_up_action:act');
      expect(await inbox('staff.wel@example.jp')).toContain('follow_up_action:act');

      const portfolio = async (email: string) =>
        (await (await t().request('GET', '/api/v1/supervision/portfolio', { as: email })).json()).items as {
          projectName: string;
          divergent: boolean;
          reportOverdue: boolean;
        }[];
      expect((await portfolio('advisor.ind@example.jp'))[0]).toMatchObject({ projectName: '海外展開マッチングシステム', divergent: true });
      expect((await portfolio('lead.ind@example.jp'))[0]).toMatchObject({ projectName: '創業支援オンライン相談', reportOverdue: true });
      const everything = await portfolio('chief@example.jp');
      expect(everything.map((r) => r.projectName).sort()).toEqual(
        [
          '介護事業所指定申請の電子化',
          '創業支援オンライン相談',
          '海外展開マッチングシステム',
          '島しょのインターネット環境改善',
          '次世代通信推進事業',
        ].sort(),
      );

      // One exemption in force (免除) and one expired; one action verified.
      const startup = (await listAll()).find((p) => p.name === '創業支援オンライン相談')!;
      const overseas = (await listAll()).find((p) => p.name === '海外展開マッチングシステム')!;
      const exemptions = async (id: string) =>
        (await (await t().request('GET', `/api/v1/projects/${id}/exemptions`, { as: 'staff.ind@example.jp' })).json()).items;
      expect(await exemptions(startup.id)).toEqual([expect.objectContaining({ target: 'all_tokyo', isActive: true })]);
      expect(await exemptions(overseas.id)).toEqual([expect.objectContaining({ target: 'procurement_spec', isExpired: true })]);
      const actions = (await (await t().request('GET', `/api/v1/projects/${overseas.id}/actions`, { as: 'staff.ind@example.jp' })).json())
        .items;
      expect(actions.map((a: { status: string }) => a.status)).toEqual(['verified']);
    });

    it('shows the budget office a submitted FY2025 review list with reflections, one left to record', async () => {
      const cycle = await (await t().request('GET', '/api/v1/budget-cycles/2025', { as: 'budget@example.jp' })).json();
      expect(cycle).toMatchObject({ isSubmitted: true, techReviews: { submitted: 4, total: 4, reflected: 3 } });
      // Submitted on its date: no step is late but the reflection still to record after 予算案発表.
      expect(cycle.milestones.filter((m: { warning: unknown }) => m.warning).map((m: { key: string }) => m.key)).toEqual([
        'budgetAnnouncement',
      ]);
      const reviews = (await (await t().request('GET', '/api/v1/tech-reviews?fiscalYear=2025', { as: 'budget@example.jp' })).json())
        .items as {
        projectName: string;
        status: string;
        reviewerName: string;
        isTierNotSet: boolean;
        reflection: { outcome: string } | null;
      }[];
      expect(reviews.map((r) => r.projectName).sort()).toEqual(
        ['介護事業所指定申請の電子化', '子育て支援給付オンライン申請', '海外展開マッチングシステム', '農業産出額データ基盤'].sort(),
      );
      expect(new Set(reviews.map((r) => `${r.status}:${r.reviewerName}`))).toEqual(new Set(['submitted:技術 翔太']));
      expect(reviews.filter((r) => r.isTierNotSet).map((r) => r.projectName)).toEqual(['農業産出額データ基盤']);
      expect(reviews.map((r) => r.reflection?.outcome ?? 'unrecorded').sort()).toEqual([
        'not_reflected',
        'partly_reflected',
        'reflected',
        'unrecorded',
      ]);
    });

    it('registers only digital projects: personnel, general administration, the growth strategy and the special zones are left out', async () => {
      const names = new Set((await listAll()).map((p) => p.name));
      for (const no of Object.keys(nonDigitalBudgetLines)) {
        const line = budgetLines.find((l) => l.no === no)!;
        expect(names.has(line.name_ja), line.name_ja).toBe(false);
      }
      for (const name of ['職員費', '管理事務', '特区の推進']) expect(names.has(name), name).toBe(false);
      const digitalLines = budgetLines.filter((l) => !nonDigitalBudgetLines[l.no]);
      for (const line of digitalLines) expect(names.has(line.name_ja), line.name_ja).toBe(true);
    });

    it('has the running systems in operation with measured KPIs, and Japanese-only summaries', async () => {
      const all = await listAll();
      for (const name of [
        '電子都庁基盤の運用管理',
        '中央コンピュータ室の運用管理',
        '東京都カードシステムの運用管理',
        '社会保障・税番号制度の共通基盤整備',
        'サイバーセキュリティ対策',
      ]) {
        const project = all.find((p) => p.name === name)!;
        expect(project.stage, name).toBe('operation');
        const kpis = (await (await t().request('GET', `/api/v1/projects/${project.id}/kpis`, { as: 'chief@example.jp' })).json()).items;
        expect(kpis.length, name).toBeGreaterThan(0);
        for (const kpi of kpis) expect(kpi.measurements.length, `${name}: ${kpi.name}`).toBeGreaterThan(0);
      }
      const summaries = await t().services.db.selectFrom('project').select(['name', 'summary']).execute();
      for (const { name, summary } of summaries) {
        expect(summary ?? '', name).not.toMatch(/change_kyen|summary-table|Personnel|Operation and management/);
      }
    });

    it('spreads registrations over the weeks in the shape of the real book’s launch (slide 86), scaled', async () => {
      const count = (await listAll()).length;
      const res = await t().request('GET', '/api/v1/stats/registrations?interval=week', { as: 'budget@example.jp' });
      const chart = await res.json();
      const total = launchRegistrations[launchRegistrations.length - 1]!;
      const scaled = launchRegistrations.map((n) => Math.round((n / total) * count));
      expect(chart.periods.slice(0, launchRegistrations.length).map((p: { cumulative: { total: number } }) => p.cumulative.total)).toEqual(
        scaled,
      );
      // The fourth week is the big one, as in the real book (118 → 297).
      const added = chart.periods.slice(0, launchRegistrations.length).map((p: { added: { total: number } }) => p.added.total);
      expect(Math.max(...added)).toBe(added[3]);
      expect(chart.total.total).toBe(count);
    });

    it('has a pending request for every reviewer on first sign-in', async () => {
      const inbox = async (email: string) =>
        ((await (await t().request('GET', '/api/v1/reviews/inbox', { as: email })).json()).items as { kind: string; action: string }[]).map(
          (i) => `${i.kind}:${i.action}`,
        );
      expect(await inbox('lead.ind@example.jp')).toContain('release_request:judge');
      expect(await inbox('advisor.ind@example.jp')).toContain('tier_decrease:consent');
      expect(await inbox('advisor.wel@example.jp')).toContain('exemption:decide');
      expect(await inbox('chief@example.jp')).toContain('consultation:answer');
      // GovTech Tokyo: the reviews of the budget compilation under way.
      expect(await inbox('govtech@example.jp')).toContain('tech_review:evaluate');
    });
  },
  { demoProjects: true },
);

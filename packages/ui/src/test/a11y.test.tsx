/**
 * axe-core on whole screens rendered in jsdom (the real routes, lazy chunks included, the API
 * stubbed): no serious or critical violation. jsdom has no layout, so colour contrast is checked by
 * the browser end-to-end tests instead.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { describe, expect, it } from 'vitest';
import { routes } from '../app.tsx';
import type { TProject, TUser } from '../types.ts';
import { bureaus, kpi, tier2ByBudget } from './fixtures.ts';
import { mockApi } from './render.tsx';

// axe-core comes with the workspace (the browser tests use it); skip rather than fail without it.
const axe = await import('axe-core').then((m) => m.default ?? m).catch(() => null);

const staff: TUser = { id: 'u1', email: 'staff.ind@example.jp', displayName: '産業 花子', role: 'staff', bureauCodes: ['IND'] };
const project: TProject = {
  id: kpi.projectId,
  code: 'PS0000017',
  name: '海外展開マッチングシステム',
  bureauCode: 'IND',
  fiscalYear: 2025,
  summary: '中小企業と海外バイヤーの引き合わせを管理する',
  isNew: true,
  registrationTrigger: 'measure_planned',
  stage: 'planning',
  budgetJpy: 32_000_000,
  maxDowntimeHours: 24,
  confidentiality: 'B',
  tier: 2,
  reviewerRole: 'cio_advisor',
  oversight: tier2ByBudget,
  canvasWritten: false,
  version: 3,
  createdAt: '2026-04-01T00:00:00Z',
  updatedAt: '2026-05-01T00:00:00Z',
};

const green = { overall: 'green', schedule: 'green', cost: 'green', scope: 'green', qualityUsability: 'green', security: 'green' } as const;
const consultation = {
  id: 'c1',
  projectId: project.id,
  projectCode: project.code,
  projectName: project.name,
  bureauCode: 'IND',
  topic: 'security',
  subject: '認証方式の相談',
  status: 'answered',
  tier: 2,
  reviewerRole: 'cio_advisor',
  documentIds: [],
  openedBy: 'u1',
  openedByName: '産業 花子',
  openedAt: '2026-05-01T00:00:00Z',
  dueOn: '2026-05-15',
  isOverdue: false,
  answeredAt: '2026-05-02T00:00:00Z',
  closedAt: null,
  version: 2,
};
const report = {
  id: 'r1',
  projectId: project.id,
  period: '2026-09',
  stage: 'requirements',
  tier: 2,
  milestones: ['requirements_done', 'procurement_awarded', 'release', 'operation_start'].map((milestone) => ({
    milestone,
    plannedDate: '2026-10-01',
    forecastDate: null,
    actualDate: null,
  })),
  cost: { budgetJpy: 32_000_000, contractJpy: null, spentJpy: 1_000_000, forecastJpy: 35_000_000 },
  selfRating: green,
  risks: [{ title: '調達の遅れ', likelihood: 'medium', impact: 'high', owner: '課長', mitigation: '前倒し' }],
  narrative: '順調',
  filedBy: 'u1',
  filedByName: '産業 花子',
  filedAt: '2026-10-05T00:00:00Z',
  assessment: {
    ratings: { ...green, schedule: 'red' },
    comment: '遅れている',
    assessedBy: 'u2',
    assessedByName: '補佐 健太',
    assessedAt: '2026-10-10T00:00:00Z',
  },
  version: 2,
};
const action = {
  id: 'a1',
  projectId: project.id,
  title: 'パスキー対応を設計に反映',
  ownerId: 'u1',
  ownerName: '産業 花子',
  dueDate: '2026-12-01',
  isOverdue: false,
  source: { kind: 'guidance', refId: 'c1', detail: 'm2' },
  blocking: true,
  status: 'open',
  note: null,
  raisedBy: 'u2',
  raisedByName: '補佐 健太',
  raisedAt: '2026-05-02T00:00:00Z',
  doneAt: null,
  verifiedAt: null,
  version: 1,
};
const exemption = {
  id: 'e1',
  projectId: project.id,
  targetKind: 'gate',
  target: 'procurement_spec',
  reason: '既存契約の延長',
  expiresOn: '2099-03-31',
  status: 'approved',
  isActive: true,
  isExpired: false,
  requestedBy: 'u1',
  requestedByName: '産業 花子',
  requestedAt: '2026-05-01T00:00:00Z',
  decidedBy: 'u2',
  decidedByName: '補佐 健太',
  decidedAt: '2026-05-03T00:00:00Z',
  decisionComment: null,
  version: 2,
};
const portfolioRow = {
  projectId: project.id,
  projectCode: project.code,
  projectName: project.name,
  bureauCode: 'IND',
  tier: 2,
  stage: 'requirements',
  latestPeriod: '2026-09',
  selfRating: 'green',
  assessment: 'red',
  assessedPeriod: '2026-09',
  divergent: true,
  divergence: [{ rule: 'two_steps', periods: ['2026-09'], dimensions: ['overall'] }],
  reportOverdue: false,
  duePeriod: '2026-09',
  nextPeriod: '2026-12',
  nextDeadline: '2027-01-14',
  awaitingAssessment: false,
  openActions: 1,
  openBlockingActions: 1,
  openConsultations: 1,
  overdueConsultations: 0,
  kpiStatus: 'behind',
};

function stubApi(signedIn: boolean) {
  return mockApi({
    'GET /auth/me': signedIn ? { body: staff } : { status: 401, body: { code: 'unauthenticated', status: 401 } },
    'GET /bureaus': { body: { items: bureaus } },
    'GET /projects': { body: { items: [project], nextCursor: null } },
    [`GET /projects/${project.id}`]: { body: project },
    [`GET /projects/${project.id}/gates`]: {
      body: {
        projectId: project.id,
        stage: 'planning',
        nextStage: 'requirements',
        fiscalYear: 2026,
        canAdvance: false,
        gates: [
          {
            gate: 'canvas_written',
            stage: 'planning',
            label: 'サービスキャンバスを作成',
            labelEn: 'Canvas',
            met: false,
            message: '重要項目が未記入です',
            messageEn: 'x',
          },
          { gate: 'kpi_with_target', stage: 'planning', label: 'KPIを設定', labelEn: 'KPI', met: true, message: '', messageEn: '' },
        ],
      },
    },
    [`GET /projects/${project.id}/transitions`]: { body: { items: [] } },
    [`GET /projects/${project.id}/tier-history`]: { body: { items: [] } },
    [`GET /projects/${project.id}/yearly-reviews`]: { body: { items: [] } },
    [`GET /projects/${project.id}/canvas`]: {
      body: {
        projectId: project.id,
        revision: 1,
        fields: { users: '都内の中小企業' },
        isWritten: false,
        missingKeyItems: ['userPains'],
        createdAt: '2026-05-01T00:00:00Z',
        createdBy: null,
        createdByName: '産業 花子',
      },
    },
    [`GET /projects/${project.id}/canvas/revisions`]: {
      body: { items: [{ revision: 1, isWritten: false, createdAt: '2026-05-01T00:00:00Z', createdBy: null, createdByName: '産業 花子' }] },
    },
    [`GET /projects/${project.id}/kpis`]: { body: { items: [kpi] } },
    [`GET /projects/${project.id}/documents`]: { body: { items: [] } },
    [`GET /projects/${project.id}/consultations`]: { body: { items: [consultation] } },
    [`GET /consultations/${consultation.id}`]: {
      body: {
        ...consultation,
        messages: [
          {
            id: 'm1',
            authorId: 'u1',
            authorName: '産業 花子',
            side: 'bureau',
            body: '相談です',
            actionId: null,
            createdAt: '2026-05-01T00:00:00Z',
          },
          {
            id: 'm2',
            authorId: 'u2',
            authorName: '補佐 健太',
            side: 'consultee',
            body: '指導です',
            actionId: 'a1',
            createdAt: '2026-05-02T00:00:00Z',
          },
        ],
        routing: [],
        consultees: [{ id: 'u2', displayName: '補佐 健太', email: 'advisor.ind@example.jp' }],
      },
    },
    [`GET /projects/${project.id}/status-reports`]: {
      body: {
        items: [report],
        supervised: true,
        cadenceMonths: 3,
        divergent: true,
        divergence: [{ rule: 'two_steps', periods: ['2026-09'], dimensions: ['schedule'] }],
        reportOverdue: false,
        duePeriod: '2026-09',
        nextPeriod: '2026-12',
        nextDeadline: '2027-01-14',
      },
    },
    [`GET /projects/${project.id}/actions`]: { body: { items: [action] } },
    [`GET /projects/${project.id}/exemptions`]: { body: { items: [exemption] } },
    [`GET /projects/${project.id}/action-owners`]: { body: { items: [{ id: 'u1', displayName: '産業 花子', role: 'staff' }] } },
    'GET /supervision/portfolio': { body: { items: [portfolioRow] } },
    'POST /oversight/evaluate': { body: tier2ByBudget },
    'GET /reviews/inbox': { body: { items: [], nextCursor: null } },
    'GET /yearly-reviews/outstanding': { body: { fiscalYear: 2026, items: [], nextCursor: null } },
    'GET /stats/stages': { body: { stages: [{ stage: 'planning', tier1: 1, tier2: 1, tier3: 0, unset: 1, total: 3 }] } },
    'GET /stats/registrations': {
      body: {
        periods: [
          {
            period: '2026-04-06',
            added: { tier1: 1, tier2: 1, tier3: 0, unset: 1 },
            cumulative: { tier1: 1, tier2: 1, tier3: 0, unset: 1 },
          },
        ],
      },
    },
    'GET /stats/expenses': { body: { fiscalYear: 2026, totalJpy: 0, overlapJpy: 0, byCategory: [], byBureau: [] } },
    'GET /stats/expenses/years': {
      body: {
        unit: 'JPY',
        years: [2025, 2026].map((fiscalYear, i) => ({
          fiscalYear,
          lineCount: 1,
          totalJpy: (i + 1) * 100_000_000,
          sumOfCategoriesJpy: (i + 1) * 100_000_000,
          overlapJpy: 0,
          growthFromPrevious: i ? 2 : null,
          growthFromFirst: i ? 2 : null,
          byCategory: [
            {
              category: 'system_maintenance',
              label: { ja: 'システム維持管理等', en: 'System maintenance' },
              amountJpy: (i + 1) * 100_000_000,
              growthFromPrevious: null,
              growthFromFirst: null,
            },
          ],
        })),
      },
    },
  });
}

async function renderScreen(path: string, signedIn = true) {
  stubApi(signedIn);
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  await screen.findByRole('heading', { level: 1 }, { timeout: 5000 });
  await waitFor(() => expect(document.querySelector('.loading')).toBeNull(), { timeout: 5000 });
}

async function seriousViolations() {
  const result = await axe!.run(document.body, { resultTypes: ['violations'], rules: { 'color-contrast': { enabled: false } } });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe.skipIf(!axe)('accessibility (axe-core in jsdom)', () => {
  const screens: [string, string, boolean][] = [
    ['sign-in', '/sign-in', false],
    ['home', '/', true],
    ['project list', '/projects', true],
    ['register', '/projects/new', true],
    ['project overview', `/projects/${kpi.projectId}`, true],
    ['service canvas', `/projects/${kpi.projectId}/canvas`, true],
    ['KPIs', `/projects/${kpi.projectId}/kpis`, true],
    ['consultations', `/projects/${kpi.projectId}/consultations`, true],
    ['consultation thread', `/projects/${kpi.projectId}/consultations/c1`, true],
    ['status reports', `/projects/${kpi.projectId}/status-reports`, true],
    ['actions and exemptions', `/projects/${kpi.projectId}/supervision`, true],
    ['portfolio', '/portfolio', true],
  ];
  for (const [name, path, signedIn] of screens) {
    it(`${name} (${path}) has no serious or critical violation`, async () => {
      await renderScreen(path, signedIn);
      expect(await seriousViolations()).toEqual([]);
    });
  }

  it('would catch a violation (the check is not a no-op)', async () => {
    render(
      <main>
        <h1>x</h1>
        <input type="text" />
      </main>,
    );
    expect((await seriousViolations()).join('\n')).toContain('label');
  });

  it('the project page renders in Japanese with lang="ja" and one h1', async () => {
    await renderScreen(`/projects/${kpi.projectId}`);
    expect(document.documentElement.lang).toBe('ja');
    expect(screen.getAllByRole('heading', { level: 1 }).map((h) => h.textContent)).toEqual(['海外展開マッチングシステム']);
    expect(screen.getByRole('link', { name: '概要' }).getAttribute('aria-current')).toBe('page');
  });
});

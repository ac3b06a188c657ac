import { canvasFields } from '@core/canvas/schemas.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { CanvasForm } from '../forms/canvas-form.tsx';
import { kpi } from '../test/fixtures.ts';
import { mockApi, renderWithProviders } from '../test/render.tsx';
import type { TCanvas } from '../types.ts';
import { CanvasGrid } from './canvas-grid.tsx';

const projectId = kpi.projectId;
const cellKeys = () => screen.getAllByTestId(/^canvas-cell-/).map((el) => el.dataset.testid!.replace('canvas-cell-', ''));

/** The key items of rules/service-canvas.json, as the canvas response carries them. */
const canvasKeyFields = [
  'projectName',
  'department',
  'longTermAim',
  'users',
  'userPains',
  'userGoals',
  'userValue',
  'providerValue',
  'issues',
  'solution',
  'targetOutcomes',
];

describe('CanvasGrid', () => {
  it('lays out all 19 cells: the header row, then the four areas of the Tokyo canvas', () => {
    renderWithProviders(
      <CanvasGrid keyItems={canvasKeyFields} fields={{ users: '都内の中小企業', solution: 'オンライン相談' }} kpis={[kpi]} />,
    );
    expect(cellKeys()).toHaveLength(19);
    expect(new Set(cellKeys())).toEqual(new Set(canvasFields.map((f) => f.key)));
    const areas = { 利用者エリア: 4, 価値エリア: 2, 提供者エリア: 4, 解決策エリア: 6 };
    for (const [name, count] of Object.entries(areas)) {
      const region = screen.getByRole('region', { name });
      expect(within(region).getAllByTestId(/^canvas-cell-/)).toHaveLength(count);
    }
    const userArea = screen.getByRole('region', { name: '利用者エリア' });
    expect(within(userArea).getByText('都内の中小企業')).toBeTruthy();
    // The header cells (事業名, 担当部署, 中長期的に目指すこと) sit outside the four areas.
    expect(screen.getByTestId('canvas-cell-projectName').closest('section.canvas-area')).toBeNull();
  });

  it('marks the 重要項目 (key items) and flags the empty ones', () => {
    renderWithProviders(<CanvasGrid keyItems={canvasKeyFields} fields={{ users: '都内の中小企業' }} />);
    const keyCells = screen.getAllByTestId(/^canvas-cell-/).filter((el) => el.classList.contains('is-key'));
    expect(keyCells.map((el) => el.dataset.testid!.replace('canvas-cell-', '')).sort()).toEqual([...canvasKeyFields].sort());
    for (const cell of keyCells) expect(within(cell).getByText('重要項目')).toBeTruthy();
    expect(within(screen.getByTestId('canvas-cell-users')).queryByText('未記入（重要項目）')).toBeNull();
    expect(within(screen.getByTestId('canvas-cell-userPains')).getByText('未記入（重要項目）')).toBeTruthy();
    expect(within(screen.getByTestId('canvas-cell-providers')).getByText('未記入')).toBeTruthy();
  });

  it('shows the KPIs in the activity-indicator cell (linked, not copied)', () => {
    renderWithProviders(<CanvasGrid keyItems={canvasKeyFields} fields={{}} kpis={[kpi]} />);
    const cell = screen.getByTestId('canvas-cell-activityIndicators');
    expect(within(cell).getByText('オンライン申請率')).toBeTruthy();
    expect(cell.textContent).toContain('10% → 50%（2028年度）');
  });

  it('shows the registered name and bureau while the header cells are empty', () => {
    renderWithProviders(
      <CanvasGrid keyItems={canvasKeyFields} fields={{}} defaults={{ projectName: '窓口予約', department: '産業労働局' }} />,
    );
    expect(within(screen.getByTestId('canvas-cell-projectName')).getByText('窓口予約')).toBeTruthy();
    expect(within(screen.getByTestId('canvas-cell-department')).getByText('産業労働局')).toBeTruthy();
  });
});

describe('CanvasForm (editing in place)', () => {
  const canvas: TCanvas = {
    projectId,
    revision: 3,
    fields: { users: '都内の中小企業', longTermAim: '誰一人取り残さない' },
    isWritten: false,
    missingKeyItems: [],
    keyItems: canvasKeyFields,
    guidance: {
      areas: { user: { ja: '利用者が「本当に実現したいことは何か」利用者の立場で考える', en: 'Think from the users’ side' } },
      fields: {},
    },
    createdAt: '2026-05-01T00:00:00Z',
    createdBy: null,
    createdByName: '産業 花子',
  };

  it('edits cells in the grid and saves every cell with the revision it started from', async () => {
    const saved = { ...canvas, revision: 4 };
    const calls = mockApi({ [`PUT /projects/${projectId}/canvas`]: { body: saved } });
    const onSaved = vi.fn();
    renderWithProviders(
      <CanvasForm
        projectId={projectId}
        canvas={canvas}
        kpis={[kpi]}
        defaults={{ projectName: '窓口予約', department: '産業労働局' }}
        onSaved={onSaved}
        onCancel={vi.fn()}
      />,
    );
    const form = screen.getByRole('form', { name: 'サービスキャンバスの編集' });
    // 18 boxes: the KPI cell lists the KPI tab's KPIs and links there instead of a second free-text copy.
    expect(within(form).getAllByRole('textbox')).toHaveLength(18);
    expect(within(form).getByRole('link', { name: 'KPIは「KPI」タブで追加・変更します' })).toBeTruthy();
    // The slide's prompt for the user area, from the service-canvas ruleset, beside the cells being written.
    expect(
      within(screen.getByRole('region', { name: '利用者エリア' })).getByText('利用者が「本当に実現したいことは何か」利用者の立場で考える'),
    ).toBeTruthy();
    const user = userEvent.setup();
    await user.type(within(form).getByRole('textbox', { name: /^困りごと（利用者）/ }), '窓口が遠い');
    await user.clear(within(form).getByRole('textbox', { name: /^利用者はどんな人/ }));
    await user.type(within(form).getByRole('textbox', { name: /^利用者はどんな人/ }), '都民');
    await user.click(within(form).getByRole('button', { name: 'キャンバスを保存する' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const put = calls.find((c) => c.method === 'PUT');
    const body = put?.body as { fields: Record<string, string>; baseRevision: number };
    expect(body.baseRevision).toBe(3);
    expect(Object.keys(body.fields).sort()).toEqual(canvasFields.map((f) => f.key).sort());
    expect(body.fields).toMatchObject({
      projectName: '窓口予約',
      department: '産業労働局',
      longTermAim: '誰一人取り残さない',
      users: '都民',
      userPains: '窓口が遠い',
      providers: '',
    });
  });

  it('says which key items are still empty, and saves anyway', async () => {
    mockApi({});
    renderWithProviders(<CanvasForm projectId={projectId} canvas={canvas} onSaved={vi.fn()} onCancel={vi.fn()} />);
    expect(screen.getByText(/未記入の重要項目があります：.*困りごと（利用者）/)).toBeTruthy();
  });

  it('on a 409, tells who saved first and offers to reload', async () => {
    mockApi({
      [`PUT /projects/${projectId}/canvas`]: {
        status: 409,
        body: {
          code: 'version_conflict',
          title: 'Someone else saved the canvas first',
          status: 409,
          currentRevision: 5,
          current: { ...canvas, revision: 5, createdByName: '産業 一郎' },
        },
      },
    });
    const onCancel = vi.fn();
    renderWithProviders(<CanvasForm projectId={projectId} canvas={canvas} onSaved={vi.fn()} onCancel={onCancel} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'キャンバスを保存する' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('他の人が先にキャンバスを保存しました');
    expect(alert.textContent).toContain('版5（産業 一郎が保存）');
    await user.click(within(alert).getByRole('button', { name: '最新の内容を読み込む' }));
    expect(onCancel).toHaveBeenCalled();
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { kpi } from '../test/fixtures.ts';
import { mockApi, renderWithProviders } from '../test/render.tsx';
import { MeasurementForm, measurementSchema } from './measurement-form.tsx';

const now = new Date('2026-06-01T09:00:00+09:00');
const path = `/projects/${kpi.projectId}/kpis/${kpi.id}/measurements`;
const commentBox = () => screen.getByLabelText(/^コメント/);

describe('measurementSchema (the comment rule)', () => {
  // Plan: 10 in FY2024 → 50 in FY2028, so FY2026 plans 30.
  it('requires a comment when the measurement is behind the plan line', () => {
    const result = measurementSchema(kpi).safeParse({ fiscalYear: 2026, value: 12 });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['comment']);
  });
  it('accepts a behind-plan measurement with a comment, and an on-plan one without', () => {
    expect(measurementSchema(kpi).safeParse({ fiscalYear: 2026, value: 12, comment: '周知が遅れた' }).success).toBe(true);
    expect(measurementSchema(kpi).safeParse({ fiscalYear: 2026, value: 30 }).success).toBe(true);
  });
  it('reads “behind” the other way for a KPI to decrease', () => {
    const down = { ...kpi, direction: 'decrease' as const, baselineValue: 100, targetValue: 60 };
    expect(measurementSchema(down).safeParse({ fiscalYear: 2026, value: 90 }).success).toBe(false);
    expect(measurementSchema(down).safeParse({ fiscalYear: 2026, value: 70 }).success).toBe(true);
  });
});

describe('MeasurementForm', () => {
  it('asks for a comment, in Japanese, when the value is behind plan, and sends nothing', async () => {
    const calls = mockApi({});
    renderWithProviders(<MeasurementForm kpi={kpi} now={now} />);
    const user = userEvent.setup();
    expect(screen.getByText('この年度の計画値：30%')).toBeTruthy();
    await user.type(screen.getByLabelText(/^実績値/), '12');
    expect(screen.getByText('この実績は計画を下回っています。理由をコメントに記入してください。')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: '実績を記録する' }));
    const comment = commentBox().closest('.field') as HTMLElement;
    expect(await within(comment).findByText('計画より遅れているため、理由のコメントを入力してください')).toBeTruthy();
    expect(commentBox().getAttribute('aria-invalid')).toBe('true');
    expect(calls.filter((c) => c.path === path)).toEqual([]);
  });

  it('sends the measurement with its comment', async () => {
    const calls = mockApi({ [`POST ${path}`]: { status: 201, body: kpi } });
    renderWithProviders(<MeasurementForm kpi={kpi} now={now} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/^実績値/), '12');
    await user.type(commentBox(), '周知が遅れたため');
    await user.click(screen.getByRole('button', { name: '実績を記録する' }));
    await waitFor(() => expect(calls.some((c) => c.path === path)).toBe(true));
    expect(calls.find((c) => c.path === path)?.body).toEqual({ fiscalYear: 2026, value: 12, comment: '周知が遅れたため' });
  });

  it('sends an on-plan measurement without a comment', async () => {
    const calls = mockApi({ [`POST ${path}`]: { status: 201, body: kpi } });
    renderWithProviders(<MeasurementForm kpi={kpi} now={now} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/^実績値/), '31');
    await user.click(screen.getByRole('button', { name: '実績を記録する' }));
    await waitFor(() => expect(calls.some((c) => c.path === path)).toBe(true));
    expect(calls.find((c) => c.path === path)?.body).toEqual({ fiscalYear: 2026, value: 31 });
  });

  it('shows the server’s refusal of a missing comment on the comment field', async () => {
    mockApi({
      [`POST ${path}`]: {
        status: 422,
        body: {
          code: 'rule_violation',
          title: 'A measurement that misses its plan needs a comment saying why',
          status: 422,
          errors: [{ path: 'comment', message: 'the measurement misses the plan for this year: say why' }],
        },
      },
    });
    // A KPI whose plan the client cannot know behind (text target): only the server can say.
    const textKpi = { ...kpi, targetValue: null, targetText: '竣工', baselineValue: null, baselineYear: null };
    renderWithProviders(<MeasurementForm kpi={textKpi} now={now} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('radio', { name: '達成' }));
    await user.click(screen.getByRole('button', { name: '実績を記録する' }));
    const comment = commentBox().closest('.field') as HTMLElement;
    expect(await within(comment).findByText('計画より遅れているため、理由のコメントを入力してください')).toBeTruthy();
  });
});

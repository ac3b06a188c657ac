import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi, renderWithProviders } from '../test/render.tsx';
import { KpiForm } from './kpi-form.tsx';

const field = (name: RegExp) => screen.getByLabelText(name);

describe('KpiForm error summary (issue 18, item 9)', () => {
  it('names every problem in one press, each linking to its field, and sends nothing', async () => {
    const calls = mockApi({});
    renderWithProviders(<KpiForm projectId="p1" />);
    const user = userEvent.setup();
    await user.clear(field(/^目標年度/));
    await user.click(screen.getByRole('button', { name: 'KPIを追加する' }));
    const summary = await screen.findByRole('alert');
    expect(within(summary).getByRole('heading').textContent).toBe('入力内容に問題があります');
    const links = within(summary).getAllByRole('link');
    const texts = links.map((a) => a.textContent ?? '');
    expect(texts.some((text) => text.startsWith('指標名：'))).toBe(true);
    expect(texts.some((text) => text.startsWith('目標年度：'))).toBe(true);
    // The target rule (a number or a text) is checked in the same press, not after the name is fixed.
    expect(texts.some((text) => text.startsWith('目標値（数値）：'))).toBe(true);
    // Each link goes to the control it names, which is marked invalid.
    for (const link of links) {
      const target = document.getElementById((link.getAttribute('href') ?? '').slice(1));
      expect(target?.getAttribute('aria-invalid'), link.textContent ?? '').toBe('true');
    }
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
  });

  it('never marks an optional field invalid when the form is refused', async () => {
    mockApi({});
    renderWithProviders(<KpiForm projectId="p1" />);
    await userEvent.setup().click(screen.getByRole('button', { name: 'KPIを追加する' }));
    await screen.findByRole('alert');
    for (const optional of [/^単位/, /^基準値/, /^基準年度/]) expect(field(optional).getAttribute('aria-invalid')).toBeNull();
    expect(field(/^指標名/).getAttribute('aria-invalid')).toBe('true');
  });

  it('puts a server refusal that names no field in the summary, in Japanese', async () => {
    mockApi({
      'POST /projects/p1/kpis': {
        status: 422,
        body: {
          type: 'about:blank',
          title: 'x',
          status: 422,
          code: 'validation',
          errors: [{ path: 'body.other', message: '同じ名前のKPIがあります' }],
        },
      },
    });
    renderWithProviders(<KpiForm projectId="p1" />);
    const user = userEvent.setup();
    await user.type(field(/^指標名/), '利用率');
    await user.type(field(/^目標値/), '80');
    await user.click(screen.getByRole('button', { name: 'KPIを追加する' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('同じ名前のKPIがあります'));
  });
});

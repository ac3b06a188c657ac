/**
 * The home page's digital expenses over the years (slide 82): totals with the overlap removed,
 * growth against the previous and the first year, the categories, as a chart and a table.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { describe, expect, it } from 'vitest';
import { routes } from '../app.tsx';
import { bureaus } from '../test/fixtures.ts';
import { mockApi } from '../test/render.tsx';
import type { TExpenseYears, TUser } from '../types.ts';

const oku = 100_000_000;
const label = (ja: string, en: string) => ({ ja, en });
const year = (
  fiscalYear: number,
  total: number,
  growthFromPrevious: number | null,
  growthFromFirst: number | null,
  overlap = 0,
): TExpenseYears['years'][number] => ({
  fiscalYear,
  lineCount: 3,
  totalJpy: total * oku,
  sumOfCategoriesJpy: (total + overlap) * oku,
  overlapJpy: overlap * oku,
  growthFromPrevious,
  growthFromFirst,
  byCategory: [
    {
      category: 'system_maintenance',
      label: label('システム維持管理等', 'System maintenance'),
      amountJpy: 1578 * oku,
      growthFromPrevious: null,
      growthFromFirst: null,
    },
    {
      category: 'shin_tosei',
      label: label('シン・トセイ', 'Shin-Tosei'),
      amountJpy: 601 * oku,
      growthFromPrevious: null,
      growthFromFirst: null,
    },
    {
      category: 'smart_tokyo',
      label: label('スマート東京', 'Smart Tokyo'),
      amountJpy: 1126 * oku,
      growthFromPrevious: null,
      growthFromFirst: null,
    },
    { category: 'other', label: label('その他', 'Other'), amountJpy: 0, growthFromPrevious: null, growthFromFirst: null },
  ],
});
const years: TExpenseYears = {
  unit: 'JPY',
  years: [year(2021, 1737, null, null), year(2022, 2334, 1.3437, 1.3437), year(2023, 2758, 1.1817, 1.5878, 547)],
};
const staff: TUser = { id: 'u1', email: 'staff.ind@example.jp', displayName: '産業 花子', role: 'staff', bureauCodes: ['IND'] };

describe('home: digital expenses over the years', () => {
  it('shows 1,737 → 2,334 → 2,758 億円 with 約1.6倍 and the overlap, as a table beside the chart', async () => {
    mockApi({
      'GET /auth/me': { body: staff },
      'GET /bureaus': { body: { items: bureaus } },
      'GET /stats/expenses/years': { body: years },
    });
    const router = createMemoryRouter(routes, { initialEntries: ['/'] });
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <RouterProvider router={router} />
      </QueryClientProvider>,
    );
    const section = (await screen.findByRole('heading', { name: 'デジタル関連経費の推移' }, { timeout: 5000 })).closest('section')!;
    await waitFor(() => expect(section.textContent).toContain('2021年度から2023年度にかけて2,758億円（1.59倍）'), { timeout: 5000 });
    const table = within(section).getByRole('table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual(['2021年度', '2022年度', '2023年度']);
    expect(rows[2]!.textContent).toContain('2,758億円');
    expect(rows[2]!.textContent).toContain('1.18倍');
    expect(rows[2]!.textContent).toContain('547億円');
    expect(await within(section).findByRole('img', { name: '年度別のデジタル関連経費の合計（棒グラフ）' }, { timeout: 5000 })).toBeTruthy();
  });
});

import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi, renderWithProviders } from '../test/render.tsx';
import type { TBudgetCycle, TTechReview } from '../types.ts';
import { ReflectionForm } from './reflection-form.tsx';
import { TechReviewForm } from './tech-review-form.tsx';

const label = (ja: string, en = ja) => ({ ja, en });
/** A year whose ruleset added accessibility to slide 83's three, on a 1–4 scale. */
const cycle = {
  fiscalYear: 2027,
  viewpoints: [
    { id: 'technical', label: label('技術面'), guidance: label('既存の共通基盤を活用しているか') },
    { id: 'usability', label: label('ユーザビリティ'), guidance: label('ユーザテストを計画しているか') },
    { id: 'security', label: label('セキュリティ'), guidance: label('機密性に見合う対策か') },
    { id: 'accessibility', label: label('アクセシビリティ'), guidance: label('JIS X 8341-3 に適合するか') },
  ],
  ratingScale: [1, 2, 3, 4].map((value) => ({ value, label: label(['課題あり', '要改善', '概ね妥当', '妥当'][value - 1]!) })),
} as TBudgetCycle;
const review = {
  id: '7d1c2b8e-0000-4000-8000-000000000001',
  fiscalYear: 2027,
  projectId: '7d1c2b8e-0000-4000-8000-000000000002',
  projectCode: 'PS0000042',
  projectName: '介護認定の電子申請',
  status: 'submitted',
  viewpoints: cycle.viewpoints.map((v) => ({ id: v.id, label: v.label, rating: null, comment: '' })),
  overallOpinion: '',
  reflection: null,
  version: 3,
} as unknown as TTechReview;

describe('TechReviewForm', () => {
  it('asks for every viewpoint of the cycle with its guidance, on the cycle’s scale, and sends them by id', async () => {
    const path = `/tech-reviews/${review.id}`;
    const calls = mockApi({ [`PATCH ${path}`]: { body: { ...review, version: 4 } } });
    renderWithProviders(<TechReviewForm review={{ ...review, status: 'in_review' }} cycle={cycle} onDone={() => {}} />);
    const user = userEvent.setup();
    expect(screen.getByRole('group', { name: 'アクセシビリティ' })).toBeTruthy();
    expect(screen.getByText('JIS X 8341-3 に適合するか')).toBeTruthy();
    const ratings = screen.getAllByRole('combobox', { name: /^評価/ });
    expect(ratings).toHaveLength(4);
    expect([...(ratings[3] as HTMLSelectElement).options].map((o) => o.textContent)).toEqual([
      '未評価',
      '4：妥当',
      '3：概ね妥当',
      '2：要改善',
      '1：課題あり',
    ]);
    await user.selectOptions(ratings[3]!, '2');
    await user.click(screen.getByRole('button', { name: '保存する' }));
    await waitFor(() => expect(calls.some((c) => c.path === path)).toBe(true));
    const sent = calls.find((c) => c.path === path)?.body as { viewpoints: Record<string, { rating: number | null }> };
    expect(Object.keys(sent.viewpoints)).toEqual(['technical', 'usability', 'security', 'accessibility']);
    expect(sent.viewpoints.accessibility?.rating).toBe(2);
  });
});

describe('ReflectionForm', () => {
  it('records a partly reflected opinion with a cut in whole yen, at version 0 for the first record', async () => {
    const path = `/tech-reviews/${review.id}/reflection`;
    const calls = mockApi({ [`PUT ${path}`]: { body: review } });
    renderWithProviders(<ReflectionForm review={review} onDone={() => {}} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('radio', { name: '一部反映' }));
    const amount = screen.getByLabelText(/^増減額/);
    await user.clear(amount);
    await user.type(amount, '-5000000');
    await user.type(screen.getByLabelText(/^反映についてのコメント/), '運用保守経費を減額');
    await user.click(screen.getByRole('button', { name: '反映状況を保存する' }));
    await waitFor(() => expect(calls.some((c) => c.path === path)).toBe(true));
    expect(calls.find((c) => c.path === path)?.body).toEqual({
      outcome: 'partly_reflected',
      amountChangeJpy: -5_000_000,
      comment: '運用保守経費を減額',
      version: 0,
    });
  });

  it('refuses a fraction of a yen before sending', async () => {
    const calls = mockApi({});
    renderWithProviders(<ReflectionForm review={review} onDone={() => {}} />);
    const user = userEvent.setup();
    const amount = screen.getByLabelText(/^増減額/);
    await user.clear(amount);
    await user.type(amount, '1.5');
    await user.click(screen.getByRole('button', { name: '反映状況を保存する' }));
    await waitFor(() => expect(amount.getAttribute('aria-invalid')).toBe('true'));
    expect(calls.filter((c) => c.path.endsWith('/reflection'))).toEqual([]);
  });
});

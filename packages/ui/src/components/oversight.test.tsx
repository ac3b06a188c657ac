import { conditionOperatorRegistry } from '@core/rules/operators.ts';
import bundledTierRules from '@rules/oversight-tier.json';
import { act, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { setLanguage } from '../i18n/index.ts';
import { tier2ByBudget, unsetBudgetOnly } from '../test/fixtures.ts';
import { mockApi, renderWithProviders } from '../test/render.tsx';
import { OversightPreview, oversightTableFrom } from './oversight.tsx';
import { describeCondition, holds, type TFactorDef, whatWouldChange } from './oversight-changes.ts';

const factors = (bundledTierRules as unknown as { factors: TFactorDef[] }).factors;

describe('whatWouldChange', () => {
  it('names the thresholds that would raise the tier, and the one that would lower it', () => {
    const changes = whatWouldChange(tier2ByBudget, factors);
    expect(changes.map((c) => [c.factor, c.direction, c.toTier])).toEqual([
      ['budget', 'up', 3],
      ['budget', 'down', 1],
      ['downtime', 'up', 3],
    ]);
    const phrase = (i: number) =>
      changes[i]!.conditions.map((c) => describeCondition(changes[i]!.input, c, { lang: 'ja', formatValue: (_, v) => String(v) })).join('');
    expect(phrase(0)).toBe('50000000以上');
    expect(phrase(1)).toBe('10000000未満');
    expect(phrase(2)).toBe('2以内');
  });

  it('words every operator of core’s registry, in both languages', () => {
    const formatValue = (_: unknown, v: unknown) => String(v);
    for (const operator of conditionOperatorRegistry.keys) {
      const condition = { operator, value: operator.endsWith('In') || operator === 'in' ? ['A', 'B'] : 10 };
      expect(describeCondition('budgetJpy', condition, { lang: 'ja', formatValue }), operator).toMatch(/\S/);
      expect(describeCondition('budgetJpy', condition, { lang: 'en', formatValue }), operator).toMatch(/\S/);
    }
  });

  it('tests a band condition as json-rules-engine does (core’s operator registry)', () => {
    expect(holds({ operator: 'greaterThanInclusive', value: 10_000_000 }, 10_000_000)).toBe(true);
    expect(holds({ operator: 'lessThanInclusive', value: 12 }, 12.5)).toBe(false);
    expect(holds({ operator: 'in', value: ['B', 'C'] }, 'B')).toBe(true);
    // Not given: only the negated operators hold, as in the decision table and the tier table's SQL.
    expect(holds({ operator: 'notIn', value: ['A'] }, null)).toBe(true);
    expect(holds({ operator: 'equal', value: 'A' }, null)).toBe(false);
    // A condition the engine throws on is met by no value.
    expect(holds({ operator: 'in', value: 5 }, 5)).toBe(false);
  });

  it('does not promise a lower tier while another factor is unknown', () => {
    const changes = whatWouldChange(unsetBudgetOnly, factors);
    expect(changes.every((c) => c.direction === 'up')).toBe(true);
    // Missing factors are described by their whole band.
    expect(changes.find((c) => c.factor === 'confidentiality')?.bandLabel?.ja).toBe('A');
  });
});

describe('oversightTableFrom', () => {
  it('finds the oversight ruleset in GET /rules whichever way it nests', () => {
    const content = bundledTierRules;
    expect(oversightTableFrom({ tierTable: content })?.factors).toHaveLength(3);
    expect(oversightTableFrom({ rulesets: [{ name: 'oversight-tier', version: 'x', content }] })?.reviewers).toHaveLength(3);
    expect(oversightTableFrom({ rulesets: { 'oversight-tier': { content } } })?.factors).toHaveLength(3);
    expect(oversightTableFrom({ something: 1 })).toBeNull();
  });
});

describe('OversightPreview', () => {
  it('shows the tier, its reviewer, the deciding factor, every factor’s reason and what would change it', async () => {
    const calls = mockApi({ 'POST /oversight/evaluate': { body: tier2ByBudget } });
    renderWithProviders(<OversightPreview inputs={{ budgetJpy: 32_000_000, maxDowntimeHours: 24, confidentiality: 'B' }} />);
    await screen.findByText('監理区分の見込み：区分2');
    const preview = screen.getByRole('region', { name: '監理区分の見込み' });
    expect(within(preview).getByText('区分2', { selector: '.oversight-tier .badge' })).toBeTruthy();
    expect(within(preview).getByText('各局CIO補佐官')).toBeTruthy();
    expect(preview.querySelector('.oversight-result')?.textContent).toContain('区分を決めた観点予算規模');
    for (const factor of tier2ByBudget.factors) expect(within(preview).getByText(factor.reasonJa)).toBeTruthy();
    const changes = within(preview)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(changes).toEqual([
      '予算規模が5,000万円以上になると区分3（協議先：CIO統括補佐官）',
      '予算規模が1,000万円未満になると区分1に下がります（協議先：各局（管理者））',
      'サービス停止の許容時間が2時間以内になると区分3（協議先：CIO統括補佐官）',
    ]);
    expect(calls.find((c) => c.path === '/oversight/evaluate')?.body).toEqual({
      budgetJpy: 32_000_000,
      maxDowntimeHours: 24,
      confidentiality: 'B',
    });
  });

  it('says 未設定 and which factors are missing', async () => {
    mockApi({ 'POST /oversight/evaluate': { body: unsetBudgetOnly } });
    renderWithProviders(<OversightPreview inputs={{ budgetJpy: 8_500_000, maxDowntimeHours: null, confidentiality: null }} />);
    await screen.findByText('監理区分の見込み：未設定');
    expect(
      screen.getByText(
        /未入力の観点（サービス停止の許容時間、データの機密性）があるため、区分は未設定です。入力済みの観点からは区分1以上になります。/,
      ),
    ).toBeTruthy();
    expect(screen.getByText('予算規模が1,000万円以上になると区分2（協議先：各局CIO補佐官）')).toBeTruthy();
    expect(screen.getByText('データの機密性が「A」なら区分2（協議先：各局CIO補佐官）')).toBeTruthy();
  });

  it('waits for typing to pause before asking the server again (debounced)', async () => {
    const calls = mockApi({ 'POST /oversight/evaluate': { body: tier2ByBudget } });
    let setBudget: (budgetJpy: number) => void = () => {};
    function Typing() {
      const [budgetJpy, set] = useState(3);
      setBudget = set;
      return <OversightPreview inputs={{ budgetJpy, maxDowntimeHours: null, confidentiality: null }} />;
    }
    renderWithProviders(<Typing />);
    await waitFor(() => expect(calls.length).toBe(1));
    // Keystrokes 100 ms apart: one request after the pause, not one per keystroke.
    for (const budgetJpy of [32, 320, 3200, 32_000_000]) {
      act(() => setBudget(budgetJpy));
      await new Promise((r) => setTimeout(r, 100));
    }
    await waitFor(() => expect(calls.filter((c) => c.path === '/oversight/evaluate').length).toBe(2), { timeout: 2000 });
    await new Promise((r) => setTimeout(r, 600));
    const evaluations = calls.filter((c) => c.path === '/oversight/evaluate');
    expect(evaluations).toHaveLength(2);
    expect(evaluations[1]?.body).toMatchObject({ budgetJpy: 32_000_000 });
  });

  it('switches to English with the header’s language switch', async () => {
    mockApi({ 'POST /oversight/evaluate': { body: tier2ByBudget } });
    renderWithProviders(<OversightPreview inputs={{ budgetJpy: 32_000_000, maxDowntimeHours: 24, confidentiality: 'B' }} />);
    await screen.findByText('監理区分の見込み：区分2');
    await act(async () => {
      await setLanguage('en');
    });
    expect(screen.getByText(tier2ByBudget.factors[0]!.reason)).toBeTruthy();
    expect(screen.getByText('If budget size becomes ¥50,000,000 or more: tier 3 (reviewer: the chief CIO advisor)')).toBeTruthy();
    expect(document.documentElement.lang).toBe('en');
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { bureaus, tier2ByBudget } from '../test/fixtures.ts';
import { mockApi, renderWithProviders } from '../test/render.tsx';
import { RegisterProjectForm, registrableBureaus } from './project-form.tsx';

const staff = { role: 'staff' as const, bureauCodes: ['IND'] };
const now = new Date('2026-05-01T09:00:00+09:00');

function renderForm(onCreated = vi.fn()) {
  renderWithProviders(<RegisterProjectForm user={staff} bureaus={bureaus} onCreated={onCreated} now={now} />);
  return onCreated;
}
const field = (name: RegExp) => screen.getByLabelText(name);

describe('RegisterProjectForm', () => {
  it('offers only the bureaus of the user, all of them to an admin', () => {
    expect(registrableBureaus(staff, bureaus).map((b) => b.code)).toEqual(['IND']);
    expect(registrableBureaus({ role: 'admin', bureauCodes: ['DSB'] }, bureaus).map((b) => b.code)).toEqual(['IND', 'WEL']);
  });

  it('refuses an empty name in Japanese, marks the field, and sends nothing', async () => {
    const calls = mockApi({ 'POST /oversight/evaluate': { body: tier2ByBudget } });
    renderForm();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: '登録する' }));
    const summary = await screen.findByRole('alert');
    expect(summary.textContent).toContain('入力内容に問題があります');
    expect(summary.textContent).toContain('事業名：入力してください');
    expect(field(/^事業名/).getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(field(/^事業名/));
    expect(calls.filter((c) => c.path === '/projects')).toEqual([]);
  });

  it('defaults to the only bureau, this fiscal year and a new project, and shows the budget in 万円', async () => {
    mockApi({ 'POST /oversight/evaluate': { body: tier2ByBudget } });
    renderForm();
    expect((field(/^担当局/) as HTMLSelectElement).value).toBe('IND');
    expect((field(/^年度/) as HTMLInputElement).value).toBe('2026');
    expect((screen.getByRole('radio', { name: '新規事業' }) as HTMLInputElement).checked).toBe(true);
    await userEvent.setup().type(field(/^予算額/), '10000000');
    expect(screen.getByText('＝ 1,000万円')).toBeTruthy();
  });

  it('sends the typed payload: numbers as numbers, unknown factors as null', async () => {
    const created = { id: 'p1', name: '窓口予約' };
    const calls = mockApi({ 'POST /oversight/evaluate': { body: tier2ByBudget }, 'POST /projects': { status: 201, body: created } });
    const onCreated = renderForm();
    const user = userEvent.setup();
    await user.type(field(/^事業名/), '窓口予約');
    await user.type(field(/^予算額/), '32000000');
    await user.type(field(/^サービス停止の許容時間/), '24');
    await user.click(screen.getByRole('radio', { name: /^B：/ }));
    await user.selectOptions(field(/^登録の契機/), 'initial_budget');
    await user.click(screen.getByRole('button', { name: '登録する' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(onCreated.mock.calls[0]?.[0]).toEqual(created);
    const post = calls.find((c) => c.method === 'POST' && c.path === '/projects');
    expect(post?.body).toEqual({
      name: '窓口予約',
      bureauCode: 'IND',
      fiscalYear: 2026,
      isNew: true,
      registrationTrigger: 'initial_budget',
      budgetJpy: 32_000_000,
      maxDowntimeHours: 24,
      confidentiality: 'B',
    });
  });

  it('puts the server’s field errors (errors[].path) on the fields they name, in Japanese', async () => {
    mockApi({
      'POST /oversight/evaluate': { body: tier2ByBudget },
      'POST /projects': {
        status: 400,
        body: {
          code: 'validation_failed',
          title: 'The request has invalid fields',
          status: 400,
          errors: [
            { path: 'bureauCode', message: 'no such bureau' },
            { path: 'budgetJpy', message: 'Too big: expected number to be <=9000000000000000' },
            { path: 'somethingElse', message: 'unknown field' },
          ],
        },
      },
    });
    const onCreated = renderForm();
    const user = userEvent.setup();
    await user.type(field(/^事業名/), '窓口予約');
    await user.type(field(/^予算額/), '5000');
    await user.click(screen.getByRole('button', { name: '登録する' }));

    await waitFor(() => expect(field(/^担当局/).getAttribute('aria-invalid')).toBe('true'));
    const bureauField = field(/^担当局/).closest('.field') as HTMLElement;
    expect(within(bureauField).getByText('存在しない局です')).toBeTruthy();
    const budgetField = field(/^予算額/).closest('.field') as HTMLElement;
    expect(within(budgetField).getByText('値が大きすぎます')).toBeTruthy();
    // A message that names no field still reaches the person, in the summary.
    expect(screen.getByRole('alert').textContent).toContain('不明な項目が含まれています');
    expect(onCreated).not.toHaveBeenCalled();
    expect(screen.queryByText(/validation_failed|errors/)).toBeNull();
  });

  it('shows the live preview of the tier beside the form', async () => {
    mockApi({ 'POST /oversight/evaluate': { body: tier2ByBudget } });
    renderForm();
    const preview = screen.getByRole('complementary', { name: '監理区分の見込み' });
    await waitFor(() => expect(within(preview).getByText('監理区分の見込み：区分2')).toBeTruthy(), { timeout: 3000 });
    expect(within(preview).getByText('各局CIO補佐官')).toBeTruthy();
  });
});

import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api.ts';
import { renderWithProviders } from '../test/render.tsx';
import { FormFooter, FormSummary } from './form-parts.tsx';

const idle = { isPending: false, isError: false, isSuccess: false, error: null };
const failed = (error: unknown) => ({ ...idle, isError: true, error });

describe('FormFooter', () => {
  it('offers to reload on a version conflict and reloads when pressed', async () => {
    const onReload = vi.fn();
    renderWithProviders(
      <form>
        <FormFooter save={failed(new ApiError(409, 'version_conflict', 'stale'))} submitLabel="保存する" onReload={onReload} />
      </form>,
    );
    const alert = screen.getByRole('alert');
    await userEvent.setup().click(within(alert).getByRole('button', { name: '最新の内容を読み込む' }));
    expect(onReload).toHaveBeenCalledOnce();
  });

  it('says a refusal that names no field, and leaves refusals with field paths to the fields and the summary', () => {
    const { unmount } = renderWithProviders(
      <form>
        <FormFooter save={failed(new ApiError(403, 'forbidden', 'no'))} submitLabel="保存する" />
      </form>,
    );
    expect(screen.getByRole('alert').textContent).toContain('権限がありません');
    unmount();
    renderWithProviders(
      <form>
        <FormFooter
          save={failed(new ApiError(400, 'validation', 'bad', { errors: [{ path: 'name', message: 'Required' }] }))}
          submitLabel="保存する"
        />
      </form>,
    );
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says 保存中… while saving, and the success note once saved', () => {
    const { unmount } = renderWithProviders(
      <form>
        <FormFooter save={{ ...idle, isPending: true }} submitLabel="保存する" success="保存しました" />
      </form>,
    );
    expect((screen.getByRole('button', { name: '保存中…' }) as HTMLButtonElement).disabled).toBe(true);
    unmount();
    renderWithProviders(
      <form>
        <FormFooter save={{ ...idle, isSuccess: true }} submitLabel="保存する" success="保存しました" />
      </form>,
    );
    expect(screen.getByRole('status').textContent).toBe('保存しました');
  });
});

describe('FormSummary', () => {
  const fields = [
    { name: 'name', id: 'f-name', label: '指標名' },
    { name: 'target.value', id: 'f-target', label: '目標値' },
  ];

  it('shows nothing before a submit, then every field error in screen order and the unmatched messages', () => {
    const errors = {
      target: { value: { type: 'x', message: '0以上の数を入力してください' } },
      name: { type: 'x', message: '入力してください' },
    };
    const { unmount } = renderWithProviders(<FormSummary errors={errors} fields={fields} unmatched={[]} isSubmitted={false} />);
    expect(screen.queryByRole('alert')).toBeNull();
    unmount();
    renderWithProviders(<FormSummary errors={errors} fields={fields} unmatched={['同じ名前のKPIがあります']} isSubmitted />);
    const links = within(screen.getByRole('alert')).getAllByRole('link');
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['指標名：入力してください', '#f-name'],
      ['目標値：0以上の数を入力してください', '#f-target'],
    ]);
    expect(screen.getByRole('alert').textContent).toContain('同じ名前のKPIがあります');
  });
});

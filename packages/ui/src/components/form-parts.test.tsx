import '../forms/zod-locale.ts';
import { useMutation } from '@tanstack/react-query';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ApiError } from '../api.ts';
import { renderWithProviders } from '../test/render.tsx';
import { controlProps, Field } from './field.tsx';
import { FormFooter, FormSummary, useSchemaForm } from './form-parts.tsx';

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

describe('useSchemaForm', () => {
  const ZThing = z.object({ title: z.string().min(1), count: z.number().int() });

  /** The smallest form built the way every form here is: schema, summary, one field, footer. */
  function ThingForm({ send }: { send: (values: z.output<typeof ZThing>) => Promise<unknown> }) {
    const form = useSchemaForm(ZThing, { defaultValues: { title: '', count: 1 } });
    const { id, register, errors } = form;
    const save = useMutation({ mutationFn: send, onError: form.serverErrors(['title', 'count']) });
    return (
      <form noValidate onSubmit={form.handleSubmit((v) => save.mutate(v))}>
        <FormSummary {...form.summary} fields={[{ name: 'title', id: `${id}-title`, label: '件名' }]} />
        <Field id={`${id}-title`} label="件名" error={errors.title}>
          <input type="text" {...controlProps(`${id}-title`, { error: errors.title })} {...register('title')} />
        </Field>
        <FormFooter save={save} submitLabel="保存する" />
      </form>
    );
  }

  it('checks with the schema before sending: an empty title is named in the summary, linking to its field, and nothing is sent', async () => {
    const send = vi.fn(async () => ({}));
    renderWithProviders(<ThingForm send={send} />);
    await userEvent.setup().click(screen.getByRole('button', { name: '保存する' }));
    const link = await within(await screen.findByRole('alert')).findByRole('link');
    const input = screen.getByLabelText(/件名/);
    expect(link.textContent?.startsWith('件名：')).toBe(true);
    expect(link.getAttribute('href')).toBe(`#${input.id}`);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(send).not.toHaveBeenCalled();
  });

  it('puts the server’s field errors on their fields and keeps the ones that name no field for the summary', async () => {
    const send = vi.fn(async () => {
      throw new ApiError(400, 'validation', 'bad', {
        errors: [
          { path: 'body.title', message: '同じ件名があります' },
          { path: 'body.owner', message: '担当者が見つかりません' },
        ],
      });
    });
    renderWithProviders(<ThingForm send={send} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/件名/), '調達計画');
    await user.click(screen.getByRole('button', { name: '保存する' }));
    await waitFor(() => expect(send).toHaveBeenCalledOnce());
    const summary = await screen.findByRole('alert');
    await waitFor(() => expect(summary.textContent).toContain('担当者が見つかりません'));
    expect(within(summary).getByRole('link').textContent).toBe('件名：同じ件名があります');
    expect(screen.getByLabelText(/件名/).getAttribute('aria-invalid')).toBe('true');
  });
});

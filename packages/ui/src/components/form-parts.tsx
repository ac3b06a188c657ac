import { type ReactNode, useEffect, useId, useState } from 'react';
import { type FieldErrors, type FieldValues, get, type Resolver, type UseFormProps, useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { isApiError } from '../api.ts';
import { fieldMessage } from '../errors.ts';
import { useFormat } from '../format.ts';
import { applyServerErrors } from '../forms/server-errors.ts';
import { ErrorAlert } from './common.tsx';
import { ErrorSummary } from './field.tsx';

/** One field a form's error summary may name: its form path, the id of its control, its label. */
export type SummaryField = { name: string; id: string; label: string };

/** The state of a save the form footer reports on (a react-query mutation fits). */
type SaveState = { isPending: boolean; isError: boolean; isSuccess: boolean; error: unknown };

/** A form's schema, or a loader of it: a form shown on a page's first load passes a loader, so
 * zod (about 60 kB and 20–40 ms of main thread to build the schemas) loads after the first drawing. */
export type SchemaSource<Input extends FieldValues, Output extends FieldValues> =
  | z.ZodType<Output, Input>
  | (() => Promise<z.ZodType<Output, Input>>);

const schemaOf = <Input extends FieldValues, Output extends FieldValues>(source: SchemaSource<Input, Output>) =>
  typeof source === 'function' ? source() : Promise.resolve(source);
/**
 * zod's resolver for react-hook-form and the catalogue of zod's messages (forms/zod-locale.ts),
 * imported when a form mounts rather than with this module: every check goes through it, so the
 * messages are in place before the first one.
 */
const zodResolverModule = () =>
  Promise.all([import('@hookform/resolvers/zod'), import('../forms/zod-locale.ts')]).then(([resolvers]) => resolvers);

/**
 * A form bound to one request schema, as every form here starts: react-hook-form checking with the
 * schema, an id prefix for its controls, and the server's messages that name no field of the form.
 * `summary` is what `FormSummary` needs besides its fields; `serverErrors(names)` is a mutation's
 * `onError` that puts the API's field errors on those fields and keeps the rest for the summary.
 */
export function useSchemaForm<Input extends FieldValues, Output extends FieldValues>(
  schema: SchemaSource<Input, Output>,
  options: Omit<UseFormProps<Input, unknown, Output>, 'resolver'> = {},
) {
  const id = useId();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  // zod, the resolver and the schema are fetched while the reader reads, so a press (or a check while
  // offline) rarely waits for them. The first render's source is enough to warm them.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per form, not per render
  useEffect(() => void Promise.all([zodResolverModule(), schemaOf(schema)]).catch(() => undefined), []);
  // A new resolver each render, as `zodResolver(schema)` was: react-hook-form checks with the
  // latest one, so a schema built from changed data (a refetched request) is the one applied.
  const resolver: Resolver<Input, unknown, Output> = async (values, context, resolverOptions) => {
    const [{ zodResolver }, current] = await Promise.all([zodResolverModule(), schemaOf(schema)]);
    return (zodResolver(current) as unknown as Resolver<Input, unknown, Output>)(values, context, resolverOptions);
  };
  const form = useForm<Input, unknown, Output>({ ...options, resolver });
  const { errors, isSubmitted } = form.formState;
  return {
    ...form,
    id,
    errors,
    unmatched,
    setUnmatched,
    summary: { errors, unmatched, isSubmitted },
    serverErrors: (fieldNames: readonly string[]) => (error: unknown) =>
      setUnmatched(applyServerErrors(error, form.setError, fieldNames).unmatched),
  };
}

/**
 * The items of an error summary: every field with an error (label: message, linking to the control,
 * in the order the form shows them), then the server's messages that name no field.
 */
export function summaryItems(
  errors: FieldErrors,
  fields: readonly SummaryField[],
  unmatched: readonly string[],
  t: Parameters<typeof fieldMessage>[1],
  colon: string,
): { id?: string; message: string }[] {
  return [
    ...fields.flatMap(({ name, id, label }) => {
      const error = get(errors, name) as { message?: string } | undefined;
      return error ? [{ id, message: `${label}${colon}${fieldMessage(error.message, t)}` }] : [];
    }),
    ...unmatched.map((message) => ({ message: fieldMessage(message, t) })),
  ];
}

/**
 * The GOV.UK-style summary at the top of a form: after a submit, every problem at once, each linking to
 * its field. Shown only once the user has tried to send (`isSubmitted`) or the server refused.
 */
export function FormSummary<T extends FieldValues>({
  errors,
  fields,
  unmatched,
  isSubmitted,
}: {
  errors: FieldErrors<T>;
  fields: readonly SummaryField[];
  unmatched: readonly string[];
  isSubmitted: boolean;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  if (!isSubmitted && !unmatched.length) return null;
  return <ErrorSummary items={summaryItems(errors as FieldErrors, fields, unmatched, t, f.colon)} />;
}

/**
 * The end of a form: a stale version (409) with a way to reload, any other refusal that names no field,
 * the success note, and the submit (saying 保存中… while it runs) with an optional cancel.
 */
export function FormFooter({
  save,
  submitLabel,
  onCancel,
  onReload,
  success,
}: {
  save: SaveState;
  submitLabel: string;
  onCancel?: () => void;
  /** Given, a version conflict offers 最新の内容を読み込む, which calls this. */
  onReload?: () => void;
  success?: ReactNode;
}) {
  const { t } = useTranslation();
  const conflict = isApiError(save.error) && save.error.code === 'version_conflict';
  // Field errors from the server are on their fields and in the summary; only the rest is said here.
  const unnamed = save.isError && !(isApiError(save.error) && save.error.errors.length);
  return (
    <>
      {conflict && onReload ? (
        <div className="alert alert-warning" role="alert">
          <p>{t('errors.codes.version_conflict')}</p>
          <button type="button" className="button" onClick={onReload}>
            {t('common.reload')}
          </button>
        </div>
      ) : unnamed ? (
        <ErrorAlert error={save.error} />
      ) : null}
      {save.isSuccess && success ? (
        <p className="alert alert-success" role="status">
          {success}
        </p>
      ) : null}
      <FormButtons pending={save.isPending} submitLabel={submitLabel} onCancel={onCancel} />
    </>
  );
}

/** A form's submit, saying 保存中… while the save runs, and an optional cancel. */
export function FormButtons({ pending, submitLabel, onCancel }: { pending: boolean; submitLabel: string; onCancel?: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="button-row">
      <button type="submit" className="button" disabled={pending}>
        {pending ? t('common.saving') : submitLabel}
      </button>
      {onCancel ? (
        <button type="button" className="button button-secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      ) : null}
    </div>
  );
}

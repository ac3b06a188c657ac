import type { ReactNode } from 'react';
import type { UseFormRegisterReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { fieldMessage } from '../errors.ts';

type FieldErrorLike = { message?: string } | undefined;

/** `aria-describedby` for a control with an optional hint and error. */
export function describedBy(id: string, options: { hint?: boolean; error?: boolean; extra?: string }): string | undefined {
  const parts = [options.hint ? `${id}-hint` : null, options.error ? `${id}-error` : null, options.extra ?? null].filter(Boolean);
  return parts.length ? parts.join(' ') : undefined;
}

/** ARIA wiring for the control of a `Field` with the same id. */
export function controlProps(id: string, options: { hint?: ReactNode; error?: FieldErrorLike; extra?: string }) {
  return {
    id,
    'aria-invalid': options.error ? true : undefined,
    'aria-describedby': describedBy(id, { hint: Boolean(options.hint), error: Boolean(options.error), extra: options.extra }),
  } as const;
}

function Marker({ required }: { required?: boolean }) {
  const { t } = useTranslation();
  if (required === undefined) return null;
  return required ? <span className="required">{t('common.required')}</span> : <span className="optional">{t('common.optional')}</span>;
}

function ErrorText({ id, error }: { id: string; error: FieldErrorLike }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p className="field-error" id={`${id}-error`}>
      <span className="visually-hidden">{t('common.errorPrefix')}</span>
      {fieldMessage(error.message, t)}
    </p>
  );
}

/** What a field and a group of fields have alike: the id their hint and error hang on, and those. */
type FieldFrame = {
  id: string;
  required?: boolean;
  hint?: ReactNode;
  error?: FieldErrorLike;
  children: ReactNode;
  className?: string;
};

/** The hint (if any), the error (if any) and the control(s), in the order every field shows them. */
function FrameBody({ id, hint, error, children }: Pick<FieldFrame, 'id' | 'hint' | 'error' | 'children'>) {
  return (
    <>
      {hint ? (
        <div className="hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      <ErrorText id={id} error={error} />
      {children}
    </>
  );
}

/** Label, hint, error and control of one form field; the control gets `controlProps(id, …)`. */
export function Field({ id, label, required, hint, error, children, className }: FieldFrame & { label: ReactNode }) {
  return (
    <div className={['field', error ? 'field-invalid' : '', className ?? ''].filter(Boolean).join(' ')}>
      <label htmlFor={id}>
        {label} <Marker required={required} />
      </label>
      <FrameBody id={id} hint={hint} error={error}>
        {children}
      </FrameBody>
    </div>
  );
}

/** A group of radio buttons or checkboxes under one legend. */
export function FieldSet({ id, legend, required, hint, error, children, className }: FieldFrame & { legend: ReactNode }) {
  return (
    <fieldset
      className={['field', 'fieldset', error ? 'field-invalid' : '', className ?? ''].filter(Boolean).join(' ')}
      id={id}
      aria-describedby={describedBy(id, { hint: Boolean(hint), error: Boolean(error) })}
      tabIndex={-1}
    >
      <legend>
        {legend} <Marker required={required} />
      </legend>
      <FrameBody id={id} hint={hint} error={error}>
        {children}
      </FrameBody>
    </fieldset>
  );
}

/** The list of problems at the top of a form after a failed submit, each linking to its field. */
export function ErrorSummary({ items, title }: { items: { id?: string; message: string }[]; title?: string }) {
  const { t } = useTranslation();
  if (!items.length) return null;
  return (
    <div className="alert alert-error error-summary" role="alert">
      <h2>{title ?? t('common.errorSummary')}</h2>
      <ul>
        {items.map((item, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: messages may repeat; order is stable
          <li key={i}>{item.id ? <a href={`#${item.id}`}>{item.message}</a> : item.message}</li>
        ))}
      </ul>
    </div>
  );
}

/** A field whose control is one input of the form: its frame and words, and the form's `register(name, …)`. */
type RegisteredField = Omit<FieldFrame, 'children' | 'className'> & { label: ReactNode; registration: UseFormRegisterReturn };

/** A required fiscal year (年度) typed as a number. */
export function FiscalYearField({ registration, ...field }: Omit<RegisteredField, 'required'>) {
  return (
    <Field {...field} required>
      <input type="number" className="input-short" {...controlProps(field.id, field)} {...registration} />
    </Field>
  );
}

/** A text written out (a comment, a reason, a question) in a text area of `rows` lines. */
export function TextAreaField({ rows, registration, ...field }: RegisteredField & { rows: number }) {
  return (
    <Field {...field}>
      <textarea rows={rows} {...controlProps(field.id, field)} {...registration} />
    </Field>
  );
}

/** A date (due, expiry, planned release) as a short date input; `min`, when given, is the first date it offers. */
export function DateField({ min, registration, ...field }: RegisteredField & { min?: string }) {
  return (
    <Field {...field}>
      <input type="date" className="input-short" min={min} {...controlProps(field.id, field)} {...registration} />
    </Field>
  );
}

/** '' → null, anything else → number (NaN stays NaN so zod reports it). For optional numbers. */
export const nullableNumber = (value: unknown) => (value === '' || value === null || value === undefined ? null : Number(value));
/** '' → undefined, anything else → number. For required numbers. */
export const requiredNumber = (value: unknown) => (value === '' || value === null || value === undefined ? undefined : Number(value));
/** '' → undefined: an optional text left empty is not sent. */
export const optionalText = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** Server messages that name no field of the form, in the user's language. */
export function FormErrors({ messages }: { messages: string[] }) {
  const { t } = useTranslation();
  if (!messages.length) return null;
  return (
    <div className="alert alert-error" role="alert">
      <ul className="plain-list">
        {messages.map((message, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: messages may repeat
          <li key={i}>{fieldMessage(message, t)}</li>
        ))}
      </ul>
    </div>
  );
}

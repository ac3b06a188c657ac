import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { isApiError } from '../api.ts';

/**
 * Put the API's field errors (`errors[].path`, e.g. `budgetJpy` or `evidence.0.url`) on the form
 * fields they name. Returns the messages that match no field, for the form's own alert.
 */
export function applyServerErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fieldNames: readonly string[],
): { handled: boolean; unmatched: string[] } {
  if (!isApiError(error) || error.errors.length === 0) return { handled: false, unmatched: [] };
  const unmatched: string[] = [];
  let first = true;
  for (const { path, message } of error.errors) {
    const name = path.replace(/^body\./, '');
    const root = name.split('.')[0] ?? '';
    if (fieldNames.includes(name) || fieldNames.includes(root)) {
      setError(name as Path<T>, { type: 'server', message }, { shouldFocus: first });
      first = false;
    } else unmatched.push(message);
  }
  return { handled: true, unmatched };
}

/**
 * zod's own messages (wrong type, too short, bad format…) from the UI's catalogue (the `validation`
 * keys of i18n/ja.ts and en.ts), so every form words them the same way, in the reader's language,
 * with no type names or English leaking through. Loaded with zod's resolver when a form mounts
 * (`useSchemaForm` in components/form-parts.tsx), so it is in place before any check and stays out
 * of the first page load.
 */
import { z } from 'zod';
import { i18n } from '../i18n/index.ts';

type ErrorMap = NonNullable<Parameters<typeof z.config>[0]>['localeError'];
type Issue = Parameters<NonNullable<ErrorMap>>[0];

const t = (key: string, vars?: Record<string, unknown>): string =>
  String(i18n.t(`validation.${key}` as 'validation.invalid', vars as never));

const formatKeys: Record<string, string> = {
  email: 'email',
  url: 'url',
  date: 'date',
  datetime: 'date',
  regex: 'format',
};

/** The message of one zod issue, or undefined to keep a message the schema gave itself. */
export function validationMessage(issue: Issue): string {
  const input = (issue as { input?: unknown }).input;
  const isEmpty = input === undefined || input === null || input === '' || (typeof input === 'number' && Number.isNaN(input));
  switch (issue.code) {
    case 'invalid_type': {
      if (isEmpty) return t('required');
      const expected = (issue as { expected?: string }).expected;
      if (expected === 'int') return t('integer');
      if (expected === 'number' || expected === 'bigint') return t('number');
      if (expected === 'date') return t('date');
      return t('invalid');
    }
    case 'invalid_value':
      return t('option');
    case 'too_small': {
      const { origin, minimum, inclusive } = issue as unknown as { origin: string; minimum: number | bigint; inclusive?: boolean };
      const min = Number(minimum);
      if (origin === 'string') return min <= 1 ? t('required') : t('minLength', { min });
      if (origin === 'array' || origin === 'set') return t('minItems', { min });
      return inclusive === false ? t('greaterThan', { min }) : t('minNumber', { min });
    }
    case 'too_big': {
      const { origin, maximum, inclusive } = issue as unknown as { origin: string; maximum: number | bigint; inclusive?: boolean };
      const max = Number(maximum);
      if (origin === 'string') return t('maxLength', { max });
      if (origin === 'array' || origin === 'set') return t('maxItems', { max });
      // Limits such as 9,000,000,000,000,000 yen are there against nonsense, not as advice.
      if (max >= 1e12) return t('tooLarge');
      return inclusive === false ? t('lessThan', { max }) : t('maxNumber', { max });
    }
    case 'invalid_format': {
      const format = (issue as { format?: string }).format ?? '';
      return t(formatKeys[format] ?? 'format');
    }
    case 'not_multiple_of':
      return t('integer');
    case 'unrecognized_keys':
      return t('unknownField');
    default:
      return t('invalid');
  }
}

z.config({ localeError: validationMessage });

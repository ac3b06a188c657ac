/**
 * Plain-language text for API errors and field messages. The API words its messages in English
 * for developers; users read these instead, in the chosen language.
 */
import type { TFunction } from 'i18next';
import { ApiError, isApiError } from './api.ts';

const knownCodes = [
  'bad_request',
  'malformed_json',
  'validation_failed',
  'unauthenticated',
  'invalid_credentials',
  'csrf_rejected',
  'forbidden',
  'not_found',
  'version_conflict',
  'conflict',
  'precondition_failed',
  'payload_too_large',
  'unsupported_media_type',
  'gate_unmet',
  'reason_required',
  'invalid_transition',
  'rule_violation',
  'too_many_requests',
  'internal',
  'database_unavailable',
  'network_error',
  'offline',
  'network_timeout',
] as const;
type KnownCode = (typeof knownCodes)[number];
const isKnownCode = (code: string): code is KnownCode => (knownCodes as readonly string[]).includes(code);

/** One sentence for the user: what happened and, where it helps, what to do. */
export function describeError(error: unknown, t: TFunction): string {
  if (isApiError(error)) {
    if (isKnownCode(error.code)) return t(`errors.codes.${error.code}`);
    if (error.status === 403) return t('errors.codes.forbidden');
    if (error.status === 404) return t('errors.codes.not_found');
    if (error.status >= 500) return t('errors.codes.internal');
    return t('errors.generic');
  }
  if (error instanceof SyntaxError) return t('errors.codes.internal');
  return t('errors.generic');
}

/** English messages the API and the core schemas use, and how to say them to a user. */
const messagePatterns: { pattern: RegExp; key: string }[] = [
  { pattern: /^(is )?required$/i, key: 'required' },
  { pattern: /^choose one$/i, key: 'option' },
  { pattern: /expected (string|number|boolean), received (undefined|null|nan)/i, key: 'required' },
  { pattern: /expected number, received|is not a number/i, key: 'number' },
  { pattern: /must be an? http\(s\) URL/i, key: 'url' },
  { pattern: /must be an email/i, key: 'email' },
  { pattern: /must be a date/i, key: 'date' },
  { pattern: /must not be in the past/i, key: 'pastDate' },
  { pattern: /at least 10 characters/i, key: 'password' },
  { pattern: /法人番号/, key: 'corporateNumber' },
  { pattern: /a target value or a target text/i, key: 'target' },
  { pattern: /a value \(or, for a non-numeric target, achieved\) is required/i, key: 'measurementValue' },
  { pattern: /approval needs every item ok|judged ng cannot be approved/i, key: 'notAllOk' },
  { pattern: /returning needs a comment|required when returning/i, key: 'returnComment' },
  { pattern: /not applicable is not allowed|cannot be na/i, key: 'naNotAllowed' },
  { pattern: /^no result for/i, key: 'resultRequired' },
  { pattern: /comment is required|needs a comment|say why|misses the plan|comment.*behind/i, key: 'commentRequired' },
  { pattern: /baseline year must not be after/i, key: 'baselineYear' },
  { pattern: /bureau code/i, key: 'bureauCode' },
  { pattern: /no such bureau|unknown bureau/i, key: 'unknownBureau' },
  { pattern: /NUL characters/i, key: 'nul' },
  { pattern: /unknown field/i, key: 'unknownField' },
  { pattern: /too (big|large)|<=|at most|maximum/i, key: 'tooLarge' },
  { pattern: /too small|>=|at least|minimum/i, key: 'tooSmall' },
  { pattern: /expected int|integer/i, key: 'integer' },
  { pattern: /invalid option|expected one of/i, key: 'option' },
];

/** A field message in the user's language (zod's own messages are already localised). */
export function fieldMessage(message: string | undefined, t: TFunction): string {
  if (!message) return t('validation.invalid');
  for (const { pattern, key } of messagePatterns) if (pattern.test(message)) return t(`validation.${key as 'required'}`);
  // The catalogue's own messages (forms/zod-locale.ts) and Japanese server messages are shown as they are.
  if (/[぀-ヿ一-鿿]/.test(message) && t('lang') === 'ja') return message;
  // An English message no pattern knows stays out of the Japanese screen: it would be machine wording.
  if (t('lang') === 'ja') return t('validation.invalid');
  return t('validation.invalidWithDetail', { detail: message });
}

export { ApiError };

import { ZCreateProjectRequest } from '@core/projects/schemas.ts';
import { ZCreateReleaseRequest } from '@core/reviews/schemas.ts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldMessage } from '../errors.ts';
import { i18n } from '../i18n/index.ts';
import './zod-locale.ts';

const t = i18n.t.bind(i18n) as Parameters<typeof fieldMessage>[1];

const messages = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
};
const noMachineWording = /[A-Za-z]{3,}/;
/** Latin words the Japanese screen uses on purpose (the issue's list of codes). */
const allowedLatin = /https?:\/\/|URL|KPI|CSV|YYYY-MM-DD/g;

describe('validation messages in Japanese from the catalogue', () => {
  it('words limits, types and formats in plain Japanese', () => {
    expect(messages(z.number().min(0), -1)).toEqual(['0以上の値を入力してください']);
    expect(messages(z.number().max(8760), 9000)).toEqual(['8760以下の値を入力してください']);
    expect(messages(z.string().max(5), 'あいうえおか')).toEqual(['5文字以内で入力してください']);
    expect(messages(z.number().int(), 1.5)).toEqual(['整数を入力してください']);
    expect(messages(z.object({ a: z.string() }), 'x')).toEqual(['入力内容が正しくありません']);
    expect(messages(z.email(), 'not-mail')).toEqual(['メールアドレスの形式で入力してください']);
    expect(messages(z.enum(['A', 'B']), undefined)).toEqual(['選択肢から選んでください']);
  });

  it('leaves no English, type name or path in what a form of the book shows', () => {
    const all = [
      ...messages(ZCreateProjectRequest, { name: '', bureauCode: 1, fiscalYear: 'x', budgetJpy: -5, maxDowntimeHours: 99999 }),
      ...messages(ZCreateReleaseRequest, { plannedReleaseDate: '2026-13-45', evidence: [{ itemId: 'user_test', url: 'ftp://x' }] }),
    ];
    expect(all.length).toBeGreaterThan(3);
    // What a field shows: the message through errors.ts, as every form's Field and ErrorSummary do.
    for (const message of all) expect(fieldMessage(message, t).replace(allowedLatin, ''), message).not.toMatch(noMachineWording);
  });
});

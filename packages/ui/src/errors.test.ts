import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { describeError, fieldMessage } from './errors.ts';
import { i18n } from './i18n/index.ts';

const t = i18n.t.bind(i18n) as Parameters<typeof describeError>[1];

describe('describeError', () => {
  it('says each API error in plain Japanese, never the raw JSON', () => {
    expect(describeError(new ApiError(403, 'forbidden', 'You are not allowed to do this'), t)).toBe(
      'この操作を行う権限がありません。必要な場合は所属局の管理者にお問い合わせください。',
    );
    expect(describeError(new ApiError(409, 'version_conflict', 'x'), t)).toContain('他の人が先に更新しました');
    expect(describeError(new ApiError(0, 'network_error', 'x'), t)).toContain('サーバーに接続できません');
    expect(describeError(new ApiError(418, 'teapot', 'x'), t)).toBe('処理を完了できませんでした。時間をおいてもう一度お試しください。');
    expect(describeError(new ApiError(502, 'bad_gateway', 'x'), t)).toContain('サーバーで問題が発生しました');
  });
});

describe('fieldMessage', () => {
  it('translates the API’s and core’s English field messages', () => {
    expect(fieldMessage('is required', t)).toBe('入力してください');
    expect(fieldMessage('must be an http(s) URL', t)).toContain('https://');
    expect(fieldMessage('法人番号 must be 13 digits with a valid check digit', t)).toContain('13桁');
    expect(fieldMessage('the measurement misses the plan for this year: say why', t)).toContain('理由のコメント');
  });

  it('keeps Japanese messages and never shows an unknown English one on the Japanese screen', () => {
    expect(fieldMessage('1文字以上で入力してください', t)).toBe('1文字以上で入力してください');
    expect(fieldMessage('something odd', t)).toBe('入力内容が正しくありません');
  });
});

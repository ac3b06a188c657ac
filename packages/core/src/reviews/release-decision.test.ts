import { describe, expect, it } from 'vitest';
import type { TChecklistItem } from './release-checklist.ts';
import { releaseDecisionRefusal } from './release-decision.ts';

const item = (itemId: string, naAllowed = false): TChecklistItem => ({
  itemId,
  principle: 'p',
  label: `項目${itemId}`,
  labelEn: itemId,
  description: '',
  descriptionEn: '',
  naAllowed,
});
const checklist = [item('customer'), item('open', true), item('user_test')];
const none = new Set<string>();
const approve = (items: { itemId: string; result: 'ok' | 'ng' | 'na' }[]) => ({ decision: 'approved' as const, items });

describe('when a release judgement is refused', () => {
  it('approves when every item is ok, or na where the checklist allows it', () => {
    const items = [
      { itemId: 'customer', result: 'ok' as const },
      { itemId: 'open', result: 'na' as const },
      { itemId: 'user_test', result: 'ok' as const },
    ];
    expect(releaseDecisionRefusal(checklist, approve(items), none)).toBeNull();
  });

  it('refuses an approval with an ng, an na the item does not allow, or an item left out — all in one answer', () => {
    const refusal = releaseDecisionRefusal(
      checklist,
      approve([
        { itemId: 'customer', result: 'ng' },
        { itemId: 'user_test', result: 'na' },
      ]),
      none,
    );
    expect(refusal).toEqual({
      kind: 'not_all_met',
      problems: [
        { path: 'items.0.result', itemId: 'customer', message: 'an item judged ng cannot be approved' },
        { path: 'items.1.result', itemId: 'user_test', message: 'this item applies to every release: it cannot be na' },
        { path: 'items', itemId: 'open', message: 'no result for “項目open”' },
      ],
    });
  });

  it('counts an exempted item as met, whatever its result', () => {
    const items = [
      { itemId: 'customer', result: 'ok' as const },
      { itemId: 'open', result: 'ok' as const },
      { itemId: 'user_test', result: 'ng' as const },
    ];
    expect(releaseDecisionRefusal(checklist, approve(items), new Set(['user_test']))).toBeNull();
    expect(releaseDecisionRefusal(checklist, approve(items.slice(0, 2)), new Set(['user_test']))).toBeNull();
  });

  it('refuses a list that is not the checklist before judging it', () => {
    const refusal = releaseDecisionRefusal(
      checklist,
      approve([
        { itemId: 'customer', result: 'ok' },
        { itemId: 'customer', result: 'ok' },
        { itemId: 'nosuch', result: 'ok' },
      ]),
      none,
    );
    expect(refusal).toEqual({
      kind: 'malformed',
      problems: [
        { path: 'items.1.itemId', message: 'listed twice' },
        { path: 'items.2.itemId', message: 'not an item of this request’s checklist' },
      ],
    });
  });

  it('returns a request only with a reason, whatever its items say', () => {
    expect(releaseDecisionRefusal(checklist, { decision: 'returned', items: [], comment: '  ' }, none)).toMatchObject({
      kind: 'comment_required',
      problems: [{ path: 'comment' }],
    });
    expect(
      releaseDecisionRefusal(checklist, { decision: 'returned', items: [{ itemId: 'customer', result: 'ng' }], comment: '要修正' }, none),
    ).toBeNull();
  });
});

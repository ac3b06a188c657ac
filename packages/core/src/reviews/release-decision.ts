/**
 * When a release judgement is refused (DESIGN §2.3), before anything is written: the items must be
 * the request's checklist, each once; a return needs a reason; an approval needs every item judged ok,
 * or na where the checklist allows it. An item the project is exempted from (an approved, unexpired
 * exemption) counts as met whatever its result. Pure: the API maps the answer to its problems.
 */
import type { TChecklistItem } from './release-checklist.ts';
import type { TReleaseDecisionRequest } from './schemas.ts';

export type TDecisionProblem = { path: string; message: string; itemId?: string };

/**
 * `malformed`: the list is not the checklist (a client error); `refused`: the rules refuse the
 * judgement; null: it may be recorded.
 */
export type TReleaseDecisionRefusal =
  | { kind: 'malformed'; problems: TDecisionProblem[] }
  | { kind: 'comment_required'; problems: TDecisionProblem[] }
  | { kind: 'not_all_met'; problems: (TDecisionProblem & { itemId: string })[] };

export function releaseDecisionRefusal(
  checklist: readonly TChecklistItem[],
  input: TReleaseDecisionRequest,
  exempt: ReadonlySet<string>,
): TReleaseDecisionRefusal | null {
  const byId = new Map(checklist.map((item) => [item.itemId, item]));
  const seen = new Set<string>();
  const malformed: TDecisionProblem[] = [];
  input.items.forEach((item, i) => {
    if (!byId.has(item.itemId)) malformed.push({ path: `items.${i}.itemId`, message: 'not an item of this request’s checklist' });
    else if (seen.has(item.itemId)) malformed.push({ path: `items.${i}.itemId`, message: 'listed twice' });
    seen.add(item.itemId);
  });
  if (malformed.length) return { kind: 'malformed', problems: malformed };

  if (input.decision === 'returned') {
    if (input.comment?.trim()) return null;
    return { kind: 'comment_required', problems: [{ path: 'comment', message: 'is required when returning a release request' }] };
  }
  const refused: (TDecisionProblem & { itemId: string })[] = [];
  input.items.forEach((item, i) => {
    const spec = byId.get(item.itemId)!;
    if (exempt.has(item.itemId)) return;
    if (item.result === 'ng')
      refused.push({ path: `items.${i}.result`, itemId: item.itemId, message: 'an item judged ng cannot be approved' });
    if (item.result === 'na' && !spec.naAllowed) {
      refused.push({ path: `items.${i}.result`, itemId: item.itemId, message: 'this item applies to every release: it cannot be na' });
    }
  });
  for (const item of checklist) {
    if (!seen.has(item.itemId) && !exempt.has(item.itemId))
      refused.push({ path: 'items', itemId: item.itemId, message: `no result for “${item.label}”` });
  }
  return refused.length ? { kind: 'not_all_met', problems: refused } : null;
}

/**
 * The release judgement's form schema, a module of its own so the judgement page draws without zod
 * (the form loads it when it mounts: `useSchemaForm` in components/form-parts.tsx).
 */
import { ZReleaseItemResult } from '@core/reviews/schemas.ts';
import { z } from 'zod';
import type { TReleaseRequestDetail as TReleaseRequest } from '../types.ts';

export type DecisionFormOutput = z.output<typeof ZDecisionForm>;

/** Matched by errors.ts; the reviewer reads them in their language. */
export const decisionMessages = {
  notAllOk: 'approval needs every item ok (or na where allowed)',
  commentRequired: 'returning needs a comment',
  resultRequired: 'no result for the item: choose one',
};

/**
 * The judgement as the form holds it: a result may still be unchosen. Every rule is checked in one
 * refinement, so one press shows every problem at once (a refinement after a failed base schema would
 * not run, and the comment a return needs would only surface on a second try).
 */
const ZDecisionForm = z.object({
  decision: z.enum(['approved', 'returned']),
  comment: z.string().optional(),
  items: z.array(z.object({ itemId: z.string(), result: ZReleaseItemResult.nullish(), note: z.string().optional() })),
});

/**
 * The judgement rules the API enforces: approving needs every item ok (or not applicable where the
 * item allows it), except items the project is exempted from (免除); returning needs a comment, and
 * the results chosen so far go with it.
 */
export function decisionSchema(request: Pick<TReleaseRequest, 'checklist'> & Partial<Pick<TReleaseRequest, 'exemptions'>>) {
  const exempt = new Set((request.exemptions ?? []).map((e) => e.itemId));
  return ZDecisionForm.superRefine((value, ctx) => {
    value.items.forEach((item, i) => {
      if (exempt.has(item.itemId)) return;
      const def = request.checklist.find((c) => c.itemId === item.itemId);
      if (item.result === 'na' && def && !def.naAllowed) {
        ctx.addIssue({ code: 'custom', path: ['items', i, 'result'], message: 'not applicable is not allowed for this item' });
      }
      if (value.decision === 'approved' && item.result === 'ng') {
        ctx.addIssue({ code: 'custom', path: ['items', i, 'result'], message: decisionMessages.notAllOk });
      }
      if (value.decision === 'approved' && !item.result) {
        ctx.addIssue({ code: 'custom', path: ['items', i, 'result'], message: decisionMessages.resultRequired });
      }
    });
    if (value.decision === 'returned' && !value.comment?.trim()) {
      ctx.addIssue({ code: 'custom', path: ['comment'], message: decisionMessages.commentRequired });
    }
  });
}

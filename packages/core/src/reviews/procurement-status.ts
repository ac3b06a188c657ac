import type { TProcurementStatus } from './schemas.ts';

/**
 * Procurement status only moves forward (steps may be skipped: a negotiated contract goes from
 * planned straight to contracted); cancelled is reachable from every status that is not final.
 */
const statusOrder: readonly TProcurementStatus[] = ['planned', 'spec_published', 'awarded', 'contracted', 'completed'];
const finalStatuses: ReadonlySet<TProcurementStatus> = new Set(['completed', 'cancelled']);

export function canMoveProcurementStatus(from: TProcurementStatus, to: TProcurementStatus): boolean {
  if (from === to) return true;
  if (finalStatuses.has(from)) return false;
  if (to === 'cancelled') return true;
  const fromIndex = statusOrder.indexOf(from);
  const toIndex = statusOrder.indexOf(to);
  return fromIndex >= 0 && toIndex > fromIndex;
}

/** The statuses a procurement in `from` may move to, in order. */
export const procurementMovesFrom = (from: TProcurementStatus): TProcurementStatus[] =>
  [...statusOrder, 'cancelled' as const].filter((s) => s !== from && canMoveProcurementStatus(from, s));

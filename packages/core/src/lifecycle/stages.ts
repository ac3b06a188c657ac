/**
 * The stage moves that need no rules: the order of the stages, the next stage, the direction of a move
 * and the moves a person is offered. Pure and free of the rules engine, so the UI imports it too.
 */
import type { TStage } from '../registry/domain-lists.ts';
import { stageList } from '../registry/lists.ts';

export const stageOrder: readonly TStage[] = stageList.keys;
export type TTransitionDirectionName = 'forward' | 'backward' | 'retire';

/**
 * The stage a project normally moves on to. Operation has none: leaving it means retiring, which
 * needs a reason rather than gates; its gates are the yearly duties of a running service.
 */
export function nextStageOf(stage: TStage): TStage | null {
  if (stage === 'operation' || stage === 'retired') return null;
  return stageOrder[stageOrder.indexOf(stage) + 1] ?? null;
}

export function directionOf(from: TStage, to: TStage): TTransitionDirectionName {
  if (to === 'retired') return 'retire';
  return stageOrder.indexOf(to) < stageOrder.indexOf(from) ? 'backward' : 'forward';
}

/**
 * The moves a person is offered from a stage: the next stage (never a skip past one), any earlier
 * stage (back, with a reason), or retirement (with a reason).
 */
export function offeredStages(from: TStage, nextStage: TStage | null = nextStageOf(from)): TStage[] {
  const at = stageOrder.indexOf(from);
  const next = nextStage ?? stageOrder.filter((s) => s !== 'retired')[at + 1] ?? null;
  const back = stageOrder.slice(0, at).filter((s) => s !== 'retired');
  return [...(next && next !== 'retired' ? [next] : []), ...back.reverse(), ...(from !== 'retired' ? (['retired'] as TStage[]) : [])];
}

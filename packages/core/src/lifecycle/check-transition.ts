import { z } from 'zod';
import { stageRegistry, type TGateFact } from '../registry/domain-lists.ts';
import { compileRules, type LoadedRuleset } from '../rules/engine.ts';
import type { TStage } from '../rules/schemas.ts';

export const stages: readonly TStage[] = stageRegistry.keys;

/** What the gates look at. The API gathers these from the database; the rules decide what they must be. */
export type TProjectFacts = {
  stage: TStage;
  canvasWritten: boolean;
  kpiWithTargetCount: number;
  requirementsDefinitionCount: number;
  procurementSpecCount: number;
  approvedReleaseCount: number;
  kpisUnmeasuredThisYearCount: number;
  hasYearlyDecision: boolean;
  /** Blocking follow-up actions not yet verified (supervision). */
  openBlockingActionCount: number;
  /** Gates waived by an approved, unexpired exemption: they count as met, and say why. */
  exemptGates?: TGateExemption[];
};

// The facts gathered are exactly the registered gate facts: adding one to either side without the other fails to compile.
const _gateFactsMatchRegistry: [keyof Omit<TProjectFacts, 'exemptGates'>] extends [TGateFact]
  ? [TGateFact] extends [keyof Omit<TProjectFacts, 'exemptGates'>]
    ? true
    : never
  : never = true;
void _gateFactsMatchRegistry;

export type TGateExemption = { gate: string; reason: string; expiresOn: string };

export type TGateStatus = {
  gate: string;
  stage: TStage;
  label: string;
  labelEn: string;
  met: boolean;
  message: string;
  messageEn: string;
  /** Set when the gate counts as met only because it is exempted (免除). */
  exemption: { reason: string; expiresOn: string } | null;
};
export type TUnmetGate = { gate: string; message: string; messageEn: string };

/** How a stage move went: past the gates, back with a reason, or to retirement with a reason. */
export const ZTransitionDirection = z.enum(['forward', 'backward', 'retire']);
export type TTransitionDirection = z.infer<typeof ZTransitionDirection>;

export type TTransitionDecision =
  | { allowed: true; direction: TTransitionDirection }
  | { allowed: false; code: 'gate_unmet'; unmet: TUnmetGate[] }
  | { allowed: false; code: 'reason_required' | 'invalid_transition'; message: string };

export type Lifecycle = {
  /** Every gate of `stage` with whether it is met: the checklist shown before leaving that stage. */
  gatesOf(stage: TStage, facts: TProjectFacts): Promise<TGateStatus[]>;
  /** Allowed, or why not: every unmet gate, not just the first. */
  checkTransition(facts: TProjectFacts, to: TStage, reason?: string | null): Promise<TTransitionDecision>;
};

export function createLifecycle(ruleset: LoadedRuleset<'lifecycle-gates'>): Lifecycle {
  const { gates } = ruleset.content;
  const compiled = compileRules(gates.map((g) => ({ id: g.id, conditions: g.conditions })));
  const order = (stage: TStage) => stages.indexOf(stage);

  async function gatesOf(stage: TStage, facts: TProjectFacts): Promise<TGateStatus[]> {
    const { exemptGates = [], ...engineFacts } = facts;
    const outcome = await compiled.evaluate(engineFacts);
    return gates
      .filter((g) => g.stage === stage)
      .map((g) => {
        const isMet = outcome.get(g.id) === true;
        const exemption = isMet ? undefined : exemptGates.find((e) => e.gate === g.id);
        return {
          gate: g.id,
          stage: g.stage,
          label: g.label.ja,
          labelEn: g.label.en,
          met: isMet || exemption !== undefined,
          message: g.message.ja,
          messageEn: g.message.en,
          exemption: exemption ? { reason: exemption.reason, expiresOn: exemption.expiresOn } : null,
        };
      });
  }

  return {
    gatesOf,
    async checkTransition(facts, to, reason) {
      const from = facts.stage;
      const hasReason = typeof reason === 'string' && reason.trim().length > 0;
      if (from === 'retired') {
        return { allowed: false, code: 'invalid_transition', message: '廃止したプロジェクトの段階は変更できません' };
      }
      if (from === to) return { allowed: false, code: 'invalid_transition', message: `既に「${to}」の段階です` };
      if (to === 'retired') {
        return hasReason
          ? { allowed: true, direction: 'retire' }
          : { allowed: false, code: 'reason_required', message: '廃止には理由が必要です' };
      }
      if (order(to) < order(from)) {
        return hasReason
          ? { allowed: true, direction: 'backward' }
          : { allowed: false, code: 'reason_required', message: '前の段階に戻すには理由が必要です' };
      }
      // Skipping ahead passes every stage in between, so their gates apply too.
      const passed = stages.slice(order(from), order(to));
      const statuses = (await Promise.all(passed.map((stage) => gatesOf(stage, facts)))).flat();
      const unmet = statuses.filter((s) => !s.met).map((s) => ({ gate: s.gate, message: s.message, messageEn: s.messageEn }));
      return unmet.length ? { allowed: false, code: 'gate_unmet', unmet } : { allowed: true, direction: 'forward' };
    },
  };
}

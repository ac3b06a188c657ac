import { describe, expect, it } from 'vitest';
import lifecycleGates from '../../../../rules/lifecycle-gates.json' with { type: 'json' };
import oversightTier from '../../../../rules/oversight-tier.json' with { type: 'json' };
import techReviewExtraction from '../../../../rules/tech-review-extraction.json' with { type: 'json' };
import { canvasFieldRegistry } from '../canvas/schemas.ts';
import { ZOversightEvaluation } from '../projects/responses.ts';
import { ZCreateProjectRequest, ZProjectOversightInputs } from '../projects/schemas.ts';
import { parseRuleset, RulesetError } from '../rules/engine.ts';
import { defineRegistry } from './define-registry.ts';
import {
  documentKindRegistry,
  expenseCategoryRegistry,
  gateFactRegistry,
  oversightFactorRegistry,
  registrationTriggerRegistry,
  roleRegistry,
  stageRegistry,
} from './domain-lists.ts';

const registries = {
  role: roleRegistry,
  stage: stageRegistry,
  gateFact: gateFactRegistry,
  documentKind: documentKindRegistry,
  registrationTrigger: registrationTriggerRegistry,
  expenseCategory: expenseCategoryRegistry,
  oversightFactor: oversightFactorRegistry,
  canvasField: canvasFieldRegistry,
};

const clone = <T>(value: T): T => structuredClone(value);

describe('registries', () => {
  it.each(Object.entries(registries))('%s: the zod enum and the labels hold exactly the keys', (_, registry) => {
    expect(registry.schema.options).toEqual([...registry.keys]);
    expect(Object.keys(registry.labels)).toEqual([...registry.keys]);
    for (const key of registry.keys) {
      expect(registry.schema.safeParse(key).success).toBe(true);
      expect(registry.label(key as never, 'ja').length).toBeGreaterThan(0);
      expect(registry.label(key as never, 'en').length).toBeGreaterThan(0);
    }
    expect(registry.schema.safeParse('no_such_key').success).toBe(false);
  });

  it('refuses a registry with a key listed twice or a missing label', () => {
    expect(() =>
      defineRegistry('demo', [
        { key: 'a', ja: 'あ', en: 'A' },
        { key: 'a', ja: 'い', en: 'B' },
      ]),
    ).toThrow(/listed twice/);
    expect(() => defineRegistry('demo', [{ key: 'a', ja: ' ', en: 'A' }])).toThrow(/Japanese and an English label/);
  });

  it('derives the oversight inputs of a project request from the factor registry', () => {
    const inputs = oversightFactorRegistry.entries.map((f) => f.input);
    expect(Object.keys(ZProjectOversightInputs.shape)).toEqual(inputs);
    expect(Object.keys(ZCreateProjectRequest.shape)).toEqual(expect.arrayContaining(inputs));
    const evaluationFactor = ZOversightEvaluation.shape.factors.element.shape;
    expect(evaluationFactor.factor.options).toEqual([...oversightFactorRegistry.keys]);
    expect(evaluationFactor.input.options).toEqual(inputs);
  });

  it('names a gate fact for every document kind a gate counts', () => {
    for (const kind of documentKindRegistry.entries) {
      if (kind.countFact) expect(gateFactRegistry.has(kind.countFact)).toBe(true);
    }
  });
});

describe('loading rules against the registries', () => {
  it('refuses a gate naming an unknown fact, with its path and the known facts', () => {
    const rules = clone(lifecycleGates);
    (rules.gates[1]!.conditions.all[0] as { fact: string }).fact = 'kpiWithTargetCuont';
    let error: unknown;
    try {
      parseRuleset('lifecycle-gates', 'rules/lifecycle-gates.json', rules);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RulesetError);
    expect((error as RulesetError).problems).toEqual([
      {
        path: '$.gates[1].conditions.all[0].fact',
        message: expect.stringMatching(/unknown fact "kpiWithTargetCuont".*kpiWithTargetCount/),
      },
    ]);
  });

  it('refuses an extraction rule naming an unknown fact, however deep', () => {
    const rules = clone(techReviewExtraction) as { conditions: unknown };
    rules.conditions = { any: [{ not: { fact: 'isNwe', operator: 'equal', value: true } }] };
    expect(() => parseRuleset('tech-review-extraction', 'x.json', rules)).toThrow(
      /\$\.conditions\.any\[0\]\.not\.fact: unknown fact "isNwe"/,
    );
  });

  it('loads the repository rules, every fact of which is registered', () => {
    expect(() => parseRuleset('lifecycle-gates', 'l.json', lifecycleGates)).not.toThrow();
    expect(() => parseRuleset('tech-review-extraction', 't.json', techReviewExtraction)).not.toThrow();
  });

  it('refuses an oversight factor reading another factor’s input', () => {
    const rules = clone(oversightTier);
    const budget = rules.factors.find((f) => f.factor === 'budget')!;
    budget.input = 'maxDowntimeHours';
    expect(() => parseRuleset('oversight-tier', 'o.json', rules)).toThrow(/factor budget reads budgetJpy/);
  });

  it('refuses an oversight ruleset that leaves out a registered factor', () => {
    const rules = clone(oversightTier);
    rules.factors = rules.factors.filter((f) => f.factor !== 'downtime');
    expect(() => parseRuleset('oversight-tier', 'o.json', rules)).toThrow(RulesetError);
  });
});

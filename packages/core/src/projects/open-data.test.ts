import { describe, expect, it } from 'vitest';
import { confidentialityRegistry, oversightFactorRegistry } from '../registry/domain-lists.ts';
import { internalProjectFields, isBudgetWithheld, isInternalProjectField, openDataDescription } from './open-data.ts';

describe('what open data may publish', () => {
  it('keeps every oversight input the factor registry marks internal, and publishes the others', () => {
    for (const factor of oversightFactorRegistry.entries) expect(isInternalProjectField(factor.input), factor.key).toBe(!factor.isPublic);
    expect(internalProjectFields).toEqual(expect.arrayContaining(['id', 'reviewerRole', 'tierLowerBound', 'oversight', 'updatedBy']));
    expect(isInternalProjectField('name')).toBe(false);
    expect(isInternalProjectField('budgetJpy')).toBe(false);
  });

  it('withholds the budget of confidentiality A projects only', () => {
    expect(confidentialityRegistry.keys.filter((grade) => isBudgetWithheld({ confidentiality: grade }))).toEqual(['A']);
    expect(isBudgetWithheld({ confidentiality: null })).toBe(false);
    expect(openDataDescription.budgetPolicy).toMatch(/confidentiality is A$/);
  });

  it('describes what it leaves out without the search columns nobody downloads', () => {
    expect(openDataDescription.excludedFields).not.toContain('searchText');
    expect(openDataDescription.excludedFields).toContain('confidentiality');
  });
});

import { permissionRegistry, rolesAllowed } from '@core/auth/permissions.ts';
import { oversightFactorRegistry, roleRegistry, type TRole } from '@core/registry/domain-lists.ts';
import { describe, expect, it } from 'vitest';
import { canImport, canManageTokens, canRegisterProjects, canSeeBudgetReview, canWriteProject } from './auth.ts';
import { en } from './i18n/en.ts';
import { ja } from './i18n/ja.ts';

const person = (role: TRole, bureauCodes: string[] = []) => ({ role, bureauCodes });

describe('what the UI shows, from the permission table', () => {
  it('shows the import screen to bureau leads, whom the API lets import', () => {
    expect(canImport(person('bureau_lead', ['IND']))).toBe(true);
    expect(canImport(person('cio_advisor', ['IND']))).toBe(false);
  });

  it.each(roleRegistry.keys)('%s: every menu decision agrees with the table the API enforces', (role) => {
    const who = person(role, ['IND']);
    expect(canImport(who)).toBe(rolesAllowed('expense.import').includes(role));
    expect(canRegisterProjects(who)).toBe(rolesAllowed('project.create').includes(role));
    expect(canSeeBudgetReview(who)).toBe(rolesAllowed('budgetReview.read').includes(role));
    expect(canManageTokens(who)).toBe(rolesAllowed('apiToken.manage').includes(role));
    expect(canWriteProject(who, 'IND')).toBe(rolesAllowed('project.write').includes(role));
  });

  it('names every action of the table in Japanese and English', () => {
    for (const action of permissionRegistry.entries) expect(action.ja && action.en).toBeTruthy();
  });
});

describe('labels for every registry entry', () => {
  it('has a form label for every oversight factor’s input, in both languages', () => {
    for (const { input } of oversightFactorRegistry.entries) {
      expect(ja.register[input], input).toBeTruthy();
      expect(en.register[input], input).toBeTruthy();
    }
  });
});

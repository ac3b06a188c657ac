import { describe, expect, it } from 'vitest';
import { roleRegistry, type TRole } from '../registry/domain-lists.ts';
import { bureausAllowed, isAllowed, permissionRegistry, permissionScope, rolesAllowed } from './permissions.ts';

const fitsRole = { own: ['own_bureau', 'any'], assigned: ['assigned_bureaus', 'any'], none: ['any'] } as const;

describe('the permission table', () => {
  it.each(permissionRegistry.keys)('%s: each grant fits how the role relates to bureaus', (action) => {
    for (const role of roleRegistry.entries) {
      const scope = permissionScope(role.key, action);
      if (scope !== null) expect(fitsRole[role.bureauScope]).toContain(scope);
    }
    expect(rolesAllowed(action).length).toBeGreaterThan(0);
  });

  it('lets bureau staff write their own bureau’s projects only, and admins any', () => {
    const staff = { role: 'staff' as TRole, bureauCodes: ['IND'] };
    expect(isAllowed(staff, 'project.write', 'IND')).toBe(true);
    expect(isAllowed(staff, 'project.write', 'WEL')).toBe(false);
    expect(isAllowed({ role: 'admin', bureauCodes: [] }, 'project.write', 'WEL')).toBe(true);
    expect(isAllowed({ role: 'cio_advisor', bureauCodes: ['IND'] }, 'project.write', 'IND')).toBe(false);
  });

  it('lets bureau leads import their bureau’s expense lines (the screen the UI once hid from them)', () => {
    const lead = { role: 'bureau_lead' as TRole, bureauCodes: ['IND'] };
    expect(isAllowed(lead, 'expense.import')).toBe(true);
    expect(bureausAllowed(lead, 'expense.import')).toEqual(['IND']);
    expect(bureausAllowed({ role: 'admin', bureauCodes: [] }, 'expense.import')).toBe('all');
    expect(bureausAllowed({ role: 'budget_office', bureauCodes: [] }, 'expense.import')).toEqual([]);
  });

  it('gives a bureau-bound role without a bureau nothing to act on', () => {
    expect(isAllowed({ role: 'staff', bureauCodes: [] }, 'project.create')).toBe(false);
  });
});

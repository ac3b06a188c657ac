import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultGroupMapping, loadGroupMapping, mapClaimsToAccess, parseGroupMapping } from './oidc-mapping.ts';

describe('group mapping', () => {
  it('reads psbook:<role>:<BUREAUS> groups by default, highest role first, with that role’s bureaus only', () => {
    const claims = { groups: ['psbook:staff:WEL', 'psbook:cio_advisor:IND, HLT', 'psbook:cio_advisor:WEL', 'other'] };
    expect(mapClaimsToAccess(claims, defaultGroupMapping)).toEqual({
      role: 'cio_advisor',
      bureauCodes: ['HLT', 'IND', 'WEL'],
      groups: ['psbook:cio_advisor:IND, HLT', 'psbook:cio_advisor:WEL'],
    });
    expect(mapClaimsToAccess({ groups: 'psbook:chief_cio_advisor' }, defaultGroupMapping)).toMatchObject({
      role: 'chief_cio_advisor',
      bureauCodes: [],
    });
  });

  it('gives no role for no groups, unknown roles, or a claim of the wrong type', () => {
    expect(mapClaimsToAccess({}, defaultGroupMapping)).toBeNull();
    expect(mapClaimsToAccess({ groups: ['psbook:root', 'psbook:', 'PSBOOK:admin', 'x-psbook:admin'] }, defaultGroupMapping)).toBeNull();
    expect(mapClaimsToAccess({ groups: { admin: true } }, defaultGroupMapping)).toBeNull();
  });

  it('maps the organisation’s own group ids from a file, and ignores psbook: values unless the file accepts them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'psbook-map-'));
    const file = join(dir, 'groups.json');
    writeFileSync(
      file,
      JSON.stringify({
        claim: 'roles_and_groups',
        groups: {
          '6f1c2a7e-0000-4000-8000-000000000001': { role: 'cio_advisor', bureaus: ['IND'] },
          'PSBook 財務局': { role: 'budget_office', bureaus: ['FIN'] },
        },
      }),
    );
    const mapping = loadGroupMapping(file);
    expect(mapClaimsToAccess({ roles_and_groups: ['6f1c2a7e-0000-4000-8000-000000000001'] }, mapping)).toMatchObject({
      role: 'cio_advisor',
      bureauCodes: ['IND'],
    });
    expect(mapClaimsToAccess({ roles_and_groups: ['PSBook 財務局'] }, mapping)).toMatchObject({ role: 'budget_office' });
    expect(mapClaimsToAccess({ roles_and_groups: ['psbook:admin'] }, mapping)).toBeNull();
    expect(mapClaimsToAccess({ groups: ['6f1c2a7e-0000-4000-8000-000000000001'] }, mapping)).toBeNull();
    const both = parseGroupMapping({ acceptPsbookGroups: true, groups: {} }, 'test');
    expect(mapClaimsToAccess({ groups: ['psbook:admin'] }, both)).toMatchObject({ role: 'admin' });
  });

  it('refuses a mapping file with an unknown role, a bad bureau code or an unknown field, naming the place', () => {
    expect(() => parseGroupMapping({ groups: { g: { role: 'root' } } }, 'map.json')).toThrow(/map.json.*groups\.g\.role/);
    expect(() => parseGroupMapping({ groups: { g: { role: 'staff', bureaus: ['ind'] } } }, 'map.json')).toThrow(/bureaus/);
    expect(() => parseGroupMapping({ group: {} }, 'map.json')).toThrow(/map.json/);
    expect(() => loadGroupMapping('/nonexistent/map.json')).toThrow(/PSBOOK_OIDC_GROUP_MAP/);
  });
});

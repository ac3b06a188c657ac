import { describe, expect, it } from 'vitest';
import { roleRegistry, type TRole } from '../registry/domain-lists.ts';
import { ZReviewerRole } from '../rules/schemas.ts';
import { decisionRefusal, reviewerReachOf, type TDecider, tierDecreaseRefusal } from './decision-refusal.ts';

const person = (role: TRole, bureauCodes: string[] = [], id = `${role}-1`): TDecider => ({ id, role, bureauCodes, via: 'session' });
const ind = { bureauCode: 'IND' };
const request = (tier: number | null, reviewerRole: string | null, requestedBy = 'staff-1') => ({ tier, reviewerRole, requestedBy });

describe('who may decide', () => {
  it('lets the designated reviewer of the bureau judge a release request', () => {
    expect(decisionRefusal(person('bureau_lead', ['IND']), ind, request(1, 'bureau_lead'))).toBeNull();
    expect(decisionRefusal(person('cio_advisor', ['FIN', 'IND']), ind, request(2, 'cio_advisor'))).toBeNull();
    // The chief CIO advisor acts for every bureau, with no bureau of their own.
    expect(decisionRefusal(person('chief_cio_advisor'), ind, request(3, 'chief_cio_advisor'))).toBeNull();
  });

  it('refuses a reviewer of another bureau, naming who decides', () => {
    expect(decisionRefusal(person('bureau_lead', ['FIN']), ind, request(1, 'bureau_lead'))).toBe(
      'A tier-1 release request is judged only by the Bureau lead of bureau IND',
    );
    expect(decisionRefusal(person('cio_advisor', ['IND']), ind, request(3, 'chief_cio_advisor'), 'consultation')).toBe(
      'A tier-3 consultation is judged only by the Chief CIO advisor',
    );
  });

  it('never lets the applicant judge their own request, even as its designated reviewer', () => {
    const lead = person('bureau_lead', ['IND']);
    expect(decisionRefusal(lead, ind, request(1, 'bureau_lead', lead.id))).toBe('The applicant cannot judge their own release request');
    expect(tierDecreaseRefusal(lead, { fromTier: 1, fromReviewerRole: 'bureau_lead', requestedBy: lead.id, bureauCode: 'IND' })).toBe(
      'The person who lowered the inputs cannot agree to their own tier decrease',
    );
  });

  it('refuses every decision while the tier is not set', () => {
    expect(decisionRefusal(person('chief_cio_advisor'), ind, request(null, null))).toMatch(/tier is not set/);
  });

  it('lets no machine token decide, whatever its owner’s role', () => {
    const token: TDecider = { ...person('chief_cio_advisor'), via: 'api_token' };
    expect(reviewerReachOf(token)).toBeNull();
    expect(decisionRefusal(token, ind, request(3, 'chief_cio_advisor'))).not.toBeNull();
  });

  it.each(roleRegistry.keys)('%s: reviews only if a tier designates the role, for the bureaus its registry scope gives', (role) => {
    const reach = reviewerReachOf(person(role, ['IND']));
    if (!ZReviewerRole.safeParse(role).success) {
      expect(reach).toBeNull();
      return;
    }
    const scope = roleRegistry.get(role).bureauScope;
    expect(reach).toEqual({ reviewerRole: role, bureauCodes: scope === 'none' ? 'all' : ['IND'] });
    // Nobody else's role, and a bureau outside the reach, is refused.
    const elsewhere = decisionRefusal(person(role, ['IND']), { bureauCode: 'FIN' }, request(2, role));
    expect(elsewhere === null).toBe(scope === 'none');
  });

  it('lets only the reviewer of the tier in force agree to a tier decrease', () => {
    const decrease = { fromTier: 2, fromReviewerRole: 'cio_advisor', requestedBy: 'staff-1', bureauCode: 'IND' };
    expect(tierDecreaseRefusal(person('cio_advisor', ['IND']), decrease)).toBeNull();
    expect(tierDecreaseRefusal(person('bureau_lead', ['IND']), decrease)).toBe(
      'A decrease from tier 2 is agreed only by the CIO advisor of bureau IND',
    );
    expect(tierDecreaseRefusal(person('admin'), decrease)).not.toBeNull();
  });
});

import { readFileSync } from 'node:fs';
import { type TRole, ZRole } from '@psbook/core';
import { z } from 'zod';

/**
 * From the OpenID Provider's claims to a PS Book role and bureaus (issue 17, decision 0010).
 *
 * Default: the `groups` claim holds values `psbook:<role>` or `psbook:<role>:<BUREAU>[,<BUREAU>…]`.
 * A mapping file (PSBOOK_OIDC_GROUP_MAP) maps the organisation's own group names or ids instead,
 * which is what Entra ID sends (group object ids). A user in groups of several roles gets the
 * highest of them (`rolePrecedence`), with the bureaus of every group that grants that role.
 * Claims that map to nothing give no role at all: there is no default role.
 */
export const ZGroupMapFile = z
  .object({
    claim: z.string().min(1).default('groups').describe('the claim that lists the groups'),
    acceptPsbookGroups: z.boolean().default(false).describe('also honour psbook:<role>[:<BUREAUS>] values'),
    groups: z.record(
      z.string().min(1),
      z.object({ role: ZRole, bureaus: z.array(z.string().regex(/^[A-Z0-9_]{2,10}$/)).default([]) }).strict(),
    ),
  })
  .strict();

export type GroupMapping = {
  claim: string;
  acceptPsbookGroups: boolean;
  groups: Map<string, { role: TRole; bureaus: string[] }>;
};

/** Highest first: a member of an admin group and a staff group is an admin. */
export const rolePrecedence: readonly TRole[] = [
  'admin',
  'chief_cio_advisor',
  'cio_advisor',
  'govtech',
  'budget_office',
  'bureau_lead',
  'staff',
];

export const defaultGroupMapping: GroupMapping = { claim: 'groups', acceptPsbookGroups: true, groups: new Map() };

export function parseGroupMapping(json: unknown, source: string): GroupMapping {
  const parsed = ZGroupMapFile.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
    throw new Error(`${source} is not a valid group mapping: ${issues}`);
  }
  return {
    claim: parsed.data.claim,
    acceptPsbookGroups: parsed.data.acceptPsbookGroups,
    groups: new Map(Object.entries(parsed.data.groups)),
  };
}

export function loadGroupMapping(file: string | null): GroupMapping {
  if (!file) return defaultGroupMapping;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`PSBOOK_OIDC_GROUP_MAP ${file} cannot be read as JSON: ${(error as Error).message}`);
  }
  return parseGroupMapping(json, `PSBOOK_OIDC_GROUP_MAP ${file}`);
}

const psbookGroup = /^psbook:([a-z_]+)(?::([A-Za-z0-9_,\s]+))?$/;

export type MappedAccess = { role: TRole; bureauCodes: string[]; groups: string[] };

/** The groups a claim lists: an array of strings, or one string. Anything else lists none. */
export function groupsOf(claims: Record<string, unknown>, claim: string): string[] {
  const value = claims[claim];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** The role and bureaus the claims grant, or null when they grant nothing. */
export function mapClaimsToAccess(claims: Record<string, unknown>, mapping: GroupMapping): MappedAccess | null {
  const grants: { role: TRole; bureaus: string[]; group: string }[] = [];
  for (const group of groupsOf(claims, mapping.claim)) {
    const mapped = mapping.groups.get(group);
    if (mapped) {
      grants.push({ ...mapped, group });
      continue;
    }
    if (!mapping.acceptPsbookGroups) continue;
    const match = psbookGroup.exec(group.trim());
    const role = ZRole.safeParse(match?.[1]);
    if (!match || !role.success) continue;
    const bureaus = (match[2] ?? '')
      .split(',')
      .map((b) => b.trim().toUpperCase())
      .filter(Boolean);
    grants.push({ role: role.data, bureaus, group });
  }
  const role = rolePrecedence.find((r) => grants.some((g) => g.role === r));
  if (!role) return null;
  const chosen = grants.filter((g) => g.role === role);
  return {
    role,
    bureauCodes: [...new Set(chosen.flatMap((g) => g.bureaus))].sort(),
    groups: chosen.map((g) => g.group),
  };
}

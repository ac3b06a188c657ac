import type { TRole } from '@psbook/core';
import { AppError, forbidden } from '../errors.ts';

export type Actor = {
  id: string;
  email: string;
  displayName: string;
  role: TRole;
  bureauCodes: string[];
  /** `system`: the book setting itself up (the demo seed), never a person or a token that signed in. */
  via: 'session' | 'api_token' | 'system';
  /** Scopes of an API token; sessions carry none and are limited by role only. */
  scopes: string[];
};

/** Who did a thing, for audit events: a person, or the system itself (start-up re-evaluation, seed). */
export type AuditActor = { id: string | null; label: string };
export const systemActor: AuditActor = { id: null, label: 'system' };
export const auditActorOf = (actor: Actor): AuditActor => ({ id: actor.via === 'system' ? null : actor.id, label: actor.email });

/**
 * The administrator that creates the first bureaus and accounts of an empty book (the demo seed), so
 * those go through the same domain verbs as an administrator's: there is no person to be yet. Audited
 * with no actor id and `label` as the actor's label.
 */
export const setupActor = (label: string): Actor => ({
  id: '',
  email: label,
  displayName: label,
  role: 'admin',
  bureauCodes: [],
  via: 'system',
  scopes: [],
});

export function requireActor(actor: Actor | null): Actor {
  if (!actor) throw new AppError('unauthenticated', 'Sign in first');
  return actor;
}

export function requireRole(actor: Actor, ...roles: TRole[]): void {
  if (!roles.includes(actor.role)) throw forbidden(`Only ${roles.join(' or ')} may do this`);
}

/** Projects are writable by their own bureau's staff and bureau lead, and by admin (DESIGN §1). */
export function canWriteProject(actor: Actor, bureauCode: string): boolean {
  if (actor.via !== 'session') return false;
  if (actor.role === 'admin') return true;
  return (actor.role === 'staff' || actor.role === 'bureau_lead') && actor.bureauCodes.includes(bureauCode);
}

export function requireProjectWrite(actor: Actor, bureauCode: string): void {
  if (!canWriteProject(actor, bureauCode)) throw forbidden(`Only staff of bureau ${bureauCode} or an admin may change this project`);
}

import { useQuery } from '@tanstack/react-query';
import { api } from './api.ts';
import type { TRole, TUser } from './types.ts';

export const meKey = ['me'] as const;

/** The signed-in user: `null` when signed out, `undefined` while loading. */
export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: api.auth.me, staleTime: 5 * 60_000, retry: false });
}

/** The signed-in user, for screens rendered inside the signed-in layout. */
export function useUser(): TUser {
  const { data } = useMe();
  if (!data) throw new Error('useUser outside the signed-in layout');
  return data;
}

export const reviewerRoles: readonly TRole[] = ['bureau_lead', 'cio_advisor', 'chief_cio_advisor'];
export const isReviewer = (user: Pick<TUser, 'role'>) => reviewerRoles.includes(user.role);

/** Mirrors the API: a bureau's staff and lead write its projects, admins write all. */
export function canWriteProject(user: Pick<TUser, 'role' | 'bureauCodes'>, bureauCode: string): boolean {
  if (user.role === 'admin') return true;
  return (user.role === 'staff' || user.role === 'bureau_lead') && user.bureauCodes.includes(bureauCode);
}

export const canRegisterProjects = (user: Pick<TUser, 'role'>) =>
  user.role === 'staff' || user.role === 'bureau_lead' || user.role === 'admin';
export const canImport = (user: Pick<TUser, 'role'>) => user.role === 'staff' || user.role === 'admin';
export const canSeeBudgetReview = (user: Pick<TUser, 'role'>) =>
  user.role === 'admin' || user.role === 'budget_office' || user.role === 'govtech';
/** GovTech Tokyo's technical staff write the tech reviews (slide 83); admins run the cycle. */
export const canWriteTechReviews = (user: Pick<TUser, 'role'>) => user.role === 'govtech';
/** GovTech Tokyo gives technical guidance (技術的指導) in consultations. */
export const canGiveTechnicalGuidance = (user: Pick<TUser, 'role'>) => user.role === 'govtech';
export const canRecordReflections = (user: Pick<TUser, 'role'>) => user.role === 'budget_office';
export const canManageTokens = (user: Pick<TUser, 'role'>) => user.role === 'admin' || user.role === 'budget_office';
export const isAdmin = (user: Pick<TUser, 'role'>) => user.role === 'admin';

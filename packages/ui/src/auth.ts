import { isAllowed } from '@core/auth/permissions.ts';
import { useQuery } from '@tanstack/react-query';
import { api } from './api.ts';
import type { TRole, TUser } from './types.ts';

export const meKey = ['me'] as const;
export const meQuery = { queryKey: meKey, queryFn: api.auth.me, staleTime: 5 * 60_000, retry: false };

/** The signed-in user: `null` when signed out, `undefined` while loading. */
export function useMe() {
  return useQuery(meQuery);
}

/** The signed-in user, for screens rendered inside the signed-in layout. */
export function useUser(): TUser {
  const { data } = useMe();
  if (!data) throw new Error('useUser outside the signed-in layout');
  return data;
}

export const reviewerRoles: readonly TRole[] = ['bureau_lead', 'cio_advisor', 'chief_cio_advisor'];
export const isReviewer = (user: Pick<TUser, 'role'>) => reviewerRoles.includes(user.role);

type Who = Pick<TUser, 'role' | 'bureauCodes'>;

// Every show/hide below reads core's permission table, the one the API's guards enforce.
export const canWriteProject = (user: Who, bureauCode: string) => isAllowed(user, 'project.write', bureauCode);
export const canRegisterProjects = (user: Who) => isAllowed(user, 'project.create');
export const canImport = (user: Who) => isAllowed(user, 'expense.import');
export const canSeeBudgetReview = (user: Who) => isAllowed(user, 'budgetReview.read');
export const canManageTokens = (user: Who) => isAllowed(user, 'apiToken.manage');
export const canWriteTechReviews = (user: Who) => isAllowed(user, 'techReview.manage');
/** GovTech Tokyo gives technical guidance (技術的指導) in consultations. */
export const canGiveTechnicalGuidance = (user: Who) => isAllowed(user, 'technicalGuidance.give');
export const canRecordReflections = (user: Who) => isAllowed(user, 'techReview.reflect');
export const isAdmin = (user: Pick<TUser, 'role'>) => user.role === 'admin';

/** Who has a portfolio: reviewers and admins. (Here, not in supervision.tsx: the header needs it, and that module's schemas need zod.) */
export const hasPortfolio = (user: Pick<TUser, 'role'>) =>
  user.role === 'admin' || user.role === 'bureau_lead' || user.role === 'cio_advisor' || user.role === 'chief_cio_advisor';

import { useTranslation } from 'react-i18next';
import type { TReleaseRequest } from '../types.ts';

/** A release request's status (and 期限超過 while it waits too long), as the releases tab and the judgement show it. */
export function ReleaseStatusBadge({ request }: { request: Pick<TReleaseRequest, 'status' | 'isOverdue'> }) {
  const { t } = useTranslation();
  return (
    <>
      <span className={`badge badge-${request.status}`}>{t(`release.status.${request.status}`)}</span>
      {request.status === 'pending' && request.isOverdue ? <span className="badge badge-overdue">{t('release.overdue')}</span> : null}
    </>
  );
}

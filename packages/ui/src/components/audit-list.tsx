import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../format.ts';
import type { THistoryEvent } from '../types.ts';
import { auditActionLabels, changedFields, entityTypeLabels } from './audit-labels.ts';
import { DateText, TableScroll } from './common.tsx';

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Audit events as a table; each row can open the fields that changed. */
export function AuditTable({ events, showProject = false }: { events: THistoryEvent[]; showProject?: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <TableScroll>
      <table className="table">
        <caption className="visually-hidden">{t('history.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('history.at')}</th>
            <th scope="col">{t('history.actor')}</th>
            <th scope="col">{t('history.action')}</th>
            <th scope="col">{t('history.entity')}</th>
            {showProject ? <th scope="col">{t('history.project')}</th> : null}
            <th scope="col">{t('history.details')}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => {
            const changes = changedFields(event.before, event.after);
            return (
              <tr key={event.id}>
                <td className="nowrap">
                  <DateText value={event.at} withTime />
                </td>
                <td>{event.actorName ?? event.actorLabel}</td>
                <td>{f.label(auditActionLabels[event.action], event.action)}</td>
                <td>{f.label(entityTypeLabels[event.entityType], event.entityType)}</td>
                {showProject ? (
                  <td>{event.projectId ? <Link to={`/projects/${event.projectId}/history`}>{t('history.openProject')}</Link> : '—'}</td>
                ) : null}
                <td>
                  {changes.length ? (
                    <details>
                      <summary>{t('history.changedCount', { count: changes.length })}</summary>
                      <dl className="change-details">
                        {changes.map((c) => (
                          <div key={c.key}>
                            <dt>{c.key}</dt>
                            <dd>
                              <span className="diff-before">{show(c.before)}</span> → <span className="diff-after">{show(c.after)}</span>
                            </dd>
                          </div>
                        ))}
                      </dl>
                    </details>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}

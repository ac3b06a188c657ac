import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../format.ts';
import type { THistoryEvent } from '../types.ts';
import { auditActionLabels, auditFieldLabels, auditValueText, changedFields, entityTypeLabels } from './audit-labels.ts';
import { DateText, TableScroll } from './common.tsx';

/** The raw form, for 詳細 only: ids, hashes and structures a person rarely needs. */
function raw(value: unknown): string {
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
            const all = changedFields(event.before, event.after).map((c) => ({
              ...c,
              label: auditFieldLabels[c.key],
              beforeText: auditValueText(c.key, c.before, f),
              afterText: auditValueText(c.key, c.after, f),
            }));
            const changes = all.filter((c) => c.label && c.beforeText !== null && c.afterText !== null);
            const technical = all.filter((c) => !changes.includes(c));
            return (
              <tr key={event.id}>
                <td className="nowrap">
                  <DateText value={event.at} withTime />
                </td>
                <td>{event.actorName ?? event.actorLabel}</td>
                <td>{f.label(auditActionLabels[event.action], t('history.otherAction'))}</td>
                <td>{f.label(entityTypeLabels[event.entityType])}</td>
                {showProject ? (
                  <td>{event.projectId ? <Link to={`/projects/${event.projectId}/history`}>{t('history.openProject')}</Link> : '—'}</td>
                ) : null}
                <td>
                  {all.length ? (
                    <details>
                      <summary>{t('history.changedCount', { count: all.length })}</summary>
                      <dl className="change-details">
                        {changes.map((c) => (
                          <div key={c.key}>
                            <dt>{f.label(c.label)}</dt>
                            <dd>
                              <span className="diff-before">{c.beforeText}</span> → <span className="diff-after">{c.afterText}</span>
                            </dd>
                          </div>
                        ))}
                      </dl>
                      {technical.length ? (
                        <details className="technical-details">
                          <summary>{t('history.technical', { count: technical.length })}</summary>
                          <dl className="change-details" lang="en">
                            {technical.map((c) => (
                              <div key={c.key}>
                                <dt>{c.key}</dt>
                                <dd>
                                  <span className="diff-before">{raw(c.before)}</span> → <span className="diff-after">{raw(c.after)}</span>
                                </dd>
                              </div>
                            ))}
                          </dl>
                        </details>
                      ) : null}
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

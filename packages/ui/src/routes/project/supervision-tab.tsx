import { stageLabels } from '@core/registry/lists.ts';
import { actionSourceLabels, actionStatusLabels, exemptionStatusLabels } from '@core/supervision/schemas.ts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { DateText, ErrorAlert } from '../../components/common.tsx';
import { gatesQuery } from '../../components/gates-query.ts';
import { QueryTable } from '../../components/query-table.tsx';
import { GateChecklist } from '../../components/stage-stepper.tsx';
import { isConsulteeOf } from '../../components/supervision.tsx';
import { useFormat } from '../../format.ts';
import { ActionForm } from '../../forms/action-form.tsx';
import { ExemptionForm, useExemptionTargetLabel } from '../../forms/exemption-form.tsx';
import type { TExemption, TFollowUpAction } from '../../types.ts';
import { useProjectContext } from '../project-page.tsx';

function ActionButtons({ action, userId, projectId }: { action: TFollowUpAction; userId: string; projectId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const update = useMutation({
    mutationFn: (status: TFollowUpAction['status']) => api.supervision.updateAction(action.id, { version: action.version, status }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['project', projectId] });
      void queryClient.invalidateQueries({ queryKey: ['inbox'] });
    },
  });
  const isOwner = action.ownerId === userId;
  const isRaiser = action.raisedBy === userId;
  const label = (text: string) => (
    <>
      {text}
      <span className="visually-hidden">：{action.title}</span>
    </>
  );
  return (
    <div className="inline-actions">
      {action.status === 'open' && isOwner ? (
        <button type="button" className="button button-secondary" disabled={update.isPending} onClick={() => update.mutate('done')}>
          {label(t('supervision.actions.markDone'))}
        </button>
      ) : null}
      {action.status === 'done' && isRaiser ? (
        <>
          <button type="button" className="button" disabled={update.isPending} onClick={() => update.mutate('verified')}>
            {label(t('supervision.actions.verify'))}
          </button>
          <button type="button" className="button button-secondary" disabled={update.isPending} onClick={() => update.mutate('open')}>
            {label(t('supervision.actions.reopen'))}
          </button>
        </>
      ) : null}
      {update.isError ? <ErrorAlert error={update.error} /> : null}
    </div>
  );
}

function ExemptionDecision({ exemption, projectId }: { exemption: TExemption; projectId: string }) {
  const { t } = useTranslation();
  const id = useId();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState('');
  const decide = useMutation({
    mutationFn: (decision: 'approved' | 'refused') =>
      api.supervision.decideExemption(exemption.id, { version: exemption.version, decision, ...(comment.trim() ? { comment } : {}) }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['project', projectId] });
      void queryClient.invalidateQueries({ queryKey: ['inbox'] });
    },
  });
  return (
    <div>
      <label htmlFor={`${id}-comment`} className="small">
        {t('supervision.exemptions.decisionComment')}
      </label>
      <input id={`${id}-comment`} type="text" value={comment} onChange={(e) => setComment(e.target.value)} />
      <div className="inline-actions">
        <button type="button" className="button" disabled={decide.isPending} onClick={() => decide.mutate('approved')}>
          {t('supervision.exemptions.approve')}
        </button>
        <button type="button" className="button button-secondary" disabled={decide.isPending} onClick={() => decide.mutate('refused')}>
          {t('supervision.exemptions.refuse')}
        </button>
      </div>
      {decide.isError ? <ErrorAlert error={decide.error} /> : null}
    </div>
  );
}

/** Follow-up actions and exemptions, beside the gates they hold or waive. */
export default function SupervisionTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const { project, canWrite, user } = useProjectContext();
  const headingId = useId();
  const actions = useQuery({ queryKey: ['project', project.id, 'actions'], queryFn: () => api.supervision.actions(project.id) });
  const exemptions = useQuery({ queryKey: ['project', project.id, 'exemptions'], queryFn: () => api.supervision.exemptions(project.id) });
  const gates = useQuery(gatesQuery(project));
  const targetLabel = useExemptionTargetLabel(project.tier);
  const isConsultee = isConsulteeOf(user, project);
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('supervision.actions.title')}</h2>
      <p className="small muted">{t('supervision.actions.lead')}</p>
      {gates.data ? (
        <>
          <h3>{t('lifecycle.gatesTitle', { stage: f.label(stageLabels[gates.data.stage]) })}</h3>
          <GateChecklist gates={gates.data.gates} projectId={project.id} />
        </>
      ) : null}
      <QueryTable
        query={actions}
        empty={t('supervision.actions.empty')}
        caption={t('supervision.actions.caption')}
        head={
          <>
            <th scope="col">{t('supervision.actions.action')}</th>
            <th scope="col">{t('supervision.actions.source')}</th>
            <th scope="col">{t('supervision.actions.owner')}</th>
            <th scope="col">{t('supervision.actions.due')}</th>
            <th scope="col">{t('supervision.actions.status')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('supervision.actions.status')}</span>
            </th>
          </>
        }
      >
        {(items) =>
          items.map((a) => (
            <tr key={a.id} className={a.isOverdue ? 'row-overdue' : undefined}>
              <td>
                {a.title}
                {a.blocking ? <span className="badge badge-overdue">{t('supervision.blocking')}</span> : null}
                {a.note ? <p className="small muted">{a.note}</p> : null}
              </td>
              <td>
                {f.label(actionSourceLabels[a.source.kind])}
                {a.source.detail && a.source.kind !== 'guidance' ? <span className="small muted">{f.paren(a.source.detail)}</span> : null}
                <br />
                <span className="small muted">
                  {t('supervision.actions.raisedBy')}：{a.raisedByName}
                </span>
              </td>
              <td>{a.ownerName}</td>
              <td className="nowrap">
                <DateText value={a.dueDate} />
              </td>
              <td>
                <span className={`badge badge-${a.status}`}>{f.label(actionStatusLabels[a.status])}</span>
              </td>
              <td>
                <ActionButtons action={a} userId={user.id} projectId={project.id} />
              </td>
            </tr>
          ))
        }
      </QueryTable>
      {canWrite || isConsultee ? (
        <details className="card">
          <summary>{t('supervision.actions.raiseTitle')}</summary>
          <ActionForm projectId={project.id} />
        </details>
      ) : null}

      <h2>{t('supervision.exemptions.title')}</h2>
      <p className="small muted">{t('supervision.exemptions.lead')}</p>
      <QueryTable
        query={exemptions}
        empty={t('supervision.exemptions.empty')}
        caption={t('supervision.exemptions.caption')}
        head={
          <>
            <th scope="col">{t('supervision.exemptions.target')}</th>
            <th scope="col">{t('supervision.exemptions.reason')}</th>
            <th scope="col">{t('supervision.exemptions.expiresOn')}</th>
            <th scope="col">{t('supervision.exemptions.status')}</th>
          </>
        }
      >
        {(items) =>
          items.map((e) => {
            const status = e.isExpired ? 'expired' : e.status;
            return (
              <tr key={e.id}>
                <td>
                  {targetLabel(e.targetKind, e.target)}
                  <br />
                  <span className="small muted">{t(`supervision.exemptions.kinds.${e.targetKind}`)}</span>
                </td>
                <td>
                  {e.reason}
                  <br />
                  <span className="small muted">{e.requestedByName}</span>
                </td>
                <td className="nowrap">
                  <DateText value={e.expiresOn} />
                </td>
                <td>
                  <span className={`badge ${e.isActive ? 'badge-exempt' : `badge-${e.status}`}`}>
                    {f.label(exemptionStatusLabels[status])}
                  </span>
                  {e.decidedByName ? (
                    <p className="small muted">
                      {t('supervision.exemptions.decidedBy', { name: e.decidedByName })}
                      {e.decisionComment ? f.paren(e.decisionComment) : ''}
                    </p>
                  ) : null}
                  {e.status === 'requested' && isConsultee && e.requestedBy !== user.id ? (
                    <ExemptionDecision exemption={e} projectId={project.id} />
                  ) : null}
                </td>
              </tr>
            );
          })
        }
      </QueryTable>
      {canWrite ? (
        <details className="card">
          <summary>{t('supervision.exemptions.requestTitle')}</summary>
          <ExemptionForm projectId={project.id} tier={project.tier} />
        </details>
      ) : null}
    </section>
  );
}

import { rulesetNames } from '@core/rules/ruleset-names.ts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { type ApiError, get, isApiError, post } from '../api.ts';
import { isAdmin, useUser } from '../auth.ts';
import { DateText, Empty, ErrorAlert, Facts, Loading, Notice, PageHeader, TableScroll } from '../components/common.tsx';
import { controlProps, Field } from '../components/field.tsx';
import { MovesTable } from '../components/moves-table.tsx';
import { useRules } from '../components/oversight.tsx';
import { SimulationResult } from '../components/rules-simulation.tsx';
import { fieldMessage } from '../errors.ts';
import { useFormat } from '../format.ts';
import type { TRulesetVersion, TRulesetVersionSummary } from '../types.ts';

type TRulesetName = (typeof rulesetNames)[number] | (string & {});
type TStatus = TRulesetVersionSummary['status'];
type TActivation = NonNullable<TRulesetVersionSummary['activation']>;
type TImpact = NonNullable<TRulesetVersion['impact']>;
type TCaseFailure = { name: string; mismatches: { key: string; expected: unknown; actual: unknown }[] };

const versionsApi = {
  list: (ruleset: TRulesetName) => get<{ items: TRulesetVersionSummary[] }>('/rules/versions', { ruleset }),
  get: (id: string) => get<TRulesetVersion>(`/rules/versions/${encodeURIComponent(id)}`),
  propose: (body: unknown) => post<TRulesetVersion>('/rules/versions', body),
  decide: (id: string, body: unknown) => post<TRulesetVersion>(`/rules/versions/${encodeURIComponent(id)}/decision`, body),
  cancel: (id: string, body: unknown) => post<TRulesetVersion>(`/rules/versions/${encodeURIComponent(id)}/cancel`, body),
};

function useActiveRulesets() {
  const rules = useRules();
  return ((rules.data as { rulesets?: { name: TRulesetName; title: { ja: string; en: string } }[] } | undefined)?.rulesets ?? []) as {
    name: TRulesetName;
    title: { ja: string; en: string };
  }[];
}

function useRulesetTitle() {
  const f = useFormat();
  const list = useActiveRulesets();
  return (name: TRulesetName) => {
    const title = list.find((r) => r.name === name)?.title;
    return title ? f.label(title) : name;
  };
}

/**
 * People name a version by its place in the ruleset's history (第3版), not by its content hash, which
 * stays under 詳細 on the version's page. Numbered from the oldest proposal; the list is the one the
 * versions table already loaded.
 */
function useVersionLabel(ruleset: TRulesetName | undefined) {
  const { t } = useTranslation();
  const versions = useQuery({
    queryKey: ['rule-versions', ruleset],
    queryFn: () => versionsApi.list(ruleset!),
    enabled: Boolean(ruleset),
  });
  const ordered = [...(versions.data?.items ?? [])].sort(
    (a, b) => Date.parse(a.proposedAt) - Date.parse(b.proposedAt) || a.id.localeCompare(b.id),
  );
  return (versionId: string) => {
    const at = ordered.findIndex((v) => v.id === versionId);
    return at < 0 ? '…' : t('plainWords.versionOrdinal', { n: at + 1 });
  };
}

function StatusBadge({ status }: { status: TStatus }) {
  const { t } = useTranslation();
  return <span className={`badge badge-ruleset-${status}`}>{t(`ruleVersions.status.${status}`)}</span>;
}

/* ------------------------------------------------------------------ list and proposal */

function VersionTable({ ruleset }: { ruleset: TRulesetName }) {
  const { t } = useTranslation();
  const versions = useQuery({ queryKey: ['rule-versions', ruleset], queryFn: () => versionsApi.list(ruleset) });
  const label = useVersionLabel(ruleset);
  if (versions.isPending) return <Loading />;
  if (versions.isError) return <ErrorAlert error={versions.error} onRetry={() => void versions.refetch()} />;
  if (!versions.data.items.length) return <Empty>{t('ruleVersions.none')}</Empty>;
  return (
    <TableScroll>
      <table className="table">
        <caption>{t('ruleVersions.listCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('ruleVersions.version')}</th>
            <th scope="col">{t('ruleVersions.statusLabel')}</th>
            <th scope="col">{t('ruleVersions.proposedBy')}</th>
            <th scope="col">{t('ruleVersions.proposedAt')}</th>
            <th scope="col">{t('ruleVersions.decidedBy')}</th>
            <th scope="col">{t('ruleVersions.activeFrom')}</th>
            <th scope="col">{t('ruleVersions.note')}</th>
          </tr>
        </thead>
        <tbody>
          {versions.data.items.map((v) => (
            <tr key={v.id}>
              <td>
                <Link to={`/rules/versions/${v.id}`}>{label(v.id)}</Link>
              </td>
              <td>
                <StatusBadge status={v.status} />
              </td>
              <td>{v.proposedBy?.displayName ?? t('ruleVersions.fromRepository')}</td>
              <td>
                <DateText value={v.proposedAt} withTime />
              </td>
              <td>{v.decidedBy?.displayName ?? '—'}</td>
              <td>
                <DateText value={v.activatedAt ?? v.activateAt} withTime />
              </td>
              <td>{v.note || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function CaseFailures({ failures, failed, total }: { failures: TCaseFailure[]; failed: number; total: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <div className="alert alert-error" role="alert">
      <p>{t('ruleVersions.casesFail', { failed: f.number(failed), total: f.number(total) })}</p>
      <ul>
        {failures.map((c) => (
          <li key={c.name}>
            {c.name}
            {f.colon}
            {c.mismatches
              .map((m) =>
                t('ruleVersions.mismatch', { key: m.key, expected: JSON.stringify(m.expected), actual: JSON.stringify(m.actual) }),
              )
              .join(f.listSep)}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A required JSON text box (a ruleset or its cases), with the message when the text is not JSON. */
function JsonField({
  id,
  label,
  hint,
  rows,
  value,
  onChange,
  isUnparsable,
  isInvalid = false,
}: {
  id: string;
  label: string;
  hint: string;
  rows: number;
  value: string;
  onChange: (value: string) => void;
  isUnparsable: boolean;
  /** The server refused what the JSON says (its paths are listed below the form). */
  isInvalid?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Field id={id} label={label} required hint={hint} error={isUnparsable ? { message: t('rules.invalidJson') } : undefined}>
      <textarea
        rows={rows}
        className="code-input"
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        {...controlProps(id, { hint, error: isUnparsable ? {} : undefined })}
        {...(isInvalid && !isUnparsable ? { 'aria-invalid': true } : {})}
      />
    </Field>
  );
}

/** Propose a version: the editor starts from the active version (or the one named by ?from=, to roll back). */
function ProposeForm({ ruleset, fromId }: { ruleset: TRulesetName; fromId: string | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const versions = useQuery({ queryKey: ['rule-versions', ruleset], queryFn: () => versionsApi.list(ruleset) });
  const startId = fromId ?? versions.data?.items.find((v) => v.status === 'active')?.id ?? null;
  const start = useQuery({ queryKey: ['rule-version', startId], queryFn: () => versionsApi.get(startId!), enabled: !!startId });
  const label = useVersionLabel(ruleset);
  const [content, setContent] = useState('');
  const [cases, setCases] = useState('');
  const [note, setNote] = useState('');
  const [parseError, setParseError] = useState({ content: false, cases: false });
  useEffect(() => {
    if (!start.data) return;
    setContent(JSON.stringify(start.data.content, null, 2));
    setCases(JSON.stringify(start.data.cases, null, 2));
  }, [start.data]);
  const propose = useMutation({
    mutationFn: versionsApi.propose,
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: ['rule-versions'] });
      void navigate(`/rules/versions/${created.id}`);
    },
  });
  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) setContent(await file.text());
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    // Both boxes are read before anything is said, so a broken cases box is not news after the content is fixed.
    const parse = (text: string): { ok: true; value: unknown } | { ok: false } => {
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        return { ok: false };
      }
    };
    const parsedContent = parse(content);
    const parsedCases = parse(cases);
    if (!parsedContent.ok || !parsedCases.ok) {
      setParseError({ content: !parsedContent.ok, cases: !parsedCases.ok });
      return;
    }
    setParseError({ content: false, cases: false });
    propose.mutate({ ruleset, content: parsedContent.value, cases: parsedCases.value, note: note.trim() || undefined });
  };
  if (startId && start.isPending) return <Loading />;
  const error = propose.error as ApiError | null;
  const caseRun = isApiError(error)
    ? (error.body.cases as { failed: number; passed: number; failures: TCaseFailure[] } | undefined)
    : undefined;
  const fieldErrors = isApiError(error) ? error.errors : [];
  return (
    <form className="form form-wide" onSubmit={onSubmit} noValidate aria-label={t('ruleVersions.proposeLabel')}>
      {fromId && start.data ? <Notice>{t('ruleVersions.startsFrom', { version: label(start.data.id) })}</Notice> : null}
      <JsonField
        id={`${id}-content`}
        label={t('ruleVersions.content')}
        hint={t('ruleVersions.contentHint', { file: `rules/${ruleset}.json` })}
        rows={16}
        value={content}
        onChange={setContent}
        isUnparsable={parseError.content}
        isInvalid={fieldErrors.length > 0}
      />
      <div className="field">
        <label htmlFor={`${id}-file`}>{t('ruleVersions.upload')}</label>
        <input id={`${id}-file`} type="file" accept="application/json,.json" onChange={(e) => void onFile(e)} />
      </div>
      <JsonField
        id={`${id}-cases`}
        label={t('ruleVersions.cases')}
        hint={t('ruleVersions.casesHint', { file: `rules/tests/${ruleset}.cases.json` })}
        rows={10}
        value={cases}
        onChange={setCases}
        isUnparsable={parseError.cases}
      />
      <div className="field">
        <label htmlFor={`${id}-note`}>{t('ruleVersions.note')}</label>
        <input id={`${id}-note`} type="text" maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
      </div>
      {caseRun ? (
        <CaseFailures failures={caseRun.failures} failed={caseRun.failed} total={caseRun.failed + caseRun.passed} />
      ) : fieldErrors.length ? (
        <div className="alert alert-error" role="alert">
          <p>{t('rules.invalidRuleset')}</p>
          <ul>
            {fieldErrors.map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: errors may repeat
              <li key={i}>
                <code>{e.path}</code>
                {f.colon}
                {fieldMessage(e.message, t)}
              </li>
            ))}
          </ul>
        </div>
      ) : error?.code === 'rule_violation' ? (
        <div className="alert alert-error" role="alert">
          <p>{t('ruleVersions.sameAsActive')}</p>
        </div>
      ) : propose.isError ? (
        <ErrorAlert error={propose.error} />
      ) : null}
      <button type="submit" className="button" disabled={!content.trim() || propose.isPending}>
        {propose.isPending ? t('ruleVersions.proposing') : t('ruleVersions.propose')}
      </button>
    </form>
  );
}

export default function RuleVersions() {
  const { t } = useTranslation();
  const user = useUser();
  const id = useId();
  const [search, setSearch] = useSearchParams();
  const requested = search.get('ruleset');
  // The server's list when it has answered (a ruleset added later appears without a UI change).
  const active = useActiveRulesets();
  const names: readonly TRulesetName[] = active.length ? active.map((r) => r.name) : rulesetNames;
  const ruleset: TRulesetName = requested && names.includes(requested as TRulesetName) ? (requested as TRulesetName) : 'oversight-tier';
  const fromId = search.get('from');
  const title = useRulesetTitle();
  return (
    <>
      <PageHeader
        title={t('ruleVersions.title')}
        lead={t('ruleVersions.lead')}
        actions={<Link to="/rules">{t('ruleVersions.backToRules')}</Link>}
      />
      <section className="card" aria-labelledby={`${id}-list`}>
        <h2 id={`${id}-list`}>{t('ruleVersions.listTitle')}</h2>
        <div className="field">
          <label htmlFor={`${id}-ruleset`}>{t('ruleVersions.ruleset')}</label>
          <select id={`${id}-ruleset`} value={ruleset} onChange={(e) => setSearch({ ruleset: e.target.value })}>
            {names.map((name) => (
              <option key={name} value={name}>
                {title(name)}
              </option>
            ))}
          </select>
        </div>
        <VersionTable ruleset={ruleset} />
      </section>
      {isAdmin(user) ? (
        <section className="card" aria-labelledby={`${id}-propose`}>
          <h2 id={`${id}-propose`}>{t('ruleVersions.proposeTitle')}</h2>
          <p className="small">{t('ruleVersions.proposeLead')}</p>
          <ProposeForm key={`${ruleset}-${fromId ?? ''}`} ruleset={ruleset} fromId={fromId} />
        </section>
      ) : null}
    </>
  );
}

/* ------------------------------------------------------------------ one version */

function PendingReviews({ impact }: { impact: TImpact['pendingReviews'] }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <section aria-label={t('ruleVersions.pendingReviewsTitle')}>
      <h3>{t('ruleVersions.pendingReviewsTitle')}</h3>
      <p>{t('ruleVersions.pendingReviewsSummary', { pending: f.number(impact.pending), moving: f.number(impact.moving) })}</p>
      {impact.items.length ? (
        <MovesTable
          caption={t('ruleVersions.pendingReviewsCaption')}
          leadHeaders={[t('ruleVersions.reviewKind'), t('projects.colCode')]}
          rows={impact.items.map((r) => ({
            key: r.id,
            lead: [t(`ruleVersions.kind.${r.kind}`), r.projectCode],
            project: r.projectName,
            bureauCode: r.bureauCode,
            from: f.role(r.fromReviewer),
            to: f.role(r.toReviewer),
          }))}
        />
      ) : null}
    </section>
  );
}

function ActivationProgress({ activation }: { activation: TActivation }) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  return (
    <div className="activation" aria-live="polite">
      <p>
        <label htmlFor={`${id}-progress`}>{t(`ruleVersions.activation.${activation.status}`)}</label>{' '}
        {activation.status === 'running' ? t('ruleVersions.step', { step: t(`ruleVersions.steps.${activation.step}`) }) : null}
      </p>
      <progress id={`${id}-progress`} max={activation.stepsTotal} value={activation.stepsDone}>
        {activation.stepsDone}/{activation.stepsTotal}
      </progress>
      <p className="small">
        {t('ruleVersions.progress', { done: activation.stepsDone, total: activation.stepsTotal })}
        {activation.status === 'queued' ? <> {t('ruleVersions.runsAt', { when: f.dateTime(activation.runAt) })}</> : null}
        {activation.projectsChanged !== null ? <> {t('ruleVersions.projectsChanged', { count: activation.projectsChanged })}</> : null}
      </p>
      {activation.status === 'cancelled' && activation.error ? <p>{t('ruleVersions.cancelReason', { reason: activation.error })}</p> : null}
      {activation.error && activation.status !== 'cancelled' ? (
        <div className="alert alert-error" role="alert">
          <p>{t('ruleVersions.activationFailed')}</p>
          <p className="small">
            <code>{activation.error}</code>
          </p>
        </div>
      ) : null}
    </div>
  );
}

/** Why a decision was refused with 409 (the problem's extra fields say which). */
function conflictKind(error: ApiError): 'waiting' | 'baseChanged' | 'decided' | 'stale' {
  if (error.body.waitingVersionId) return 'waiting';
  if ('activeVersion' in error.body) return 'baseChanged';
  if (error.body.status) return 'decided';
  return 'stale';
}

function DecisionForm({ version }: { version: TRulesetVersion }) {
  const { t } = useTranslation();
  const id = useId();
  const queryClient = useQueryClient();
  const [decision, setDecision] = useState<'approved' | 'rejected'>('approved');
  const [activateAt, setActivateAt] = useState('');
  const [comment, setComment] = useState('');
  const decide = useMutation({
    mutationFn: (body: unknown) => versionsApi.decide(version.id, body),
    onSuccess: (decided) => {
      queryClient.setQueryData(['rule-version', version.id], decided);
      void queryClient.invalidateQueries({ queryKey: ['rule-versions'] });
      void queryClient.invalidateQueries({ queryKey: ['rules'] });
    },
  });
  const error = decide.error as ApiError | null;
  const commentError = isApiError(error) ? error.errors.find((e) => e.path === 'comment') : undefined;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    decide.mutate({
      decision,
      revision: version.revision,
      comment: comment.trim() || undefined,
      activateAt: decision === 'approved' && activateAt ? new Date(activateAt).toISOString() : undefined,
    });
  };
  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label={t('ruleVersions.decideLabel')}>
      <fieldset className="field">
        <legend>{t('ruleVersions.decision')}</legend>
        {(['approved', 'rejected'] as const).map((value) => (
          <label key={value} className="radio">
            <input type="radio" name={`${id}-decision`} value={value} checked={decision === value} onChange={() => setDecision(value)} />{' '}
            {t(`ruleVersions.decisionOption.${value}`)}
          </label>
        ))}
      </fieldset>
      {decision === 'approved' ? (
        <div className="field">
          <label htmlFor={`${id}-at`}>{t('ruleVersions.activateAt')}</label>
          <p className="hint" id={`${id}-at-hint`}>
            {t('ruleVersions.activateAtHint')}
          </p>
          <input
            id={`${id}-at`}
            type="datetime-local"
            value={activateAt}
            onChange={(e) => setActivateAt(e.target.value)}
            aria-describedby={`${id}-at-hint`}
          />
        </div>
      ) : null}
      <CommentField
        id={`${id}-comment`}
        label={t('ruleVersions.comment')}
        required={decision === 'rejected'}
        rows={3}
        value={comment}
        onChange={setComment}
        error={commentError ? t('ruleVersions.commentRequired') : null}
      />
      {isApiError(error) && error.status === 409 ? (
        <div className="alert alert-error" role="alert">
          <p>{t(`ruleVersions.conflict.${conflictKind(error)}`)}</p>
        </div>
      ) : decide.isError && !commentError ? (
        <ErrorAlert error={decide.error} />
      ) : null}
      <button type="submit" className="button" disabled={decide.isPending}>
        {t(`ruleVersions.submit.${decision}`)}
      </button>
    </form>
  );
}

/** The comment of a decision or a cancellation: required when refusing or cancelling, optional otherwise. */
function CommentField({
  id,
  label,
  required,
  rows,
  value,
  onChange,
  error,
}: {
  id: string;
  label: string;
  required: boolean;
  rows: number;
  value: string;
  onChange: (value: string) => void;
  error: string | null;
}) {
  const message = error ? { message: error } : undefined;
  return (
    <Field id={id} label={label} required={required} error={message}>
      <textarea rows={rows} value={value} onChange={(e) => onChange(e.target.value)} {...controlProps(id, { error: message })} />
    </Field>
  );
}

/** Stop a scheduled version before its activation starts. */
function CancelForm({ version }: { version: TRulesetVersion }) {
  const { t } = useTranslation();
  const id = useId();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState('');
  const cancel = useMutation({
    mutationFn: (body: unknown) => versionsApi.cancel(version.id, body),
    onSuccess: (cancelled) => {
      queryClient.setQueryData(['rule-version', version.id], cancelled);
      void queryClient.invalidateQueries({ queryKey: ['rule-versions'] });
    },
  });
  const error = cancel.error as ApiError | null;
  const commentError = isApiError(error) ? error.errors.find((e) => e.path === 'comment') : undefined;
  return (
    <form
      className="form"
      noValidate
      aria-label={t('ruleVersions.cancelTitle')}
      onSubmit={(event) => {
        event.preventDefault();
        cancel.mutate({ revision: version.revision, comment });
      }}
    >
      <p className="small">{t('ruleVersions.cancelLead')}</p>
      <CommentField
        id={`${id}-comment`}
        label={t('ruleVersions.cancelComment')}
        required
        rows={2}
        value={comment}
        onChange={setComment}
        error={commentError ? t('ruleVersions.cancelCommentRequired') : null}
      />
      {isApiError(error) && error.status === 409 ? (
        <div className="alert alert-error" role="alert">
          <p>{t('ruleVersions.cancelConflict')}</p>
        </div>
      ) : cancel.isError && !commentError ? (
        <ErrorAlert error={cancel.error} />
      ) : null}
      <button type="submit" className="button button-secondary" disabled={cancel.isPending}>
        {t('ruleVersions.cancelSubmit')}
      </button>
    </form>
  );
}

export function RuleVersion() {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const user = useUser();
  const { id: versionId = '' } = useParams();
  const title = useRulesetTitle();
  const queryClient = useQueryClient();
  const version = useQuery({
    queryKey: ['rule-version', versionId],
    queryFn: () => versionsApi.get(versionId),
    // While its activation waits or runs, follow its progress.
    refetchInterval: (query) => {
      const status = query.state.data?.activation?.status;
      return status === 'running' || (status === 'queued' && Date.parse(query.state.data!.activation!.runAt) <= Date.now() + 60_000)
        ? 1000
        : false;
    },
  });
  const label = useVersionLabel(version.data?.ruleset);
  const finished = version.data?.activation?.status === 'succeeded';
  useEffect(() => {
    // The rules in force changed: the rules screen and tier table read them again.
    if (finished) void queryClient.invalidateQueries({ queryKey: ['rules'] });
  }, [finished, queryClient]);
  if (version.isPending) return <Loading />;
  if (version.isError) return <ErrorAlert error={version.error} onRetry={() => void version.refetch()} />;
  const v = version.data;
  return (
    <>
      <PageHeader
        title={t('ruleVersions.versionTitle', { ruleset: title(v.ruleset), version: label(v.id) })}
        actions={<Link to={`/rules/versions?ruleset=${v.ruleset}`}>{t('ruleVersions.backToList')}</Link>}
      />
      <section className="card" aria-labelledby={`${id}-facts`}>
        <h2 id={`${id}-facts`}>{t('ruleVersions.factsTitle')}</h2>
        <Facts
          items={[
            { term: t('ruleVersions.ruleset'), value: title(v.ruleset) },
            {
              term: t('ruleVersions.version'),
              value: (
                <>
                  {label(v.id)}
                  <details className="technical-details">
                    <summary>{t('plainWords.contentHash')}</summary>
                    <code lang="en">{v.version}</code>
                  </details>
                </>
              ),
            },
            { term: t('ruleVersions.statusLabel'), value: <StatusBadge status={v.status} /> },
            {
              term: t('ruleVersions.proposedBy'),
              value: (
                <>
                  {v.proposedBy?.displayName ?? t('ruleVersions.fromRepository')} (<DateText value={v.proposedAt} withTime />)
                </>
              ),
            },
            { term: t('ruleVersions.note'), value: v.note || '—' },
            { term: t('ruleVersions.casesPassed'), value: t('ruleVersions.casesCount', { count: v.caseCount }) },
            {
              term: t('ruleVersions.decidedBy'),
              value: v.decidedBy ? (
                <>
                  {v.decidedBy.displayName} (<DateText value={v.decidedAt} withTime />)
                  {v.decisionComment ? `${f.colon}${v.decisionComment}` : ''}
                </>
              ) : (
                '—'
              ),
            },
            { term: t('ruleVersions.activeFrom'), value: <DateText value={v.activatedAt ?? v.activateAt} withTime /> },
          ]}
        />
        {v.status === 'superseded' && isAdmin(user) ? (
          <p>
            <Link to={`/rules/versions?ruleset=${v.ruleset}&from=${v.id}`}>{t('ruleVersions.proposeAgain')}</Link>
          </p>
        ) : null}
      </section>
      {v.activation ? (
        <section className="card" aria-labelledby={`${id}-activation`}>
          <h2 id={`${id}-activation`}>{t('ruleVersions.activationTitle')}</h2>
          <ActivationProgress activation={v.activation} />
          {v.status === 'approved' && v.activation.status === 'queued' && (user.role === 'admin' || user.role === 'chief_cio_advisor') ? (
            <CancelForm version={v} />
          ) : null}
        </section>
      ) : null}
      {v.impact ? (
        <section className="card" aria-labelledby={`${id}-impact`}>
          <h2 id={`${id}-impact`}>{t('ruleVersions.impactTitle')}</h2>
          <p className="small muted">{t('ruleVersions.simulatedAt', { when: f.dateTime(v.impact.simulatedAt) })}</p>
          <SimulationResult result={v.impact} />
          <PendingReviews impact={v.impact.pendingReviews} />
        </section>
      ) : v.status === 'proposed' ? (
        <Notice>{t('ruleVersions.noImpact')}</Notice>
      ) : null}
      {v.status === 'proposed' ? (
        <section className="card" aria-labelledby={`${id}-decide`}>
          <h2 id={`${id}-decide`}>{t('ruleVersions.decideTitle')}</h2>
          {v.canDecide ? (
            <DecisionForm version={v} />
          ) : (
            <p>{v.proposedBy?.id === user.id ? t('ruleVersions.ownProposal') : t('ruleVersions.whoDecides')}</p>
          )}
        </section>
      ) : null}
      <section className="card" aria-labelledby={`${id}-content`}>
        <h2 id={`${id}-content`}>{t('ruleVersions.contentTitle')}</h2>
        <details className="technical-details">
          <summary>{t('ruleVersions.content')}</summary>
          <pre className="code-block rule-json" lang="en">
            {JSON.stringify(v.content, null, 2)}
          </pre>
        </details>
        <details>
          <summary>{t('ruleVersions.casesCount', { count: v.caseCount })}</summary>
          <ul className="small">
            {v.cases.map((c) => (
              <li key={c.name}>{c.name}</li>
            ))}
          </ul>
        </details>
      </section>
    </>
  );
}

import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';
import { api, isApiError } from '../api.ts';
import { canImport, useUser } from '../auth.ts';
import { ErrorAlert, Facts, Notice, PageHeader } from '../components/common.tsx';
import { DataTable } from '../components/query-table.tsx';
import { fieldMessage } from '../errors.ts';
import { useFormat } from '../format.ts';
import type { TImportResult, TImportRowError } from '../types.ts';

type Phase =
  | { kind: 'idle' }
  | { kind: 'running'; dryRun: boolean; processed: number }
  | { kind: 'done'; dryRun: boolean; result: TImportResult }
  | { kind: 'failed'; dryRun: boolean; error: unknown };

const isWorkbook = (file: File) => /\.xlsx$/i.test(file.name);

/** Rough count of data lines, for the progress bar's maximum (the header is not a line). */
async function countLines(file: File): Promise<number> {
  // A workbook is a zip: its lines cannot be counted here, so its progress shows a count only.
  if (file.size > 20 * 1024 * 1024 || isWorkbook(file)) return 0;
  const text = await file.text();
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  if (text.length && text.charCodeAt(text.length - 1) !== 10) n++;
  return Math.max(0, n - 1);
}

function RowErrors({ errors, total }: { errors: TImportRowError[]; total: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (!errors.length) return null;
  return (
    <section className="card" aria-labelledby="import-errors">
      <h2 id="import-errors">{t('import.errorsTitle', { count: total })}</h2>
      {total > errors.length ? <p className="small">{t('import.errorsTruncated', { shown: errors.length })}</p> : null}
      <DataTable
        className="table table-compact"
        caption={t('import.errorsCaption')}
        head={
          <>
            <th scope="col" className="num">
              {t('import.line')}
            </th>
            <th scope="col">{t('import.column')}</th>
            <th scope="col">{t('import.message')}</th>
          </>
        }
      >
        {errors.map((e, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: one line may have several errors
          <tr key={i}>
            <td className="num">{e.sheet ? t('import.sheetRow', { sheet: e.sheet, row: f.number(e.line) }) : f.number(e.line)}</td>
            <td>{e.column ?? '—'}</td>
            <td>
              {fieldMessage(e.message, t)}
              {f.lang === 'ja' && !/[぀-ヿ一-鿿]/.test(e.message) ? <span className="block small muted">{e.message}</span> : null}
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}

function Summary({ result }: { result: TImportResult }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <Facts
      items={[
        { term: t('import.lineCount'), value: f.number(result.lineCount) },
        { term: t('import.encoding'), value: result.encoding === 'shift_jis' ? 'Shift_JIS' : 'UTF-8' },
        { term: t('import.linesCreated'), value: f.number(result.lines.created) },
        { term: t('import.linesUpdated'), value: f.number(result.lines.updated) },
        { term: t('import.linesUnchanged'), value: f.number(result.lines.unchanged) },
        { term: t('import.projectsCreated'), value: f.number(result.projects.created) },
        { term: t('import.projectsUpdated'), value: f.number(result.projects.updated) },
        { term: t('import.tierChanged'), value: f.number(result.projects.tierChanged) },
      ]}
    />
  );
}

export default function Import() {
  const { t } = useTranslation();
  const f = useFormat();
  const user = useUser();
  const id = useId();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [expected, setExpected] = useState(0);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [checked, setChecked] = useState<TImportResult | null>(null);
  const [sheet, setSheet] = useState('');
  const abort = useRef<AbortController | null>(null);
  if (!canImport(user)) return <Navigate to="/" replace />;

  const run = async (dryRun: boolean) => {
    if (!file) return;
    abort.current = new AbortController();
    setPhase({ kind: 'running', dryRun, processed: 0 });
    try {
      const result = await api.imports.expenses(file, {
        dryRun,
        workbook: isWorkbook(file) ? { sheet: sheet.trim() } : undefined,
        signal: abort.current.signal,
        onProgress: (processed) => setPhase({ kind: 'running', dryRun, processed }),
      });
      setPhase({ kind: 'done', dryRun, result });
      if (dryRun) setChecked(result);
      else {
        setChecked(null);
        void queryClient.invalidateQueries({ queryKey: ['projects'] });
        void queryClient.invalidateQueries({ queryKey: ['stats'] });
      }
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') setPhase({ kind: 'idle' });
      else setPhase({ kind: 'failed', dryRun, error });
    }
  };

  const onCheck = (event: FormEvent) => {
    event.preventDefault();
    void run(true);
  };
  const running = phase.kind === 'running';
  const rowErrors: { list: TImportRowError[]; total: number } =
    phase.kind === 'done'
      ? { list: phase.result.errors, total: phase.result.errorCount }
      : phase.kind === 'failed' && isApiError(phase.error) && Array.isArray(phase.error.body.errors)
        ? {
            list: phase.error.body.errors as TImportRowError[],
            total: Number(phase.error.body.errorCount ?? (phase.error.body.errors as unknown[]).length),
          }
        : { list: [], total: 0 };
  const canConfirm = checked !== null && checked.errorCount === 0 && !running && phase.kind === 'done' && phase.dryRun;

  return (
    <>
      <PageHeader title={t('import.title')} lead={t('import.lead')} />
      <section className="card" aria-labelledby={`${id}-format`}>
        <h2 id={`${id}-format`}>{t('import.formatTitle')}</h2>
        <p>{t('import.formatLead')}</p>
        <ul>
          {(['externalId', 'bureau', 'name', 'fiscalYear', 'category', 'amount', 'projectCode', 'registrationTrigger'] as const).map(
            (key) => (
              <li key={key}>
                <ColumnText text={t(`import.columns.${key}`)} />
              </li>
            ),
          )}
        </ul>
        <p className="small">{t('import.formatNote')}</p>
      </section>
      <form className="form" onSubmit={onCheck} aria-label={t('import.formLabel')}>
        <div className="field">
          <label htmlFor={`${id}-file`}>
            {t('import.file')} <span className="required">{t('common.required')}</span>
          </label>
          <p className="hint" id={`${id}-file-hint`}>
            {t('import.fileHint')}
          </p>
          <input
            id={`${id}-file`}
            type="file"
            accept=".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            aria-describedby={`${id}-file-hint`}
            onChange={(e) => {
              const chosen = e.target.files?.[0] ?? null;
              setFile(chosen);
              setChecked(null);
              setPhase({ kind: 'idle' });
              setExpected(0);
              if (chosen) void countLines(chosen).then(setExpected);
            }}
          />
          {file ? <p className="small">{t('import.chosen', { name: file.name, size: f.number(Math.ceil(file.size / 1024)) })}</p> : null}
        </div>
        {file && isWorkbook(file) ? (
          <div className="field">
            <label htmlFor={`${id}-sheet`}>{t('import.sheet')}</label>
            <p className="hint" id={`${id}-sheet-hint`}>
              {t('import.sheetHint')}
            </p>
            <input
              id={`${id}-sheet`}
              type="text"
              value={sheet}
              maxLength={31}
              aria-describedby={`${id}-sheet-hint`}
              onChange={(e) => {
                setSheet(e.target.value);
                setChecked(null);
                setPhase({ kind: 'idle' });
              }}
            />
          </div>
        ) : null}
        <div className="button-row">
          <button type="submit" className="button" disabled={!file || running}>
            {t('import.dryRun')}
          </button>
          <button
            type="button"
            className="button button-secondary"
            disabled={!canConfirm}
            onClick={() => {
              if (window.confirm(t('import.confirm', { count: checked?.lineCount ?? 0 }))) void run(false);
            }}
          >
            {t('import.commit')}
          </button>
          {running ? (
            <button type="button" className="button button-quiet" onClick={() => abort.current?.abort()}>
              {t('common.cancel')}
            </button>
          ) : null}
        </div>
      </form>

      {running ? (
        <div className="progress-box" role="status">
          <label htmlFor={`${id}-progress`}>{phase.dryRun ? t('import.checking') : t('import.importing')}</label>
          <progress id={`${id}-progress`} max={expected || undefined} value={expected ? Math.min(phase.processed, expected) : undefined}>
            {phase.processed}
          </progress>
          <p className="small">
            {expected
              ? t('import.progress', { processed: f.number(phase.processed), total: f.number(expected) })
              : t('import.progressUnknown', { processed: f.number(phase.processed) })}
          </p>
        </div>
      ) : null}

      {phase.kind === 'done' ? (
        <Notice tone={phase.result.errorCount ? 'warning' : 'success'} role="status">
          <h2>
            {phase.dryRun
              ? phase.result.errorCount
                ? t('import.dryRunErrors', { count: phase.result.errorCount })
                : t('import.dryRunOk')
              : t('import.done', { changes: f.number(phase.result.changes) })}
          </h2>
          <Summary result={phase.result} />
          {phase.result.previousImportId && phase.result.changes === 0 ? <p>{t('import.sameFile')}</p> : null}
          {phase.result.ignoredColumns.length ? (
            <p className="small">{t('import.ignoredColumns', { columns: phase.result.ignoredColumns.join(f.listSep) })}</p>
          ) : null}
        </Notice>
      ) : null}
      {phase.kind === 'failed' ? (
        rowErrors.list.length ? (
          <div className="alert alert-error" role="alert">
            {t('import.rejected', { count: rowErrors.total })}
          </div>
        ) : (
          <ErrorAlert error={phase.error} />
        )
      ) : null}
      <RowErrors errors={rowErrors.list} total={rowErrors.total} />
    </>
  );
}

/** A column's description with its English CSV header (e.g. （bureau_code）) set as code, as it is typed in the file. */
function ColumnText({ text }: { text: string }) {
  const parts = text.split(/[（(]([a-z_]+)[）)]/);
  return (
    <>
      {parts.map((part, i) =>
        i % 2 ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed sentence
          <span key={i}>
            （<code lang="en">{part}</code>）
          </span>
        ) : (
          part
        ),
      )}
    </>
  );
}

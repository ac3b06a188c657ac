import { documentKindLabels, ZCreateDocumentRequest } from '@core/projects/schemas.ts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../../api.ts';
import { DateText, ErrorAlert, HiddenTarget } from '../../components/common.tsx';
import { controlProps, Field } from '../../components/field.tsx';
import { FormFooter, FormSummary, useSchemaForm } from '../../components/form-parts.tsx';
import { QueryTable } from '../../components/query-table.tsx';
import { SavedWithNextStep } from '../../components/stage-stepper.tsx';
import { useFormat } from '../../format.ts';
import type { TDocument } from '../../types.ts';
import { useProjectContext } from '../project-page.tsx';

type Input = z.input<typeof ZCreateDocumentRequest>;
type Output = z.output<typeof ZCreateDocumentRequest>;

export function useDocuments(projectId: string) {
  return useQuery({ queryKey: ['project', projectId, 'documents'], queryFn: () => api.documents.list(projectId) });
}

function DocumentForm({ projectId, onAdded }: { projectId: string; onAdded: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const defaults: Input = { kind: 'requirements_definition', title: '', url: '' };
  const form = useSchemaForm(ZCreateDocumentRequest, { defaultValues: defaults });
  const { id, register, handleSubmit, reset, errors } = form;
  const save = useMutation({
    mutationFn: (values: Output) => api.documents.create(projectId, values),
    onSuccess: () => {
      reset(defaults);
      void queryClient.invalidateQueries({ queryKey: ['project', projectId] });
      onAdded();
    },
    onError: form.serverErrors(['kind', 'title', 'url']),
  });
  return (
    <form className="form" noValidate onSubmit={handleSubmit((v) => save.mutate(v))} aria-label={t('documents.addLabel')}>
      <FormSummary
        {...form.summary}
        fields={[
          { name: 'kind', id: `${id}-kind`, label: t('documents.kind') },
          { name: 'title', id: `${id}-title`, label: t('documents.docTitle') },
          { name: 'url', id: `${id}-url`, label: t('documents.url') },
        ]}
      />
      <Field id={`${id}-kind`} label={t('documents.kind')} required error={errors.kind}>
        <select {...controlProps(`${id}-kind`, { error: errors.kind })} {...register('kind')}>
          {Object.entries(documentKindLabels).map(([value, label]) => (
            <option key={value} value={value}>
              {f.label(label)}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${id}-title`} label={t('documents.docTitle')} required error={errors.title}>
        <input type="text" {...controlProps(`${id}-title`, { error: errors.title })} {...register('title')} />
      </Field>
      <Field id={`${id}-url`} label={t('documents.url')} required error={errors.url} hint={t('documents.urlHint')}>
        <input type="url" inputMode="url" {...controlProps(`${id}-url`, { error: errors.url, hint: true })} {...register('url')} />
      </Field>
      <FormFooter save={save} submitLabel={t('documents.add')} />
    </form>
  );
}

function DeleteButton({ document }: { document: TDocument }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api.documents.remove(document.projectId, document.id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['project', document.projectId] }),
  });
  return (
    <>
      <button
        type="button"
        className="button button-small button-secondary"
        disabled={remove.isPending}
        onClick={() => {
          if (window.confirm(t('documents.confirmDelete', { title: document.title }))) remove.mutate();
        }}
      >
        {t('common.delete')}
        <HiddenTarget name={document.title} />
      </button>
      {remove.isError ? <ErrorAlert error={remove.error} /> : null}
    </>
  );
}

export default function DocumentsTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const { project, canWrite } = useProjectContext();
  const [added, setAdded] = useState(false);
  const documents = useDocuments(project.id);
  const headingId = useId();
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('documents.title')}</h2>
      <p className="small muted">{t('documents.lead')}</p>
      <QueryTable
        query={documents}
        empty={t('documents.empty')}
        caption={t('documents.title')}
        head={
          <>
            <th scope="col">{t('documents.kind')}</th>
            <th scope="col">{t('documents.docTitle')}</th>
            <th scope="col">{t('documents.addedBy')}</th>
            <th scope="col">{t('history.at')}</th>
            {canWrite ? <th scope="col">{t('documents.actions')}</th> : null}
          </>
        }
      >
        {(items) =>
          items.map((doc) => (
            <tr key={doc.id}>
              <td>{f.label(documentKindLabels[doc.kind], doc.kind)}</td>
              <td>
                <a href={doc.url} target="_blank" rel="noopener noreferrer">
                  {doc.title}
                  <span className="visually-hidden">{t('common.opensNewWindow')}</span>
                </a>
              </td>
              <td>{doc.createdByName ?? '—'}</td>
              <td className="nowrap">
                <DateText value={doc.createdAt} />
              </td>
              {canWrite ? (
                <td>
                  <DeleteButton document={doc} />
                </td>
              ) : null}
            </tr>
          ))
        }
      </QueryTable>
      {canWrite ? (
        <section className="card" aria-labelledby={`${headingId}-add`}>
          <h3 id={`${headingId}-add`}>{t('documents.add')}</h3>
          {added ? <SavedWithNextStep projectId={project.id} version={project.version} saved={t('documents.added')} /> : null}
          <DocumentForm projectId={project.id} onAdded={() => setAdded(true)} />
        </section>
      ) : null}
    </section>
  );
}

import { canvasFields, missingKeyItems, type TCanvasFieldKey, ZSaveCanvasRequest } from '@core/canvas/schemas.ts';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useForm, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api, isApiError } from '../api.ts';
import { type CanvasEditing, CanvasGrid } from '../components/canvas-grid.tsx';
import { ErrorAlert } from '../components/common.tsx';
import { FormButtons } from '../components/form-parts.tsx';
import { useUnsavedChangesWarning } from '../components/unsaved.ts';
import { useFormat } from '../format.ts';
import type { TCanvas, TKpi } from '../types.ts';

type Values = Partial<Record<TCanvasFieldKey, string>>;
type Input = z.input<typeof ZSaveCanvasRequest>;
type Output = z.output<typeof ZSaveCanvasRequest>;

/** The saved cells; empty header cells start with the registered name and bureau, so saving fills them. */
function initialValues(canvas: TCanvas, defaults?: Values): Values {
  const values: Values = {};
  for (const { key } of canvasFields) values[key] = canvas.fields[key] || defaults?.[key] || '';
  return values;
}

/**
 * Edit the canvas in place, in its grid. Saving sends every cell with the revision the editor
 * started from (baseRevision), so a newer revision saved meanwhile is a 409, never overwritten.
 * Empty key items do not block saving; the canvas just does not count as written yet.
 */
export function CanvasForm({
  projectId,
  canvas,
  kpis,
  defaults,
  onSaved,
  onCancel,
}: {
  projectId: string;
  canvas: TCanvas;
  kpis?: readonly TKpi[];
  defaults?: Values;
  onSaved: (saved: TCanvas) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const {
    handleSubmit,
    setValue,
    setError,
    control,
    formState: { errors: formErrors, isDirty },
  } = useForm<Input, unknown, Output>({
    resolver: zodResolver(ZSaveCanvasRequest),
    defaultValues: { fields: initialValues(canvas, defaults), baseRevision: canvas.revision },
  });
  const values = (useWatch({ control, name: 'fields' }) ?? {}) as Values;
  const errors: CanvasEditing['errors'] = {};
  for (const { key } of canvasFields) {
    const error = formErrors.fields?.[key];
    if (error) errors[key] = { message: error.message };
  }

  const save = useMutation({
    mutationFn: (body: Output) => api.canvas.save(projectId, body),
    onSuccess: (saved) => {
      queryClient.setQueryData(['project', projectId, 'canvas'], saved);
      void queryClient.invalidateQueries({ queryKey: ['project', projectId] });
      onSaved(saved);
    },
    onError: (error) => {
      if (isApiError(error)) {
        for (const e of error.errors) {
          const key = e.path.replace(/^fields\./, '') as TCanvasFieldKey;
          if (canvasFields.some((c) => c.key === key)) setError(`fields.${key}`, { type: 'server', message: e.message });
        }
      }
    },
  });
  useUnsavedChangesWarning(isDirty && !save.isSuccess);

  const onSubmit = handleSubmit((body) => save.mutate(body));

  const keyItems = (canvas.keyItems ?? []) as TCanvasFieldKey[];
  const missing = missingKeyItems(values, keyItems);
  const conflict = isApiError(save.error) && save.error.code === 'version_conflict' ? save.error : null;
  const conflictRevision = conflict ? ((conflict.body.currentRevision as number | undefined) ?? null) : null;
  const conflictBy = conflict ? ((conflict.current as TCanvas | undefined)?.createdByName ?? null) : null;

  return (
    <form onSubmit={onSubmit} noValidate aria-label={t('canvas.editLabel')} className="canvas-form">
      <p className="hint">{t('canvas.editHint')}</p>
      {conflict ? (
        <div className="alert alert-warning" role="alert">
          <h3>{t('canvas.conflictTitle')}</h3>
          <p>{t('canvas.conflictLead', { revision: conflictRevision ?? '?', name: conflictBy ?? t('common.notRecorded') })}</p>
          <button
            type="button"
            className="button"
            onClick={() => {
              const current = conflict.current as TCanvas | undefined;
              if (current) queryClient.setQueryData(['project', projectId, 'canvas'], current);
              void queryClient.invalidateQueries({ queryKey: ['project', projectId, 'canvas'] });
              onCancel();
            }}
          >
            {t('common.reload')}
          </button>
        </div>
      ) : save.isError && !(isApiError(save.error) && save.error.errors.length) ? (
        <ErrorAlert error={save.error} />
      ) : null}
      <CanvasGrid
        fields={values}
        keyItems={keyItems}
        guidance={canvas.guidance}
        kpis={kpis}
        defaults={defaults}
        editing={{
          values,
          errors,
          onChange: (key, value) => setValue(`fields.${key}`, value, { shouldDirty: true }),
        }}
      />
      <div className={missing.length ? 'alert alert-warning' : 'alert alert-success'} aria-live="polite">
        {missing.length
          ? t('canvas.missingKeyItems', { items: missing.map((key) => f.label(canvasFields.find((c) => c.key === key)!)).join(f.listSep) })
          : t('canvas.allKeyItems')}
      </div>
      <FormButtons
        pending={save.isPending}
        submitLabel={t('canvas.save')}
        onCancel={() => {
          if (!isDirty || window.confirm(t('common.unsavedChanges'))) onCancel();
        }}
      />
    </form>
  );
}

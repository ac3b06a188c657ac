import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { CanvasGrid } from '../components/canvas-grid.tsx';
import { ErrorAlert, Loading, useDocumentTitle } from '../components/common.tsx';
import { LanguageSwitch } from '../components/layout.tsx';
import { useFormat } from '../format.ts';
import type { TProject } from '../types.ts';
import { useCanvasDefaults } from './project/canvas-tab.tsx';
import { useCanvas, useKpis } from './project/project-queries.ts';
import { useProject } from './project-page.tsx';

function PrintBody({ project }: { project: TProject }) {
  const { t } = useTranslation();
  const f = useFormat();
  const canvas = useCanvas(project.id);
  const kpis = useKpis(project.id);
  const defaults = useCanvasDefaults(project);
  useDocumentTitle(`${project.name} ${t('canvas.title')}`);
  return (
    <>
      <div className="print-toolbar no-print">
        <Link to={`/projects/${project.id}/canvas`}>{t('canvas.backToProject')}</Link>
        <div className="button-row button-row-tight">
          <LanguageSwitch />
          <button type="button" className="button" onClick={() => window.print()}>
            {t('canvas.print')}
          </button>
        </div>
      </div>
      <p className="no-print hint">{t('canvas.printHint')}</p>
      <h1 className="print-title">
        {project.name}
        <span className="print-subtitle">
          {t('canvas.title')} · {project.code}
          {canvas.data && canvas.data.revision > 0
            ? ` · ${t('canvas.revisionN', { n: canvas.data.revision })}${f.paren(f.date(canvas.data.createdAt))}`
            : ''}
        </span>
      </h1>
      {canvas.isPending ? (
        <Loading />
      ) : canvas.isError ? (
        <ErrorAlert error={canvas.error} />
      ) : (
        <CanvasGrid fields={canvas.data.fields} keyItems={canvas.data.keyItems ?? []} kpis={kpis.data} defaults={defaults} />
      )}
    </>
  );
}

/** The canvas alone, sized for one A4 landscape sheet (see @page in styles.css). */
export default function CanvasPrint() {
  const { id = '' } = useParams();
  const project = useProject(id);
  return (
    <main id="main" className="print-page">
      {project.isPending ? <Loading /> : project.isError ? <ErrorAlert error={project.error} /> : <PrintBody project={project.data} />}
    </main>
  );
}

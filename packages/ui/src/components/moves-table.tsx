import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useBureauName } from './bureaus.ts';
import { TableScroll } from './common.tsx';

/** One project a ruleset change moves; `lead` fills the columns a table asks before the project's. */
export type TMoveRow = { key: string; lead?: ReactNode[]; project: ReactNode; bureauCode: string; from: ReactNode; to: ReactNode };

/**
 * The projects a ruleset change moves, one row each: project, bureau, from, to (変更前 → 変更後). The
 * simulation's sample and a proposed version's pending reviews are this table; `leadHeaders` name any
 * columns before the project.
 */
export function MovesTable({ caption, leadHeaders = [], rows }: { caption: string; leadHeaders?: string[]; rows: TMoveRow[] }) {
  const { t } = useTranslation();
  const bureauName = useBureauName();
  return (
    <TableScroll>
      <table className="table table-compact">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {leadHeaders.map((header) => (
              <th key={header} scope="col">
                {header}
              </th>
            ))}
            <th scope="col">{t('projects.colName')}</th>
            <th scope="col">{t('projects.bureau')}</th>
            <th scope="col">{t('rules.from')}</th>
            <th scope="col">{t('rules.to')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              {row.lead?.map((cell, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the lead columns are fixed per table
                <td key={i}>{cell}</td>
              ))}
              <td>{row.project}</td>
              <td>{bureauName(row.bureauCode)}</td>
              <td>{row.from}</td>
              <td>{row.to}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

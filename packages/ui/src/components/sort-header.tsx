import { useTranslation } from 'react-i18next';

/**
 * A column header that sorts its table: pressing it sorts by the column, pressing it again reverses;
 * `aria-sort` and a hidden phrase say the order to screen readers, an arrow shows it to the eye.
 */
export function SortHeader<K extends string>({
  column,
  label,
  sort,
  onSort,
}: {
  column: K;
  label: string;
  sort: { key: K | null; dir: 'asc' | 'desc' };
  onSort: (key: K) => void;
}) {
  const { t } = useTranslation();
  const active = sort.key === column;
  return (
    <th scope="col" aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
      <button type="button" className="sort-button" onClick={() => onSort(column)}>
        {label}
        <span aria-hidden="true" className="sort-indicator">
          {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
        <span className="visually-hidden">
          {active ? (sort.dir === 'asc' ? t('projects.sortedAsc') : t('projects.sortedDesc')) : t('projects.sortable')}
        </span>
      </button>
    </th>
  );
}

import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Empty, ErrorAlert, Loading, TableScroll } from './common.tsx';

/**
 * A list from the server as a table: loading, then the error (with 再試行), the empty note, or the table
 * with its (visually hidden) caption, the header cells `head` and a row per item from `children`.
 */
export function QueryTable<T>({
  query,
  empty,
  caption,
  head,
  children,
}: {
  query: UseQueryResult<T[]>;
  empty: ReactNode;
  caption: string;
  head: ReactNode;
  children: (items: T[]) => ReactNode;
}) {
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />;
  if (query.data.length === 0) return <Empty>{empty}</Empty>;
  return (
    <DataTable caption={caption} head={head}>
      {children(query.data)}
    </DataTable>
  );
}

/** A table that scrolls sideways on a narrow screen: its caption (for screen readers only unless told), one head row, the body rows. */
export function DataTable({
  className = 'table',
  caption,
  captionClassName = 'visually-hidden',
  head,
  children,
}: {
  className?: string;
  caption: ReactNode;
  captionClassName?: string;
  head: ReactNode;
  children: ReactNode;
}) {
  return (
    <TableScroll>
      <table className={className}>
        <caption className={captionClassName}>{caption}</caption>
        <thead>
          <tr>{head}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </TableScroll>
  );
}

/**
 * Search reads the newest slice first and turns to the bigram index only when the slice holds less
 * than a page. Whatever path answers, every page must be exactly the matching projects in order, with
 * nothing repeated or skipped across keyset pages: checked against a plain filter in JavaScript.
 */
import { normalizeSearchText } from '@psbook/core';
import { expect, it } from 'vitest';
import { describeOnBothDatabases } from '../../testing/harness.ts';
import { decodeCursor, listProjects, type ProjectCursor } from './projects.ts';

describeOnBothDatabases('project search paging', (t) => {
  // 40 projects; 電子申請 in every third (common), 窓口予約 in one old project (rare), 統計 in two.
  const names = Array.from({ length: 40 }, (_, i) => {
    const words = [i % 3 === 0 ? '電子申請' : '業務改善', i === 2 ? '窓口予約' : '', i === 5 || i === 33 ? '統計ﾃﾞｰﾀ' : ''];
    return `検索試験${String(i).padStart(2, '0')} ${words.join(' ')}`;
  });

  it('gives every match once, in order, whichever path answers each page', async () => {
    for (const name of names) {
      const res = await t().request('POST', '/api/v1/projects', {
        as: 'staff.ind@example.jp',
        body: { name, bureauCode: 'IND', fiscalYear: 2026 },
      });
      expect(res.status).toBe(201);
    }
    const db = t().services.db;
    for (const q of ['業務改善', '電子申請', '窓口予約', '統計データ', 'ﾃﾞｰﾀ', '存在しない語']) {
      for (const order of ['newest', 'oldest'] as const) {
        const expected = names.filter((n) => normalizeSearchText(n).includes(normalizeSearchText(q)));
        if (order === 'newest') expected.reverse();
        // A slice of 5 rows and pages of 3: pages come from the slice, from the index, and across both.
        for (const sliceRows of [5, 8, 4000]) {
          const seen: string[] = [];
          let cursor: ProjectCursor | null = null;
          for (let guard = 0; guard < 50; guard++) {
            const page = await listProjects(db, { q, bureau: ['IND'] }, { limit: 3, cursor, order }, sliceRows);
            seen.push(...page.rows.map((r) => r.name).filter((n) => n.startsWith('検索試験')));
            if (!page.nextCursor) break;
            cursor = decodeCursor(page.nextCursor);
          }
          expect(seen, `${q} ${order} slice ${sliceRows}`).toEqual(expected);
        }
      }
    }
  });
});

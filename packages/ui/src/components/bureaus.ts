import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import { useFormat } from '../format.ts';

/** The bureaus, as every screen asks for them (also prefetched by screens that need them at once). */
export const bureausQuery = { queryKey: ['bureaus'], queryFn: api.bureaus.list, staleTime: 10 * 60_000 };

import type { TBureau } from '../types.ts';

export function useBureaus() {
  return useQuery(bureausQuery);
}

/** `bureauName('IND')` → 産業労働局 (or the English name), the code itself while loading. */
export function useBureauName() {
  const { data } = useBureaus();
  const f = useFormat();
  const byCode = new Map((data ?? []).map((b: TBureau) => [b.code, b]));
  return (code: string | null | undefined) => {
    if (!code) return '—';
    const bureau = byCode.get(code);
    return bureau ? f.label({ ja: bureau.nameJa, en: bureau.nameEn }) : code;
  };
}

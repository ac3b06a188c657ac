import { roleLabels } from '@core/registry/lists.ts';
import { useTranslation } from 'react-i18next';

export type Localized = { ja: string; en: string };

// Each Intl object is made on first use, not with the format: the first of a kind loads the
// browser's locale data (a yen NumberFormat took 28 ms on the KPI page's first render, a
// DateTimeFormat 10 ms), which a screen that shows no amounts or dates should not pay.
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.Collator>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.Collator>(key: string, make: () => T): T {
  let value = cache.get(key) as T | undefined;
  if (!value) {
    value = make();
    cache.set(key, value);
  }
  return value;
}
const lazily =
  <T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.Collator>(key: string, make: () => T) =>
  () =>
    cached(key, make);

export const localeOf = (lang: string) => (lang === 'en' ? 'en-US' : 'ja-JP');

/** Japanese reading of an amount of yen in 万円 (ten-thousands), as budget documents word it. */
export function formatManYen(yen: number, lang = 'ja'): string {
  const number = cached(`man:${lang}`, () => new Intl.NumberFormat(localeOf(lang), { maximumFractionDigits: 4 }));
  if (lang === 'en') return `¥${number.format(yen / 10_000)} ten-thousand (万円)`;
  if (yen >= 100_000_000) {
    const oku = Math.floor(yen / 100_000_000);
    const man = (yen - oku * 100_000_000) / 10_000;
    return man ? `${number.format(oku)}億${number.format(man)}万円` : `${number.format(oku)}億円`;
  }
  return `${number.format(yen / 10_000)}万円`;
}

export function makeFormat(lang: string) {
  const locale = localeOf(lang);
  const yen = lazily(`yen:${locale}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency: 'JPY' }));
  const number = lazily(`num:${locale}`, () => new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }));
  const date = lazily(`date:${locale}`, () => new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric' }));
  const dateTime = lazily(
    `dt:${locale}`,
    () => new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' }),
  );
  const shortDate = lazily(`sd:${locale}`, () => new Intl.DateTimeFormat(locale, { month: 'numeric', day: 'numeric' }));
  const collator = lazily(`col:${locale}`, () => new Intl.Collator(locale === 'ja-JP' ? 'ja' : 'en', { numeric: true }));
  const parse = (value: string | Date) => {
    // A bare date ('2024-07-28') is a calendar day, not UTC midnight.
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
      const [y, m, d] = value.split('-').map(Number);
      return new Date(y!, m! - 1, d!);
    }
    return new Date(value);
  };
  const valid = (d: Date) => !Number.isNaN(d.getTime());
  return {
    lang,
    locale,
    yen: (value: number | null | undefined) => (value === null || value === undefined ? '—' : yen().format(value)),
    manYen: (value: number | null | undefined) => (value === null || value === undefined ? '—' : formatManYen(value, lang)),
    number: (value: number | null | undefined) => (value === null || value === undefined ? '—' : number().format(value)),
    date: (value: string | Date | null | undefined) => {
      if (!value) return '—';
      const d = parse(value);
      return valid(d) ? date().format(d) : String(value);
    },
    dateTime: (value: string | Date | null | undefined) => {
      if (!value) return '—';
      const d = parse(value);
      return valid(d) ? dateTime().format(d) : String(value);
    },
    shortDate: (value: string | Date) => {
      const d = parse(value);
      return valid(d) ? shortDate().format(d) : String(value);
    },
    fiscalYear: (year: number | null | undefined) => (year ? (lang === 'en' ? `FY${year}` : `${year}年度`) : '—'),
    hours: (value: number | null | undefined) =>
      value === null || value === undefined ? '—' : lang === 'en' ? `${number().format(value)} h` : `${number().format(value)}時間`,
    compare: (a: string, b: string) => collator().compare(a, b),
    /** Japanese and English punctuation: 「A、B」/"A, B", 「項目：値」/"Item: value", 「値（補足）」/"value (note)". */
    listSep: lang === 'en' ? ', ' : '、',
    colon: lang === 'en' ? ': ' : '：',
    paren: (text: string | number) => (lang === 'en' ? ` (${text})` : `（${text}）`),
    /** Pick the label of the current language from a `{ ja, en }` map entry. */
    label: (value: Localized | null | undefined, fallback = '—') => (value ? (lang === 'en' ? value.en : value.ja) : fallback),
    /** A role (a reviewer, a user's role) in words; an unknown or missing role is 「—」, never its code. */
    role: (role: string | null | undefined) => {
      const entry = role && Object.hasOwn(roleLabels, role) ? roleLabels[role as keyof typeof roleLabels] : null;
      return entry ? (lang === 'en' ? entry.en : entry.ja) : '—';
    },
  };
}
export type Format = ReturnType<typeof makeFormat>;

export function useFormat(): Format {
  const { i18n } = useTranslation();
  return makeFormat(i18n.language);
}

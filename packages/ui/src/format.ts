import { roleLabels } from '@core/registry/lists.ts';
import { useTranslation } from 'react-i18next';

export type Localized = { ja: string; en: string };

// Each Intl object (English, the collator, and the rare values the Japanese forms below leave to
// Intl) is made on first use, not with the format: the first of a kind loads the browser's locale
// data (a yen NumberFormat took 28 ms on the KPI page's first render), which a screen that shows no
// amounts or dates should not pay.
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

/*
 * Japanese numbers and dates are written here, not by Intl. Chromium loads ICU's locale data and
 * date pattern generator on a page's first Intl number or date format: 15–60 ms of main thread on
 * every page load measured here (docs/performance.md §4.9, eighth pass), which a phone pays four
 * times over. The Japanese forms are few and fixed; format.test.ts checks each against Intl's own
 * output for thousands of values, and anything outside them (exponents, years outside 1000–9999,
 * English) still goes to Intl.
 */

/** |x| rounded half away from zero to `places` decimals, as ICU rounds: on the shortest decimal
 * form of the double (so 1.005 → 1.01, like Intl, where toFixed gives 1.00). Null when that form is
 * not plain digits (an exponent, NaN, ∞). */
function roundedDigits(x: number, places: number): { whole: string; fraction: string } | null {
  const text = String(Math.abs(x));
  if (!/^\d+(\.\d+)?$/.test(text)) return null;
  const [whole, fraction = ''] = text.split('.') as [string, string?];
  if (fraction.length <= places) return { whole, fraction: fraction.replace(/0+$/, '') };
  let digits = whole + fraction.slice(0, places);
  if (fraction.charCodeAt(places) >= 53 /* '5' */) {
    // Add one in the last kept place, carrying through nines.
    const chars = digits.split('');
    let i = chars.length - 1;
    while (i >= 0 && chars[i] === '9') chars[i--] = '0';
    digits = i < 0 ? `1${chars.join('')}` : `${chars.slice(0, i).join('')}${Number(chars[i]) + 1}${chars.slice(i + 1).join('')}`;
  }
  const cut = digits.length - places;
  return { whole: digits.slice(0, cut), fraction: digits.slice(cut).replace(/0+$/, '') };
}

const grouped = (whole: string) => whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const minus = (x: number) => (x < 0 || Object.is(x, -0) ? '-' : '');

/** ja-JP's `Intl.NumberFormat` with `maximumFractionDigits: places`, or null where Intl must answer. */
function japaneseNumber(x: number, places: number): string | null {
  const rounded = roundedDigits(x, places);
  if (!rounded) return null;
  return `${minus(x)}${grouped(rounded.whole)}${rounded.fraction ? `.${rounded.fraction}` : ''}`;
}

/** ja-JP's yen (`style: 'currency', currency: 'JPY'`: no decimals, the full-width ￥). */
function japaneseYen(x: number): string | null {
  const rounded = roundedDigits(x, 0);
  return rounded ? `${minus(x)}￥${grouped(rounded.whole)}` : null;
}

type DateStyle = 'date' | 'dateTime' | 'shortDate';
/** ja-JP's dates in the browser's time zone: 2026年1月5日, 2026/1/5 07:03, 1/5. */
function japaneseDate(d: Date, style: DateStyle): string | null {
  const year = d.getFullYear();
  if (year < 1000 || year > 9999) return null;
  const month = d.getMonth() + 1;
  const day = d.getDate();
  if (style === 'date') return `${year}年${month}月${day}日`;
  if (style === 'shortDate') return `${month}/${day}`;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${year}/${month}/${day} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

export const localeOf = (lang: string) => (lang === 'en' ? 'en-US' : 'ja-JP');

/** Japanese reading of an amount of yen in 万円 (ten-thousands), as budget documents word it. */
export function formatManYen(yen: number, lang = 'ja'): string {
  const intl = () => cached(`man:${lang}`, () => new Intl.NumberFormat(localeOf(lang), { maximumFractionDigits: 4 }));
  if (lang === 'en') return `¥${intl().format(yen / 10_000)} ten-thousand (万円)`;
  const number = (x: number) => japaneseNumber(x, 4) ?? intl().format(x);
  if (yen >= 100_000_000) {
    const oku = Math.floor(yen / 100_000_000);
    const man = (yen - oku * 100_000_000) / 10_000;
    return man ? `${number(oku)}億${number(man)}万円` : `${number(oku)}億円`;
  }
  return `${number(yen / 10_000)}万円`;
}

export function makeFormat(lang: string) {
  const locale = localeOf(lang);
  const japanese = lang !== 'en';
  const intlYen = lazily(`yen:${locale}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency: 'JPY' }));
  const intlNumber = lazily(`num:${locale}`, () => new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }));
  const intlDates: Record<DateStyle, () => Intl.DateTimeFormat> = {
    date: lazily(`date:${locale}`, () => new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric' })),
    dateTime: lazily(
      `dt:${locale}`,
      () => new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' }),
    ),
    shortDate: lazily(`sd:${locale}`, () => new Intl.DateTimeFormat(locale, { month: 'numeric', day: 'numeric' })),
  };
  const yen = (x: number) => (japanese && japaneseYen(x)) || intlYen().format(x);
  const number = (x: number) => (japanese && japaneseNumber(x, 2)) || intlNumber().format(x);
  const formatDate = (d: Date, style: DateStyle) => (japanese && japaneseDate(d, style)) || intlDates[style]().format(d);
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
    yen: (value: number | null | undefined) => (value === null || value === undefined ? '—' : yen(value)),
    manYen: (value: number | null | undefined) => (value === null || value === undefined ? '—' : formatManYen(value, lang)),
    number: (value: number | null | undefined) => (value === null || value === undefined ? '—' : number(value)),
    date: (value: string | Date | null | undefined) => {
      if (!value) return '—';
      const d = parse(value);
      return valid(d) ? formatDate(d, 'date') : String(value);
    },
    dateTime: (value: string | Date | null | undefined) => {
      if (!value) return '—';
      const d = parse(value);
      return valid(d) ? formatDate(d, 'dateTime') : String(value);
    },
    shortDate: (value: string | Date) => {
      const d = parse(value);
      return valid(d) ? formatDate(d, 'shortDate') : String(value);
    },
    fiscalYear: (year: number | null | undefined) => (year ? (lang === 'en' ? `FY${year}` : `${year}年度`) : '—'),
    hours: (value: number | null | undefined) =>
      value === null || value === undefined ? '—' : lang === 'en' ? `${number(value)} h` : `${number(value)}時間`,
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

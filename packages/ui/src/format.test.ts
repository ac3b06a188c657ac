import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatManYen, makeFormat } from './format.ts';

// The Japanese forms are written by hand (format.ts says why); Intl is the reference they must match.
const ja = makeFormat('ja');
const intl = {
  number: new Intl.NumberFormat('ja-JP', { maximumFractionDigits: 2 }),
  man: new Intl.NumberFormat('ja-JP', { maximumFractionDigits: 4 }),
  yen: new Intl.NumberFormat('ja-JP', { style: 'currency', currency: 'JPY' }),
  date: new Intl.DateTimeFormat('ja-JP', { year: 'numeric', month: 'long', day: 'numeric' }),
  dateTime: new Intl.DateTimeFormat('ja-JP', { year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' }),
  shortDate: new Intl.DateTimeFormat('ja-JP', { month: 'numeric', day: 'numeric' }),
};

/** Amounts as the book holds them (integer yen) and as screens compute them (ratios, hours, ties at every place). */
const amounts = fc.oneof(
  fc.integer({ min: -9_007_199_254_740_991, max: Number.MAX_SAFE_INTEGER }).map(Number),
  fc.double({ min: -1e15, max: 1e15, noNaN: true }),
  fc.double({ min: -1, max: 1, noNaN: true }),
  fc
    .tuple(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 1, max: 6 }))
    .map(([whole, part, places]) => Number(`${whole}.${String(part).padStart(5, '0').slice(0, places)}5`)),
  fc.constantFrom(0, -0, 0.5, -0.5, 1.005, 2.675, 1234.5, 9.995, 99.995, 999_999.995, 1e21, -1e-7, Number.NaN, Infinity, -Infinity),
);

describe('Japanese numbers, yen and dates without Intl', () => {
  it('numbers read as Intl.NumberFormat("ja-JP") writes them', () => {
    fc.assert(
      fc.property(amounts, (x) => {
        expect(ja.number(x)).toBe(intl.number.format(x));
        expect(ja.yen(x)).toBe(intl.yen.format(x));
        expect(ja.hours(x)).toBe(`${intl.number.format(x)}時間`);
      }),
      { numRuns: 5000 },
    );
  });

  it('万円 and 億円 read with up to four decimals, as Intl rounds them', () => {
    fc.assert(
      fc.property(amounts, (yen) => {
        const man = (x: number) => intl.man.format(x);
        const expected =
          yen >= 100_000_000
            ? (() => {
                const oku = Math.floor(yen / 100_000_000);
                const rest = (yen - oku * 100_000_000) / 10_000;
                return rest ? `${man(oku)}億${man(rest)}万円` : `${man(oku)}億円`;
              })()
            : `${man(yen / 10_000)}万円`;
        expect(formatManYen(yen)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
    expect(formatManYen(123_456_789)).toBe('1億2,345.6789万円');
  });

  it('dates, date-times and short dates read as Intl.DateTimeFormat("ja-JP") writes them', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(-5e13), max: new Date(4e14), noInvalidDate: true }), (d) => {
        expect(ja.date(d)).toBe(intl.date.format(d));
        expect(ja.dateTime(d)).toBe(intl.dateTime.format(d));
        expect(ja.shortDate(d)).toBe(intl.shortDate.format(d));
      }),
      { numRuns: 5000 },
    );
    expect(ja.date('2024-07-28')).toBe('2024年7月28日');
    expect(ja.dateTime(new Date(2026, 0, 5, 0, 3))).toBe('2026/1/5 00:03');
  });

  it('English still goes to Intl', () => {
    const en = makeFormat('en');
    expect(en.yen(1234)).toBe('¥1,234');
    expect(en.date('2024-07-28')).toBe('July 28, 2024');
  });
});

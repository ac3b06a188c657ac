import { describe, expect, it } from 'vitest';
import { isValidCorporateNumber } from '../reviews/schemas.ts';
import { computeKpiStatus, expectedValue, measurementNeedsComment, type TKpiForStatus } from './schemas.ts';

const kpi: TKpiForStatus = {
  direction: 'increase',
  baselineValue: 0,
  baselineYear: 2020,
  targetValue: 40,
  targetText: null,
  targetFiscalYear: 2024,
};

describe('KPI status', () => {
  it('has no data without measurements', () => expect(computeKpiStatus(kpi, [])).toBe('no_data'));
  it('draws a straight line from baseline to target', () => expect(expectedValue(kpi, 2022)).toBe(20));
  it('is on track when the latest measurement meets its year', () =>
    expect(computeKpiStatus(kpi, [{ fiscalYear: 2022, value: 21, achieved: null }])).toBe('on_track'));
  it('is behind when it does not', () => expect(computeKpiStatus(kpi, [{ fiscalYear: 2022, value: 5, achieved: null }])).toBe('behind'));
  it('is achieved when the target is reached', () =>
    expect(computeKpiStatus(kpi, [{ fiscalYear: 2023, value: 40, achieved: null }])).toBe('achieved'));
  it('treats lower as better for decreasing KPIs', () =>
    expect(
      computeKpiStatus({ ...kpi, direction: 'decrease', baselineValue: 100, targetValue: 60 }, [
        { fiscalYear: 2024, value: 59, achieved: null },
      ]),
    ).toBe('achieved'));
  it('handles a non-numeric target such as 竣工', () => {
    const text = { ...kpi, targetValue: null, targetText: '竣工', targetFiscalYear: 2019 };
    expect(computeKpiStatus(text, [{ fiscalYear: 2018, value: null, achieved: false }])).toBe('on_track');
    expect(computeKpiStatus(text, [{ fiscalYear: 2019, value: null, achieved: true }])).toBe('achieved');
    expect(measurementNeedsComment(text, { fiscalYear: 2019, value: null, achieved: false })).toBe(true);
  });
  it('asks for a comment on a missed year', () =>
    expect(measurementNeedsComment(kpi, { fiscalYear: 2024, value: 30, achieved: null })).toBe(true));
});

describe('corporate number (法人番号)', () => {
  it('accepts a valid check digit', () => {
    // 東京都: 8000020130001
    expect(isValidCorporateNumber('8000020130001')).toBe(true);
  });
  it('rejects a wrong check digit and wrong lengths', () => {
    expect(isValidCorporateNumber('7000020130001')).toBe(false);
    expect(isValidCorporateNumber('800002013000')).toBe(false);
    expect(isValidCorporateNumber('80000201300a1')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { ratingDimensions, type TRating, type TRatings, ZCreateStatusReportRequest } from './schemas.ts';
import { addWorkingDays, computeDivergence, isReportingPeriod, periodEnd, reportDue } from './supervision.ts';

const noHolidays = new Set<string>();
/** Every dimension rated alike. */
const all = (rating: TRating): TRatings => Object.fromEntries(ratingDimensions.map((d) => [d, rating])) as TRatings;

describe('working days', () => {
  it('does not count the start day', () => expect(addWorkingDays('2026-11-09', 1, noHolidays)).toBe('2026-11-10'));
  it('skips the weekend from a Friday', () => expect(addWorkingDays('2026-11-13', 1, noHolidays)).toBe('2026-11-16'));
  it('opened on a Saturday, counts from Monday', () => expect(addWorkingDays('2026-11-14', 1, noHolidays)).toBe('2026-11-16'));
  it('puts 10 working days two weeks on', () => expect(addWorkingDays('2026-11-02', 10, noHolidays)).toBe('2026-11-16'));
  it('skips a holiday', () => expect(addWorkingDays('2026-11-20', 1, new Set(['2026-11-23']))).toBe('2026-11-24'));
});

describe('report periods', () => {
  it('ends February in a leap year on the 29th', () => expect(periodEnd('2028-02')).toBe('2028-02-29'));
  it('ends quarters on the fiscal quarters', () => {
    expect(['2026-06', '2026-09', '2026-12', '2027-03'].every((p) => isReportingPeriod(p, 3))).toBe(true);
    expect(isReportingPeriod('2026-07', 3)).toBe(false);
  });
  it('ends half-years in September and March', () => {
    expect(isReportingPeriod('2026-09', 6)).toBe(true);
    expect(isReportingPeriod('2027-03', 6)).toBe(true);
    expect(isReportingPeriod('2026-12', 6)).toBe(false);
  });
});

describe('overdue reports', () => {
  const monthly = { cadenceMonths: 1, graceDays: 14, supervisedSince: '2026-01-01' };
  it('is not overdue on the last day of the grace', () =>
    expect(reportDue({ ...monthly, latestReportPeriod: '2026-08', today: '2026-10-14' }).overdue).toBe(false));
  it('is overdue the day after the grace', () =>
    expect(reportDue({ ...monthly, latestReportPeriod: '2026-08', today: '2026-10-15' })).toMatchObject({
      duePeriod: '2026-09',
      overdue: true,
    }));
  it('is not overdue with the report filed', () =>
    expect(reportDue({ ...monthly, latestReportPeriod: '2026-09', today: '2026-10-15' }).overdue).toBe(false));
  it('is overdue with nothing filed at all', () =>
    expect(reportDue({ ...monthly, latestReportPeriod: null, today: '2026-10-15' }).overdue).toBe(true));
  it('owes the next period after one reported early', () =>
    expect(reportDue({ ...monthly, latestReportPeriod: '2026-10', today: '2026-10-20' })).toMatchObject({
      duePeriod: '2026-09',
      overdue: false,
      nextPeriod: '2026-11',
      nextDeadline: '2026-12-14',
    }));
  it('owes the current quarter until a month of it is reported', () => {
    const quarterly = { ...monthly, cadenceMonths: 3 };
    expect(reportDue({ ...quarterly, latestReportPeriod: '2026-09', today: '2026-11-01' }).nextPeriod).toBe('2026-12');
    expect(reportDue({ ...quarterly, latestReportPeriod: '2026-11', today: '2026-11-01' }).nextPeriod).toBe('2027-03');
  });
  it('crosses the new year', () =>
    expect(reportDue({ ...monthly, latestReportPeriod: '2026-11', today: '2027-01-15' })).toMatchObject({
      duePeriod: '2026-12',
      overdue: true,
    }));
  it('with zero grace, is overdue the day after the period ends', () => {
    const zero = { ...monthly, graceDays: 0 };
    expect(reportDue({ ...zero, latestReportPeriod: '2026-08', today: '2026-09-30' }).duePeriod).toBe('2026-08');
    expect(reportDue({ ...zero, latestReportPeriod: '2026-08', today: '2026-10-01' })).toMatchObject({
      duePeriod: '2026-09',
      overdue: true,
    });
  });
});

describe('divergence', () => {
  const report = (period: string, self: TRatings, assessment: TRatings | null) => ({ period, selfRating: self, assessment });

  it('flags green against red on one dimension', () => {
    const result = computeDivergence([report('2026-09', all('green'), { ...all('green'), security: 'red' })]);
    expect(result).toEqual({ divergent: true, reasons: [{ rule: 'two_steps', periods: ['2026-09'], dimensions: ['security'] }] });
  });
  it('does not flag one step rosier in a single period', () =>
    expect(computeDivergence([report('2026-09', all('green'), all('amber'))]).divergent).toBe(false));
  it('does not flag a cautious self-rating', () =>
    expect(computeDivergence([report('2026-09', all('red'), all('green'))]).divergent).toBe(false));
  it('flags one step rosier in two periods running', () => {
    const result = computeDivergence([
      report('2026-08', all('green'), { ...all('green'), schedule: 'amber' }),
      report('2026-09', all('green'), { ...all('green'), cost: 'amber' }),
    ]);
    expect(result.reasons).toEqual([{ rule: 'two_periods', periods: ['2026-08', '2026-09'], dimensions: ['schedule', 'cost'] }]);
  });
  it('clears when the latest assessment agrees', () =>
    expect(
      computeDivergence([report('2026-08', all('green'), all('amber')), report('2026-09', all('amber'), all('amber'))]).divergent,
    ).toBe(false));
  it('ignores reports not yet assessed', () =>
    expect(
      computeDivergence([report('2026-08', all('green'), all('red')), report('2026-09', all('green'), null)]).reasons[0]?.periods,
    ).toEqual(['2026-08']));
  it('is not divergent with no assessment at all', () =>
    expect(computeDivergence([report('2026-09', all('green'), null)])).toEqual({ divergent: false, reasons: [] }));
});

describe('status report schema', () => {
  const base = {
    period: '2026-09',
    milestones: [
      { milestone: 'requirements_done', plannedDate: '2026-06-30', forecastDate: null, actualDate: '2026-07-10' },
      { milestone: 'procurement_awarded', plannedDate: null, forecastDate: null, actualDate: null },
      { milestone: 'release', plannedDate: null, forecastDate: null, actualDate: null },
    ],
    cost: { budgetJpy: 30_000_000, contractJpy: null, spentJpy: 0, forecastJpy: null },
    selfRating: all('green'),
    risks: [],
    narrative: '順調',
  };
  it('names the missing milestone', () => {
    const result = ZCreateStatusReportRequest.safeParse(base);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual(['the milestone operation_start is missing']);
  });
  it('refuses a period that is not a month', () =>
    expect(
      ZCreateStatusReportRequest.safeParse({
        ...base,
        period: '2026-13',
        milestones: [...base.milestones, { milestone: 'operation_start', plannedDate: null, forecastDate: null, actualDate: null }],
      }).success,
    ).toBe(false));
  it('refuses yen with a fraction', () => {
    const complete = [...base.milestones, { milestone: 'operation_start', plannedDate: null, forecastDate: null, actualDate: null }];
    const result = ZCreateStatusReportRequest.safeParse({ ...base, milestones: complete, cost: { ...base.cost, spentJpy: 1.5 } });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['cost.spentJpy']);
  });
});

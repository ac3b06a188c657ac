import { describe, expect, it } from 'vitest';
import { makeFormat } from '../format.ts';
import type { TPortfolioRow } from '../types.ts';
import { sortPortfolio } from './portfolio.tsx';

const row = (code: string, over: Partial<TPortfolioRow>): TPortfolioRow => ({
  projectId: code,
  projectCode: code,
  projectName: code,
  bureauCode: 'IND',
  tier: 2,
  stage: 'development',
  latestPeriod: '2026-09',
  selfRating: 'green',
  assessment: null,
  assessedPeriod: null,
  divergent: false,
  divergence: [],
  reportOverdue: false,
  duePeriod: null,
  nextPeriod: null,
  nextDeadline: null,
  awaitingAssessment: false,
  openActions: 0,
  openBlockingActions: 0,
  openConsultations: 0,
  overdueConsultations: 0,
  kpiStatus: null,
  ...over,
});
const f = makeFormat('ja');

describe('sorting the portfolio', () => {
  const rows = [
    row('PS1', {}),
    row('PS2', { reportOverdue: true }),
    row('PS3', { divergent: true, tier: 1 }),
    row('PS4', { divergent: true, reportOverdue: true }),
    row('PS5', { tier: 3 }),
  ];
  it('puts divergent and overdue first, then higher tiers', () =>
    expect(sortPortfolio(rows, 'attention', 'asc', f).map((r) => r.projectCode)).toEqual(['PS4', 'PS3', 'PS2', 'PS5', 'PS1']));
  it('sorts by the latest rating, worst first, the assessment before the self-rating', () => {
    const rated = [
      row('A', { assessment: 'amber' }),
      row('B', { selfRating: 'red' }),
      row('C', { selfRating: 'amber', assessment: 'green' }),
    ];
    expect(sortPortfolio(rated, 'rating', 'asc', f).map((r) => r.projectCode)).toEqual(['B', 'A', 'C']);
  });
});

import { describe, expect, it } from 'vitest';
import { budgetCycleMilestones, type TBudgetCycleProgress } from './budget-cycle.ts';

const dates = {
  requestDate: '2026-07-28',
  requestDeadline: '2026-09-30',
  evaluationDeadline: '2026-10-31',
  submissionDate: '2026-11-10',
  budgetAnnouncementDate: '2027-01-25',
};
const none: TBudgetCycleProgress = { extracted: 0, incomplete: 0, submittedOn: null, unreflected: 0 };
const statuses = (progress: TBudgetCycleProgress, today: string) => budgetCycleMilestones(dates, progress, today).map((m) => m.status);

describe('budget cycle milestones', () => {
  it('are all upcoming before the request', () => {
    expect(statuses(none, '2026-07-01')).toEqual(['upcoming', 'upcoming', 'upcoming', 'upcoming', 'upcoming']);
  });

  it('count the request as done on its day, and the deadline as late only after it', () => {
    expect(statuses(none, '2026-07-28')).toEqual(['done', 'upcoming', 'upcoming', 'upcoming', 'upcoming']);
    expect(statuses(none, '2026-09-30')).toEqual(['done', 'upcoming', 'upcoming', 'upcoming', 'upcoming']);
    expect(statuses(none, '2026-10-01')).toEqual(['done', 'late', 'upcoming', 'upcoming', 'upcoming']);
  });

  it('warns of incomplete reviews after the evaluation deadline, with their number', () => {
    const milestones = budgetCycleMilestones(dates, { ...none, extracted: 5, incomplete: 2 }, '2026-11-01');
    expect(milestones.map((m) => m.status)).toEqual(['done', 'done', 'late', 'upcoming', 'upcoming']);
    expect(milestones[2]!.warning?.ja).toBe('評価締切を過ぎましたが、2件の評価が未完了です');
  });

  it('marks a late submission as done with a warning, and unrecorded reflections after the draft budget', () => {
    const progress = { extracted: 5, incomplete: 0, submittedOn: '2026-11-12', unreflected: 3 };
    const milestones = budgetCycleMilestones(dates, progress, '2027-02-01');
    expect(milestones.map((m) => m.status)).toEqual(['done', 'done', 'done', 'done', 'late']);
    expect(milestones[3]!.warning?.ja).toBe('予定より遅れて提出されました（2026-11-12）');
    expect(milestones[4]!.warning?.ja).toBe('予算案発表を過ぎましたが、3件の反映結果が未記録です');
    const reflected = budgetCycleMilestones(dates, { ...progress, submittedOn: '2026-11-10', unreflected: 0 }, '2027-02-01');
    expect(reflected.map((m) => [m.status, m.warning])).toEqual([
      ['done', null],
      ['done', null],
      ['done', null],
      ['done', null],
      ['done', null],
    ]);
  });
});

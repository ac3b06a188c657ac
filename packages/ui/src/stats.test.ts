import { describe, expect, it } from 'vitest';
import { readExpenses, readRegistrations, readStageStats } from './stats.ts';

describe('readStageStats', () => {
  it('reads the API’s wide rows (one count per tier)', () => {
    const rows = readStageStats({
      stages: [
        { stage: 'planning', label: { ja: '企画', en: 'Planning' }, tier1: 3, tier2: 2, tier3: 1, unset: 4, total: 10 },
        { stage: 'retired', label: { ja: '廃止', en: 'Retired' }, tier1: 0, tier2: 0, tier3: 0, unset: 0, total: 0 },
      ],
      total: { tier1: 3, tier2: 2, tier3: 1, unset: 4, total: 10 },
    });
    expect(rows[0]).toEqual({ stage: 'planning', counts: { '1': 3, '2': 2, '3': 1, unset: 4 }, total: 10 });
    expect(rows[1]?.total).toBe(0);
  });

  it('reads long rows (stage, tier, count) with null as not set', () => {
    const rows = readStageStats({
      items: [
        { stage: 'operation', tier: null, count: 2 },
        { stage: 'operation', tier: 3, count: 1 },
      ],
    });
    expect(rows).toEqual([{ stage: 'operation', counts: { '1': 0, '2': 0, '3': 1, unset: 2 }, total: 3 }]);
  });
});

describe('readRegistrations', () => {
  it('keeps the running totals by tier, 未設定 included (the launch chart 16 → 33)', () => {
    const points = readRegistrations({
      interval: 'week',
      periods: [
        {
          period: '2023-07-03',
          added: { tier1: 10, tier2: 2, tier3: 0, unset: 4, total: 16 },
          cumulative: { tier1: 10, tier2: 2, tier3: 0, unset: 4, total: 16 },
        },
        {
          period: '2023-07-10',
          added: { tier1: 9, tier2: 3, tier3: 1, unset: 4, total: 17 },
          cumulative: { tier1: 19, tier2: 5, tier3: 1, unset: 8, total: 33 },
        },
      ],
    });
    expect(points.map((p) => Object.values(p.cumulative).reduce((a, b) => a + b, 0))).toEqual([16, 33]);
    expect(points[1]?.added.unset).toBe(4);
  });

  it('computes the running totals when only additions are given', () => {
    const points = readRegistrations({
      items: [
        { week: '2023-07-10', tier: 1, count: 2 },
        { week: '2023-07-03', tier: 'unset', count: 1 },
      ],
    });
    expect(points.map((p) => p.period)).toEqual(['2023-07-03', '2023-07-10']);
    expect(points[1]?.cumulative).toEqual({ '1': 2, '2': 0, '3': 0, unset: 1 });
  });
});

describe('readExpenses', () => {
  it('reads yen totals, overlap and the breakdowns', () => {
    const stats = readExpenses({
      fiscalYear: 2023,
      totalJpy: 275_800_000_000,
      overlapJpy: 54_700_000_000,
      byCategory: [{ category: 'system_maintenance', label: { ja: 'システム維持管理等', en: 'x' }, amountJpy: 157_800_000_000 }],
      byBureau: [{ bureauCode: 'DSB', nameJa: 'デジタルサービス局', amountJpy: 1_000 }],
    });
    expect(stats).toEqual({
      fiscalYear: 2023,
      totalJpy: 275_800_000_000,
      overlapJpy: 54_700_000_000,
      byCategory: [{ key: 'system_maintenance', amountJpy: 157_800_000_000 }],
      byBureau: [{ key: 'DSB', amountJpy: 1_000 }],
    });
  });

  it('converts 千円 amounts to yen', () => {
    expect(readExpenses({ byCategory: [{ category: 'smart_tokyo', amountKyen: 1_126 }] }).byCategory[0]?.amountJpy).toBe(1_126_000);
  });
});

import { describe, expect, it } from 'vitest';
import { decisionSchema } from './release-decision-schema.ts';

const checklist = [
  { itemId: 'user_test', principle: 'p', label: 'ユーザテスト', labelEn: 'User test', description: '', naAllowed: false },
  { itemId: 'all_tokyo', principle: 'p', label: 'オール東京', labelEn: 'All Tokyo', description: '', naAllowed: false },
];
const approveWith = (allTokyo: 'ok' | 'ng' | 'na') => ({
  decision: 'approved' as const,
  items: [
    { itemId: 'user_test', result: 'ok' as const },
    { itemId: 'all_tokyo', result: allTokyo },
  ],
});

describe('the release decision schema', () => {
  it('refuses approving an item judged ng', () => {
    expect(decisionSchema({ checklist }).safeParse(approveWith('ng')).success).toBe(false);
  });
  it('lets an exempted item (免除) be judged ng or na in an approval', () => {
    const exempted = { checklist, exemptions: [{ itemId: 'all_tokyo', reason: '連携先なし', expiresOn: '2099-03-31' }] };
    expect(decisionSchema(exempted).safeParse(approveWith('ng')).success).toBe(true);
    expect(decisionSchema(exempted).safeParse(approveWith('na')).success).toBe(true);
  });
});

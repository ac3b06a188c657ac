/**
 * [TIER DECREASE] A tier falls only with the consent of its reviewer (decision 0008). The demo book
 * has one waiting: IND cut the matching system's budget below ¥10,000,000, so tier 2 stays until
 * IND's CIO advisor agrees. The bureau sees that it waits; the advisor finds it among their tasks
 * on a phone and refuses it (a reason is required); the chief CIO advisor agrees to another one.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { demo, e2eRun } from '../support/browser.ts';
import { requireBuiltScreen, textOf, waitForText } from '../support/project-steps.ts';
import { checkScreen } from '../support/screens.ts';
import { browserSuite } from '../support/suite.ts';
import { uiText } from '../support/ui-text.ts';

const run = e2eRun();
const phone = { width: 390, height: 844 };

type Project = { id: string; name: string; version: number; tier: number | null };

describe.skipIf(!run)('[TIER DECREASE] a lower tier waits for the reviewer of the tier in force', () => {
  const suite = browserSuite(run!);
  let matching: Project;

  beforeAll(async () => {
    const list = await suite.api.call<{ items: Project[] }>(
      demo.staffInd,
      'GET',
      `/projects?q=${encodeURIComponent('海外展開マッチング')}`,
    );
    matching = list.items[0]!;
    expect(matching, 'the demo book has the matching system').toBeTruthy();
  });

  async function pageOf(email: string, viewport?: { width: number; height: number }): Promise<Page> {
    return (await suite.session(email, viewport)).page;
  }

  it('[TIER DECREASE] the bureau sees its budget cut saved and tier 2 kept until the advisor agrees', async () => {
    const page = await pageOf(demo.staffInd);
    await page.goto(`/projects/${matching.id}`);
    await requireBuiltScreen(page, 'project overview');
    const panel = page.locator('#tier-decrease');
    await waitForText(panel, uiText('tierDecrease.title'));
    expect(await textOf(panel)).toContain('区分2から区分1への引下げ');
    expect(await panel.getByRole('button').count(), 'the bureau is offered a decision').toBe(0);
    await checkScreen(page, 'tier-decrease-bureau');
  });

  it('[TIER DECREASE] the IND CIO advisor refuses it on a phone, with a reason, and the tier stays', async () => {
    const page = await pageOf(demo.advisorInd, phone);
    await page.goto('/');
    await page
      .getByRole('link', { name: uiText('home.actions.consent') })
      .first()
      .click();
    await page.waitForURL((url) => url.pathname === `/projects/${matching.id}`);
    const panel = page.locator('#tier-decrease');
    await waitForText(panel, uiText('tierDecrease.decideLegend'));
    await checkScreen(page, 'tier-decrease-advisor-390');
    const overflow = await page.evaluate(() => {
      const root = (globalThis as any).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow, 'no horizontal overflow at 390 px').toBeLessThanOrEqual(0);

    await panel.getByLabel(uiText('tierDecrease.refuse', { from: 2 })).check();
    await panel.getByRole('button', { name: uiText('tierDecrease.submit') }).click();
    await waitForText(panel, uiText('tierDecrease.commentRequired'));
    await panel.getByLabel(uiText('tierDecrease.comment')).fill('予算削減の根拠（見積書）を添付してください');
    await panel.getByRole('button', { name: uiText('tierDecrease.submit') }).click();
    await waitForText(page.getByRole('main'), uiText('tierDecrease.refused', { from: 2 }));
    await checkScreen(page, 'tier-decrease-refused-390');

    const after = await suite.api.call<Project & { budgetJpy: number }>(demo.staffInd, 'GET', `/projects/${matching.id}`);
    expect(after).toMatchObject({ tier: 2, budgetJpy: 9_500_000 });
  });

  it('[TIER DECREASE] the chief CIO advisor agrees to a tier-3 decrease and the project takes tier 1', async () => {
    const created = await suite.api.call<Project>(demo.staffInd, 'POST', '/projects', {
      name: 'E2E 引下げの同意',
      bureauCode: 'IND',
      fiscalYear: 2026,
      budgetJpy: 60_000_000,
      maxDowntimeHours: 24,
      confidentiality: 'B',
    });
    expect(created.tier).toBe(3);
    await suite.api.call(demo.staffInd, 'PATCH', `/projects/${created.id}`, { version: created.version, budgetJpy: 3_000_000 });
    const page = await pageOf(demo.chief);
    await page.goto(`/projects/${created.id}`);
    const panel = page.locator('#tier-decrease');
    await waitForText(panel, uiText('tierDecrease.decideLegend'));
    await checkScreen(page, 'tier-decrease-chief');
    await panel.getByLabel(uiText('tierDecrease.approve')).check();
    await panel.getByRole('button', { name: uiText('tierDecrease.submit') }).click();
    await waitForText(page.getByRole('main'), uiText('tierDecrease.approved', { to: '区分1' }));
    await waitForText(page.getByRole('main'), uiText('project.causes.decrease_approved'));
    const after = await suite.api.call<Project>(demo.staffInd, 'GET', `/projects/${created.id}`);
    expect(after.tier).toBe(1);
  });
});

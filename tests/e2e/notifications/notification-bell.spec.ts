/**
 * [NOTIFICATIONS] A release request filed for a tier-2 IND project tells its reviewer (advisor.ind):
 * the bell in the header counts it on every screen, the list links to the judgement screen, and
 * marking read (one by opening it, then all) brings the count down. The admin reads the same mail in
 * the outbox (the e2e server has no SMTP server, so it waits there).
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiProject } from '../support/api.ts';
import { arrangeProjectInDevelopment, fileReleaseRequest, type ReleaseRequest } from '../support/arrange.ts';
import { demo, e2eRun } from '../support/browser.ts';
import { checkScreen } from '../support/screens.ts';
import { browserSuite } from '../support/suite.ts';
import { uiText } from '../support/ui-text.ts';

const run = e2eRun();
const phone = { width: 390, height: 844 };

describe.skipIf(!run)('[NOTIFICATIONS] the bell, the list and marking read', () => {
  const suite = browserSuite(run!);
  let project: ApiProject;
  let request: ReleaseRequest;

  beforeAll(async () => {
    project = await arrangeProjectInDevelopment(suite.api);
    request = await fileReleaseRequest(suite.api, project);
  });

  async function pageOf(email: string, viewport?: { width: number; height: number }): Promise<Page> {
    return (await suite.session(email, viewport)).page;
  }
  const unreadOf = async (page: Page) =>
    ((await (await page.context().request.get('/api/v1/notifications/unread-count')).json()) as { unread: number }).unread;
  const bell = (page: Page, count: number) =>
    page.getByRole('link', { name: count ? uiText('notifications.bellUnread', { count }) : uiText('notifications.bell'), exact: true });

  it('[NOTIFICATIONS] the reviewer’s bell counts the request, the list opens the judgement screen, and marking read clears the count', async () => {
    const page = await pageOf(demo.advisorInd);
    const unread = await unreadOf(page);
    expect(unread).toBeGreaterThanOrEqual(1);
    await page.goto('/projects');
    await bell(page, unread).waitFor();
    expect(await page.getByTestId('bell-count').textContent()).toBe(String(unread));

    await bell(page, unread).click();
    await page.waitForURL((url) => url.pathname === '/notifications');
    const link = page.getByRole('link', { name: new RegExp(`リリース判定の依頼 ${project.code}`) });
    await link.waitFor();
    await checkScreen(page, 'notifications-advisor');
    await link.click();
    await page.waitForURL((url) => url.pathname === `/release-requests/${request.id}`);
    // Opening it marked it read: the bell on the judgement screen shows one fewer.
    await bell(page, unread - 1).waitFor();
    expect(await unreadOf(page)).toBe(unread - 1);

    await page.goto('/notifications');
    await page.getByRole('button', { name: uiText('notifications.markAllRead') }).click();
    await page
      .getByTestId('unread-status')
      .getByText(uiText('notifications.unreadCount', { count: 0 }))
      .waitFor();
    await bell(page, 0).waitFor();
    expect(await page.getByTestId('bell-count').count()).toBe(0);
    expect(await unreadOf(page)).toBe(0);
  });

  it('[NOTIFICATIONS] the list and the settings fit a phone; the admin reads the waiting mail in the outbox', async () => {
    const phonePage = await pageOf(demo.staffInd, phone);
    await phonePage.goto('/notifications');
    await phonePage.getByRole('heading', { name: uiText('notifications.title'), level: 1 }).waitFor();
    await checkScreen(phonePage, 'notifications-390');
    const overflow = async () =>
      phonePage.evaluate(() => {
        const root = (globalThis as any).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
    expect(await overflow(), 'no horizontal overflow at 390 px').toBeLessThanOrEqual(0);
    await phonePage.goto('/notifications/preferences');
    await phonePage.getByRole('heading', { name: uiText('notifications.preferencesTitle'), level: 1 }).waitFor();
    await checkScreen(phonePage, 'notification-preferences-390');
    expect(await overflow(), 'no horizontal overflow at 390 px').toBeLessThanOrEqual(0);

    const admin = await pageOf(demo.admin);
    await admin.goto('/admin/outbox');
    await admin.getByRole('heading', { name: uiText('notifications.outboxTitle'), level: 1 }).waitFor();
    const subject = admin.getByText(new RegExp(`リリース判定の依頼 ${project.code}`)).first();
    await subject.waitFor();
    await subject.click();
    await admin.getByText(`/release-requests/${request.id}`, { exact: false }).first().waitFor();
    await checkScreen(admin, 'admin-outbox');
  });
});

import { describe, expect, it } from 'vitest';
import { arrangeProjectInDevelopment, fileReleaseRequest } from '../support/arrange.ts';
import { demo, e2eRun } from '../support/browser.ts';
import { textOf } from '../support/project-steps.ts';
import { checkScreen } from '../support/screens.ts';
import { browserSuite } from '../support/suite.ts';
import { uiText } from '../support/ui-text.ts';

const run = e2eRun();

describe.skipIf(!run)('[UI-AUDIT] the applicant’s home says where the release request stands', () => {
  const suite = browserSuite(run!);

  async function home(viewport: { width: number; height: number }) {
    const session = await suite.session(demo.staffInd, viewport);
    await session.page.goto('/');
    const section = session.page.getByRole('region', { name: uiText('home.tasksTitle') });
    await section.getByRole('heading', { name: uiText('home.releaseRequestsTitle') }).waitFor();
    return { page: session.page, section };
  }

  it('[UI-AUDIT 8] pending: 申請中 with 協議先 and 審査期限 at 390 px; approved: 承認されました → 運用へ at desktop', async () => {
    const project = await arrangeProjectInDevelopment(suite.api);
    const request = await fileReleaseRequest(suite.api, project);

    const phone = await home({ width: 390, height: 844 });
    const pendingRow = phone.section.getByRole('listitem').filter({ hasText: project.name }).first();
    await pendingRow.waitFor();
    const pendingText = await textOf(pendingRow);
    expect(pendingText).toContain(uiText('home.releasePending'));
    expect(pendingText).toContain('各局CIO補佐官');
    expect(pendingText).not.toContain('承認されたリリース申請がありません');
    await checkScreen(phone.page, 'ui-audit-home-release-pending-390');

    await suite.api.call(demo.advisorInd, 'POST', `/release-requests/${request.id}/decision`, {
      decision: 'approved',
      items: request.checklist.map((item) => ({ itemId: item.itemId, result: 'ok' })),
    });
    const desk = await home({ width: 1280, height: 900 });
    const approvedRow = desk.section.getByRole('listitem').filter({ hasText: project.name }).first();
    await approvedRow.getByText(uiText('home.releaseApproved')).waitFor();
    await checkScreen(desk.page, 'ui-audit-home-release-approved');
    await approvedRow.getByRole('link', { name: uiText('home.releaseApprovedNext') }).click();
    await desk.page.waitForURL(`**/projects/${project.id}`);
  });

  it('[UI-AUDIT] no script errors on the screens of this spec', () => {
    expect(suite.errors()).toEqual([]);
  });
});

/**
 * [UI-AUDIT 1, 9, 10] A release request as the applicant and the reviewer meet it: a past planned date
 * is refused, items without evidence are named before sending, a pending request can be corrected and
 * withdrawn, and the reviewer checks and confirms before 承認する / 差し戻す takes effect. The filing
 * is walked at 390 px, the rest at desktop width.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ApiProject } from '../support/api.ts';
import { arrangeProjectInDevelopment, checklistOfTier, type ReleaseRequest } from '../support/arrange.ts';
import { demo, e2eRun } from '../support/browser.ts';
import { openProjectTab, requireBuiltScreen, textOf, waitForText } from '../support/project-steps.ts';
import { horizontalOverflow } from '../support/raw-text.ts';
import { checkScreen } from '../support/screens.ts';
import { browserSuite } from '../support/suite.ts';
import { uiText } from '../support/ui-text.ts';

const run = e2eRun();
const phone = { width: 390, height: 844 };
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A box's accessible name: its visible label, then the item it belongs to (spacing as Chromium computes it). */
const boxName = (label: string, item: string) => new RegExp(`^${escapeRegExp(label)}\\s*（${escapeRegExp(item)}）`);

describe.skipIf(!run)('[UI-AUDIT] release requests: refuse, warn, correct, withdraw, confirm', () => {
  const suite = browserSuite(run!);

  async function pageOf(email: string, viewport?: { width: number; height: number }): Promise<Page> {
    const session = await suite.session(email, viewport);
    return session.page;
  }
  const requestsOf = (project: ApiProject) =>
    suite.api.call<{ items: ReleaseRequest[] }>(demo.staffInd, 'GET', `/projects/${project.id}/release-requests`);

  it('[UI-AUDIT 1, 10] at 390 px: a past date is refused, missing evidence is named, then the request is filed', async () => {
    const project = await arrangeProjectInDevelopment(suite.api);
    const page = await pageOf(demo.staffInd, phone);
    await openProjectTab(page, project.id, 'リリース判定');
    await requireBuiltScreen(page, 'project releases tab (リリース判定)');
    const form = page.getByRole('form', { name: uiText('release.fileLabel') });
    await form.waitFor();
    await form.getByLabel(uiText('release.plannedDate')).fill('2020-04-01');
    await form.getByRole('button', { name: uiText('release.file'), exact: true }).click();
    const summary = page.getByRole('alert').filter({ hasText: uiText('common.errorSummary') });
    await summary.waitFor();
    expect(await textOf(summary)).toContain(uiText('validation.pastDate'));
    expect((await requestsOf(project)).items, 'a request dated 2020 reached the server').toEqual([]);

    // Each item is its own group: its two boxes are named with the item, not 8 × 「根拠資料のURL」.
    const items = checklistOfTier(2);
    const first = form.getByRole('group', { name: items[0]!.label, exact: true });
    await first
      .getByRole('textbox', { name: boxName(uiText('release.evidenceUrl'), items[0]!.label) })
      .fill('https://docs.example.jp/e2e/user-test.pdf');
    const urlNames = await form.getByRole('textbox').evaluateAll((boxes) => boxes.map((b) => (b as any).labels?.[0]?.innerText ?? ''));
    expect(new Set(urlNames).size, 'two evidence boxes share one accessible name').toBe(urlNames.length);
    // One numbering: the list carries no numbers of its own beside the checklist's #1 ….
    expect(await form.locator('ol').count()).toBe(0);

    await form.getByLabel(uiText('release.plannedDate')).fill('2027-06-01');
    await form.getByRole('button', { name: uiText('release.file'), exact: true }).click();
    const warning = page.getByRole('alert').filter({ hasText: uiText('release.missingEvidence', { count: items.length - 1 }) });
    await warning.waitFor();
    for (const item of items.slice(1)) expect(await textOf(warning)).toContain(item.label);
    expect((await requestsOf(project)).items, 'sent before the applicant saw the missing evidence').toEqual([]);
    await checkScreen(page, 'ui-audit-release-missing-evidence-390');
    expect(await horizontalOverflow(page), 'the release form pans sideways at 390 px').toMatchObject({ px: 0 });

    await form.getByRole('button', { name: uiText('release.fileWithoutEvidence') }).click();
    await waitForText(page.getByRole('main'), uiText('release.filed'));
    const filed = (await requestsOf(project)).items;
    expect(filed).toHaveLength(1);
    expect(filed[0]).toMatchObject({ status: 'pending', plannedReleaseDate: '2027-06-01' });
  });

  it('[UI-AUDIT 1] the applicant corrects the pending request, then withdraws it', async () => {
    const project = await arrangeProjectInDevelopment(suite.api);
    const request = await suite.api.call<ReleaseRequest>(demo.staffInd, 'POST', `/projects/${project.id}/release-requests`, {
      plannedReleaseDate: '2027-04-01',
    });
    const page = await pageOf(demo.staffInd);
    await page.goto(`/release-requests/${request.id}`);
    await requireBuiltScreen(page, 'release judgement (リリース判定)');
    await page.getByRole('button', { name: uiText('release.correct') }).click();
    const form = page.getByRole('form', { name: uiText('release.correctLabel') });
    await form.getByLabel(uiText('release.plannedDate')).fill('2027-05-10');
    for (const [i, item] of checklistOfTier(2).entries()) {
      await form
        .getByRole('group', { name: item.label, exact: true })
        .getByRole('textbox', { name: boxName(uiText('release.evidenceNote'), item.label) })
        .fill(`根拠${i + 1}`);
    }
    await checkScreen(page, 'ui-audit-release-correct');
    await form.getByRole('button', { name: uiText('release.saveCorrection') }).click();
    await waitForText(page.getByRole('main'), uiText('release.corrected'));
    const corrected = await suite.api.call<ReleaseRequest & { plannedReleaseDate: string; evidence: unknown[] }>(
      demo.staffInd,
      'GET',
      `/release-requests/${request.id}`,
    );
    expect(corrected).toMatchObject({ status: 'pending', plannedReleaseDate: '2027-05-10', version: 2 });
    expect(corrected.evidence).toHaveLength(checklistOfTier(2).length);

    await page.getByRole('button', { name: uiText('release.withdraw') }).click();
    await page.getByLabel(uiText('release.withdrawReason')).fill('公開日程が延期になったため');
    await page.getByRole('button', { name: uiText('release.withdrawConfirm') }).click();
    await waitForText(page.getByRole('main'), uiText('release.withdrawnNotice'));
    await checkScreen(page, 'ui-audit-release-withdrawn');
    expect((await suite.api.call<ReleaseRequest>(demo.staffInd, 'GET', `/release-requests/${request.id}`)).status).toBe('withdrawn');
    expect(await page.getByRole('button', { name: uiText('release.correct') }).count()).toBe(0);
  });

  it('[UI-AUDIT 1, 9] the reviewer sees every problem in one pass and confirms before the judgement is sent', async () => {
    const project = await arrangeProjectInDevelopment(suite.api);
    const items = checklistOfTier(2);
    const request = await suite.api.call<ReleaseRequest>(demo.staffInd, 'POST', `/projects/${project.id}/release-requests`, {
      plannedReleaseDate: '2027-04-01',
      evidence: [{ itemId: items[0]!.id, url: 'https://docs.example.jp/e2e/user-test.pdf' }],
    });
    const page = await pageOf(demo.advisorInd);
    await page.goto(`/release-requests/${request.id}`);
    await requireBuiltScreen(page, 'release judgement (リリース判定)');
    const approve = page.getByRole('button', { name: uiText('judge.approve'), exact: true });
    const giveBack = page.getByRole('button', { name: uiText('judge.return'), exact: true });
    await approve.waitFor();

    // 差し戻す with nothing filled in: the comment it needs is named on the first press.
    await giveBack.click();
    const summary = page.getByRole('alert').filter({ hasText: uiText('common.errorSummary') });
    await summary.waitFor();
    expect(await textOf(summary)).toContain(uiText('validation.returnComment'));

    for (const item of items) {
      await page
        .getByRole('group', { name: item.label })
        .getByRole('radio', { name: uiText('judge.results.ok'), exact: true })
        .check();
    }
    await approve.click();
    const check = page.getByRole('region', { name: uiText('judge.confirmTitle') });
    await check.waitFor();
    expect(await textOf(check)).toContain(uiText('judge.confirmMissingEvidence', { count: items.length - 1 }));
    await checkScreen(page, 'ui-audit-release-confirm');
    // Going back sends nothing.
    await check.getByRole('button', { name: uiText('judge.back') }).click();
    expect((await suite.api.call<ReleaseRequest>(demo.staffInd, 'GET', `/release-requests/${request.id}`)).status).toBe('pending');

    await approve.click();
    await check.getByRole('button', { name: uiText('judge.confirmApprove') }).click();
    await page.getByRole('heading', { name: uiText('judge.decisionTitle') }).waitFor();
    expect((await suite.api.call<ReleaseRequest>(demo.staffInd, 'GET', `/release-requests/${request.id}`)).status).toBe('approved');
  });

  it('[UI-AUDIT] no script errors on the screens of this spec', () => {
    expect(suite.errors()).toEqual([]);
  });
});

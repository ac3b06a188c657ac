/**
 * [RELEASES] Release judgement (リリース判定) as the tier designates it: a tier-2 project of 産業労働局
 * is judged by that bureau's CIO advisor (advisor.ind) and by no one else — not the CIO advisor of
 * another bureau (advisor.wel), not the applicant — and only an approved request lets the project
 * move on to 運用.
 *
 * The project is brought to 設計開発 with a filed request through the API (the [PROJECTS] spec walks
 * that part through the screens); everything judged here is judged through the screens.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProject, BookApi } from '../support/api.ts';
import { arrangeProjectInDevelopment, checklistOfTier, fileReleaseRequest, type ReleaseRequest } from '../support/arrange.ts';
import {
  demo,
  e2eRun,
  launchBrowser,
  newSession,
  type Session,
  screenshotOnFailure,
  signInQuickly,
  signInWithForm,
} from '../support/browser.ts';
import { currentStage, requestStageChange, requireBuiltScreen, textOf } from '../support/project-steps.ts';
import { checkScreen } from '../support/screens.ts';
import { uiText } from '../support/ui-text.ts';

const run = e2eRun();

describe.skipIf(!run)('[RELEASES] release judgement by the reviewer the tier designates', () => {
  let browser: Browser;
  let api: BookApi;
  let project: ApiProject;
  let request: ReleaseRequest;
  let current: Page | undefined;
  const sessions: Session[] = [];

  beforeAll(async () => {
    api = new BookApi(run!.baseUrl);
    project = await arrangeProjectInDevelopment(api);
    expect(project.tier, 'budget ¥30,000,000 with 24 h and B is tier 2').toBe(2);
    request = await fileReleaseRequest(api, project);
    expect(request).toMatchObject({ status: 'pending', tier: 2, reviewerRole: 'cio_advisor' });
    browser = await launchBrowser(run!);
  });
  afterAll(async () => {
    await browser?.close();
    api?.close();
  });
  screenshotOnFailure(() => current);

  async function pageOf(email: string): Promise<Page> {
    const session = await newSession(browser, run!);
    sessions.push(session);
    await signInQuickly(session, email);
    current = session.page;
    return session.page;
  }

  const approveButton = (page: Page) => page.getByRole('button', { name: uiText('judge.approve') });
  const returnButton = (page: Page) => page.getByRole('button', { name: uiText('judge.return') });
  /** 承認する, then the check step's 承認を確定する. */
  async function approveAndConfirm(page: Page) {
    await approveButton(page).click();
    await page.getByRole('button', { name: uiText('judge.confirmApprove') }).click();
  }

  /** A decision straight to the API with the page's own session cookie, as a hand-made request would. */
  async function decideWithSession(page: Page) {
    const res = await page.context().request.post(`/api/v1/release-requests/${request.id}/decision`, {
      headers: { origin: run!.baseUrl },
      data: { decision: 'approved', items: request.checklist.map((item) => ({ itemId: item.itemId, result: 'ok' })) },
    });
    return { status: res.status(), body: (await res.json()) as { code?: string } };
  }

  it('[RELEASES] the applicant sees the pending request without decision controls, and the move to 運用 waits for it', async () => {
    const page = await pageOf(demo.staffInd);
    await page.goto(`/release-requests/${request.id}`);
    await requireBuiltScreen(page, 'release judgement (リリース判定)');
    await checkScreen(page, 'release-judgement-applicant');
    expect(await approveButton(page).count(), 'the applicant is offered 承認').toBe(0);
    expect(await returnButton(page).count(), 'the applicant is offered 差し戻し').toBe(0);
    expect(await textOf(page.getByRole('main'))).toContain(uiText('judge.ownRequest'));
    expect(await decideWithSession(page)).toMatchObject({ status: 403, body: { code: 'forbidden' } });

    const outcome = await requestStageChange(page, project.id, 'operation');
    expect(outcome.moved, 'the project reached 運用 with its release request still pending').toBe(false);
    if (!outcome.moved) expect(outcome.unmet).toEqual(['承認されたリリース申請がありません']);
    expect(await currentStage(page)).toBe('設計開発');
  });

  it('[RELEASES] the CIO advisor of another bureau (advisor.wel) is offered no decision, and the server refuses one', async () => {
    const page = await pageOf(demo.advisorWel);
    await page.goto(`/release-requests/${request.id}`);
    await requireBuiltScreen(page, 'release judgement (リリース判定)');
    await checkScreen(page, 'release-judgement-other-advisor');
    expect(await approveButton(page).count(), 'advisor.wel is offered 承認 on an IND request').toBe(0);
    // The screen says who does judge it: IND's CIO advisor.
    expect(await textOf(page.getByRole('main'))).toContain(uiText('judge.notYourRequest', { role: '各局CIO補佐官', names: '補佐 健太' }));
    expect(await decideWithSession(page)).toMatchObject({ status: 403, body: { code: 'forbidden' } });
  });

  it('[RELEASES] when a stale screen offers advisor.wel the controls anyway, the refusal is shown in Japanese', async () => {
    const page = await pageOf(demo.advisorWel);
    const me = (await (await page.context().request.get('/api/v1/auth/me')).json()) as { id: string; displayName: string };
    // Pretend the screen was loaded while advisor.wel was still listed as a reviewer of the request.
    await page.route(`**/api/v1/release-requests/${request.id}`, async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      body.reviewers = [...(body.reviewers ?? []), { id: me.id, displayName: me.displayName, email: demo.advisorWel }];
      await route.fulfill({ response, json: body });
    });
    await page.goto(`/release-requests/${request.id}`);
    await requireBuiltScreen(page, 'release judgement (リリース判定)');
    await approveButton(page).waitFor();
    for (const item of checklistOfTier(2)) {
      await page
        .getByRole('group', { name: item.label })
        .getByRole('radio', { name: uiText('judge.results.ok'), exact: true })
        .check();
    }
    await approveAndConfirm(page);
    const refusal = page.getByRole('alert').filter({ hasText: uiText('judge.forbidden') });
    await refusal.waitFor();
    await checkScreen(page, 'release-judgement-refused');
    const after = await api.call<ReleaseRequest>(demo.staffInd, 'GET', `/release-requests/${request.id}`);
    expect(after.status).toBe('pending');
  });

  it('[RELEASES] advisor approves a tier-2 release with every checklist item ok', async () => {
    const session = await newSession(browser, run!);
    sessions.push(session);
    const page = session.page;
    current = page;
    await signInWithForm(page, demo.advisorInd);
    // The request waits in the advisor's inbox on the home screen.
    await requireBuiltScreen(page, 'home (reviewer inbox)');
    const inboxRow = page.getByRole('main').getByRole('row').filter({ hasText: project.code });
    await inboxRow.waitFor();
    await checkScreen(page, 'home-advisor-inbox');
    await inboxRow.getByRole('link').first().click();
    await page.waitForURL(`**/release-requests/${request.id}`);
    await approveButton(page).waitFor();
    await checkScreen(page, 'release-judgement');

    const items = checklistOfTier(2);
    expect(request.checklist.map((item) => item.itemId)).toEqual(items.map((item) => item.id));
    for (const item of items) {
      const group = page.getByRole('group', { name: item.label });
      // The evidence the applicant gave is shown beside the item being judged.
      expect(await textOf(group)).toContain('https://docs.example.jp/e2e/evidence-');
      await group.getByRole('radio', { name: uiText('judge.results.ok'), exact: true }).check();
    }
    await approveAndConfirm(page);
    await page.getByRole('heading', { name: uiText('judge.decisionTitle') }).waitFor();
    expect(await textOf(page.getByRole('main'))).toContain(uiText('release.status.approved'));
    expect(await approveButton(page).count()).toBe(0);
    await checkScreen(page, 'release-judgement-approved');

    const after = await api.call<ReleaseRequest & { decision: { decision: string; items: { result: string }[] } }>(
      demo.staffInd,
      'GET',
      `/release-requests/${request.id}`,
    );
    expect(after.status).toBe('approved');
    expect(after.decision.items.map((item) => item.result)).toEqual(items.map(() => 'ok'));
  });

  it('[RELEASES] with the release approved, the department moves the project to 運用', async () => {
    const page = await pageOf(demo.staffInd);
    const outcome = await requestStageChange(page, project.id, 'operation');
    expect(outcome).toEqual({ moved: true });
    expect(await currentStage(page)).toBe('運用');
    await checkScreen(page, 'project-overview-operation');
  });

  it('[RELEASES] a bureau lead who files a tier-1 request cannot judge it, though tier 1 is theirs to judge', async () => {
    const tier1 = await arrangeProjectInDevelopment(api, {
      applicant: demo.leadInd,
      budgetJpy: 5_000_000,
      maxDowntimeHours: 48,
      confidentiality: 'C',
    });
    expect(tier1.tier).toBe(1);
    const own = await fileReleaseRequest(api, tier1, demo.leadInd);
    expect(own.reviewerRole).toBe('bureau_lead');
    const page = await pageOf(demo.leadInd);
    await page.goto(`/release-requests/${own.id}`);
    await requireBuiltScreen(page, 'release judgement (リリース判定)');
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await approveButton(page).count(), 'the applicant is offered 承認 on their own request').toBe(0);
    expect(await textOf(page.getByRole('main'))).toContain(uiText('judge.ownRequest'));
    const res = await page.context().request.post(`/api/v1/release-requests/${own.id}/decision`, {
      headers: { origin: run!.baseUrl },
      data: { decision: 'approved', items: own.checklist.map((item) => ({ itemId: item.itemId, result: 'ok' })) },
    });
    expect(res.status()).toBe(403);
  });

  it('[RELEASES] no script errors on the screens of this spec', () => {
    expect(sessions.flatMap((s) => s.errors)).toEqual([]);
  });
});

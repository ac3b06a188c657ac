/**
 * [SUPERVISION] Consultation to verified action, through the screens: staff.ind consults IND's CIO
 * advisor on a tier-2 project; the advisor finds it in the inbox and answers with blocking guidance
 * (指導); the guidance is a follow-up action that holds the next stage; staff.ind marks it done and
 * the advisor verifies it, which releases the gate. Then the bureau files a status report with the
 * milestone and risk tables, the advisor assesses it, and the portfolio shows the project, at desk
 * and phone width, with a CSV for Excel.
 *
 * The project is brought to 設計開発 through the API (the [PROJECTS] spec walks that part).
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiProject } from '../support/api.ts';
import { arrangeProjectInDevelopment } from '../support/arrange.ts';
import { demo, e2eRun } from '../support/browser.ts';
import { openProjectTab, requestStageChange, requireBuiltScreen, textOf } from '../support/project-steps.ts';
import { checkScreen, settle } from '../support/screens.ts';
import { browserSuite } from '../support/suite.ts';
import { uiText } from '../support/ui-text.ts';

const run = e2eRun();

type Action = { id: string; title: string; status: string; blocking: boolean; ownerName: string };

describe.skipIf(!run)('[SUPERVISION] consultation → guidance → action → verified', () => {
  const suite = browserSuite(run!);
  let project: ApiProject;
  const subject = `認証方式の相談（E2E ${Date.now().toString(36)}）`;
  const guidanceTitle = 'パスキーによる認証を設計に反映する';

  beforeAll(async () => {
    project = await arrangeProjectInDevelopment(suite.api, { name: `E2E 監理の対象（${Date.now().toString(36)}）` });
    expect(project.tier, 'budget ¥30,000,000 with 24 h and B is tier 2: consulted with IND’s CIO advisor').toBe(2);
  });

  async function pageOf(email: string, viewport?: { width: number; height: number }): Promise<Page> {
    return (await suite.session(email, viewport)).page;
  }

  const actionsOf = () => suite.api.call<{ items: Action[] }>(demo.staffInd, 'GET', `/projects/${project.id}/actions`).then((r) => r.items);

  it('[SUPERVISION] the bureau opens a consultation with its consultee', async () => {
    const page = await pageOf(demo.staffInd);
    await page.goto(`/projects/${project.id}`);
    await requireBuiltScreen(page, 'project page');
    await openProjectTab(page, project.id, uiText('project.tabs.consultations'));
    const form = page.getByRole('form', { name: uiText('supervision.consultations.openTitle') });
    await form.getByLabel(uiText('supervision.consultations.topic')).selectOption({ label: 'セキュリティ' });
    await form.getByLabel(uiText('supervision.consultations.subject')).fill(subject);
    await form
      .getByLabel(uiText('supervision.consultations.body'))
      .fill('多要素認証の方式について、TOTPとパスキーのどちらにすべきか助言をお願いします。');
    await form.getByLabel('調達仕様書').check();
    await form.getByRole('button', { name: uiText('supervision.consultations.open') }).click();
    await page
      .getByRole('status')
      .filter({ hasText: uiText('supervision.consultations.opened') })
      .waitFor();
    const row = page.getByRole('row').filter({ hasText: subject });
    await row.waitFor();
    expect(await textOf(row)).toContain('回答待ち');
    expect(await textOf(row)).toContain('各局CIO補佐官');
    await checkScreen(page, 'supervision-consultations');
  });

  it('[SUPERVISION] the CIO advisor finds it in the inbox and answers with blocking guidance', async () => {
    const page = await pageOf(demo.advisorInd);
    await page.goto('/');
    await requireBuiltScreen(page, 'home (reviewer inbox)');
    const inboxRow = page
      .getByRole('main')
      .getByRole('row')
      .filter({ hasText: project.code })
      .filter({ hasText: uiText('home.actions.answer') });
    await inboxRow.waitFor();
    await inboxRow.getByRole('link', { name: uiText('home.actions.answer') }).click();
    await page.getByRole('heading', { level: 2, name: subject }).waitFor();
    await settle(page);
    expect(await textOf(page.getByRole('main'))).toContain('多要素認証の方式について');
    // The document the bureau attached is at hand.
    await page
      .getByRole('main')
      .getByRole('link', { name: /^調達仕様書/ })
      .waitFor();

    const form = page.getByRole('form', { name: uiText('supervision.consultations.reply') });
    await form.getByLabel(uiText('supervision.consultations.reply')).fill('フィッシング耐性のあるパスキーを推奨します。');
    await form.getByLabel(uiText('supervision.consultations.recordGuidance')).check();
    await form.getByLabel(uiText('supervision.consultations.guidanceTitle')).fill(guidanceTitle);
    await form.getByLabel(uiText('supervision.consultations.guidanceDue')).fill('2027-03-31');
    await form.getByLabel(uiText('supervision.consultations.guidanceBlocking')).check();
    await checkScreen(page, 'supervision-consultation-guidance-form');
    await form.getByRole('button', { name: uiText('supervision.consultations.post') }).click();
    await page.locator('.thread-message-consultee').filter({ hasText: 'パスキーを推奨します' }).waitFor();
    expect(await textOf(page.getByRole('main'))).toContain('回答済み');
    await checkScreen(page, 'supervision-consultation-thread');

    const actions = await actionsOf();
    expect(actions).toEqual([expect.objectContaining({ title: guidanceTitle, status: 'open', blocking: true, ownerName: '産業 花子' })]);
  });

  it('[SUPERVISION] the open blocking action is listed among the gates that hold the next stage', async () => {
    const page = await pageOf(demo.staffInd);
    const outcome = await requestStageChange(page, project.id, 'operation');
    expect(outcome.moved).toBe(false);
    if (!outcome.moved) expect(outcome.unmet).toContain('確認されていない阻止扱いのフォローアップ措置があります');
  });

  it('[SUPERVISION] the owner marks the action done; the advisor verifies it and the gate is met', async () => {
    const staff = await pageOf(demo.staffInd);
    await openProjectTab(staff, project.id, uiText('project.tabs.supervision'));
    const row = staff.getByRole('row').filter({ hasText: guidanceTitle });
    await row.waitFor();
    expect(await textOf(row)).toContain('阻止');
    await checkScreen(staff, 'supervision-actions-open');
    await row.getByRole('button', { name: new RegExp(uiText('supervision.actions.markDone')) }).click();
    await staff.getByRole('row').filter({ hasText: guidanceTitle }).filter({ hasText: '対応済み（確認待ち）' }).waitFor();
    // The owner does not verify their own work.
    expect(await staff.getByRole('button', { name: new RegExp(uiText('supervision.actions.verify')) }).count()).toBe(0);

    const advisor = await pageOf(demo.advisorInd);
    await advisor.goto('/');
    const inboxRow = advisor
      .getByRole('main')
      .getByRole('row')
      .filter({ hasText: project.code })
      .filter({ hasText: uiText('home.actions.verify') });
    await inboxRow.waitFor();
    await inboxRow.getByRole('link', { name: uiText('home.actions.verify') }).click();
    await advisor.waitForURL(`**/projects/${project.id}/supervision`);
    const toVerify = advisor.getByRole('row').filter({ hasText: guidanceTitle });
    await toVerify.getByRole('button', { name: new RegExp(`^${uiText('supervision.actions.verify')}`) }).click();
    await advisor.getByRole('row').filter({ hasText: guidanceTitle }).filter({ hasText: '確認済み' }).waitFor();
    await checkScreen(advisor, 'supervision-actions-verified');

    expect(await actionsOf()).toEqual([expect.objectContaining({ title: guidanceTitle, status: 'verified' })]);
    const gates = await suite.api.call<{ gates: { gate: string; met: boolean }[] }>(demo.staffInd, 'GET', `/projects/${project.id}/gates`);
    expect(gates.gates.find((g) => g.gate === 'development_actions_verified')?.met).toBe(true);
  });

  it('[SUPERVISION] the bureau files a status report with milestones and a risk; the advisor assesses it', async () => {
    const staff = await pageOf(demo.staffInd);
    await openProjectTab(staff, project.id, uiText('project.tabs.statusReports'));
    const form = staff.getByRole('form', { name: uiText('supervision.reports.fileTitle') });
    const now = new Date();
    const period = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
    await form.getByLabel(uiText('supervision.reports.period')).fill(period);
    await form.getByLabel(`リリース ${uiText('supervision.reports.planned')}`).fill('2027-04-01');
    await form.getByLabel(`リリース ${uiText('supervision.reports.forecast')}`).fill('2027-05-01');
    await form.getByLabel(uiText('supervision.reports.spent')).fill('4000000');
    for (const dimension of ['総合', 'スケジュール', 'コスト', 'スコープ', '品質・使いやすさ', 'セキュリティ']) {
      await form
        .getByRole('group', { name: new RegExp(`^${dimension}`) })
        .getByRole('radio', { name: '緑', exact: true })
        .check();
    }
    await form.getByRole('button', { name: uiText('supervision.reports.addRisk') }).click();
    const risk = form.getByRole('group', { name: `${uiText('supervision.reports.riskTitle')} 1`, exact: true });
    await risk.getByLabel(new RegExp(`^${uiText('supervision.reports.riskTitle')}`)).fill('認証基盤の調達遅れ');
    await risk.getByLabel(uiText('supervision.reports.impact')).selectOption({ label: '高' });
    await risk.getByLabel(new RegExp(`^${uiText('supervision.reports.owner')}`)).fill('産業 花子');
    await risk.getByLabel(uiText('supervision.reports.mitigation')).fill('既存の認証基盤で先行リリースする');
    await form.getByLabel(uiText('supervision.reports.narrative')).fill('設計を完了し、開発に着手した。');
    await checkScreen(staff, 'supervision-status-report-form');
    await form.getByRole('button', { name: uiText('supervision.reports.file') }).click();
    await staff
      .getByRole('status')
      .filter({ hasText: uiText('supervision.reports.filed') })
      .waitFor();
    await staff.getByRole('heading', { level: 3, name: new RegExp(period) }).waitFor();

    const advisor = await pageOf(demo.advisorInd);
    await advisor.goto(`/projects/${project.id}/status-reports`);
    await settle(advisor);
    const assess = advisor.getByRole('form', { name: `${uiText('supervision.reports.assessTitle')} ${period}` });
    await assess
      .getByRole('group', { name: /^スケジュール/ })
      .getByRole('radio', { name: '赤', exact: true })
      .check();
    await assess.getByLabel(uiText('supervision.reports.comment')).fill('リリース見込みが計画から1か月遅れている。');
    await assess.getByRole('button', { name: uiText('supervision.reports.assess') }).click();
    await advisor
      .getByRole('status')
      .filter({ hasText: uiText('supervision.reports.assessed') })
      .waitFor();
    // Green against red on schedule: divergent at once.
    await advisor.getByText(uiText('supervision.reports.divergentNotice')).waitFor();
    await checkScreen(advisor, 'supervision-status-reports-assessed');
  });

  it('[SUPERVISION] the portfolio shows the divergent project first-class, at desk and phone width, with a CSV for Excel', async () => {
    const page = await pageOf(demo.advisorInd);
    await page.goto('/portfolio');
    await requireBuiltScreen(page, 'portfolio');
    const row = page.getByRole('row').filter({ hasText: project.name });
    await row.waitFor();
    expect(await textOf(row)).toContain(uiText('supervision.divergent'));
    await checkScreen(page, 'supervision-portfolio');
    // Divergent rows lead: the first data row is flagged.
    const firstRow = page
      .getByRole('table', { name: uiText('supervision.portfolio.caption') })
      .getByRole('row')
      .nth(1);
    expect(await textOf(firstRow)).toContain(uiText('supervision.divergent'));

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: uiText('supervision.portfolio.csv') }).click(),
    ]);
    const bytes = await new Promise<Buffer>((resolve, reject) => {
      download
        .createReadStream()
        .then((stream) => {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => resolve(Buffer.concat(chunks)));
          stream.on('error', reject);
        })
        .catch(reject);
    });
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.split('\r\n')[0]).toBe(
      '事業番号,事業名,局,区分,段階,最新の報告月,自己評価,独立評価,乖離,報告遅延,未完了の措置,進行中の協議,KPI',
    );
    expect(text).toContain(project.name);

    const phone = await pageOf(demo.advisorInd, { width: 390, height: 844 });
    await phone.goto('/portfolio');
    await checkScreen(phone, 'supervision-portfolio-phone');
    for (const tab of ['consultations', 'status-reports', 'supervision']) {
      await phone.goto(`/projects/${project.id}/${tab}`);
      await checkScreen(phone, `supervision-${tab}-phone`);
    }
  });

  it('[SUPERVISION] no script errors on the screens of this spec', () => {
    expect(suite.errors()).toEqual([]);
  });
});

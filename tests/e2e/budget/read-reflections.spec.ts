/**
 * [BUDGET] A budget-office newcomer (財務局) signs in to the demo book and finds the FY2025 evaluation
 * report as slide 83 has it: the reviews GovTech Tokyo wrote, submitted (評価書提出), with how each
 * opinion was reflected in the budget (反映 / 一部反映 / 未反映); they record the one still open, and
 * the year-on-year list of reflection outcomes counts it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, e2eRun, launchBrowser, newSession, type Session, screenshotOnFailure, signInWithForm } from '../support/browser.ts';
import { requireBuiltScreen, textOf } from '../support/project-steps.ts';
import { checkScreen, settle } from '../support/screens.ts';
import { uiText } from '../support/ui-text.ts';

const run = e2eRun();
/** The demo book's submitted cycle (packages/api/src/seed/demo-budget.ts). */
const fiscalYear = 2025;
const reflected = { 海外展開マッチングシステム: '反映', 介護事業所指定申請の電子化: '一部反映', 農業産出額データ基盤: '未反映' };
const unreflected = '子育て支援給付オンライン申請';

describe.skipIf(!run)('[BUDGET] the budget office reads submitted reviews with their reflections', () => {
  let browser: Browser;
  let current: Page | undefined;
  const sessions: Session[] = [];

  beforeAll(async () => {
    browser = await launchBrowser(run!);
  });
  afterAll(async () => {
    await browser?.close();
  });
  screenshotOnFailure(() => current);

  async function session(): Promise<Session> {
    const s = await newSession(browser, run!);
    sessions.push(s);
    current = s.page;
    return s;
  }

  const reviewCard = (page: Page, name: string) =>
    page
      .getByRole('main')
      .getByRole('article')
      .filter({ has: page.getByRole('heading', { name }) });

  it('[BUDGET] a newcomer sees the submitted FY2025 review list, each review with its reflection', async () => {
    const { page } = await session();
    await signInWithForm(page, demo.budget);
    await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '予算編成 技術的関与' }).click();
    await page.waitForURL('**/budget-review**');
    await requireBuiltScreen(page, 'budget review (予算編成 技術的関与)');
    await page
      .getByRole('main')
      .getByRole('combobox', { name: uiText('budget.chooseYear'), exact: true })
      .selectOption({ label: `${fiscalYear}年度` });
    await page.getByRole('heading', { name: uiText('budget.cycleTitle', { year: `${fiscalYear}年度` }) }).waitFor();
    await reviewCard(page, unreflected).waitFor();
    await settle(page);

    const main = await textOf(page.getByRole('main'));
    expect(main).toContain(uiText('budget.submitted'));
    // Slide 83's calendar, submitted on its day.
    for (const step of ['依頼（予算見積依頼）', '要求締切', '評価締切', '評価書提出', '予算案発表']) expect(main).toContain(step);
    expect(main).not.toContain(uiText('budget.notSubmittedYet', { date: '' }).slice(0, 10));

    for (const [name, outcome] of Object.entries(reflected)) {
      const card = reviewCard(page, name);
      const text = await textOf(card);
      expect(text, name).toContain(uiText('budget.reviewStatus.submitted'));
      expect(text, name).toContain(uiText('budget.reflection.title'));
      expect(text, name).toContain(outcome);
      // GovTech Tokyo wrote the reviews; the three viewpoints of slide 83 are rated.
      expect(text, name).toContain('技術 翔太');
      for (const viewpoint of ['技術面', 'ユーザビリティ', 'セキュリティ']) expect(text, name).toContain(viewpoint);
    }
    expect(await textOf(reviewCard(page, '介護事業所指定申請の電子化'))).toContain('-￥5,000,000');
    expect(await textOf(reviewCard(page, '農業産出額データ基盤'))).toContain(uiText('budget.flags.tierNotSet'));
    expect(await textOf(reviewCard(page, unreflected))).toContain(uiText('budget.reflection.none'));
    // The budget office reads and reflects; it neither extracts nor evaluates.
    expect(await page.getByRole('button', { name: uiText('budget.extract') }).count()).toBe(0);
    expect(await page.getByRole('button', { name: new RegExp(uiText('budget.editReview')) }).count()).toBe(0);
    await checkScreen(page, 'budget-review-reflections');
  });

  it('[BUDGET] the newcomer records the open reflection, and the year-on-year outcomes count it', async () => {
    const page = current!;
    const card = reviewCard(page, unreflected);
    await card.getByRole('button', { name: new RegExp(uiText('budget.reflection.record')) }).click();
    const form = page.getByRole('form', { name: uiText('budget.reflection.formLabel', { name: unreflected }) });
    await form.getByRole('radio', { name: '一部反映' }).check();
    await form.getByLabel(uiText('budget.reflection.amountChange')).fill('-12000000');
    await form.getByLabel(uiText('budget.reflection.comment')).fill('段階的リリースとし、初年度の構築費を減額');
    await form.getByRole('button', { name: uiText('budget.reflection.save') }).click();
    await form.waitFor({ state: 'detached' });
    await card.getByText('段階的リリースとし、初年度の構築費を減額').waitFor();
    expect(await textOf(card)).toContain('-￥12,000,000');

    const outcomes = page.getByRole('table', { name: uiText('budget.reflection.yearOnYear') });
    const row = outcomes.getByRole('row').filter({ has: page.getByRole('rowheader', { name: `${fiscalYear}年度` }) });
    await row.getByText('￥-17,000,000').or(row.getByText('-￥17,000,000')).waitFor();
    // 提出件数 4: 反映 1, 一部反映 2, 未反映 1, 未記録 0.
    expect((await row.getByRole('cell').allTextContents()).slice(0, 5)).toEqual(['4', '1', '2', '1', '0']);
    await checkScreen(page, 'budget-review-reflection-outcomes');
  });

  it('[BUDGET] no script errors on the screens of this spec', () => {
    expect(sessions.flatMap((s) => s.errors)).toEqual([]);
  });
});

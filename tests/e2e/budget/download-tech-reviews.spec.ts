/**
 * [BUDGET] Budget compilation (予算編成における技術的関与): the Digital Service Bureau opens the fiscal
 * year's cycle and extracts the large new projects (案件抽出); the budget office (財務局) downloads the
 * tech review report as a CSV that Excel opens in Japanese: UTF-8 with a byte-order mark and the
 * Japanese header row. Until a cycle's evaluation report is submitted (評価書提出) the budget office
 * sees none of its reviews, so the download is of the demo's submitted FY2025 cycle.
 */
import { readFileSync } from 'node:fs';
import { fiscalYearOf } from '@psbook/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProject, BookApi, runTag } from '../support/api.ts';
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
import { requireBuiltScreen, textOf } from '../support/project-steps.ts';
import { checkScreen, expectAccessible, settle } from '../support/screens.ts';
import { uiText } from '../support/ui-text.ts';

const run = e2eRun();
/** Budget compilation works on next year’s budget (the request goes out in late July of this one). */
const fiscalYear = fiscalYearOf(new Date()) + 1;
/** The report's columns, as the finance bureau reads them (packages/api/src/domain/tech-reviews.ts). */
const expectedHeader = [
  '年度',
  'プロジェクト番号',
  '事業名',
  '局',
  '区分',
  '予算額（円）',
  '抽出時の注記',
  '技術面 評価',
  '技術面 コメント',
  'ユーザビリティ 評価',
  'ユーザビリティ コメント',
  'セキュリティ 評価',
  'セキュリティ コメント',
  '総合意見',
  '状況',
  '反映状況',
  '増減額（円）',
  '反映についてのコメント',
];
/** The demo book's submitted cycle (packages/api/src/seed/demo-budget.ts). */
const submittedYear = 2025;

describe.skipIf(!run)('[BUDGET] the budget office downloads the tech review report', () => {
  let browser: Browser;
  let api: BookApi;
  let project: ApiProject;
  let current: Page | undefined;
  const sessions: Session[] = [];

  beforeAll(async () => {
    api = new BookApi(run!.baseUrl);
    // A large new project for that budget: tier 2 and new, so the extraction rules pick it.
    project = await api.call<ApiProject>(demo.staffInd, 'POST', '/projects', {
      name: `E2E 産業データ連携基盤（${runTag()}）`,
      bureauCode: 'IND',
      fiscalYear,
      isNew: true,
      budgetJpy: 45_000_000,
      maxDowntimeHours: 24,
      confidentiality: 'B',
    });
    expect(project.tier).toBe(2);
    browser = await launchBrowser(run!);
  });
  afterAll(async () => {
    await browser?.close();
    api?.close();
  });
  screenshotOnFailure(() => current);

  async function session(): Promise<Session> {
    const s = await newSession(browser, run!);
    sessions.push(s);
    current = s.page;
    return s;
  }

  it('[BUDGET] the admin opens next year’s budget cycle and extracts the projects for tech review', async () => {
    const admin = await session();
    const page = admin.page;
    await signInQuickly(admin, demo.admin);
    await page.goto('/budget-review');
    await requireBuiltScreen(page, 'budget review (予算編成 技術的関与)');
    await settle(page);
    const yearChooser = page.getByRole('main').getByRole('combobox', { name: uiText('budget.chooseYear'), exact: true });
    const hasCycle = (await yearChooser.count()) > 0 && (await yearChooser.locator('option', { hasText: `${fiscalYear}年度` }).count()) > 0;
    if (!hasCycle) {
      await page.locator('details summary', { hasText: uiText('budget.createCycle') }).click();
      const form = page.getByRole('form', { name: uiText('budget.createCycle') });
      // The form proposes next year's budget on Tokyo's calendar (request in late July of this year).
      expect(await form.getByLabel(uiText('budget.fiscalYear')).inputValue()).toBe(String(fiscalYear));
      await expectAccessible(page, 'budget-review-create-cycle');
      await form.getByRole('button', { name: uiText('budget.createCycle') }).click();
      await yearChooser.locator('option', { hasText: `${fiscalYear}年度` }).waitFor({ state: 'attached' });
      // [UI-AUDIT 5] The cycle just opened is the one shown, and its year is in the address.
      await page.waitForURL(`**/budget-review?year=${fiscalYear}`);
      expect(await yearChooser.inputValue()).toBe(String(fiscalYear));
    }
    await yearChooser.selectOption({ label: `${fiscalYear}年度` });
    await page.getByRole('heading', { name: uiText('budget.cycleTitle', { year: `${fiscalYear}年度` }) }).waitFor();
    // [UI-AUDIT 5] The year is in the address: a reload shows the same cycle.
    expect(new URL(page.url()).searchParams.get('year')).toBe(String(fiscalYear));
    await page.reload();
    await page.getByRole('heading', { name: uiText('budget.cycleTitle', { year: `${fiscalYear}年度` }) }).waitFor();
    await page.getByRole('button', { name: uiText('budget.extract') }).click();
    await page.getByText(/件を新たに抽出しました/).waitFor();
    await page.getByRole('main').getByRole('heading', { name: project.name }).waitFor();
    await checkScreen(page, 'budget-review-admin');
  });

  it('[BUDGET] the budget office sees nothing of next year’s cycle before 評価書提出, then downloads a submitted year’s CSV: UTF-8 with BOM and the Japanese header row', async () => {
    const budget = await session();
    const page = budget.page;
    await signInWithForm(page, demo.budget);
    await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '予算編成 技術的関与' }).click();
    await page.waitForURL('**/budget-review**');
    await requireBuiltScreen(page, 'budget review (予算編成 技術的関与)');
    const yearChooser = page.getByRole('main').getByRole('combobox', { name: uiText('budget.chooseYear'), exact: true });
    await yearChooser.selectOption({ label: `${fiscalYear}年度` });
    await page.getByRole('main').getByText(uiText('plainWords.noReviews.budgetOffice')).waitFor();
    expect(await textOf(page.getByRole('main'))).toContain('評価書はまだ提出されていません');
    expect(await page.getByRole('main').getByRole('heading', { name: project.name }).count()).toBe(0);
    // The budget office reads; only the Digital Service Bureau extracts and GovTech Tokyo evaluates.
    expect(await page.getByRole('button', { name: uiText('budget.extract') }).count()).toBe(0);
    expect(await page.getByRole('button', { name: uiText('budget.editReview') }).count()).toBe(0);
    await checkScreen(page, 'budget-review-budget-office');

    await yearChooser.selectOption({ label: `${submittedYear}年度` });
    await page.getByRole('main').getByRole('heading', { name: '子育て支援給付オンライン申請' }).waitFor();

    const control = page
      .getByRole('main')
      .getByRole('link', { name: /CSV/i })
      .or(page.getByRole('main').getByRole('button', { name: /CSV/i }));
    const [download] = await Promise.all([page.waitForEvent('download'), control.first().click()]);
    const path = await download.path();
    const bytes = readFileSync(path);
    expect([...bytes.subarray(0, 3)], 'the CSV starts with the UTF-8 byte-order mark EF BB BF').toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    const [headerLine, ...lines] = text.split('\r\n');
    expect(headerLine!.split(',')).toEqual(expectedHeader);
    const row = lines.find((line) => line.includes('子育て支援給付オンライン申請'));
    expect(row, 'the report has a row for the demo’s tier-3 project').toBeDefined();
    expect(row!.startsWith(`${submittedYear},`)).toBe(true);
    expect(
      lines.some((line) => line.includes(project.code)),
      'nothing of the unsubmitted year',
    ).toBe(false);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    expect(await textOf(page.getByRole('main'))).not.toContain('準備中');
  });

  it('[BUDGET] no script errors on the screens of this spec', () => {
    expect(sessions.flatMap((s) => s.errors)).toEqual([]);
  });
});

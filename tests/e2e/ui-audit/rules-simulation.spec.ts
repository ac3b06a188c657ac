/**
 * [UI-AUDIT 2] The administrator starts the rules simulation from the screen: the thresholds of the
 * active ruleset are in a form (no JSON, no repository file), a threshold out of order is named in
 * the error summary before anything is sent, and the result says in words what the candidate
 * changes, how many projects move, and links each project shown — no hash, no 「〜通り」.
 * At 390 px and at desktop width.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BookApi } from '../support/api.ts';
import { arrangeProjectInDevelopment } from '../support/arrange.ts';
import { demo, e2eRun, launchBrowser, newSession, screenshotOnFailure, signInQuickly } from '../support/browser.ts';
import { checkScreen } from '../support/screens.ts';
import { uiText } from '../support/ui-text.ts';

const run = e2eRun();

describe.skipIf(!run)('[UI-AUDIT] the rules simulation starts from the active rules', () => {
  let browser: Browser;
  let api: BookApi;
  let current: Page | undefined;

  beforeAll(async () => {
    api = new BookApi(run!.baseUrl);
    browser = await launchBrowser(run!);
  });
  afterAll(async () => {
    await browser?.close();
    api?.close();
  });
  screenshotOnFailure(() => current);

  async function rulesPage(viewport: { width: number; height: number }) {
    const session = await newSession(browser, run!, { viewport });
    await signInQuickly(session, demo.admin);
    current = session.page;
    await session.page.goto('/rules');
    const form = session.page.getByRole('form', { name: uiText('rules.simulateLabel') });
    await form.waitFor();
    return { page: session.page, form };
  }
  const budgetTier3 = uiText('rulesSim.boundaryLabel', { factor: '予算規模', tier: 3 });
  const budgetTier2 = uiText('rulesSim.boundaryLabel', { factor: '予算規模', tier: 2 });

  it('[UI-AUDIT 2] 390 px: the form holds the active thresholds; thresholds out of order are refused in the summary', async () => {
    const { page, form } = await rulesPage({ width: 390, height: 844 });
    expect(await form.getByRole('textbox', { name: budgetTier3 }).count()).toBe(0); // a number box, not text
    const tier3 = form.getByRole('spinbutton', { name: budgetTier3 });
    const tier2 = form.getByRole('spinbutton', { name: budgetTier2 });
    expect(await tier3.inputValue()).toBe('50000000');
    expect(await tier2.inputValue()).toBe('10000000');
    expect(
      await form.getByRole('combobox', { name: uiText('rulesSim.classLabel', { factor: 'データの機密性', value: 'A' }) }).inputValue(),
    ).toBe('2');
    const formText = await form.innerText();
    expect(formText).not.toMatch(/JSON|rules\/|oversight-tier|sha256/);

    let simulated = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/rules/simulate')) simulated++;
    });
    await tier3.fill('5000000');
    await form.getByRole('button', { name: uiText('rules.simulate') }).click();
    const summary = form.getByRole('alert').filter({ hasText: uiText('common.errorSummary') });
    await summary.waitFor();
    const link = summary.getByRole('link', {
      name: uiText('rulesSim.needOrder', { label: budgetTier3, other: budgetTier2 }),
    });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`#${await tier3.getAttribute('id')}`);
    expect(await tier3.getAttribute('aria-invalid')).toBe('true');
    // Optional and untouched fields are never marked invalid.
    expect(await tier2.getAttribute('aria-invalid')).toBeNull();
    expect(simulated).toBe(0);
    await checkScreen(page, 'ui-audit-rules-simulation-error-390');
  });

  it('[UI-AUDIT 2] desktop: lowering the tier-3 budget threshold lists the change in words and links the projects that move', async () => {
    // A project of ¥40,000,000 (tier 2 today) moves to tier 3 when tier 3 starts at ¥30,000,000.
    await arrangeProjectInDevelopment(api, { budgetJpy: 40_000_000, maxDowntimeHours: 24, confidentiality: 'B' });
    const { page, form } = await rulesPage({ width: 1280, height: 900 });
    await form.getByRole('spinbutton', { name: budgetTier3 }).fill('30000000');
    await form.getByRole('button', { name: uiText('rules.simulate') }).click();
    const result = form.getByRole('region', { name: uiText('rules.simulationResult') });
    await result.waitFor();
    const text = await result.innerText();
    expect(text).toContain(uiText('rulesSim.changedBoundary', { factor: '予算規模', tier: 3, from: '5,000万円', to: '3,000万円' }));
    const changed = Number(/、([\d,]+)件の区分または協議先が変わります/.exec(text)?.[1]?.replace(/,/g, ''));
    expect(changed).toBeGreaterThanOrEqual(1);
    // No versions, hashes or counts of input combinations.
    expect(text).not.toMatch(/sha256|[0-9a-f]{8}|通り/);

    const sample = result.getByRole('table', { name: uiText('rules.sample') });
    const links = sample.getByRole('link');
    expect(await links.count()).toBeGreaterThanOrEqual(1);
    const first = links.first();
    const name = (await first.innerText()).trim();
    expect(await first.getAttribute('href')).toMatch(/^\/projects\/[0-9a-f-]{36}$/);
    await checkScreen(page, 'ui-audit-rules-simulation-result');
    await first.click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
  });
});

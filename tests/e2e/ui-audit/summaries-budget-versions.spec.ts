/**
 * [UI-AUDIT 3] Issue 18, what the third pass changed:
 * - item 9: sign-in, KPI, documents and the stage change name every problem at once in an error
 *   summary whose links lead to the fields; optional fields are never marked invalid;
 * - item 5: the budget page speaks to the reader's role, keeps the year in the address, and shows the
 *   extraction rule with the cycle and with an extraction's result (nothing new is not a green success);
 * - ruleset versions are named 第N版, their content hash only under 詳細.
 * In Japanese, at 390 px and at desktop width.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type ApiProject, runTag } from '../support/api.ts';
import { demo, e2eRun } from '../support/browser.ts';
import { openProjectTab } from '../support/project-steps.ts';
import { rawFragments, visibleText } from '../support/raw-text.ts';
import { checkScreen, settle } from '../support/screens.ts';
import { browserSuite } from '../support/suite.ts';
import { uiText } from '../support/ui-text.ts';

const run = e2eRun();
const phone = { width: 390, height: 844 };
const desktop = { width: 1280, height: 900 };
/** A short content hash as the screens used to show it (3152addc): hex with both a digit and a letter. */
const shortHash = /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/;

/** The summary's links: their text and the control each leads to. */
async function summaryLinks(summary: Locator): Promise<{ text: string; target: string | null }[]> {
  return summary
    .getByRole('link')
    .evaluateAll((links) => links.map((a) => ({ text: (a.textContent ?? '').trim(), target: a.getAttribute('href') })));
}

/** Every link of the summary leads to a control that is marked invalid. */
async function expectLinksToInvalidControls(page: Page, summary: Locator): Promise<void> {
  for (const { text, target } of await summaryLinks(summary)) {
    expect(target, text).toMatch(/^#/);
    const control = page.locator(`[id="${target!.slice(1)}"]`);
    expect(await control.count(), `${text} links nowhere`).toBe(1);
    expect(await control.getAttribute('aria-invalid'), `${text} leads to a control not marked invalid`).toBe('true');
  }
}

describe.skipIf(!run)('[UI-AUDIT] error summaries, the budget office, ruleset version names', () => {
  const suite = browserSuite(run!);

  async function pageOf(who: string | null, viewport: { width: number; height: number }): Promise<Page> {
    const session = await suite.session(who, viewport);
    return session.page;
  }

  it('[UI-AUDIT 9] sign-in at 390 px: both empty fields in one summary, then a wrong password in the same place', async () => {
    const page = await pageOf(null, phone);
    await page.goto('/sign-in');
    const form = page.locator('form.sign-in-form');
    await form.getByRole('button', { name: uiText('auth.submit') }).click();
    const summary = form.getByRole('alert').filter({ hasText: uiText('common.errorSummary') });
    await summary.waitFor();
    expect((await summaryLinks(summary)).map((l) => l.text)).toEqual([uiText('auth.emailRequired'), uiText('auth.passwordRequired')]);
    await expectLinksToInvalidControls(page, summary);
    await checkScreen(page, 'ui-audit-3-sign-in-summary-390');

    await form.getByLabel(uiText('auth.email')).fill(demo.staffInd);
    await form.getByLabel(uiText('auth.password')).fill('not-the-password');
    await form.getByRole('button', { name: uiText('auth.submit') }).click();
    await summary.getByText(uiText('auth.invalidCredentials')).waitFor();
    expect(await summary.getByText(uiText('auth.emailRequired')).count()).toBe(0);
  });

  it('[UI-AUDIT 9] desktop: the KPI, document and stage forms name every problem in one press; optional fields stay unmarked', async () => {
    const project = await suite.api.call<ApiProject>(demo.staffInd, 'POST', '/projects', {
      name: `E2E 要約の確認（${runTag()}）`,
      bureauCode: 'IND',
      fiscalYear: 2026,
      isNew: true,
    });
    const page = await pageOf(demo.staffInd, desktop);

    await openProjectTab(page, project.id, 'KPI');
    const kpiForm = page.getByRole('form', { name: uiText('kpi.addLabel') });
    await kpiForm.getByRole('button', { name: uiText('kpi.add') }).click();
    const kpiSummary = kpiForm.getByRole('alert').filter({ hasText: uiText('common.errorSummary') });
    await kpiSummary.waitFor();
    const kpiProblems = (await summaryLinks(kpiSummary)).map((l) => l.text);
    // The name and the missing target in the same press (the target rule no longer waits for the name).
    expect(kpiProblems.some((text) => text.startsWith(`${uiText('kpi.name')}：`))).toBe(true);
    expect(kpiProblems.some((text) => text.startsWith(`${uiText('kpi.targetValue')}：`))).toBe(true);
    await expectLinksToInvalidControls(page, kpiSummary);
    for (const optional of [uiText('kpi.unit'), uiText('kpi.baselineValue'), uiText('kpi.baselineYear')]) {
      expect(await kpiForm.getByLabel(new RegExp(`^${optional}`)).getAttribute('aria-invalid'), optional).toBeNull();
    }
    await checkScreen(page, 'ui-audit-3-kpi-summary');

    await openProjectTab(page, project.id, '文書');
    const docForm = page.getByRole('form', { name: uiText('documents.addLabel') });
    await docForm.getByRole('button', { name: uiText('documents.add') }).click();
    const docSummary = docForm.getByRole('alert').filter({ hasText: uiText('common.errorSummary') });
    await docSummary.waitFor();
    const docProblems = (await summaryLinks(docSummary)).map((l) => l.text);
    expect(docProblems.some((text) => text.startsWith(`${uiText('documents.docTitle')}：`))).toBe(true);
    expect(docProblems.some((text) => text.startsWith(`${uiText('documents.url')}：`))).toBe(true);
    await expectLinksToInvalidControls(page, docSummary);

    await openProjectTab(page, project.id, '概要');
    await settle(page);
    const details = page.locator('details').filter({ has: page.locator('summary', { hasText: uiText('lifecycle.changeStage') }) });
    if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
    const stage = details.getByLabel(new RegExp(`^${uiText('lifecycle.to')}`));
    const retire = uiText('lifecycle.direction.retire', { stage: '廃止' });
    await stage.selectOption({ label: retire });
    await details.getByRole('button', { name: uiText('lifecycle.submit') }).click();
    const stageSummary = details.getByRole('alert').filter({ hasText: uiText('common.errorSummary') });
    await stageSummary.waitFor();
    expect((await summaryLinks(stageSummary)).map((l) => l.text)).toEqual([
      `${uiText('lifecycle.reason')}：${uiText('lifecycle.reasonRequired')}`,
    ]);
    await expectLinksToInvalidControls(page, stageSummary);
    // Back to a forward move: the reason is optional again and no longer marked.
    const forward = uiText('lifecycle.direction.forward', { stage: '要件定義' });
    await stage.selectOption({ label: forward });
    expect(await details.getByLabel(new RegExp(`^${uiText('lifecycle.reason')}`)).getAttribute('aria-invalid')).toBeNull();
    expect((await suite.api.call<ApiProject>(demo.staffInd, 'GET', `/projects/${project.id}`)).stage).toBe('planning');
  });

  it('[UI-AUDIT 5] 390 px: the budget office reads a lead of its own, the year stays in the address, the extraction rule is shown', async () => {
    const page = await pageOf(demo.budget, phone);
    await page.goto('/budget-review');
    const lead = uiText('plainWords.budgetLead.budgetOffice');
    await page.getByText(lead).waitFor();
    expect(await page.getByText(uiText('plainWords.budgetLead.admin')).count()).toBe(0);
    // The year the page chose is written into the address (no navigation: history.replaceState).
    await expect.poll(() => new URL(page.url()).searchParams.get('year'), { timeout: 10_000 }).toMatch(/^\d{4}$/);
    const year = new URL(page.url()).searchParams.get('year');
    const rule = page.locator('p.extraction-rule');
    await rule.waitFor();
    const ruleText = await rule.innerText();
    expect(ruleText.startsWith(`${uiText('plainWords.extractionRule')}：`)).toBe(true);
    expect(ruleText).toContain('新規事業');
    await page.reload();
    await page.getByText(lead).waitFor();
    expect(new URL(page.url()).searchParams.get('year')).toBe(year);
    const raw = rawFragments(await visibleText(page));
    expect(raw, JSON.stringify(raw)).toEqual([]);
    await checkScreen(page, 'ui-audit-3-budget-office-390');
  });

  it('[UI-AUDIT 5] desktop: an extraction that finds nothing new says so with the rule, not as a green success', async () => {
    const page = await pageOf(demo.admin, desktop);
    await page.goto('/budget-review');
    await page.getByText(uiText('plainWords.budgetLead.admin')).waitFor();
    const extract = page.getByRole('button', { name: uiText('budget.extract') });
    // Extract until nothing new is left (the first press may take the projects registered since the demo).
    await extract.click();
    let notice = page.getByRole('status').filter({ hasText: /抽出/ });
    await notice.waitFor();
    if (!(await notice.innerText()).includes(uiText('plainWords.extractedNone', { already: 0 }).slice(0, 20))) {
      await extract.click();
      notice = page.getByRole('status').filter({ hasText: uiText('plainWords.extractedNone', { already: 0 }).slice(0, 20) });
      await notice.waitFor();
    }
    expect(await notice.getAttribute('class')).toContain('alert-info');
    expect(await notice.innerText()).toContain(uiText('plainWords.extractedBy', { rule: '' }));
    await checkScreen(page, 'ui-audit-3-extracted-none');
  });

  it('[UI-AUDIT 3] ruleset versions are named 第N版, the content hash only under 詳細', async () => {
    const page = await pageOf(demo.admin, phone);
    await page.goto('/rules/versions?ruleset=oversight-tier');
    const table = page.getByRole('table', { name: uiText('ruleVersions.listCaption') });
    await table.waitFor();
    const firstLink = table.getByRole('link').first();
    expect(await firstLink.innerText()).toMatch(/^第\d+版$/);
    const tableText = await table.innerText();
    expect(tableText).not.toMatch(shortHash);
    await firstLink.click();
    await page.getByRole('heading', { level: 1, name: /第\d+版/ }).waitFor();
    const details = page.locator('details.technical-details', { hasText: uiText('plainWords.contentHash') });
    await details.waitFor();
    expect(await details.getAttribute('open')).toBeNull();
    const text = await visibleText(page);
    expect(text).not.toMatch(/sha256:/);
    expect(text).not.toMatch(shortHash);
    await checkScreen(page, 'ui-audit-3-rule-version-390');
    // The rules screen names when each ruleset came into force, not its hash.
    await page.goto('/rules');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await settle(page);
    expect(await visibleText(page)).not.toMatch(shortHash);
  });
});

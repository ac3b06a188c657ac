/**
 * Steps on the project page that more than one spec takes, written the way a person finds things:
 * by role and by the Japanese words on the screen.
 */
import { stageLabels } from '@psbook/core';
import type { Locator, Page } from 'playwright-core';
import { settle } from './screens.ts';
import { uiText } from './ui-text.ts';

export type StageName = keyof typeof stageLabels;

/**
 * A screen the UI engineer has not built yet renders 「準備中」 as its only heading. Fail with a
 * message that says which screen, instead of a selector timeout that says nothing.
 */
export async function requireBuiltScreen(page: Page, screen: string): Promise<void> {
  const h1 = page.locator('h1').first();
  await h1.waitFor();
  const headings = await page.locator('main h1, main h2').allInnerTexts();
  if (headings.length > 0 && headings.every((h) => h.trim() === '準備中'))
    throw new Error(
      `The ${screen} screen (${new URL(page.url()).pathname}) is still the 「準備中」 placeholder in packages/ui: the workflow cannot continue there.`,
    );
}

export async function openProjectTab(page: Page, projectId: string, tabName: string): Promise<void> {
  const tabs = page.getByRole('navigation', { name: 'プロジェクトの情報' });
  if (!page.url().includes(`/projects/${projectId}`) || (await tabs.count()) === 0) await page.goto(`/projects/${projectId}`);
  await tabs.getByRole('link', { name: tabName, exact: true }).click();
  await page.locator('.loading').first().waitFor({ state: 'detached' });
}

/** The stage the lifecycle stepper marks as current (aria-current="step"). */
export async function currentStage(page: Page): Promise<string> {
  const step = page.getByRole('list', { name: 'プロジェクトの段階' }).locator('[aria-current="step"]');
  const lines = (await textOf(step)).split('\n').map((line) => line.trim());
  const labels = Object.values(stageLabels).map((label) => label.ja);
  return lines.find((line) => labels.includes(line)) ?? lines.join(' ');
}

export type TransitionOutcome = { moved: true } | { moved: false; unmet: string[]; alert: string };

/** The overview's 「段階を変更する」 form: choose the next stage and submit; report what the screen said. */
export async function requestStageChange(page: Page, projectId: string, to: StageName): Promise<TransitionOutcome> {
  await openProjectTab(page, projectId, '概要');
  const label = stageLabels[to].ja;
  // The disclosure opens by itself when the gates are met, once the gate query has answered.
  await settle(page);
  const details = page.locator('details').filter({ has: page.locator('summary', { hasText: '段階を変更する' }) });
  const form = details.locator('form');
  const select = form.getByLabel('変更後の段階');
  // The overview may still re-render once the project or the gates refresh (a closed disclosure again, or
  // one that opened by itself): open it as a person would, until the choice is in view.
  for (let attempt = 0; attempt < 3 && !(await select.isVisible()); attempt++) {
    if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
    await select.waitFor({ state: 'visible', timeout: 3000 }).catch(() => undefined);
  }
  await select.selectOption({ label: `次の段階へ進む：${label}` });
  await form.getByRole('button', { name: '段階を変更する' }).click();
  const refused = page.getByRole('alert').filter({ hasText: '次の条件を満たしていないため、段階を変更できません' });
  const otherError = form.getByRole('alert');
  // Success is what the person is told (the banner above the stepper; the form closes) and what the
  // page header then shows.
  const confirmed = page.getByRole('status').filter({ hasText: uiText('lifecycle.moved', { stage: label }) });
  await refused.or(confirmed).or(otherError).first().waitFor();
  if (await refused.isVisible()) {
    return {
      moved: false,
      unmet: (await refused.getByRole('listitem').allInnerTexts()).map((s) => s.trim()),
      alert: await textOf(refused),
    };
  }
  if (await confirmed.isVisible()) {
    await page.locator('.project-header').getByText(label, { exact: true }).waitFor();
    return { moved: true };
  }
  return { moved: false, unmet: [], alert: await textOf(otherError.first()) };
}

/** Waits for a visible element with this text somewhere inside `scope`. */
export async function waitForText(scope: Page | Locator, text: string | RegExp): Promise<void> {
  await scope.getByText(text).first().waitFor();
}

/** The text as rendered for a person (Playwright's innerText: no hidden elements, layout line breaks). */
export function textOf(locator: Locator): Promise<string> {
  // innerText, not textContent: the rendered text a person reads is what these tests assert.
  return locator.innerText();
}

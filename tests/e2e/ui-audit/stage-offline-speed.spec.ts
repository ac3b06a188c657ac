/**
 * [UI-AUDIT 7, 11, 12] The stage change offers the next stage (never a skip), back and 廃止 with a
 * reason, and closes with a banner above the stepper; offline, every screen says so and a save fails
 * at once with words instead of 「保存中…」; the server sends the build brotli- or gzip-compressed.
 */
import { request } from 'node:http';
import { canvasFields } from '@psbook/core';
import { describe, expect, it } from 'vitest';
import { type ApiProject, runTag } from '../support/api.ts';
import { demo, e2eRun, type Session } from '../support/browser.ts';
import { isKeyItem } from '../support/key-items.ts';
import { currentStage, openProjectTab, textOf } from '../support/project-steps.ts';
import { checkScreen, settle } from '../support/screens.ts';
import { browserSuite } from '../support/suite.ts';
import { uiText } from '../support/ui-text.ts';

const run = e2eRun();

/** GET with a given Accept-Encoding, the body left as it came (no decompression). */
function rawGet(path: string, acceptEncoding: string): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, run!.baseUrl), { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!run)('[UI-AUDIT] stage change, offline, compression', () => {
  const suite = browserSuite(run!);

  async function pageOf(email: string, viewport?: { width: number; height: number }): Promise<Session> {
    const session = await suite.session(email, viewport);
    return session;
  }

  /** A planning project whose gates to 要件定義 are met (canvas key items and a KPI), or all but the KPI. */
  async function readyPlanningProject(options: { withKpi?: boolean } = {}): Promise<ApiProject> {
    const project = await suite.api.call<ApiProject>(demo.staffInd, 'POST', '/projects', {
      name: `E2E 段階変更の確認（${runTag()}）`,
      bureauCode: 'IND',
      fiscalYear: 2026,
      budgetJpy: 30_000_000,
      maxDowntimeHours: 24,
      confidentiality: 'B',
    });
    const fields = Object.fromEntries(canvasFields.filter((f) => isKeyItem(f.key)).map((f) => [f.key, `${f.ja}（E2E）`]));
    await suite.api.call(demo.staffInd, 'PUT', `/projects/${project.id}/canvas`, { fields, baseRevision: 0 });
    if (options.withKpi === false) return project;
    await suite.api.call(demo.staffInd, 'POST', `/projects/${project.id}/kpis`, {
      name: '申請の電子化率',
      unit: '％',
      direction: 'increase',
      baselineValue: 10,
      baselineYear: 2025,
      targetValue: 90,
      targetFiscalYear: 2028,
    });
    return project;
  }

  it('[UI-AUDIT 12] at 390 px: the next stage only (no skip), then the form closes and the banner sits above the stepper', async () => {
    const project = await readyPlanningProject();
    const { page } = await pageOf(demo.staffInd, { width: 390, height: 844 });
    await openProjectTab(page, project.id, '概要');
    await settle(page);
    const details = page.locator('details').filter({ has: page.locator('summary', { hasText: uiText('lifecycle.changeStage') }) });
    await details.and(page.locator('[open]')).waitFor();
    const select = details.getByLabel(uiText('lifecycle.to'));
    const options = (await select.locator('option').allInnerTexts()).map((o) => o.trim());
    expect(options).toContain(uiText('lifecycle.direction.forward', { stage: '要件定義' }));
    for (const skipped of ['設計開発', '運用'])
      expect(
        options.some((o) => o.includes(skipped)),
        `a skip to ${skipped} is offered: ${options.join(' / ')}`,
      ).toBe(false);
    expect(options.some((o) => o.includes('廃止'))).toBe(true);
    await checkScreen(page, 'ui-audit-stage-change-390');

    await details.getByRole('button', { name: uiText('lifecycle.submit') }).click();
    const banner = page.getByRole('status').filter({ hasText: uiText('lifecycle.moved', { stage: '要件定義' }) });
    await banner.waitFor();
    expect(await currentStage(page)).toBe('要件定義');
    expect(await details.getAttribute('open'), 'the stage form stayed open after the move').toBeNull();
    // The banner comes before the stepper, where the person is looking.
    const stepper = page.getByRole('list', { name: uiText('lifecycle.stepperLabel') });
    const [bannerBox, stepperBox] = [await banner.boundingBox(), await stepper.boundingBox()];
    expect(bannerBox!.y).toBeLessThan(stepperBox!.y);
  });

  it('[UI-AUDIT 11] offline: the frame says so, and a save fails at once in words; back online, the notice goes', async () => {
    const project = await readyPlanningProject();
    const { page, context } = await pageOf(demo.staffInd);
    await openProjectTab(page, project.id, '概要');
    await settle(page);
    const details = page.locator('details').filter({ has: page.locator('summary', { hasText: uiText('lifecycle.changeStage') }) });
    await details.and(page.locator('[open]')).waitFor();
    await context.setOffline(true);
    const notice = page.getByRole('status').filter({ hasText: uiText('common.offline') });
    await notice.waitFor();
    const started = Date.now();
    await details.getByRole('button', { name: uiText('lifecycle.submit') }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: uiText('errors.codes.offline') })
      .waitFor({ timeout: 5_000 });
    expect(Date.now() - started, 'the offline save hung before saying so').toBeLessThan(5_000);
    expect(await textOf(page.getByRole('main'))).not.toContain(uiText('common.saving'));
    await checkScreen(page, 'ui-audit-offline');
    await context.setOffline(false);
    await notice.waitFor({ state: 'detached' }).catch(() => undefined);
    expect(await notice.count()).toBe(0);
    expect((await suite.api.call<ApiProject>(demo.staffInd, 'GET', `/projects/${project.id}`)).stage).toBe('planning');
  });

  it('[UI-AUDIT 7] the build is sent precompressed (brotli, else gzip) with Vary, and plain to who asks for nothing', async () => {
    const page = await rawGet('/projects', 'gzip, deflate, br');
    expect(page.headers['content-encoding']).toBe('br');
    expect(String(page.headers.vary)).toMatch(/accept-encoding/i);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec((await rawGet('/', 'identity')).body.toString('utf8'))?.[1];
    expect(script, 'index.html names its entry script').toBeTruthy();
    const br = await rawGet(script!, 'gzip, deflate, br');
    const gz = await rawGet(script!, 'gzip');
    const plain = await rawGet(script!, 'identity');
    expect([br.status, gz.status, plain.status]).toEqual([200, 200, 200]);
    expect(br.headers['content-encoding']).toBe('br');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
    expect(br.body.length).toBeLessThan(plain.body.length / 2.5);
    expect(gz.body.length).toBeLessThan(plain.body.length / 2);
    // The loading indicator is in the page itself, before any script runs.
    expect((await rawGet('/', 'identity')).body.toString('utf8')).toContain('PSブックを読み込んでいます');
  });

  it('[UI-AUDIT 15] at 390 px: adding the missing KPI says so, says the stage can move on, and links back to 概要; the canvas KPI cell is not a second editor', async () => {
    const project = await readyPlanningProject({ withKpi: false });
    const { page } = await pageOf(demo.staffInd, { width: 390, height: 844 });
    await openProjectTab(page, project.id, 'KPI');
    const form = page.getByRole('form', { name: 'KPIの追加フォーム' });
    await form.getByLabel('指標名').fill('オンライン相談の利用件数');
    await form.getByLabel('単位').fill('件');
    await form.getByLabel(/^基準値/).fill('120');
    await form.getByLabel('基準年度').fill('2025');
    await form.getByLabel('目標値（数値）').fill('1200');
    await form.getByLabel('目標年度').fill('2028');
    await form.getByRole('button', { name: 'KPIを追加する' }).click();
    const saved = page.getByRole('status').filter({ hasText: uiText('kpi.added') });
    await saved.getByText(uiText('lifecycle.nowCanAdvance', { stage: '要件定義' })).waitFor();
    await checkScreen(page, 'ui-audit-kpi-added-next-step-390');
    await saved.getByRole('link', { name: uiText('lifecycle.toOverview') }).click();
    await page.waitForURL(`**/projects/${project.id}`);

    await openProjectTab(page, project.id, 'サービスキャンバス');
    await page.getByRole('button', { name: /編集/ }).first().click();
    const editor = page.getByRole('form', { name: 'サービスキャンバスの編集' });
    await editor.waitFor();
    expect(await editor.getByRole('textbox', { name: /^活動評価指標/ }).count(), 'the KPI cell is still a free-text box').toBe(0);
    await editor.getByRole('link', { name: uiText('canvas.editKpisOnTab') }).click();
    await page.waitForURL(`**/projects/${project.id}/kpis`);
  });

  it('[UI-AUDIT] no script errors on the screens of this spec', () => {
    // Offline, Chromium logs the refused fetch as a console error: that is the test's own doing.
    expect(suite.errors().filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(e))).toEqual([]);
  });
});

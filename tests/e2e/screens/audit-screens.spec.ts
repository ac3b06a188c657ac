/**
 * [SCREENS] Every main screen, in Japanese, as the person who uses it: axe finds no serious or
 * critical violation, and a full-page screenshot lands in tests/e2e/artifacts/<screen>.png for a
 * person to look at. The project page is shown on the demo book's 中小企業IoT化支援ポータル, which has
 * a canvas, KPIs with measurements, documents and an approved release.
 *
 * Plus [SECURITY]: the app signs in and renders under its own strict CSP (the other specs bypass
 * CSP to inject axe).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProject, BookApi } from '../support/api.ts';
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
import { textOf } from '../support/project-steps.ts';
import { axeReport, checkScreen, settle } from '../support/screens.ts';

const run = e2eRun();

const projectTabs = [
  { name: '概要', path: '', screen: 'project-overview' },
  { name: 'サービスキャンバス', path: 'canvas', screen: 'project-canvas' },
  { name: 'KPI', path: 'kpis', screen: 'project-kpis' },
  { name: '調達', path: 'procurements', screen: 'project-procurements' },
  { name: '文書', path: 'documents', screen: 'project-documents' },
  { name: 'リリース判定', path: 'releases', screen: 'project-releases' },
  { name: '技術的関与', path: 'tech-reviews', screen: 'project-tech-reviews' },
  { name: '協議', path: 'consultations', screen: 'project-consultations' },
  { name: '状況報告', path: 'status-reports', screen: 'project-status-reports' },
  { name: '措置・免除', path: 'supervision', screen: 'project-supervision' },
  { name: '履歴', path: 'history', screen: 'project-history' },
] as const;

describe.skipIf(!run)('[SCREENS] every main screen passes axe and is kept as a screenshot', () => {
  let browser: Browser;
  let api: BookApi;
  let demoProject: ApiProject;
  let current: Page | undefined;
  const sessions: Session[] = [];

  beforeAll(async () => {
    api = new BookApi(run!.baseUrl);
    const found = await api.call<{ items: ApiProject[] }>(
      demo.admin,
      'GET',
      `/projects?q=${encodeURIComponent('中小企業IoT化支援ポータル')}`,
    );
    demoProject = found.items.find((p) => p.name === '中小企業IoT化支援ポータル')!;
    expect(demoProject, 'the demo book has 中小企業IoT化支援ポータル').toBeDefined();
    browser = await launchBrowser(run!);
  });
  afterAll(async () => {
    await browser?.close();
    api?.close();
    const findings = [...axeReport.entries()].filter(([, lines]) => lines.length);
    if (findings.length) console.error(`axe findings by screen:\n${findings.map(([, lines]) => lines.join('\n')).join('\n')}`);
  });
  screenshotOnFailure(() => current);

  async function signedIn(email: string): Promise<Page> {
    const session = await newSession(browser, run!);
    sessions.push(session);
    await signInQuickly(session, email);
    current = session.page;
    return session.page;
  }

  /** Go to a screen by URL and check it; the h1 proves the route rendered and is in Japanese. */
  async function visit(page: Page, path: string, screen: string): Promise<string> {
    await page.goto(path);
    await checkScreen(page, screen);
    const h1 = await textOf(page.getByRole('heading', { level: 1 }).first());
    expect.soft(h1, `${screen}: the heading is in Japanese`).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    expect.soft(h1, `${screen} (${path}) is still the 「準備中」 placeholder`).not.toBe('準備中');
    return h1;
  }

  it('[SCREENS] sign-in', async () => {
    const session = await newSession(browser, run!);
    sessions.push(session);
    current = session.page;
    await session.page.goto('/sign-in');
    await checkScreen(session.page, 'sign-in');
    // A wrong password keeps the person on the screen with the message in Japanese.
    await session.page.getByLabel('メールアドレス').fill(demo.staffInd);
    await session.page.getByLabel('パスワード').fill('wrong-password');
    await session.page.getByRole('button', { name: 'サインイン', exact: true }).click();
    await session.page.getByRole('alert').filter({ hasText: 'メールアドレスまたはパスワードが正しくありません' }).waitFor();
    await checkScreen(session.page, 'sign-in-error');
  });

  it('[SCREENS] department staff: home, project list, register, import', async () => {
    const page = await signedIn(demo.staffInd);
    await visit(page, '/', 'home');
    await visit(page, '/projects', 'projects');
    expect(await page.getByRole('table').first().getByRole('row').count()).toBeGreaterThan(10);
    await visit(page, '/projects/new', 'register');
    await visit(page, '/import', 'import');
  });

  it('[SCREENS] the project page, tab by tab, and the canvas print view', async () => {
    const page = await signedIn(demo.staffInd);
    for (const tab of projectTabs) {
      await visit(page, `/projects/${demoProject.id}${tab.path ? `/${tab.path}` : ''}`, tab.screen);
      const selected = page.getByRole('navigation', { name: 'プロジェクトの情報' }).getByRole('link', { name: tab.name, exact: true });
      expect.soft(await selected.getAttribute('aria-current'), `${tab.screen}: the tab is marked current`).toBe('page');
    }
    await visit(page, `/projects/${demoProject.id}/canvas/print`, 'canvas-print');
  });

  it('[SCREENS] reviewers: the CIO advisor’s home and a judged release request', async () => {
    const page = await signedIn(demo.advisorInd);
    await visit(page, '/', 'home-advisor');
    await visit(page, '/portfolio', 'portfolio-advisor');
    const releases = await api.call<{ items: { id: string }[] }>(demo.advisorInd, 'GET', `/projects/${demoProject.id}/release-requests`);
    expect(releases.items.length, 'the demo project has its approved release request').toBeGreaterThan(0);
    await visit(page, `/release-requests/${releases.items[0]!.id}`, 'release-judgement-decided');
  });

  it('[SCREENS] the budget office: budget review, procurements, API tokens, rules', async () => {
    const page = await signedIn(demo.budget);
    await visit(page, '/budget-review', 'budget-review');
    await visit(page, '/procurements', 'procurements');
    await visit(page, '/tokens', 'tokens');
    await visit(page, '/rules', 'rules');
  });

  it('[SCREENS] the admin: every section of administration, the rules with simulation, the not-found page', async () => {
    const page = await signedIn(demo.admin);
    await visit(page, '/admin', 'admin');
    const sections = page.getByRole('navigation', { name: '管理メニュー' });
    for (const [section, name] of [
      ['bureaus', '局'],
      ['advisors', 'CIO補佐官の担当'],
      ['tokens', 'APIトークン'],
      ['audit', '操作記録'],
    ] as const) {
      await sections.getByRole('link', { name, exact: true }).click();
      await page.waitForURL(`**/admin?section=${section}`);
      await page.getByRole('heading', { level: 2, name, exact: true }).waitFor();
      await checkScreen(page, `admin-${section}`);
    }
    await visit(page, '/rules', 'rules-admin');
    await visit(page, '/no-such-screen', 'not-found');
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe('ページが見つかりません');
  });

  it('[SCREENS] at a phone’s width (390 px) the busiest screens still pass axe', async () => {
    const session = await newSession(browser, run!, { viewport: { width: 390, height: 844 } });
    sessions.push(session);
    current = session.page;
    await signInQuickly(session, demo.admin);
    const page = session.page;
    await visit(page, '/', 'home-phone');
    await visit(page, '/projects', 'projects-phone');
    await visit(page, `/projects/${demoProject.id}`, 'project-overview-phone');
    await visit(page, `/projects/${demoProject.id}/canvas`, 'project-canvas-phone');
    await visit(page, `/projects/${demoProject.id}/kpis`, 'project-kpis-phone');
    await visit(page, '/procurements', 'procurements-phone');
    await visit(page, '/budget-review', 'budget-review-phone');
    await visit(page, '/portfolio', 'portfolio-phone');
    await visit(page, '/admin', 'admin-phone');
  });

  it('[SECURITY] the app signs in and renders under its strict CSP, with no violation reported', async () => {
    const session = await newSession(browser, run!, { enforceCsp: true });
    sessions.push(session);
    const page = session.page;
    current = page;
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const response = await page.goto('/sign-in');
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await signInWithForm(page, demo.staffInd);
    await page.goto(`/projects/${demoProject.id}/kpis`);
    await settle(page);
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe(demoProject.name);
    expect(violations).toEqual([]);
  });

  it('[SCREENS] no script errors on any screen', () => {
    expect(sessions.flatMap((s) => s.errors)).toEqual([]);
  });
});

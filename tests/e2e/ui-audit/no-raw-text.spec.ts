/**
 * [UI-AUDIT 3, 4, 6] Every screen as its user, in Japanese, at 1280 px and at 390 px: no enum value,
 * field name, id, hash, ISO timestamp or JSON in what a person can read (the history's 詳細 excepted,
 * which keeps the system's record for those who open it), and at 390 px nothing pans sideways.
 * The project page is the demo book's 中小企業IoT化支援ポータル (canvas, KPIs, documents, an approved
 * release: a long history).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProject, BookApi } from '../support/api.ts';
import { demo, e2eRun, launchBrowser, newSession, type Session, screenshotOnFailure, signInQuickly } from '../support/browser.ts';
import { artifactsDir } from '../support/environment.ts';
import { horizontalOverflow, rawFragments, visibleText } from '../support/raw-text.ts';
import { settle } from '../support/screens.ts';

const run = e2eRun();
const widths = [
  { name: 'desktop', viewport: { width: 1280, height: 900 } },
  { name: '390px', viewport: { width: 390, height: 844 } },
] as const;

type Screen = { who: string; path: (ids: Ids) => string; name: string };
type Ids = { project: string; release: string };

const projectTabs = ['', '/canvas', '/kpis', '/procurements', '/documents', '/releases', '/tech-reviews', '/history'];
const screens: Screen[] = [
  { who: demo.staffInd, name: 'home-staff', path: () => '/' },
  { who: demo.staffInd, name: 'projects', path: () => '/projects' },
  { who: demo.staffInd, name: 'register', path: () => '/projects/new' },
  { who: demo.staffInd, name: 'import', path: () => '/import' },
  ...projectTabs.map((tab) => ({
    who: demo.staffInd,
    name: `project${tab.replace('/', '-') || '-overview'}`,
    path: (ids: Ids) => `/projects/${ids.project}${tab}`,
  })),
  { who: demo.staffInd, name: 'release-request', path: (ids) => `/release-requests/${ids.release}` },
  { who: demo.advisorInd, name: 'home-advisor', path: () => '/' },
  { who: demo.chief, name: 'home-chief', path: () => '/' },
  { who: demo.budget, name: 'home-budget', path: () => '/' },
  { who: demo.budget, name: 'budget-review', path: () => '/budget-review' },
  { who: demo.budget, name: 'procurements', path: () => '/procurements' },
  { who: demo.budget, name: 'tokens', path: () => '/tokens' },
  { who: demo.budget, name: 'rules', path: () => '/rules' },
  { who: demo.admin, name: 'admin', path: () => '/admin' },
  { who: demo.admin, name: 'admin-audit', path: () => '/admin?section=audit' },
  { who: demo.admin, name: 'admin-advisors', path: () => '/admin?section=advisors' },
  { who: demo.admin, name: 'admin-bureaus', path: () => '/admin?section=bureaus' },
];

describe.skipIf(!run)('[UI-AUDIT] nothing raw on any screen, nothing pans sideways at 390 px', () => {
  let browser: Browser;
  let api: BookApi;
  let ids: Ids;
  let current: Page | undefined;
  const sessions: Session[] = [];

  beforeAll(async () => {
    api = new BookApi(run!.baseUrl);
    const found = await api.call<{ items: ApiProject[] }>(
      demo.admin,
      'GET',
      `/projects?q=${encodeURIComponent('中小企業IoT化支援ポータル')}`,
    );
    const project = found.items.find((p) => p.name === '中小企業IoT化支援ポータル')!;
    expect(project, 'the demo book has 中小企業IoT化支援ポータル').toBeDefined();
    const releases = await api.call<{ items: { id: string }[] }>(demo.admin, 'GET', `/projects/${project.id}/release-requests`);
    ids = { project: project.id, release: releases.items[0]!.id };
    browser = await launchBrowser(run!);
  });
  afterAll(async () => {
    await browser?.close();
    api?.close();
  });
  screenshotOnFailure(() => current);

  for (const width of widths) {
    it(`[UI-AUDIT 3, 4${width.name === '390px' ? ', 6' : ''}] every screen at ${width.name}`, { timeout: 240_000 }, async () => {
      const pages = new Map<string, Page>();
      const leaks: string[] = [];
      const overflowing: string[] = [];
      for (const screen of screens) {
        let page = pages.get(screen.who);
        if (!page) {
          const session = await newSession(browser, run!, { viewport: width.viewport });
          sessions.push(session);
          await signInQuickly(session, screen.who);
          page = session.page;
          pages.set(screen.who, page);
        }
        current = page;
        await page.goto(screen.path(ids));
        await settle(page);
        for (const f of rawFragments(await visibleText(page))) leaks.push(`${screen.name}: ${f.kind} 「${f.text}」 in …${f.context}…`);
        if (width.name === '390px') {
          const overflow = await horizontalOverflow(page);
          if (overflow.px > 0) overflowing.push(`${screen.name}: ${overflow.px}px by ${overflow.culprits.join(', ')}`);
        }
      }
      expect.soft(leaks, 'raw machine text on a Japanese screen').toEqual([]);
      expect.soft(overflowing, 'screens that pan sideways at 390 px').toEqual([]);
    });
  }

  it('[UI-AUDIT 6] at 390 px: projects read as cards with whole names, the tier preview comes before 登録する', async () => {
    const session = await newSession(browser, run!, { viewport: widths[1].viewport });
    sessions.push(session);
    await signInQuickly(session, demo.staffInd);
    const page = session.page;
    current = page;
    await page.goto('/projects');
    await settle(page);
    const firstName = page.getByRole('main').getByRole('link', { name: '中小企業IoT化支援ポータル' });
    const box = await firstName.boundingBox();
    // As a table at 390 px the name column was squeezed to about three characters a line.
    expect(box!.width, 'the project name is squeezed').toBeGreaterThan(150);
    await page.screenshot({ path: `${artifactsDir}/ui-audit-projects-cards-390.png`, fullPage: false });

    await page.goto('/projects/new');
    await settle(page);
    const preview = await page.getByRole('complementary', { name: '監理区分の見込み' }).boundingBox();
    const submit = await page.getByRole('button', { name: '登録する', exact: true }).boundingBox();
    expect(preview!.y, 'the tier preview sits below the 登録する button').toBeLessThan(submit!.y);
  });

  it('[UI-AUDIT] no script errors on the screens of this spec', () => {
    expect(sessions.flatMap((s) => s.errors)).toEqual([]);
  });
});

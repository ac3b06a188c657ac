/**
 * The eight main pages issue 18's Lighthouse and pa11y checks audit, each as the person who uses it,
 * and the demo project and release request they open.
 */
import type { ApiProject, BookApi } from '../e2e/support/api.ts';
import { demo } from '../e2e/support/browser.ts';

export type MainPageIds = { project: string; release: string };
export type MainPage = { name: string; who: string; path: (ids: MainPageIds) => string };

export const mainPages: MainPage[] = [
  { name: 'home', who: demo.staffInd, path: () => '/' },
  { name: 'project list', who: demo.staffInd, path: () => '/projects' },
  { name: 'project overview', who: demo.staffInd, path: (ids) => `/projects/${ids.project}` },
  { name: 'canvas', who: demo.staffInd, path: (ids) => `/projects/${ids.project}/canvas` },
  { name: 'KPI', who: demo.staffInd, path: (ids) => `/projects/${ids.project}/kpis` },
  { name: 'release judgement', who: demo.advisorInd, path: (ids) => `/release-requests/${ids.release}` },
  { name: 'budget review', who: demo.budget, path: () => '/budget-review' },
  { name: 'rules', who: demo.admin, path: () => '/rules' },
];

/** The demo book's 中小企業IoT化支援ポータル and its release request. */
export async function mainPageIds(api: BookApi): Promise<MainPageIds> {
  const name = '中小企業IoT化支援ポータル';
  const found = await api.call<{ items: ApiProject[] }>(demo.admin, 'GET', `/projects?q=${encodeURIComponent(name)}`);
  const project = found.items.find((p) => p.name === name);
  if (!project) throw new Error(`the demo book has no project ${name}`);
  const releases = await api.call<{ items: { id: string }[] }>(demo.admin, 'GET', `/projects/${project.id}/release-requests`);
  return { project: project.id, release: releases.items[0]!.id };
}

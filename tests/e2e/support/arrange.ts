/**
 * A project brought to a given point of its life through the API, as staff.ind would through the
 * screens (the [PROJECTS] spec walks that path itself): for specs whose subject comes later.
 */
import { readFileSync } from 'node:fs';
import { canvasFields } from '@psbook/core';
import { type ApiProject, type BookApi, runTag } from './api.ts';
import { demo } from './browser.ts';
import { isKeyItem } from './key-items.ts';

export type ReleaseRequest = {
  id: string;
  status: string;
  tier: number | null;
  reviewerRole: string | null;
  checklist: { itemId: string; label: string; naAllowed: boolean }[];
  requestedBy: string;
  version: number;
};

export type ArrangeOptions = {
  name?: string;
  applicant?: string;
  budgetJpy?: number;
  maxDowntimeHours?: number;
  confidentiality?: 'A' | 'B' | 'C';
  fiscalYear?: number;
};

/** Registered, canvas written, a KPI with a target, both documents, in 設計開発 with its user test report: ready for a release request. */
export async function arrangeProjectInDevelopment(api: BookApi, options: ArrangeOptions = {}): Promise<ApiProject> {
  const who = options.applicant ?? demo.staffInd;
  const project = await api.call<ApiProject>(who, 'POST', '/projects', {
    name: options.name ?? `E2E 観光案内チャットボット（${runTag()}）`,
    summary: 'E2Eテスト用に用意したプロジェクト',
    bureauCode: 'IND',
    fiscalYear: options.fiscalYear ?? 2026,
    isNew: true,
    budgetJpy: options.budgetJpy ?? 30_000_000,
    maxDowntimeHours: options.maxDowntimeHours ?? 24,
    confidentiality: options.confidentiality ?? 'B',
  });
  const fields = Object.fromEntries(canvasFields.filter((f) => isKeyItem(f.key)).map((f) => [f.key, `${f.ja}（E2E）`]));
  await api.call(who, 'PUT', `/projects/${project.id}/canvas`, { fields, baseRevision: 0 });
  await api.call(who, 'POST', `/projects/${project.id}/kpis`, {
    name: 'チャットボットの解決率',
    unit: '％',
    direction: 'increase',
    baselineValue: 40,
    baselineYear: 2025,
    targetValue: 80,
    targetFiscalYear: 2028,
  });
  await api.call(who, 'POST', `/projects/${project.id}/transitions`, { to: 'requirements' });
  await api.call(who, 'POST', `/projects/${project.id}/documents`, {
    kind: 'requirements_definition',
    title: '要件定義書',
    url: 'https://docs.example.jp/e2e/requirements.pdf',
  });
  await api.call(who, 'POST', `/projects/${project.id}/documents`, {
    kind: 'procurement_spec',
    title: '調達仕様書',
    url: 'https://docs.example.jp/e2e/procurement-spec.pdf',
  });
  const developing = await api.call<ApiProject>(who, 'POST', `/projects/${project.id}/transitions`, { to: 'development' });
  // テストしないものはリリースしない: a release is approved only with the user test report registered.
  await api.call(who, 'POST', `/projects/${project.id}/documents`, {
    kind: 'user_test_report',
    title: 'ユーザテスト結果報告書',
    url: 'https://docs.example.jp/e2e/user-test.pdf',
  });
  return developing;
}

const checklistRules = JSON.parse(readFileSync(new URL('../../../rules/release-checklist.json', import.meta.url), 'utf8')) as {
  items: { id: string; tiers: number[]; label: { ja: string } }[];
};

/** The release checklist items of a tier, from the ruleset the server runs (rules/release-checklist.json). */
export function checklistOfTier(tier: number): { id: string; label: string }[] {
  return checklistRules.items.filter((item) => item.tiers.includes(tier)).map((item) => ({ id: item.id, label: item.label.ja }));
}

/** A release request with evidence for every item of the project's checklist. */
export async function fileReleaseRequest(api: BookApi, project: ApiProject, applicant: string = demo.staffInd): Promise<ReleaseRequest> {
  if (project.tier === null) throw new Error(`project ${project.code} has no tier: no checklist applies`);
  return api.call<ReleaseRequest>(applicant, 'POST', `/projects/${project.id}/release-requests`, {
    plannedReleaseDate: '2027-04-01',
    notes: '4月の公開を予定しています。',
    evidence: checklistOfTier(project.tier).map((item, i) => ({
      itemId: item.id,
      url: `https://docs.example.jp/e2e/evidence-${i + 1}.pdf`,
      note: '根拠資料',
    })),
  });
}

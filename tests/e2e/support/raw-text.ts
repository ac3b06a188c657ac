/**
 * What a Japanese screen must never show: the machine's words. Enum values and field names
 * (snake_case, camelCase, the book's own enum values), ids (UUIDs), hashes (sha256:…, long hex),
 * ISO timestamps and JSON. Codes people use (PS0000001, KPI, CSV, URL), addresses and e-mail
 * addresses, text set as <code> (CSV headers), and the language switch 「English」 are allowed; names people typed are not scanned
 * for Latin words, only for these shapes.
 */
import { roleLabels, stageLabels } from '@psbook/core';
import type { Page } from 'playwright-core';

/** The values of the book's enums that have Japanese labels on every screen. */
const enumValues = [
  ...Object.keys(stageLabels),
  ...Object.keys(roleLabels),
  'pending',
  'approved',
  'returned',
  'withdrawn',
  'refused',
  'superseded',
  'continue',
  'improve',
  'retire',
  'increase',
  'decrease',
  'on_track',
  'behind',
  'achieved',
  'true',
  'false',
  'null',
  'undefined',
  'NaN',
  'Invalid',
  'expected',
];

const shapes: { name: string; pattern: RegExp }[] = [
  { name: 'UUID', pattern: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi },
  { name: 'hash', pattern: /sha256:[0-9a-f]*|\b[0-9a-f]{20,}\b/gi },
  // A short hash as screens once showed ruleset versions (3152addc): hex with a digit and a letter.
  { name: 'short hash', pattern: /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,19}\b/g },
  { name: 'ISO timestamp', pattern: /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/g },
  { name: 'JSON', pattern: /[[{]"\w+"|\[object Object\]/g },
  { name: 'snake_case', pattern: /\b[a-z]+(?:_[a-z0-9]+)+\b/g },
  { name: 'camelCase', pattern: /\b[a-z]+[A-Z][A-Za-z]+\b/g },
  { name: 'enum value', pattern: new RegExp(`(?<![\\w.@/-])(?:${enumValues.join('|')})(?![\\w.@/-])`, 'g') },
];

/** Text that is data or a code, cut before the scan: addresses, e-mail addresses. */
const allowed = /https?:\/\/\S+|[\w.+-]+@[\w.-]+\.\w+|\/api\/v1\/\S*/g;

export type RawFinding = { kind: string; text: string; context: string };

/** The raw fragments in a text, each with a little of its surroundings. */
export function rawFragments(text: string): RawFinding[] {
  const cleaned = text.replace(allowed, ' ');
  const findings: RawFinding[] = [];
  for (const { name, pattern } of shapes) {
    for (const match of cleaned.matchAll(pattern)) {
      const at = match.index ?? 0;
      findings.push({
        kind: name,
        text: match[0],
        context: cleaned.slice(Math.max(0, at - 20), at + match[0].length + 20).replace(/\s+/g, ' '),
      });
    }
  }
  return findings;
}

/**
 * The rendered text of the page (innerText: what a person can see), with every disclosure opened
 * except the ones that keep technical records (詳細), which are for those who ask.
 */
export async function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const doc = (globalThis as any).document;
    for (const details of doc.querySelectorAll('details:not(.technical-details)')) details.open = true;
    // Codes set as <code> (CSV headers a file uses) are codes, not leaks.
    let text = doc.body.innerText as string;
    for (const code of doc.querySelectorAll('code')) text = text.replace(code.innerText, ' ');
    return text;
  });
}

/**
 * How far the page pans sideways beyond the viewport, in CSS pixels (0 when it does not), with the
 * outermost elements that stick out, so a failure names its culprit.
 */
export async function horizontalOverflow(page: Page): Promise<{ px: number; culprits: string[] }> {
  return page.evaluate(() => {
    const doc = (globalThis as any).document;
    const root = doc.documentElement;
    const px = Math.max(0, root.scrollWidth - root.clientWidth);
    const culprits: string[] = [];
    if (px > 0) {
      for (const el of doc.body.querySelectorAll('*')) {
        const right = el.getBoundingClientRect().right;
        const parentRight = el.parentElement?.getBoundingClientRect().right ?? 0;
        if (right > root.clientWidth + 1 && parentRight <= root.clientWidth + 1) {
          culprits.push(`${el.tagName.toLowerCase()}.${String(el.className).split(' ').join('.')} (${Math.round(right)}px)`);
        }
      }
    }
    return { px, culprits: culprits.slice(0, 5) };
  });
}

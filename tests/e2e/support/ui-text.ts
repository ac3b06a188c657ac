/**
 * The UI's own Japanese catalogue (packages/ui/src/i18n/ja.ts), for copy the specs look for: a
 * reworded message then changes the catalogue and the screen together, and a key the UI does not
 * have yet fails with its name instead of a selector timeout.
 */
import { ja } from '../../../packages/ui/src/i18n/ja.ts';

export function uiText(key: string, vars: Record<string, string | number> = {}): string {
  let node: unknown = ja;
  for (const part of key.split('.')) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  if (typeof node !== 'string')
    throw new Error(`packages/ui/src/i18n/ja.ts has no text for ${key}: the screen this step needs is not there yet`);
  return node.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(vars[name] ?? `{{${name}}}`));
}

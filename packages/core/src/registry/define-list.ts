/**
 * The part of a registry that needs no zod: entries, keys and labels. The UI's first screen (the
 * header's role name, the stage badges, the permission checks of the menu) reads only this, so the
 * browser's entry script does not load zod and build every schema before it draws (performance
 * §4.8); define-registry.ts adds the zod enum for the API and the forms.
 */

/** Japanese and English text of a registry entry, as every list of the domain carries it. */
export type TLabel = { ja: string; en: string };
export type TLanguage = keyof TLabel;

export type ListEntry = { key: string } & TLabel;

export type List<E extends ListEntry> = {
  readonly entries: readonly E[];
  readonly keys: readonly [E['key'], ...E['key'][]];
  readonly labels: Record<E['key'], TLabel>;
  /** The entry of a key; throws for a key the registry does not hold (a programming error). */
  get<K extends E['key']>(key: K): Extract<E, { key: K }>;
  has(key: unknown): key is E['key'];
  label(key: E['key'], language: TLanguage): string;
};

/**
 * Build a list from its entries (written `as const` so the keys stay literal types). Duplicate keys
 * and empty labels are refused when the module loads, so a bad entry cannot reach a migration or a screen.
 */
export function defineList<const L extends readonly [ListEntry, ...ListEntry[]]>(name: string, list: L): List<L[number]> {
  type E = L[number];
  const entries: readonly E[] = list;
  const byKey = new Map<string, E>();
  for (const entry of entries) {
    if (byKey.has(entry.key)) throw new Error(`registry ${name}: key ${entry.key} is listed twice`);
    if (!entry.ja.trim() || !entry.en.trim()) throw new Error(`registry ${name}: key ${entry.key} needs a Japanese and an English label`);
    byKey.set(entry.key, entry);
  }
  const keys = entries.map((e) => e.key) as unknown as readonly [E['key'], ...E['key'][]];
  const labels = Object.fromEntries(entries.map((e) => [e.key, { ja: e.ja, en: e.en }])) as Record<E['key'], TLabel>;
  return {
    entries,
    keys,
    labels,
    get(key) {
      const entry = byKey.get(key);
      if (!entry) throw new Error(`registry ${name}: no key ${key}`);
      return entry as never;
    },
    has: (key): key is E['key'] => typeof key === 'string' && byKey.has(key),
    label: (key, language) => labels[key][language],
  };
}

export type KeyOf<R> = R extends List<infer E> ? E['key'] : never;

import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { ja } from './ja.ts';

export type Lang = 'ja' | 'en';
const storageKey = 'psbook.lang';

export function storedLanguage(): Lang {
  try {
    return localStorage.getItem(storageKey) === 'en' ? 'en' : 'ja';
  } catch {
    return 'ja';
  }
}

function applyLanguage(lng: string) {
  if (typeof document !== 'undefined') document.documentElement.lang = lng === 'en' ? 'en' : 'ja';
}

/** English is its own chunk: most people never switch, so they never download it. */
async function ensureLanguage(lng: Lang) {
  if (lng === 'en' && !i18n.hasResourceBundle('en', 'translation')) {
    const { en } = await import('./en.ts');
    i18n.addResourceBundle('en', 'translation', en);
  }
}

/**
 * Japanese first, synchronously (the first render needs no wait). A stored English choice loads the
 * English chunk and switches when it arrives.
 */
export function initI18n(lng: Lang = storedLanguage()) {
  if (!i18n.isInitialized) {
    void i18n.use(initReactI18next).init({
      resources: { ja: { translation: ja } },
      lng: 'ja',
      fallbackLng: 'ja',
      initAsync: false,
      interpolation: { escapeValue: false },
      react: { useSuspense: false },
    });
    i18n.on('languageChanged', applyLanguage);
  }
  applyLanguage(i18n.language);
  if (lng !== i18n.language) void setLanguage(lng, { remember: false });
  return i18n;
}

/** Switch the language (the header's switch); remembered in localStorage so a reload keeps it. */
export async function setLanguage(lng: Lang, { remember = true }: { remember?: boolean } = {}) {
  if (remember) {
    try {
      localStorage.setItem(storageKey, lng);
    } catch {
      // Private windows may refuse storage; the switch still works for this visit.
    }
  }
  await ensureLanguage(lng);
  await i18n.changeLanguage(lng);
}

export { i18n };

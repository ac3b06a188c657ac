import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
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

/** Japanese first; the header switch stores English in localStorage so it survives a reload. */
export function initI18n(lng: Lang = storedLanguage()) {
  if (!i18n.isInitialized) {
    void i18n.use(initReactI18next).init({
      resources: { ja: { translation: ja }, en: { translation: en } },
      lng,
      fallbackLng: 'ja',
      initAsync: false,
      interpolation: { escapeValue: false },
      react: { useSuspense: false },
    });
    i18n.on('languageChanged', applyLanguage);
  } else if (i18n.language !== lng) {
    void i18n.changeLanguage(lng);
  }
  applyLanguage(lng);
  return i18n;
}

export function setLanguage(lng: Lang) {
  try {
    localStorage.setItem(storageKey, lng);
  } catch {
    // Private windows may refuse storage; the switch still works for this visit.
  }
  void i18n.changeLanguage(lng);
}

export { i18n };

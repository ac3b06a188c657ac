/**
 * zod's own messages (wrong type, too short, bad format…) in the UI language. Imported by every
 * form module, so zod and its locales stay out of the first page load.
 */
import { z } from 'zod';
import en from 'zod/v4/locales/en.js';
import ja from 'zod/v4/locales/ja.js';
import { i18n } from '../i18n/index.ts';

type ErrorMap = NonNullable<Parameters<typeof z.config>[0]>['localeError'];

function localeFor(lng: string): ErrorMap {
  const base = (lng === 'en' ? en : ja)().localeError;
  const required = lng === 'en' ? 'Required' : '入力してください';
  const choose = lng === 'en' ? 'Choose one' : '選択してください';
  return (issue) => {
    const input = (issue as { input?: unknown }).input;
    const isEmpty = input === undefined || input === null || (typeof input === 'number' && Number.isNaN(input));
    if (issue.code === 'invalid_type' && isEmpty) return required;
    if (issue.code === 'invalid_value' && isEmpty) return choose;
    return base(issue);
  };
}

function apply(lng: string) {
  z.config({ localeError: localeFor(lng) });
}

apply(i18n.language ?? 'ja');
i18n.on('languageChanged', apply);

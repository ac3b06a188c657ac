import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';
import { i18n, initI18n } from '../i18n/index.ts';

initI18n('ja');

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  if (i18n.language !== 'ja') void i18n.changeLanguage('ja');
  localStorage.clear();
});

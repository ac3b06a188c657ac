import { useTranslation } from 'react-i18next';
import { useFormat } from '../format.ts';
import { useBureaus } from './bureaus.ts';

/** The options of a filter by bureau: すべて (no filter), then every bureau by name in the user's language. */
export function BureauFilterOptions() {
  const { t } = useTranslation();
  const f = useFormat();
  const bureaus = useBureaus();
  return (
    <>
      <option value="">{t('common.all')}</option>
      {(bureaus.data ?? []).map((b) => (
        <option key={b.code} value={b.code}>
          {f.label({ ja: b.nameJa, en: b.nameEn })}
        </option>
      ))}
    </>
  );
}

import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/common.tsx';

export default function HistoryTab() {
  const { t } = useTranslation();
  return <PageHeader title={t('common.comingSoon')} />;
}

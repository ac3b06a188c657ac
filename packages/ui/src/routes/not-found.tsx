import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PageHeader } from '../components/common.tsx';

export default function NotFound() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('notFound.title')} lead={t('notFound.lead')} />
      <p>
        <Link to="/">{t('nav.home')}</Link>
      </p>
    </>
  );
}

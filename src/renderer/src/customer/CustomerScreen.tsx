import { useTranslation } from 'react-i18next';

/** The customer's check-in screen, where the kiosk idles. */
export function CustomerScreen({ onStaff }: { onStaff: () => void }) {
  const { t } = useTranslation('customer');
  return (
    <main className="customer">
      <h1>{t('attract.title')}</h1>
      <button type="button" className="staff-button" onClick={onStaff}>
        Staff
      </button>
    </main>
  );
}

import { useTranslation } from 'react-i18next';

/** Behind "Staff": the PIN pad, then the cashier's or the manager's screens. */
export function StaffArea({ onExit }: { onExit: () => void }) {
  const { t } = useTranslation('staff');
  return (
    <main className="staff">
      <h1>{t('title')}</h1>
      <button type="button" onClick={onExit}>
        {t('back', { ns: 'common' })}
      </button>
    </main>
  );
}

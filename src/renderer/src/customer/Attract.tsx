import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Where the kiosk idles: a touch anywhere, Enter or Space on the button, or a digit typed on a
 * keyboard opens the keypad (the digit typed is kept; CustomerScreen listens for it).
 */
export function Attract({ onStart }: { onStart: () => void }) {
  const { t } = useTranslation('customer');
  const start = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    start.current?.focus({ preventScroll: true });
  }, []);
  return (
    <section className="attract" onClick={onStart}>
      <h1 className="customer-title">{t('attract.title')}</h1>
      <p className="attract-subtitle">{t('attract.subtitle')}</p>
      <button
        ref={start}
        type="button"
        className="primary attract-start"
        onClick={(event) => {
          event.stopPropagation();
          onStart();
        }}
      >
        {t('attract.touch')}
      </button>
    </section>
  );
}

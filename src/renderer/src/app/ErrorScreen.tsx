import { useTranslation } from 'react-i18next';

export function ErrorScreen({ onRestart, detail }: { onRestart?: () => void; detail?: string }) {
  const { t } = useTranslation();
  return (
    <main className="error-screen" role="alert">
      <h1>{t('error.title')}</h1>
      <p>{detail ?? t('error.body')}</p>
      {onRestart && (
        <button type="button" className="primary" onClick={onRestart}>
          {t('error.restart')}
        </button>
      )}
    </main>
  );
}

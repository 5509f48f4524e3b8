import { useTranslation } from 'react-i18next';
import { useKiosk } from './kiosk-context';

/** A quiet corner mark: online, syncing or offline. Not a live region: it must not chatter. */
export function SyncIndicator() {
  const { t } = useTranslation();
  const { status } = useKiosk();
  if (!status) return null;
  const state = !status.pairing.paired
    ? 'notPaired'
    : status.sync.syncing
      ? 'syncing'
      : status.sync.online
        ? 'online'
        : 'offline';
  return (
    <p className={`sync-indicator sync-${state}`} data-sync-state={state}>
      <span className="sync-dot" aria-hidden="true" />
      {t(`sync.${state}`)}
    </p>
  );
}

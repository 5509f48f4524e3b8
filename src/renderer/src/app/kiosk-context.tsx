import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { KioskBridge, KioskStatus } from '../../../shared/ipc';

/**
 * The kiosk as the screens see it: window.kiosk (Electron's preload or the browser host's shim)
 * and its last status, refreshed every few seconds for the sync indicator and after a change.
 */
export interface KioskContextValue {
  bridge: KioskBridge | null;
  /** Null until the first answer; stays the last good one when a refresh fails. */
  status: KioskStatus | null;
  /** Why the status could not be read; null when it could. */
  statusError: string | null;
  refreshStatus(): Promise<void>;
}

const KioskContext = createContext<KioskContextValue | null>(null);

const STATUS_REFRESH_MS = 5000;

export function KioskProvider({ bridge, children }: { bridge: KioskBridge | null; children: ReactNode }) {
  const [status, setStatus] = useState<KioskStatus | null>(null);
  const [statusError, setStatusError] = useState<string | null>(null);

  const refreshStatus = useCallback(async () => {
    if (!bridge) return;
    const answer = await bridge.status();
    if (answer.ok) {
      setStatus(answer.value);
      setStatusError(null);
    } else {
      setStatusError(answer.message);
    }
  }, [bridge]);

  useEffect(() => {
    const refresh = () => void refreshStatus();
    const first = setTimeout(refresh, 0);
    const timer = setInterval(refresh, STATUS_REFRESH_MS);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [refreshStatus]);

  const value = useMemo(
    () => ({ bridge, status, statusError, refreshStatus }),
    [bridge, status, statusError, refreshStatus],
  );
  return <KioskContext.Provider value={value}>{children}</KioskContext.Provider>;
}

export function useKiosk(): KioskContextValue {
  const value = useContext(KioskContext);
  if (!value) throw new Error('useKiosk() is used outside <KioskProvider>.');
  return value;
}

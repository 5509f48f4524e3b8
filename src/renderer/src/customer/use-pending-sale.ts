import { useEffect, useState } from 'react';
import type { ChannelOutput, KioskBridge } from '../../../shared/ipc';

export type PendingSale = NonNullable<ChannelOutput<'sale:pending'>>;

const POLL_MS = 1000;

/**
 * The sale the POS has posted and that awaits a check-in, asked of main every second; null when
 * there is none (or no kiosk behind the page). A failed poll keeps the last answer.
 */
export function usePendingSale(bridge: KioskBridge | null): PendingSale | null {
  const [pending, setPending] = useState<PendingSale | null>(null);

  useEffect(() => {
    if (!bridge) return;
    let stopped = false;
    let inFlight = false;
    const poll = async () => {
      if (inFlight) return;
      inFlight = true;
      try {
        const answer = await bridge.pendingSale();
        if (!stopped && answer.ok) setPending(answer.value);
      } finally {
        inFlight = false;
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [bridge]);

  return pending;
}

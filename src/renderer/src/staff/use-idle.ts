import { useEffect, useRef } from 'react';

/** Staff screens sign out after this long without a touch, a click or a key. */
export const STAFF_IDLE_MS = 2 * 60 * 1000;

const INPUT_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'input'] as const;

/** Calls `onIdle` once `ms` pass with no input anywhere on the page. */
export function useIdle(ms: number, onIdle: () => void): void {
  const latest = useRef(onIdle);
  useEffect(() => {
    latest.current = onIdle;
  });
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const restart = () => {
      clearTimeout(timer);
      timer = setTimeout(() => latest.current(), ms);
    };
    for (const name of INPUT_EVENTS) window.addEventListener(name, restart, { capture: true, passive: true });
    restart();
    return () => {
      clearTimeout(timer);
      for (const name of INPUT_EVENTS) window.removeEventListener(name, restart, { capture: true });
    };
  }, [ms]);
}

import { useEffect, useRef } from 'react';

/**
 * Calls `onIdle` after `seconds` without a key press or a touch anywhere on the page, while
 * `active`. Any key or pointer starts the count again.
 */
export function useIdleReset(active: boolean, seconds: number, onIdle: () => void): void {
  const onIdleRef = useRef(onIdle);
  useEffect(() => {
    onIdleRef.current = onIdle;
  }, [onIdle]);

  useEffect(() => {
    if (!active) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const restart = () => {
      clearTimeout(timer);
      timer = setTimeout(() => onIdleRef.current(), seconds * 1000);
    };
    restart();
    const events = ['keydown', 'pointerdown', 'wheel'] as const;
    for (const name of events) document.addEventListener(name, restart, { capture: true, passive: true });
    return () => {
      clearTimeout(timer);
      for (const name of events) document.removeEventListener(name, restart, { capture: true });
    };
  }, [active, seconds]);
}

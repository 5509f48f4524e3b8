/**
 * When the renderer process dies (out of memory, a GPU fault, killed), main reloads it after a
 * delay that doubles with each crash in a row, up to a cap, so a page that crashes at once does
 * not spin the CPU; a page that then stays up for `stableMs` starts again from the base delay.
 */
export interface ReloadBackoff {
  /** Records a crash now and returns how long to wait before reloading. */
  nextDelay(): number;
  /** Crashes counted in the current run. */
  readonly crashes: number;
}

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  stableMs?: number;
  clock?: () => number;
}

export function createReloadBackoff({
  baseMs = 1_000,
  maxMs = 60_000,
  stableMs = 5 * 60_000,
  clock = Date.now,
}: BackoffOptions = {}): ReloadBackoff {
  let crashes = 0;
  let lastCrash = Number.NEGATIVE_INFINITY;
  return {
    nextDelay() {
      const now = clock();
      if (now - lastCrash >= stableMs) crashes = 0;
      lastCrash = now;
      crashes += 1;
      return Math.min(maxMs, baseMs * 2 ** Math.min(crashes - 1, 30));
    },
    get crashes() {
      return crashes;
    },
  };
}

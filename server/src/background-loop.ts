/** A background job's schedule in one server process (rule recheck, points expiry, feed compaction). */
export interface BackgroundLoop {
  /** Stops the loop and waits for a run in flight. */
  stop(): Promise<void>;
}

/**
 * Runs `run` after `firstDelayMs`, then again after the delay each run returns, until stopped. A
 * run that throws goes to `onError` and the loop goes on after `retryDelayMs`. Timers are unref'd:
 * the loop never keeps the process alive on its own.
 */
export function startBackgroundLoop(options: {
  firstDelayMs: number;
  retryDelayMs: number;
  run: () => Promise<number>;
  onError?: (error: unknown) => void;
}): BackgroundLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(tick, delay);
    timer.unref();
  };
  const tick = () => {
    timer = undefined;
    running = (async () => {
      let delay = options.retryDelayMs;
      try {
        delay = await options.run();
      } catch (error) {
        options.onError?.(error);
      }
      schedule(delay);
    })();
  };
  schedule(options.firstDelayMs);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

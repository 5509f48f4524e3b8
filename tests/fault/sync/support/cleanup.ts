import { afterAll } from 'vitest';

/**
 * Things a test file started (servers, tills, proxies, folders), undone in reverse order after
 * the file's last test, whether it passed or not.
 */
export function cleanupAfterAll() {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  return {
    /** Runs `cleanup` after the file's tests. */
    add(cleanup: () => Promise<void> | void): void {
      cleanups.push(cleanup);
    },
    /** Cleans up (or disposes of) `thing` after the file's tests, and returns it. */
    track<T extends { cleanup?: () => Promise<void>; dispose?: () => Promise<void> }>(thing: T): T {
      cleanups.push(() => (thing.cleanup ?? thing.dispose)!.call(thing));
      return thing;
    },
  };
}

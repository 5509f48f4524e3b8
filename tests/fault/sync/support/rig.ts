import { afterAll, afterEach, beforeAll } from 'vitest';
import { startProxy, type FaultProxy } from './proxy';
import { startServer, type ServerProcess } from './server';
import { openTill, type TestTill, type TillOptions } from './till';

/**
 * The fixture of the fault suites that share one server: the real server process, a fault proxy
 * in front of it, and every till a test opens, closed and removed after the file. Call it at the
 * top level of a test file; `server` and `proxy` are there from the file's first test on.
 */
export interface FaultRig {
  readonly server: ServerProcess;
  readonly proxy: FaultProxy;
  /** Opens a till (on a new folder, or on `options.dir` again) that the rig cleans up. */
  openTill(options?: TillOptions): TestTill;
}

export function useFaultRig(): FaultRig {
  let server: ServerProcess | undefined;
  let proxy: FaultProxy | undefined;
  const tills: TestTill[] = [];

  beforeAll(async () => {
    const started = await startServer();
    server = started;
    proxy = await startProxy(() => started.url);
  }, 90_000);
  // Faults a test injected never leak into the next one.
  afterEach(() => proxy?.clear());
  afterAll(async () => {
    for (const till of tills) await till.cleanup();
    await proxy?.close();
    await server?.dispose();
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`the fault rig's ${what} is not started yet (use it inside a test)`);
    return value;
  };
  return {
    get server() {
      return ready(server, 'server');
    },
    get proxy() {
      return ready(proxy, 'proxy');
    },
    openTill(options = {}) {
      const till = openTill(options);
      tills.push(till);
      return till;
    },
  };
}

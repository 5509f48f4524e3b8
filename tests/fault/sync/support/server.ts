import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from './wait';

/**
 * The real loyalty server as a child process on loopback (what runs in production: tsx, Fastify,
 * PGlite in a temp DATA_DIR), and a small admin client over HTTP. The child is node itself (not
 * an npx wrapper), so SIGKILL hits the server and nothing else.
 */

export const ADMIN_TOKEN = 'fault-suite-admin-token-0123456789abcdef';
const ROOT = resolve(import.meta.dirname, '../../../..');

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly child: ChildProcess;
  readonly admin: AdminClient;
  /** Output of the process so far (for failure messages). */
  output(): string;
  /** SIGKILL: no shutdown, requests in flight die with it. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<void>;
  /** A new process on the same port and data folder. */
  restart(): Promise<ServerProcess>;
  /** Stops the process and deletes its data (end of a test). */
  dispose(): Promise<void>;
}

export async function startServer(
  options: { dataDir?: string; port?: number; env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sync-fault-server-'));
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/src/index.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_IP: '1000000',
      RATE_LIMIT_PER_TOKEN: '1000000',
      RATE_LIMIT_REGISTER_PER_IP: '1000000',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${port}`;
  const admin = createAdminClient(url);
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`server exited: ${log}`);
      try {
        return (await fetch(`${url}/readyz`)).ok;
      } catch {
        return false;
      }
    },
    { timeoutMs: 60_000, what: 'server ready' },
  );
  const server: ServerProcess = {
    url,
    port,
    dataDir,
    child,
    admin,
    output: () => log,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    async restart() {
      await server.stop();
      return startServer({ dataDir, port, ...(options.env ? { env: options.env } : {}) });
    },
    async dispose() {
      await server.kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

export interface AdminClient {
  createStore(overrides?: Record<string, unknown>): Promise<{ storeId: string }>;
  enrollmentCode(storeId: string): Promise<string>;
  setProgram(storeId: string, program: unknown): Promise<void>;
  revoke(deviceId: string): Promise<void>;
  /** Support's way past an event the server cannot read (POST …/events/{seq}/void). */
  voidEvent(deviceId: string, seq: number, note: string): Promise<{ lastSeq: number }>;
  devices(storeId?: string): Promise<{ deviceId: string; lastSeq: number; clockSkewMs: number | null }[]>;
  flags(kind?: string): Promise<{ kind: string; customerId: string | null; deviceId: string | null }[]>;
  report(storeId: string, date: string): Promise<DailyReport>;
  resetCursors(): Promise<void>;
}

export interface DailyReport {
  totals: { checkIns: number; events: number; pointsIssued: number; pointsRedeemed: number };
  tills: {
    deviceId: string;
    server: { events: number; checkIns: number };
    till: { events: number } | null;
    differences: string[];
  }[];
}

export function createAdminClient(url: string): AdminClient {
  async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }
  async function ok<T>(method: string, path: string, body?: unknown): Promise<T> {
    const reply = await call<T>(method, path, body);
    if (reply.status >= 300)
      throw new Error(`${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  }
  return {
    createStore: (overrides = {}) =>
      ok('POST', '/v1/admin/stores', {
        name: 'Corner Café',
        country: 'US',
        currency: 'USD',
        timeZone: 'America/New_York',
        ...overrides,
      }),
    enrollmentCode: async (storeId) =>
      (await ok<{ code: string }>('POST', `/v1/admin/stores/${storeId}/enrollment-codes`, {})).code,
    setProgram: async (storeId, program) =>
      void (await ok('PUT', `/v1/admin/stores/${storeId}/program`, program)),
    revoke: async (deviceId) => void (await ok('POST', `/v1/admin/devices/${deviceId}/revoke`, {})),
    voidEvent: (deviceId, seq, note) =>
      ok('POST', `/v1/admin/devices/${deviceId}/events/${seq}/void`, { note }),
    devices: async (storeId) =>
      (
        await ok<{ devices: { deviceId: string; lastSeq: number; clockSkewMs: number | null }[] }>(
          'GET',
          `/v1/admin/devices${storeId ? `?storeId=${storeId}` : ''}`,
        )
      ).devices,
    flags: async (kind) =>
      (
        await ok<{ flags: { kind: string; customerId: string | null; deviceId: string | null }[] }>(
          'GET',
          `/v1/admin/flags${kind ? `?kind=${kind}` : ''}`,
        )
      ).flags,
    report: (storeId, date) => ok('GET', `/v1/reports/daily?storeId=${storeId}&date=${date}`),
    resetCursors: async () => void (await ok('POST', '/v1/admin/sync/reset-cursors', {})),
  };
}

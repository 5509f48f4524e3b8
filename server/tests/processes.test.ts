import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { PushResponse, RegisterResponse } from '../../src/shared/sync';
import { loadMigrations } from '../src/db/migrate';
import { ADMIN_TOKEN, DB_KIND, createEmptyDatabase, uuidv7 } from './support/harness';
import { freePort } from './support/postgres';
import { serverNodeFlags } from './support/server-command';

/** Real server processes, started as `npm run server` starts them, talking real HTTP. */

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

interface Running {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
}

async function startServer(env: Record<string, string>): Promise<Running> {
  const port = await freePort();
  // As server/package.json's "start" runs it.
  const child = spawn(process.execPath, [...serverNodeFlags(), '--import', 'tsx', 'src/index.ts'], {
    cwd: SERVER_DIR,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ADMIN_TOKEN, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not become ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

async function call<T>(base: string, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function enrolTill(base: string) {
  const store = await call<{ storeId: string }>(base, 'POST', '/v1/admin/stores', ADMIN_TOKEN, {
    name: 'Process shop',
    country: 'US',
    currency: 'USD',
    timeZone: 'America/Chicago',
  });
  const code = await call<{ code: string }>(
    base,
    'POST',
    `/v1/admin/stores/${store.body.storeId}/enrollment-codes`,
    ADMIN_TOKEN,
    {},
  );
  const reg = await fetch(`${base}/v1/devices/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enrollmentCode: code.body.code, name: 'Till' }),
  });
  return (await reg.json()) as RegisterResponse;
}

function batch(device: RegisterResponse, n: number) {
  return {
    storeId: device.storeId,
    deviceId: device.deviceId,
    sentAt: new Date().toISOString(),
    events: Array.from({ length: n }, (_, i) => ({
      id: uuidv7(),
      deviceId: device.deviceId,
      seq: i + 1,
      occurredAt: new Date().toISOString(),
      businessDay: '2026-11-23',
      ruleVersion: 0,
      type: 'points.earned',
      phone: '+14155550199',
      payload: { receiptId: `P-${i}`, total: { amount: 1000, currency: 'USD' }, points: 10 },
    })),
  };
}

describe.runIf(DB_KIND === 'postgres')('several server processes on one PostgreSQL', () => {
  it('start at once (migrations under a lock), and the same batch pushed to two of them at once leaves one copy', async () => {
    const database = await createEmptyDatabase();
    try {
      const env = { DATABASE_URL: database.url as string };
      const servers = await Promise.all([startServer(env), startServer(env), startServer(env)]);
      const [one, two] = servers as [Running, Running, Running];
      const applied = servers.map((s) => /"applied":\[([\d,]*)\]/.exec(s.output())?.[1] ?? '?');
      const all = loadMigrations()
        .map((m) => m.version)
        .join(',');
      expect(applied.sort()).toEqual(['', '', all]);

      const device = await enrolTill(one.url);
      const body = batch(device, 500);
      const replies = await Promise.all([
        call<PushResponse>(one.url, 'POST', '/v1/sync/push', device.token, body),
        call<PushResponse>(two.url, 'POST', '/v1/sync/push', device.token, body),
        call<PushResponse>(one.url, 'POST', '/v1/sync/push', device.token, body),
        call<PushResponse>(two.url, 'POST', '/v1/sync/push', device.token, body),
      ]);
      for (const reply of replies) expect(reply.status).toBe(200);
      const accepted = replies.flatMap((r) => r.body.results).filter((r) => r.status === 'accepted');
      expect(accepted).toHaveLength(500);
      const lookup = await call<{ balance: number }>(
        two.url,
        'GET',
        '/v1/customers/+14155550199',
        device.token,
      );
      expect(lookup.body.balance).toBe(5000);

      // A revocation through one process is seen by the other at once.
      expect(
        (await call(one.url, 'POST', `/v1/admin/devices/${device.deviceId}/revoke`, ADMIN_TOKEN)).status,
      ).toBe(200);
      expect((await call(two.url, 'GET', '/v1/sync/pull', device.token)).status).toBe(401);

      for (const s of servers) expect(await s.stop()).toBe(0);
    } finally {
      await database.drop();
    }
  });
});

describe.runIf(DB_KIND === 'pglite')('the embedded PGlite server', () => {
  it('keeps its data in DATA_DIR across a restart, and logs clearly when the admin API is off', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'loyalty-data-'));
    try {
      const first = await startServer({ DATA_DIR: dataDir, DATABASE_URL: '' });
      const device = await enrolTill(first.url);
      const pushed = await call<PushResponse>(
        first.url,
        'POST',
        '/v1/sync/push',
        device.token,
        batch(device, 3),
      );
      expect(pushed.body.lastSeq).toBe(3);

      // The operator CLI wraps the admin API and prints JSON.
      const cli = (args: string[], token = ADMIN_TOKEN) =>
        spawnSync(TSX, ['src/admin-cli.ts', ...args], {
          cwd: SERVER_DIR,
          env: { ...process.env, SERVER_URL: first.url, ADMIN_TOKEN: token },
          encoding: 'utf8',
        });
      const created = cli([
        'create-store',
        '--name',
        'CLI shop',
        '--country',
        'GB',
        '--currency',
        'GBP',
        '--time-zone',
        'Europe/London',
      ]);
      expect(created.status).toBe(0);
      const store = JSON.parse(created.stdout) as { storeId: string; currency: string };
      expect(store.currency).toBe('GBP');
      const codeOut = cli(['enrollment-code', '--store', store.storeId, '--ttl-hours', '2']);
      expect(JSON.parse(codeOut.stdout)).toMatchObject({
        storeId: store.storeId,
        code: expect.stringMatching(/^\w{4}-\w{4}-\w{4}$/),
      });
      const voided = cli(['void-event', device.deviceId, '4', '--note', 'ticket 42']);
      expect(voided.status).toBe(0);
      expect(JSON.parse(voided.stdout)).toMatchObject({ deviceId: device.deviceId, seq: 4, lastSeq: 4 });
      const report = cli(['report', '--store', device.storeId, '--date', '2026-11-23', '--csv']);
      expect(report.status).toBe(0);
      expect(report.stdout).toMatch(/^store_id,date,check_ins/);
      const refused = cli(['list-stores'], 'wrong-token-wrong-token-wrong-token-wrong');
      expect(refused.status).toBe(1);
      expect(JSON.parse(refused.stdout).error.code).toBe('unauthorized');
      expect(cli(['no-such-command']).status).toBe(2);

      expect(await first.stop()).toBe(0);

      const second = await startServer({ DATA_DIR: dataDir, DATABASE_URL: '', ADMIN_TOKEN: 'too-short' });
      const lookup = await call<{ balance: number }>(
        second.url,
        'GET',
        '/v1/customers/+14155550199',
        device.token,
      );
      expect(lookup.body.balance).toBe(30);
      expect(second.output()).toMatch(/ADMIN API DISABLED: ADMIN_TOKEN is 9 characters long/);
      const admin = await call(second.url, 'GET', '/v1/admin/flags', 'too-short');
      expect(admin.status).toBe(503);
      expect(await second.stop()).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../../fault/sync/support/server';
import { waitFor } from '../../fault/sync/support/wait';
import { startBrowserHost, type BrowserHost } from '../../../src/main/browser-host/server';
import { createDispatcher } from '../../../src/main/ipc/dispatch';
import { createHandlers } from '../../../src/main/ipc/handlers';
import { DEVICE_TOKEN_FILE, openKiosk, type Kiosk } from '../../../src/main/kiosk';
import { memoryLog } from '../../../src/main/logging';
import type { ChannelName } from '../../../src/shared/ipc';
import { fakeRenderer, tokenOf } from './helpers';

// The kiosk as `npm start` runs it, against the real server process (PGlite, loopback): paired
// through the sync engine over the browser host's API, a check-in made over HTTP as the page makes
// it, and the server's own admin API asked whether it holds it. Conditions are waited on, never time.

const PHONE = '(212) 555-0147';
const E164 = '+12125550147';

let server: ServerProcess;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  server = await startServer();
}, 90_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await server?.dispose();
});

interface Running {
  kiosk: Kiosk;
  dataDir: string;
  call(channel: ChannelName, input?: unknown): Promise<{ status: number; body: Record<string, any> }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers are checked field by field
}

async function startKiosk(dataDir = mkdtempSync(join(tmpdir(), 'kiosk-sync-'))): Promise<Running> {
  const renderer = fakeRenderer();
  const log = memoryLog();
  const kiosk = openKiosk({
    dataDir,
    config: { store: { country: 'US', currency: 'USD', timeZone: 'America/New_York' } },
    host: 'browser',
    appVersion: '0.0.0-test',
    log,
  });
  const host: BrowserHost = await startBrowserHost({
    dispatch: createDispatcher({
      handlers: createHandlers(kiosk),
      log,
      activity: kiosk.activity,
      staff: kiosk.staff,
    }),
    rendererDir: renderer.dir,
    port: 0,
    log,
  });
  const token = tokenOf(await (await fetch(host.url)).text());
  // The manager is signed in: pairing, syncing and closing the day are theirs.
  if (kiosk.staff.state().managerPinSet) await kiosk.staff.signIn('2468');
  else await kiosk.staff.setupManager('Morgan', '2468');
  cleanups.push(async () => {
    await host.close();
    await kiosk.dispose();
    renderer.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    kiosk,
    dataDir,
    async call(channel, input) {
      const response = await fetch(`${host.url}api/v1/${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-kiosk-token': token },
        body: JSON.stringify(input === undefined ? {} : { input }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    },
  };
}

describe('a kiosk behind the browser host and the real server', () => {
  it('pairs over kiosk:pair, and a check-in made through the host reaches the server', async () => {
    const { storeId } = (await server.admin.createStore({ name: 'Demo café' })) as { storeId: string };
    const { kiosk, dataDir, call } = await startKiosk();
    const paired = await call('kiosk:pair', {
      serverUrl: server.url,
      enrollmentCode: await server.admin.enrollmentCode(storeId),
      deviceName: 'Demo till',
    });
    expect(paired.body).toMatchObject({ ok: true, value: { paired: true, storeId, storeName: 'Demo café' } });
    expect(existsSync(join(dataDir, DEVICE_TOKEN_FILE))).toBe(true);
    expect(existsSync(join(dataDir, 'pairing.json'))).toBe(false);

    await call('customer:enroll', { phone: PHONE, consent: { terms: true, termsVersion: '1', sms: false } });
    const checkIn = await call('checkin:create', {
      phone: PHONE,
      sale: { receiptId: 'R-42', total: { amount: 1_250, currency: 'USD' } },
    });
    expect(checkIn.body.value).toMatchObject({ status: 'checked_in', pointsEarned: 12 });
    const { events } = (await call('history:list', { phone: PHONE, limit: 1 })).body.value as {
      events: { id: string; seq: number }[];
    };
    expect(events[0]?.id).toBe(checkIn.body.value.eventId);
    const seq = events[0]!.seq;

    // No "Sync now": the write nudges the engine. The server's own record says when it has it.
    await waitFor(
      async () =>
        (await server.admin.devices(storeId)).find((d) => d.deviceId === kiosk.ledger.deviceId)!.lastSeq >=
        seq,
      { what: 'the server to hold the check-in', timeoutMs: 30_000 },
    );
    const status = await waitFor(
      async () => {
        const value = (await call('kiosk:status')).body.value;
        return value.sync.pendingEvents === 0 && value.sync.lastPullAt ? value : null;
      },
      { what: 'the kiosk to see its outbox settled' },
    );
    expect(status).toMatchObject({
      storeSource: 'server',
      pairing: { paired: true, serverUrl: server.url, storeId, storeName: 'Demo café' },
      ledger: { pendingEvents: 0 },
      sync: { running: true, online: true, lastError: null, pairingProblem: null },
    });
    expect(status.sync.lastPushAt).not.toBeNull();
    expect(status.sync.note).toMatch(/^In sync with the server/);
    expect(typeof status.sync.clockSkewMs).toBe('number');

    // The manager's "Sync now", the online look-up and the Z-report checked against the server.
    const now = await call('sync:now');
    expect(now.body.value).toMatchObject({ online: true, pendingEvents: 0, lastError: null });
    // The store's open flags come from the server itself (none in a healthy store).
    const flags = await call('flags:list');
    expect(flags.body).toEqual({ ok: true, value: { source: 'server', flags: [], message: null } });
    const lookup = await call('customer:lookup', { phone: PHONE });
    expect(lookup.body.value).toMatchObject({
      phone: E164,
      source: 'server',
      confirmed: 12,
      provisional: 12,
    });
    const report = await call('day:close', {});
    expect(report.body.value).toMatchObject({
      businessDay: kiosk.today(),
      synced: true,
      matches: true,
      till: { checkIns: 1, enrolments: 1, pointsEarned: 12 },
      server: { checkIns: 1, enrolments: 1, pointsEarned: 12 },
      differences: [],
    });
    expect((await call('kiosk:status')).body.value.sync.unsyncedDayCloses).toEqual([]);
  }, 60_000);

  it('takes over a pairing.json from before the sync engine once, then keeps one token store', async () => {
    const { storeId } = (await server.admin.createStore({ name: 'Old till' })) as { storeId: string };
    // A kiosk paired by the shell's old pairing: register by hand, write its pairing.json.
    const first = await startKiosk();
    const deviceId = first.kiosk.ledger.deviceId;
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-old-'));
    const reply = await fetch(`${server.url}/v1/devices/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        enrollmentCode: await server.admin.enrollmentCode(storeId),
        name: 'Old',
        deviceId,
      }),
    });
    const registered = (await reply.json()) as { token: string; store: Record<string, string> };
    // Move the first kiosk's ledger (its device id) to a data folder that has the old file.
    await first.kiosk.dispose();
    writeFileSync(join(dataDir, 'ledger.db'), readFileSync(join(first.dataDir, 'ledger.db')));
    writeFileSync(
      join(dataDir, 'pairing.json'),
      JSON.stringify({
        version: 1,
        serverUrl: server.url,
        deviceId,
        storeId,
        store: registered.store,
        pairedAt: '2026-01-01T00:00:00.000Z',
        token: { kind: 'plain', value: registered.token },
      }),
      { mode: 0o600 },
    );

    const { kiosk, call } = await startKiosk(dataDir);
    expect(kiosk.ledger.deviceId).toBe(deviceId);
    expect(existsSync(join(dataDir, 'pairing.json'))).toBe(false);
    expect(readFileSync(join(dataDir, DEVICE_TOKEN_FILE), 'utf8').trim()).toBe(registered.token);
    const status = (await call('kiosk:status')).body.value;
    expect(status.pairing).toMatchObject({ paired: true, storeId, storeName: 'Old till' });

    const checkIn = await call('checkin:create', { phone: PHONE, sale: null });
    expect(checkIn.body.ok).toBe(false); // not enrolled here: enrol, then check in
    await call('customer:enroll', { phone: PHONE, consent: { terms: true, termsVersion: '1', sms: false } });
    const synced = await call('sync:now');
    expect(synced.body.value).toMatchObject({ online: true, pendingEvents: 0, pairingProblem: null });
    const devices = await server.admin.devices(storeId);
    expect(devices.find((d) => d.deviceId === deviceId)!.lastSeq).toBeGreaterThan(0);
  }, 60_000);
});

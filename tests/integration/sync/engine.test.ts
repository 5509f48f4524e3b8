import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROGRAM } from '../../../src/shared/program';
import { pair } from '../../fault/sync/support/pairing';
import { startServer, type ServerProcess } from '../../fault/sync/support/server';
import { CONSENT, confirmedBalances, openTill, phone, type TestTill } from '../../fault/sync/support/till';
import { waitFor } from '../../fault/sync/support/wait';
import type { FetchLike } from '../../../src/main/sync/transport';

/**
 * The sync engine against the real server process on loopback: pairing, push, pull, balances,
 * look-up, the offline redemption policy, program and store updates, revocation, end of day.
 */

let server: ServerProcess;
const tills: TestTill[] = [];

beforeAll(async () => {
  server = await startServer();
}, 90_000);

afterAll(async () => {
  for (const till of tills) await till.cleanup();
  await server?.dispose();
});

function till(options: Parameters<typeof openTill>[0] = {}): TestTill {
  const opened = openTill(options);
  tills.push(opened);
  return opened;
}

const sale = (receiptId: string, amount: number) => ({
  receiptId,
  total: { amount, currency: 'USD' },
});

/** A fetch that fails like an unplugged cable while `down` is true. */
function switchableFetch() {
  const state = { down: false, calls: 0 };
  const impl: FetchLike = (url, init) => {
    state.calls++;
    if (state.down)
      return Promise.reject(
        Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }),
      );
    return fetch(url, init) as unknown as ReturnType<FetchLike>;
  };
  return { state, impl };
}

const COFFEE_PROGRAM = {
  ...DEFAULT_PROGRAM,
  version: 5,
  name: 'Coffee club',
  rewards: [{ id: 'coffee', name: 'Free coffee', pointsCost: 300, discount: { kind: 'fixed', amount: 300 } }],
  offlineRedemptionCap: 500,
};

describe('pairing', () => {
  it('registers with an enrolment code under the till’s own device id and keeps the token in a 0600 file', async () => {
    const { storeId } = await server.admin.createStore();
    const a = till();
    const before = a.ledger.deviceId;
    const result = await pair(a, server, storeId);
    expect(result.deviceId).toBe(before);
    expect(result.storeId).toBe(storeId);
    expect(statSync(join(a.dir, 'device-token')).mode & 0o777).toBe(0o600);
    const status = a.engine.status();
    expect(status.paired).toBe(true);
    expect(status.serverUrl).toBe(server.url);
    const devices = await server.admin.devices(storeId);
    expect(devices.map((d) => d.deviceId)).toEqual([before]);
  });

  it('a wrong code is a plain-words error and leaves the till unpaired', async () => {
    const a = till();
    await expect(a.engine.registerDevice(server.url, 'AAAA-BBBB-CCCC', 'Till')).rejects.toThrow(
      /enrolment code/i,
    );
    expect(a.engine.status().paired).toBe(false);
  });

  it('pairs unattended from KIOSK_SERVER_URL and KIOSK_ENROLLMENT_CODE, and never throws', async () => {
    const { storeId } = await server.admin.createStore();
    const a = till();
    const missing = await a.engine.pairFromEnvironment({}, 'Till');
    expect(missing.paired).toBe(false);
    const bad = await a.engine.pairFromEnvironment(
      { KIOSK_SERVER_URL: server.url, KIOSK_ENROLLMENT_CODE: 'ZZZZ-ZZZZ-ZZZZ' },
      'Till',
    );
    expect(bad.paired).toBe(false);
    expect(a.engine.status().lastError).toMatch(/Pairing failed/);
    const code = await server.admin.enrollmentCode(storeId);
    const good = await a.engine.pairFromEnvironment(
      { KIOSK_SERVER_URL: server.url, KIOSK_ENROLLMENT_CODE: code },
      'Till',
    );
    expect(good.paired).toBe(true);
  });

  it('takes over a pairing made before the engine (server, store, token) and syncs with it', async () => {
    const { storeId } = await server.admin.createStore();
    const a = till();
    const code = await server.admin.enrollmentCode(storeId);
    const reply = await fetch(`${server.url}/v1/devices/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrollmentCode: code, name: 'Old pairing', deviceId: a.ledger.deviceId }),
    });
    const { token } = (await reply.json()) as { token: string };
    a.engine.adoptPairing({ serverUrl: server.url, storeId, token });
    a.ledger.enroll(phone(5), CONSENT);
    const status = await a.engine.syncNow();
    expect(status).toMatchObject({ paired: true, pendingEvents: 0, lastError: null });
  });

  it('pairing again forgets the server versions of confirmed balances until the snapshot names them', async () => {
    const { storeId } = await server.admin.createStore();
    const a = till();
    await pair(a, server, storeId);
    a.ledger.enroll(phone(6), CONSENT);
    await a.engine.syncNow();
    const versionOf = () =>
      a.db
        .prepare(
          'SELECT confirmed_points AS points, confirmed_server_seq AS seq FROM balances WHERE phone = ?',
        )
        .get(phone(6)) as { points: number | null; seq: number | null };
    expect(versionOf().seq).not.toBeNull();
    // Another server or a restored one numbers its changes afresh: an old number must not make the
    // till keep its old balance over what the new snapshot says.
    a.engine.unpair();
    await pair(a, server, storeId);
    expect(versionOf()).toEqual({ points: 0, seq: null });
    await a.engine.syncNow();
    expect(versionOf()).toEqual({ points: 0, seq: expect.any(Number) });
  });

  it('a revoked token is shown to the manager as a pairing problem, and sync keeps the events', async () => {
    const { storeId } = await server.admin.createStore();
    const a = till();
    await pair(a, server, storeId);
    await server.admin.revoke(a.ledger.deviceId);
    a.ledger.enroll(phone(1), CONSENT);
    const status = await a.engine.syncNow();
    expect(status.pairingProblem).toMatch(/revoked|Pair it again/);
    expect(status.pendingEvents).toBe(1);
  });
});

describe('push and pull', () => {
  it('pushes the outbox in seq order, settles each event with the server’s answer and saves confirmed balances', async () => {
    const { storeId } = await server.admin.createStore();
    const a = till();
    a.ledger.enroll(phone(10), CONSENT, 'Ann');
    a.ledger.checkIn(phone(10), sale('r-1', 1_250));
    a.ledger.checkIn(phone(10), sale('r-2', 800));
    // Events written before pairing keep their device id and go up with the rest.
    await pair(a, server, storeId);
    const status = await a.engine.syncNow();
    expect(status.pendingEvents).toBe(0);
    expect(status.lastError).toBeNull();
    expect(status.online).toBe(true);
    expect(status.lastPushAt).not.toBeNull();
    expect(status.lastPullAt).not.toBeNull();
    const balance = a.ledger.balance(phone(10));
    expect(balance.confirmed).toBe(20);
    expect(balance.provisional).toBe(20);
    const [device] = await server.admin.devices(storeId);
    expect(device!.lastSeq).toBe(3);
  });

  it('a batch sent ahead whose request fails while the one before settles: that one settled, the rest waits, nothing unhandled', async () => {
    const { storeId } = await server.admin.createStore();
    const net = switchableFetch();
    // The second push fails at once, as a dropped connection does, while the first is settling.
    const failSecondPush: FetchLike = (url, init) => {
      if (String(url).endsWith('/v1/sync/push') && init?.method === 'POST') {
        pushes++;
        if (pushes === 2) net.state.down = true;
      }
      return net.impl(url, init);
    };
    let pushes = 0;
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const a = till({ fetch: failSecondPush, options: { batchSize: 2 } });
      a.ledger.enroll(phone(45), CONSENT, 'Bo');
      a.ledger.checkIn(phone(45), sale('ahead-1', 1_000));
      a.ledger.checkIn(phone(45), sale('ahead-2', 1_000));
      a.ledger.checkIn(phone(45), sale('ahead-3', 1_000));
      await pair(a, server, storeId);
      const status = await a.engine.syncNow();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(pushes).toBe(2);
      expect(status.lastError).toMatch(/server|network|connect/i);
      expect(status.pendingEvents).toBe(2);
      const [device] = await server.admin.devices(storeId);
      expect(device!.lastSeq).toBe(2);
      expect(unhandled).toEqual([]);
      // Back online, the rest goes up.
      net.state.down = false;
      expect((await a.engine.syncNow()).pendingEvents).toBe(0);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it('a customer who joined at another till of the store can check in here after a pull', async () => {
    const { storeId } = await server.admin.createStore();
    const a = till();
    const b = till();
    await pair(a, server, storeId, server.url, 'A');
    await pair(b, server, storeId, server.url, 'B');
    a.ledger.enroll(phone(20), CONSENT, 'Bea');
    a.ledger.checkIn(phone(20), sale('r-20', 5_000));
    await a.engine.syncNow();
    await b.engine.syncNow();
    expect(b.ledger.balance(phone(20))).toMatchObject({ confirmed: 50, provisional: 50, firstName: 'Bea' });
    const result = b.ledger.checkIn(phone(20), sale('r-21', 1_000));
    expect(result.status).toBe('checked_in');
    await b.engine.syncNow();
    await a.engine.syncNow();
    expect(a.ledger.balance(phone(20)).confirmed).toBe(60);
    expect(b.ledger.balance(phone(20)).confirmed).toBe(60);
  });

  it('takes the program and store settings from the server and computes with them', async () => {
    const { storeId } = await server.admin.createStore({ currency: 'USD' });
    await server.admin.setProgram(storeId, COFFEE_PROGRAM);
    const a = till();
    await pair(a, server, storeId);
    await a.engine.syncNow();
    expect(a.ledger.program.version).toBe(5);
    expect(a.ledger.program.rewards.map((r) => r.id)).toEqual(['coffee']);
  });

  it('a receipt already used on another till is refused there and does not block the events behind it', async () => {
    const { storeId } = await server.admin.createStore();
    const a = till();
    const b = till();
    await pair(a, server, storeId, server.url, 'A');
    await pair(b, server, storeId, server.url, 'B');
    a.ledger.enroll(phone(30), CONSENT);
    b.ledger.enroll(phone(31), CONSENT);
    a.ledger.checkIn(phone(30), sale('shared-receipt', 2_000));
    await a.engine.syncNow();
    b.ledger.checkIn(phone(31), sale('shared-receipt', 2_000));
    b.ledger.checkIn(phone(31), sale('r-after', 700));
    const status = await b.engine.syncNow();
    expect(status.pendingEvents).toBe(0);
    const states = b.db.prepare('SELECT state, reason FROM settled_events ORDER BY seq').all() as {
      state: string;
      reason: string | null;
    }[];
    expect(states.map((s) => s.state)).toEqual(['accepted', 'rejected', 'accepted']);
    expect(states[1]!.reason).toMatch(/already_checked_in/);
    expect(b.ledger.balance(phone(31))).toMatchObject({ confirmed: 7, provisional: 7 });
  });

  it('an event the server cannot read waits for support; voided there, the till settles it and goes on', async () => {
    const { storeId } = await server.admin.createStore();
    // A till newer than the server: one event carries a field this server does not know.
    const newer: FetchLike = (url, init) => {
      if (!url.endsWith('/v1/sync/push') || !init.body)
        return fetch(url, init) as unknown as ReturnType<FetchLike>;
      const body = JSON.parse(init.body) as { events: { payload: { receiptId?: string } }[] };
      for (const event of body.events)
        if (event.payload.receiptId === 'unreadable') Object.assign(event, { tip: 1 });
      return fetch(url, { ...init, body: JSON.stringify(body) }) as unknown as ReturnType<FetchLike>;
    };
    const a = till({ fetch: newer });
    await pair(a, server, storeId, server.url, 'A');
    a.ledger.enroll(phone(35), CONSENT);
    a.ledger.checkIn(phone(35), sale('unreadable', 2_000));
    a.ledger.checkIn(phone(35), sale('after', 700));
    const stuck = await a.engine.syncNow();
    expect(stuck.lastError).toMatch(/refused event 2 .*void seq 2 of device/);
    expect(stuck.pendingEvents).toBe(2);
    // Still stuck on the next try: nothing changed on the server.
    expect((await a.engine.syncNow()).pendingEvents).toBe(2);

    expect(await server.admin.voidEvent(a.ledger.deviceId, 2, 'ticket 1')).toMatchObject({ lastSeq: 2 });
    const status = await a.engine.syncNow();
    expect(status).toMatchObject({ pendingEvents: 0, lastError: null });
    const states = a.db.prepare('SELECT state, reason FROM settled_events ORDER BY seq').all() as {
      state: string;
      reason: string | null;
    }[];
    expect(states.map((s) => s.state)).toEqual(['accepted', 'rejected', 'accepted']);
    expect(states[1]!.reason).toMatch(/^voided: .*support voided it/);
    expect(a.ledger.balance(phone(35))).toMatchObject({ confirmed: 7, provisional: 7 });
  });
});

describe('customer look-up', () => {
  it('shows a regular from another store their server balance, and records them here', async () => {
    const first = await server.admin.createStore({ name: 'First' });
    const second = await server.admin.createStore({ name: 'Second' });
    const a = till();
    const b = till();
    await pair(a, server, first.storeId);
    await pair(b, server, second.storeId);
    a.ledger.enroll(phone(40), CONSENT, 'Cleo');
    a.ledger.checkIn(phone(40), sale('r-40', 12_300));
    await a.engine.syncNow();
    await b.engine.syncNow();
    const found = await b.engine.lookupCustomer(phone(40));
    expect(found).toMatchObject({ source: 'server', enrolled: true, confirmed: 123, maskedName: 'C.' });
    // Now the regular can check in at the second store.
    expect(b.ledger.checkIn(phone(40), sale('s-1', 100)).status).toBe('checked_in');
    expect(b.ledger.balance(phone(40)).provisional).toBe(124);
  });

  it('falls back to the till’s own data within a second when the server does not answer', async () => {
    const { storeId } = await server.admin.createStore();
    const hanging: FetchLike = (url, init) =>
      url.includes('/v1/customers/')
        ? new Promise((_, reject) =>
            init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
          )
        : (fetch(url, init) as unknown as ReturnType<FetchLike>);
    const a = till({ fetch: hanging });
    await pair(a, server, storeId);
    a.ledger.enroll(phone(50), CONSENT);
    a.ledger.checkIn(phone(50), sale('r-50', 4_200));
    const started = performance.now();
    const found = await a.engine.lookupCustomer(phone(50));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(found).toMatchObject({ source: 'local', enrolled: true, provisional: 42 });
  });
});

describe('offline redemption', () => {
  it('caps redemptions at the program’s offline allowance while offline, and not online', async () => {
    const { storeId } = await server.admin.createStore();
    await server.admin.setProgram(storeId, COFFEE_PROGRAM);
    const net = switchableFetch();
    const a = till({ fetch: net.impl });
    await pair(a, server, storeId);
    a.ledger.enroll(phone(60), CONSENT);
    a.ledger.checkIn(phone(60), sale('r-60', 200_000)); // 2,000 points
    await a.engine.syncNow();
    expect(a.engine.isOffline()).toBe(false);
    // Online: the whole balance is usable.
    a.ledger.redeem(phone(60), 'coffee');
    a.ledger.redeem(phone(60), 'coffee');
    await a.engine.syncNow();
    expect(a.ledger.balance(phone(60)).confirmed).toBe(1_400);

    net.state.down = true;
    const status = await a.engine.syncNow();
    expect(status.online).toBe(false);
    expect(a.engine.isOffline()).toBe(true);
    a.ledger.redeem(phone(60), 'coffee'); // 300 of the 500 allowed offline
    expect(() => a.ledger.redeem(phone(60), 'coffee')).toThrow(/offline/);

    net.state.down = false;
    await a.engine.syncNow();
    expect(a.engine.isOffline()).toBe(false);
    // Synced: the allowance starts again.
    a.ledger.redeem(phone(60), 'coffee');
    expect(a.ledger.balance(phone(60)).provisional).toBe(800);
  });
});

describe('end of day', () => {
  it('online: pushes, checks every event of the day against the server and returns a matching Z-report', async () => {
    const { storeId } = await server.admin.createStore();
    const a = till();
    await pair(a, server, storeId);
    a.ledger.enroll(phone(70), CONSENT);
    a.ledger.checkIn(phone(70), sale('r-70', 1_000));
    a.ledger.checkIn(phone(70), sale('r-71', 2_000));
    const day = a.ledger.history(phone(70))[0]!.businessDay;
    const report = await a.engine.closeDay(day);
    expect(report).toMatchObject({ businessDay: day, synced: true, matches: true, differences: [] });
    expect(report.till).toMatchObject({ checkIns: 2, pointsEarned: 30, eventCount: 3 });
    expect(report.server).toMatchObject({ checkIns: 2, pointsEarned: 30, eventCount: 3 });
    expect(report.message).toMatch(/exactly as this till recorded/);
    const daily = await server.admin.report(storeId, day);
    expect(daily.tills[0]).toMatchObject({ differences: [] });
    expect(daily.tills[0]!.till).not.toBeNull();
    // Events after the close belong to the next business day.
    a.ledger.checkIn(phone(70), sale('r-72', 500));
    const next = a.ledger.history(phone(70), { limit: 1 })[0]!;
    expect(next.businessDay > day).toBe(true);
  });

  it('offline: closes on the till, says so, and confirms the close when the network returns', async () => {
    const { storeId } = await server.admin.createStore();
    const net = switchableFetch();
    const a = till({ fetch: net.impl });
    await pair(a, server, storeId);
    a.ledger.enroll(phone(80), CONSENT);
    a.ledger.checkIn(phone(80), sale('r-80', 1_000));
    const day = a.ledger.history(phone(80))[0]!.businessDay;
    net.state.down = true;
    const offline = await a.engine.closeDay(day);
    expect(offline).toMatchObject({ synced: false, matches: null, server: null });
    expect(offline.till.checkIns).toBe(1);
    expect(offline.message).toMatch(/this till only/);
    expect(a.engine.status().unsyncedDayCloses).toEqual([day]);
    net.state.down = false;
    await a.engine.syncNow();
    expect(a.engine.status().unsyncedDayCloses).toEqual([]);
    expect(a.engine.dayReport(day)).toMatchObject({ synced: true, matches: true });
  });

  it('catches "both synced but different": a refused event shows up as a difference with its reason', async () => {
    const { storeId } = await server.admin.createStore();
    const a = till();
    const b = till();
    await pair(a, server, storeId, server.url, 'A');
    await pair(b, server, storeId, server.url, 'B');
    a.ledger.enroll(phone(90), CONSENT);
    b.ledger.enroll(phone(91), CONSENT);
    a.ledger.checkIn(phone(90), sale('twice', 1_000));
    await a.engine.syncNow();
    b.ledger.checkIn(phone(91), sale('twice', 1_000));
    const day = b.ledger.history(phone(91))[0]!.businessDay;
    const report = await b.engine.closeDay(day);
    expect(report.synced).toBe(true);
    expect(report.matches).toBe(false);
    expect(report.differences).toContainEqual({ field: 'checkIns', till: 1, server: 0 });
    expect(report.refusedEvents[0]!.reason).toMatch(/already_checked_in/);
  });
});

describe('status', () => {
  it('tells listeners about pending events and the last push', async () => {
    const { storeId } = await server.admin.createStore();
    const a = till();
    await pair(a, server, storeId);
    const seen: number[] = [];
    a.engine.onStatus((status) => seen.push(status.pendingEvents));
    a.ledger.enroll(phone(95), CONSENT);
    a.engine.start();
    await waitFor(() => a.engine.status().pendingEvents === 0 && a.engine.status().lastPushAt, {
      what: 'the running loop to push',
    });
    await a.engine.stop();
    expect(seen).toContain(0);
    expect(confirmedBalances(a.db).get(phone(95))).toBe(0);
  });
});

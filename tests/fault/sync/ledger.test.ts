import { describe, expect, it } from 'vitest';
import { DEFAULT_PROGRAM } from '../../../src/shared/program';
import { MAX_BODY_BYTES, MAX_PUSH_EVENTS } from '../../../src/shared/sync';
import { pair } from './support/pairing';
import { useFaultRig } from './support/rig';
import { CONSENT, phone, tillEvents, type TestTill, type TillOptions } from './support/till';
import { expectConvergedLive } from './support/verify';

/**
 * Faults of data and time rather than of the wire: a 20,000-event offline backlog (written in one
 * millisecond of a frozen clock) drained in pages, with a 413 on the way; till clocks a day ahead
 * and a year behind; two offline tills spending the same customer's points; and a refused event
 * with events queued behind it.
 */

const rig = useFaultRig();

function till(options: TillOptions = {}): TestTill {
  return rig.openTill(options);
}

const DAY = 86_400_000;

describe('data and time faults', () => {
  it('a backlog of 20,000 offline events drains in pages of at most 500 events and 1 MB, splitting on 413', async () => {
    const { storeId } = await rig.server.admin.createStore();
    const frozen = new Date();
    const a = till({ clock: () => frozen, options: { requestTimeoutMs: 60_000 } });
    await pair(a, rig.server, storeId, rig.proxy.url);
    const write = a.db.transaction(() => {
      for (let c = 0; c < 100; c++) {
        a.ledger.enroll(phone(c), CONSENT);
        for (let i = 0; i < 199; i++) {
          a.ledger.checkIn(phone(c), {
            receiptId: `b-${c}-${i}`,
            total: { amount: 100 + i, currency: 'USD' },
          });
        }
      }
    });
    write();
    expect(a.engine.status().pendingEvents).toBe(20_000);
    rig.proxy.add({ match: 'POST /v1/sync/push', fault: { kind: 'status', status: 413 }, times: 1 });
    let status = await a.engine.syncNow();
    for (let i = 0; i < 5 && status.pendingEvents > 0; i++) status = await a.engine.syncNow();
    expect(status.pendingEvents).toBe(0);
    const pushes = rig.proxy.seen.filter((s) => s.path.startsWith('/v1/sync/push') && s.fault === 'pass');
    const sizes = pushes.map((p) => (JSON.parse(p.body) as { events: unknown[] }).events.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_PUSH_EVENTS);
    expect(sizes[0]).toBe(250); // halved after the 413
    expect(Math.max(...pushes.map((p) => Buffer.byteLength(p.body)))).toBeLessThan(MAX_BODY_BYTES);
    expect(sizes.reduce((sum, n) => sum + n, 0)).toBe(20_000);
    // Same millisecond for all 20,000: ids stay unique and seq keeps the order.
    const ids = new Set(tillEvents(a.db).map((e) => e.id));
    expect(ids.size).toBe(20_000);
    await expectConvergedLive(rig.server, [a]);
  });

  it('till clock one day ahead and one year behind: both sync, the skew is measured and flagged', async () => {
    const { storeId } = await rig.server.admin.createStore();
    const ahead = till({ clock: () => new Date(Date.now() + DAY) });
    const behind = till({ clock: () => new Date(Date.now() - 365 * DAY) });
    await pair(ahead, rig.server, storeId, rig.server.url, 'Ahead');
    await pair(behind, rig.server, storeId, rig.server.url, 'Behind');
    ahead.ledger.enroll(phone(200), CONSENT);
    behind.ledger.enroll(phone(201), CONSENT);
    behind.ledger.checkIn(phone(201), { receiptId: 'c-1', total: { amount: 1_000, currency: 'USD' } });
    ahead.ledger.checkIn(phone(200), { receiptId: 'c-2', total: { amount: 2_000, currency: 'USD' } });
    const a = await ahead.engine.syncNow();
    const b = await behind.engine.syncNow();
    expect(a.lastError).toBeNull();
    expect(b.lastError).toBeNull();
    expect(a.clockSkewFlagged).toBe(true);
    expect(b.clockSkewFlagged).toBe(true);
    expect(a.clockSkewMs!).toBeGreaterThan(DAY - 60_000);
    expect(b.clockSkewMs!).toBeLessThan(-364 * DAY);
    const devices = await rig.server.admin.devices(storeId);
    expect(devices.every((d) => Math.abs(d.clockSkewMs ?? 0) > 60_000)).toBe(true);
    const flags = await rig.server.admin.flags('clock_skew');
    expect(flags.filter((f) => devices.some((d) => d.deviceId === f.deviceId)).length).toBeGreaterThanOrEqual(
      2,
    );
    await expectConvergedLive(rig.server, [ahead, behind]);
  });

  it('two tills offline redeem the same customer’s points, then both sync: negative balance, flagged, nothing lost', async () => {
    const { storeId } = await rig.server.admin.createStore();
    await rig.server.admin.setProgram(storeId, {
      ...DEFAULT_PROGRAM,
      version: 3,
      rewards: [{ id: 'cake', name: 'Cake', pointsCost: 250, discount: { kind: 'fixed', amount: 250 } }],
      offlineRedemptionCap: 500,
    });
    const a = till();
    const b = till();
    await pair(a, rig.server, storeId, rig.proxy.url, 'A');
    await pair(b, rig.server, storeId, rig.proxy.url, 'B');
    a.ledger.enroll(phone(300), CONSENT);
    a.ledger.checkIn(phone(300), { receiptId: 'big', total: { amount: 60_000, currency: 'USD' } });
    await a.engine.syncNow();
    await b.engine.syncNow();
    expect(b.ledger.balance(phone(300)).confirmed).toBe(600);

    rig.proxy.add({ match: '* /', fault: { kind: 'reset' } });
    await a.engine.syncNow();
    await b.engine.syncNow();
    expect(a.engine.isOffline() && b.engine.isOffline()).toBe(true);
    // Each till lets the customer spend up to the offline cap: 500 each, 1,000 of 600 in all.
    for (const t of [a, b]) {
      t.ledger.redeem(phone(300), 'cake');
      t.ledger.redeem(phone(300), 'cake');
      expect(() => t.ledger.redeem(phone(300), 'cake')).toThrow();
    }
    rig.proxy.clear();
    await a.engine.syncNow();
    await b.engine.syncNow();
    await a.engine.syncNow();
    // Every honoured redemption is kept: the account is 400 below zero and flagged.
    expect(a.ledger.balance(phone(300)).confirmed).toBe(-400);
    expect(b.ledger.balance(phone(300)).confirmed).toBe(-400);
    expect(tillEvents(b.db).every((e) => e.state === 'accepted')).toBe(true);
    const overdrawn = await rig.server.admin.flags('overdrawn');
    expect(overdrawn.length).toBeGreaterThanOrEqual(1);
    const lookup = await a.engine.lookupCustomer(phone(300));
    expect(lookup).toMatchObject({ source: 'server', confirmed: -400, overdrawn: true });
    const day = JSON.parse(tillEvents(a.db)[0]!.body).businessDay as string;
    const report = await a.engine.closeDay(day);
    expect(report.overdrawnCustomers).toBeGreaterThanOrEqual(1);
    await expectConvergedLive(rig.server, [a, b]);
  });

  it('a refused event does not block the events queued behind it', async () => {
    const { storeId } = await rig.server.admin.createStore();
    const a = till();
    const b = till();
    await pair(a, rig.server, storeId, rig.server.url, 'A');
    await pair(b, rig.server, storeId, rig.server.url, 'B');
    a.ledger.enroll(phone(400), CONSENT);
    b.ledger.enroll(phone(401), CONSENT);
    a.ledger.checkIn(phone(400), { receiptId: 'same', total: { amount: 900, currency: 'USD' } });
    b.ledger.checkIn(phone(401), { receiptId: 'same', total: { amount: 900, currency: 'USD' } });
    for (let i = 0; i < 50; i++) {
      b.ledger.checkIn(phone(401), { receiptId: `after-${i}`, total: { amount: 100, currency: 'USD' } });
    }
    await a.engine.syncNow();
    const status = await b.engine.syncNow();
    expect(status.pendingEvents).toBe(0);
    const states = tillEvents(b.db).map((e) => e.state);
    expect(states.filter((s) => s === 'rejected')).toHaveLength(1);
    expect(states.filter((s) => s === 'accepted')).toHaveLength(51);
    expect(b.ledger.balance(phone(401))).toMatchObject({ confirmed: 50, provisional: 50 });
    await expectConvergedLive(rig.server, [a, b]);
  });
});

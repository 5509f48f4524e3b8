import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { expect } from 'vitest';
import type { ServerProcess } from './server';
import { confirmedBalances, tillEvents, type TestTill } from './till';

/**
 * The end state every fault test asserts, read from the server's own database (the server process
 * is stopped first, so PGlite can open its folder):
 *   - every till event is on the server exactly once, with the body the till wrote (same hash),
 *     or refused there for a reason, and the till knows which;
 *   - the server holds no event of these tills that the tills do not have;
 *   - nothing is left in any outbox;
 *   - each customer's server balance is the sum of the accepted events, and each till's confirmed
 *     balance equals it.
 * Returns the server's balances by phone. The server is started again unless `restart` is false.
 */
export async function expectConverged(
  server: ServerProcess,
  tills: readonly TestTill[],
  options: { restart?: boolean } = {},
): Promise<{ balances: Map<string, number>; server: ServerProcess }> {
  for (const till of tills) {
    expect(till.engine.status().pendingEvents, `till ${till.ledger.deviceId} outbox`).toBe(0);
  }
  await server.stop();
  const pg = await PGlite.create({ dataDir: server.dataDir });
  let balances: Map<string, number>;
  try {
    const deviceIds = tills.map((till) => till.ledger.deviceId);
    const stored = (
      await pg.query<{ id: string; device_id: string; seq: number; hash: string | null; points: number }>(
        `SELECT id::text, device_id::text, seq::int AS seq, encode(body_hash, 'hex') AS hash, points::int AS points
           FROM ledger_events WHERE device_id::text = ANY($1::text[])`,
        [deviceIds],
      )
    ).rows;
    const refused = (
      await pg.query<{ event_id: string; seq: number; reason: string }>(
        `SELECT event_id::text, seq::int AS seq, reason FROM rejected_events WHERE device_id::text = ANY($1::text[])`,
        [deviceIds],
      )
    ).rows;
    const storedById = new Map<string, (typeof stored)[number][]>();
    for (const row of stored) storedById.set(row.id, [...(storedById.get(row.id) ?? []), row]);
    const refusedById = new Map(refused.map((row) => [row.event_id, row]));
    const expectedBalance = new Map<string, number>();
    let tillEventCount = 0;
    for (const till of tills) {
      for (const event of tillEvents(till.db)) {
        const copies = storedById.get(event.id) ?? [];
        if (event.state === 'rejected') {
          expect(copies, `refused event ${event.id} must not be stored`).toHaveLength(0);
          expect(refusedById.has(event.id), `refused event ${event.id} is recorded as refused`).toBe(true);
          continue;
        }
        tillEventCount++;
        expect(event.state, `event seq ${event.seq} of ${till.ledger.deviceId} is settled`).not.toBeNull();
        expect(copies, `event ${event.id} (seq ${event.seq}) on the server exactly once`).toHaveLength(1);
        const copy = copies[0]!;
        expect(copy.seq).toBe(event.seq);
        expect(copy.device_id).toBe(till.ledger.deviceId);
        expect(copy.hash).toBe(createHash('sha256').update(event.body).digest('hex'));
        if (event.phone)
          expectedBalance.set(event.phone, (expectedBalance.get(event.phone) ?? 0) + event.delta);
      }
    }
    expect(stored.length, 'the server holds no event the tills do not have').toBe(tillEventCount);
    const rows = (
      await pg.query<{ phone: string; points: number }>(
        `SELECT c.phone, b.points::int AS points FROM balances b JOIN customers c ON c.id = b.customer_id
          WHERE c.phone IS NOT NULL`,
      )
    ).rows;
    balances = new Map(rows.map((row) => [row.phone, row.points]));
    for (const [phone, points] of expectedBalance) {
      expect(balances.get(phone) ?? 0, `server balance of ${phone}`).toBe(points);
    }
  } finally {
    await pg.close();
  }
  if (options.restart === false) return { balances, server };
  const restarted = await server.restart();
  // Every till pulls once more, then its confirmed balances must be the server's.
  for (const till of tills) {
    await till.engine.syncNow();
    for (const [phone, confirmed] of confirmedBalances(till.db)) {
      if (confirmed === null) continue;
      expect(confirmed, `confirmed balance of ${phone} on ${till.ledger.deviceId}`).toBe(
        balances.get(phone) ?? 0,
      );
    }
  }
  return { balances, server: restarted };
}

/**
 * The same end state checked through the running server's APIs, without stopping it: per till,
 * the server's last seq is the till's last seq, and the server's per-day event count for the till
 * equals the till's accepted events (so none is missing and none doubled: ids are unique there);
 * each customer's server balance is the sum of accepted events and the till's confirmed balance.
 */
export async function expectConvergedLive(server: ServerProcess, tills: readonly TestTill[]): Promise<void> {
  const expectedBalance = new Map<string, number>();
  for (const till of tills) {
    await till.engine.syncNow();
    expect(till.engine.status().pendingEvents, `till ${till.ledger.deviceId} outbox`).toBe(0);
    const events = tillEvents(till.db);
    const storeId = till.engine.status().storeId!;
    const device = (await server.admin.devices(storeId)).find((d) => d.deviceId === till.ledger.deviceId);
    expect(device?.lastSeq, 'server last seq').toBe(events[events.length - 1]?.seq ?? 0);
    const perDay = new Map<string, number>();
    for (const event of events) {
      expect(event.state, `event seq ${event.seq} settled`).not.toBeNull();
      const body = JSON.parse(event.body) as { businessDay: string; type: string };
      if (event.state === 'rejected' || body.type === 'day.closed') continue;
      perDay.set(body.businessDay, (perDay.get(body.businessDay) ?? 0) + 1);
      if (event.phone)
        expectedBalance.set(event.phone, (expectedBalance.get(event.phone) ?? 0) + event.delta);
    }
    for (const [day, count] of perDay) {
      const report = await server.admin.report(storeId, day);
      const mine = report.tills.find((t) => t.deviceId === till.ledger.deviceId);
      expect(mine?.server.events ?? 0, `server events of ${day}`).toBe(count);
    }
  }
  const token = readFileSync(join(tills[0]!.dir, 'device-token'), 'utf8').trim();
  for (const [phone, points] of expectedBalance) {
    const reply = await fetch(`${server.url}/v1/customers/${encodeURIComponent(phone)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await reply.json()) as { balance: number };
    expect(body.balance, `server balance of ${phone}`).toBe(points);
    for (const till of tills) {
      const confirmed = confirmedBalances(till.db).get(phone);
      if (confirmed !== undefined && confirmed !== null) {
        expect(confirmed, `confirmed balance of ${phone} on ${till.ledger.deviceId}`).toBe(points);
      }
    }
  }
}

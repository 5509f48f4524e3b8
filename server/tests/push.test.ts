import { type Socket, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, PushResponse, SeqGapResponse } from '../../src/shared/sync';
import { type Database, openPostgres } from '../src/db/database';
import { waitFor } from '../../tests/fault/sync/support/wait';
import { ADMIN_TOKEN, DB_KIND, type TestServer, type Till, createTestServer, phone } from './support/harness';

let server: TestServer;
let storeId: string;

beforeAll(async () => {
  server = await createTestServer();
  ({ storeId } = await server.createStore());
});
afterAll(async () => {
  await server?.close();
});

async function newTill(): Promise<Till> {
  return server.enrol(storeId);
}

const balanceOf = (res: PushResponse, phoneNumber: string) =>
  res.balances.find((b) => b.phone === phoneNumber)?.balance;

/** A value of the server's /metrics: `pattern` is the series (a regular expression), NaN if absent. */
async function metricOf(target: TestServer, pattern: string): Promise<number> {
  const text = (await target.request<string>('GET', '/metrics')).body;
  return Number(new RegExp(`^${pattern} (\\d+)$`, 'm').exec(text)?.[1]);
}

/**
 * A push over a real socket whose client sends half of a large body and stops, as a till that
 * gives up mid-upload: the server reads its headers, not its body. Destroy the socket to leave.
 */
async function halfSentPush(target: TestServer, token: string): Promise<Socket> {
  const address = await target.app.listen({ port: 0, host: '127.0.0.1' });
  const socket = connect(Number(new URL(address).port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    `POST /v1/sync/push HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: 200000\r\n\r\n${'{"events": ['.padEnd(100_000, ' ')}`,
  );
  return socket;
}

describe('push: idempotency', () => {
  it('the same batch pushed 3 times is stored once; later pushes answer duplicate with the same balance', async () => {
    const till = await newTill();
    const p = phone(1);
    const batch = [till.enrolled(p), till.earned(p, 'R-1', 12_50), till.earned(p, 'R-2', 7_00)];
    const first = await till.push(batch);
    expect(first.status).toBe(200);
    expect(first.body.results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(first.body.lastSeq).toBe(3);
    expect(balanceOf(first.body, p)).toBe(19);

    for (let i = 0; i < 2; i++) {
      const again = await till.push(batch);
      expect(again.status).toBe(200);
      expect(again.body.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
      expect(again.body.lastSeq).toBe(3);
      expect(balanceOf(again.body, p)).toBe(19);
    }
    expect(await server.count('ledger_events', 'device_id = $1', [till.deviceId])).toBe(3);
    const { rows } = await server.db.query<{ points: number; event_count: number }>(
      'SELECT b.points, b.event_count FROM balances b JOIN customers c ON c.id = b.customer_id WHERE c.phone = $1',
      [p],
    );
    expect(rows[0]).toEqual({ points: 19, event_count: 3 });
  });

  it('the same batch pushed concurrently (10 at once) leaves one copy and one balance', async () => {
    const till = await newTill();
    const p = phone(2);
    const batch = Array.from({ length: 50 }, (_, i) => till.earned(p, `C-${i}`, 1_00));
    const replies = await Promise.all(Array.from({ length: 10 }, () => till.push(batch)));
    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(reply.body.lastSeq).toBe(50);
    }
    const accepted = replies.flatMap((r) => r.body.results).filter((r) => r.status === 'accepted').length;
    expect(accepted).toBe(50);
    expect(await server.count('ledger_events', 'device_id = $1', [till.deviceId])).toBe(50);
    const lookup = await server.request<{ balance: number }>('GET', `/v1/customers/${p}`, {
      token: till.token,
    });
    expect(lookup.body.balance).toBe(50);
  });

  it('a batch overlapping what was applied answers duplicates then accepts the rest', async () => {
    const till = await newTill();
    const p = phone(3);
    const events = Array.from({ length: 6 }, (_, i) => till.earned(p, `O-${i}`, 1_00));
    expect((await till.push(events.slice(0, 4))).body.lastSeq).toBe(4);
    const res = await till.push(events.slice(2));
    expect(res.body.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'accepted', 'accepted']);
    expect(res.body.lastSeq).toBe(6);
    expect(balanceOf(res.body, p)).toBe(6);
  });

  it('an empty push is a handshake: it tells the last applied seq', async () => {
    const till = await newTill();
    const res = await till.push([]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ lastSeq: 0, results: [], balances: [] });
  });

  it('a long offline backlog (20,000 events) goes up in 500-event batches', async () => {
    const till = await newTill();
    const total = 20_000;
    let lastSeq = 0;
    for (let start = 0; start < total; start += 500) {
      const batch = Array.from({ length: 500 }, (_, i) =>
        till.earnedPoints(phone(1000 + ((start + i) % 200)), null, 1),
      );
      const res = await till.push(batch);
      expect(res.status).toBe(200);
      lastSeq = res.body.lastSeq;
    }
    expect(lastSeq).toBe(total);
    expect(await server.count('ledger_events', 'device_id = $1', [till.deviceId])).toBe(total);
    const { rows } = await server.db.query<{ sum: number }>(
      `SELECT sum(b.points) AS sum FROM balances b JOIN customers c ON c.id = b.customer_id
        WHERE c.phone >= $1 AND c.phone <= $2`,
      [phone(1000), phone(1199)],
    );
    expect(rows[0]?.sum).toBe(total);
  });

  it('thousands of events in the same millisecond are all kept, in seq order', async () => {
    const till = await newTill();
    const instant = '2026-11-23T12:00:00.000Z';
    const batch = Array.from({ length: 500 }, () =>
      till.earnedPoints(phone(4), null, 1, { occurredAt: instant }),
    );
    const res = await till.push(batch);
    expect(res.body.results.every((r) => r.status === 'accepted')).toBe(true);
    const { rows } = await server.db.query<{ seq: number }>(
      'SELECT seq FROM ledger_events WHERE device_id = $1 ORDER BY server_seq',
      [till.deviceId],
    );
    expect(rows.map((r) => r.seq)).toEqual(batch.map((e) => e.seq));
  });
});

describe('push: conflicts, gaps and rejections', () => {
  it('a repeated id with a different body is rejected as a conflict and never applied; the device moves on', async () => {
    const a = await newTill();
    const b = await newTill();
    const p = phone(10);
    const original = a.earned(p, 'X-1', 5_00);
    expect((await a.push([original])).body.results[0]?.status).toBe('accepted');
    // Till B reuses A's id (a bug or a cloned disk) for a different event.
    const clash = b.earned(p, 'X-2', 90_00, { id: original.id });
    const next = b.earned(p, 'X-3', 1_00);
    const res = await b.push([clash, next]);
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ status: 'rejected', reason: 'conflict' });
    expect(res.body.results[1]).toMatchObject({ status: 'accepted' });
    expect(res.body.lastSeq).toBe(2);
    expect(balanceOf(res.body, p)).toBe(6);
    expect(await server.count('rejected_events', 'device_id = $1', [b.deviceId])).toBe(1);
    // The retry gets the same answer, and nothing changes.
    const retry = await b.push([clash, next]);
    expect(retry.body.results[0]).toMatchObject({ status: 'rejected', reason: 'conflict' });
    expect(retry.body.results[1]).toMatchObject({ status: 'duplicate' });
    expect(balanceOf(retry.body, p)).toBe(6);
  });

  it('the same id resent with a changed body by the same device is a conflict, not a duplicate', async () => {
    const till = await newTill();
    const p = phone(11);
    const event = till.earned(p, 'Y-1', 5_00);
    await till.push([event]);
    const tampered = { ...event, payload: { ...event.payload, points: 500 } } as typeof event;
    const res = await till.push([tampered]);
    expect(res.body.results[0]).toMatchObject({ status: 'rejected', reason: 'conflict' });
    expect(balanceOf(res.body, p)).toBe(5);
  });

  it('a gap in seq answers 409 with the expected seq and stores nothing', async () => {
    const till = await newTill();
    const p = phone(12);
    await till.push([till.earned(p, 'G-1', 1_00)]);
    till.seq = 4; // seq 2..4 "lost"
    const res = await till.push([till.earned(p, 'G-5', 1_00)]);
    expect(res.status).toBe(409);
    const body = res.body as unknown as SeqGapResponse;
    expect(body.error.code).toBe('seq_gap');
    expect(body.expectedSeq).toBe(2);
    expect(body.lastSeq).toBe(1);
    expect(await server.count('ledger_events', 'device_id = $1', [till.deviceId])).toBe(1);
  });

  it('seq numbers inside a batch must be consecutive (400 naming the event)', async () => {
    const till = await newTill();
    const e1 = till.earned(phone(13), 'S-1', 1_00);
    till.seq++;
    const e3 = till.earned(phone(13), 'S-3', 1_00);
    const res = await till.push([e1, e3]);
    expect(res.status).toBe(400);
    expect((res.body as unknown as ApiError).error.field).toBe('events.1.seq');
    expect(await server.count('ledger_events', 'device_id = $1', [till.deviceId])).toBe(0);
  });

  it('a receipt earns once per store: a second check-in of it is rejected, and the device still advances', async () => {
    const a = await newTill();
    const b = await newTill();
    const p = phone(14);
    await a.push([a.earned(p, 'DUP-1', 20_00)]);
    const res = await b.push([b.earned(phone(15), 'DUP-1', 20_00), b.earned(p, 'OTHER', 1_00)]);
    expect(res.body.results[0]).toMatchObject({ status: 'rejected', reason: 'already_checked_in' });
    expect(res.body.results[1]?.status).toBe('accepted');
    expect(res.body.lastSeq).toBe(2);
    expect(balanceOf(res.body, phone(15))).toBe(0);
    // The same receipt id at another store is another receipt.
    const other = await server.createStore({ name: 'Other shop' });
    const c = await server.enrol(other.storeId);
    const elsewhere = await c.push([c.earned(p, 'DUP-1', 20_00)]);
    expect(elsewhere.body.results[0]?.status).toBe('accepted');
  });

  it('a seq already used for another event is rejected (seq_reused) without touching the stored one', async () => {
    const till = await newTill();
    const p = phone(16);
    await till.push([till.earned(p, 'Q-1', 3_00)]);
    const reused = till.earned(p, 'Q-1b', 50_00, { seq: 1 });
    const res = await till.push([reused]);
    expect(res.body.results[0]).toMatchObject({ status: 'rejected', reason: 'seq_reused' });
    expect(balanceOf(res.body, p)).toBe(3);
  });
});

describe('push: voided events', () => {
  const voidSeq = (
    deviceId: string,
    seq: number | string,
    body: unknown = { note: 'ticket 7' },
    token = ADMIN_TOKEN,
  ) =>
    server.request<{ lastSeq: number; seq: number; message: string }>(
      'POST',
      `/v1/admin/devices/${deviceId}/events/${seq}/void`,
      { payload: body, token },
    );

  it('support voids the event a till is stuck on: the device moves past it, nothing applied', async () => {
    const till = await newTill();
    const p = phone(80);
    expect((await till.push([till.earned(p, 'V-1', 10_00)])).status).toBe(200);
    // Seq 2 is one the server cannot read (a field it does not know): 400, nothing moves.
    const unreadable = { ...till.earned(p, 'V-2', 20_00), surprise: true };
    const stuck = await till.push([unreadable as never]);
    expect(stuck.status).toBe(400);
    expect((stuck.body as unknown as ApiError).error.field).toBe('events.0');

    const voided = await voidSeq(till.deviceId, 2);
    expect(voided.status).toBe(200);
    expect(voided.body).toMatchObject({ seq: 2, lastSeq: 2 });
    expect(voided.body.message).toMatch(/Voided by support \(ticket 7\)/);
    // Doing it again answers the same; any other seq is refused naming the one expected.
    expect((await voidSeq(till.deviceId, 2)).body).toEqual(voided.body);
    const later = await voidSeq(till.deviceId, 4);
    expect(later.status).toBe(409);
    expect((later.body as unknown as ApiError).error.message).toMatch(
      /next seq the server expects from this device, 3/,
    );
    expect(later.body).toMatchObject({ expectedSeq: 3, lastSeq: 2 });
    const applied = await voidSeq(till.deviceId, 1);
    expect(applied.status).toBe(409);
    expect((applied.body as unknown as ApiError).error.message).toMatch(/Seq 1 was already applied/);
    expect(applied.body).toMatchObject({ expectedSeq: 3, lastSeq: 2 });

    // The till learns it from an empty push, and goes on from seq 3.
    const handshake = await till.push([]);
    expect(handshake.body.lastSeq).toBe(2);
    const next = await till.push([till.earned(p, 'V-3', 5_00)]);
    expect(next.body.results.map((r) => r.status)).toEqual(['accepted']);
    expect(balanceOf(next.body, p)).toBe(15);
    // Sent again readable (an upgraded till), the voided seq is still not applied.
    const resent = await till.push([till.earned(p, 'V-2', 20_00, { seq: 2 })]);
    expect(resent.body.results[0]).toMatchObject({ status: 'rejected', reason: 'seq_reused' });
    expect((resent.body.results[0] as { message: string }).message).toMatch(/Voided by support/);
    expect(balanceOf(resent.body, p)).toBe(15);
    expect(await server.count('ledger_events', 'device_id = $1', [till.deviceId])).toBe(2);
  });

  it('needs the admin token, a known device, a seq and a note', async () => {
    const till = await newTill();
    expect((await voidSeq(till.deviceId, 1, { note: 'x' }, till.token)).status).toBe(401);
    const unknown = await voidSeq('01900000-0000-7000-8000-000000000000', 1);
    expect(unknown.status).toBe(404);
    expect((await voidSeq(till.deviceId, 'abc')).status).toBe(400);
    expect((await voidSeq(till.deviceId, 0)).status).toBe(400);
    const noNote = await voidSeq(till.deviceId, 1, {});
    expect(noNote.status).toBe(400);
    expect((noNote.body as unknown as ApiError).error.field).toBe('note');
    expect(await server.count('rejected_events', 'device_id = $1', [till.deviceId])).toBe(0);
  });
});

describe('push: redemptions, flags and clocks', () => {
  it('never rejects a redemption the till honoured: the balance goes negative and is flagged, then repaid', async () => {
    const till = await newTill();
    const p = phone(20);
    const res = await till.push([till.enrolled(p), till.earned(p, 'N-1', 30_00), till.redeemed(p, 100)]);
    expect(res.body.results.every((r) => r.status === 'accepted')).toBe(true);
    expect(res.body.balances[0]).toMatchObject({ balance: -70, overdrawn: true });
    const flags = await server.admin<{
      flags: { kind: string; customerId: string; resolvedAt: string | null }[];
    }>('GET', `/v1/admin/flags?kind=overdrawn&storeId=${storeId}&open=true`);
    const customerId = res.body.balances[0]?.customerId;
    expect(flags.body.flags.filter((f) => f.customerId === customerId)).toHaveLength(1);

    const repaid = await till.push([till.earned(p, 'N-2', 80_00)]);
    expect(repaid.body.balances[0]).toMatchObject({ balance: 10, overdrawn: false });
    const after = await server.admin<{ flags: { customerId: string; resolvedAt: string | null }[] }>(
      'GET',
      '/v1/admin/flags?kind=overdrawn',
    );
    const mine = after.body.flags.filter((f) => f.customerId === customerId);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.resolvedAt).not.toBeNull();
  });

  it('two offline tills redeeming the same points both succeed; the account is flagged once', async () => {
    const a = await newTill();
    const b = await newTill();
    const p = phone(21);
    await a.push([a.earned(p, 'T-1', 100_00)]);
    const [ra, rb] = await Promise.all([a.push([a.redeemed(p, 100)]), b.push([b.redeemed(p, 100)])]);
    expect(ra.body.results[0]?.status).toBe('accepted');
    expect(rb.body.results[0]?.status).toBe('accepted');
    const lookup = await server.request<{ balance: number; overdrawn: boolean }>(
      'GET',
      `/v1/customers/${p}`,
      {
        token: a.token,
      },
    );
    expect(lookup.body).toMatchObject({ balance: -100, overdrawn: true });
    expect(
      await server.count(
        'flags',
        "kind = 'overdrawn' AND resolved_at IS NULL AND detail->>'balance' = '-100'",
      ),
    ).toBe(1);
  });

  it.each([
    ['one hour fast', 3_600_000],
    ['one hour slow', -3_600_000],
    ['one day fast', 86_400_000],
    ['one day slow', -86_400_000],
  ])('a till clock %s syncs normally and is flagged', async (_label, offsetMs) => {
    const till = await newTill();
    const tillNow = new Date(Date.now() + offsetMs).toISOString();
    const p = phone(22);
    const res = await till.push([till.earned(p, null, 5_00, { occurredAt: tillNow })], { sentAt: tillNow });
    expect(res.status).toBe(200);
    expect(res.body.results[0]?.status).toBe('accepted');
    expect(res.body.clockSkewFlagged).toBe(true);
    expect(Math.abs(res.body.clockSkewMs - offsetMs)).toBeLessThan(60_000);
    expect(
      await server.count('flags', "kind = 'clock_skew' AND device_id = $1 AND resolved_at IS NULL", [
        till.deviceId,
      ]),
    ).toBe(1);
    // A second skewed push updates the same open flag rather than adding one per push.
    await till.push([till.earned(p, null, 5_00, { occurredAt: tillNow })], { sentAt: tillNow });
    expect(await server.count('flags', "kind = 'clock_skew' AND device_id = $1", [till.deviceId])).toBe(1);
    // Once the clock is right again the flag is resolved.
    await till.push([till.earned(p, null, 5_00)]);
    expect(
      await server.count('flags', "kind = 'clock_skew' AND device_id = $1 AND resolved_at IS NULL", [
        till.deviceId,
      ]),
    ).toBe(0);
  });

  it('events recorded long ago (offline for days) with a correct clock are not a skew', async () => {
    const till = await newTill();
    const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const res = await till.push([till.earned(phone(23), null, 5_00, { occurredAt: old })]);
    expect(res.body.clockSkewFlagged).toBe(false);
  });

  it('points that do not match the program are accepted and flagged as a rule mismatch', async () => {
    const till = await newTill();
    const p = phone(24);
    const wrong = till.earned(p, 'RM-1', 10_00);
    (wrong.payload as { points: number }).points = 55; // program says 10
    const res = await till.push([wrong, till.redeemed(p, 40)]); // reward costs 100
    expect(res.body.results.every((r) => r.status === 'accepted')).toBe(true);
    expect(balanceOf(res.body, p)).toBe(15);
    // Flagged by the background recheck, a moment after the push: wait until it has run.
    await server.recheckRules();
    const { rows } = await server.db.query<{ detail: { problem: string; expected: number; got: number } }>(
      "SELECT detail FROM flags WHERE kind = 'rule_mismatch' AND device_id = $1 ORDER BY id",
      [till.deviceId],
    );
    expect(rows.map((r) => r.detail)).toEqual([
      expect.objectContaining({ problem: 'points', expected: 10, got: 55 }),
      expect.objectContaining({ problem: 'points', expected: 100, got: 40 }),
    ]);
  });

  it('enrolment and consent events update the customer; refunds and adjustments move the balance', async () => {
    const till = await newTill();
    const p = phone(25);
    const res = await till.push([
      till.enrolled(p, 'Zoë'),
      till.earned(p, 'E-1', 40_00),
      till.reversed(p, 'E-1', 10_00, 10),
      till.adjusted(p, -5),
      till.consent(p, true),
    ]);
    expect(balanceOf(res.body, p)).toBe(25);
    const { rows } = await server.db.query<Record<string, unknown>>(
      `SELECT c.first_name, c.sms_consent, c.terms_version, c.enrolled_at IS NOT NULL AS enrolled,
              b.earned, b.reversed, b.adjusted
         FROM customers c JOIN balances b ON b.customer_id = c.id WHERE c.phone = $1`,
      [p],
    );
    expect(rows[0]).toEqual({
      first_name: 'Zoë',
      sms_consent: true,
      terms_version: '1',
      enrolled: true,
      earned: 40,
      reversed: 10,
      adjusted: -5,
    });
  });

  it('the reply carries confirmed balances of every customer touched, including only-retried ones', async () => {
    const till = await newTill();
    const events = [till.earned(phone(30), 'B-1', 3_00), till.earned(phone(31), 'B-2', 4_00)];
    await till.push(events);
    const retry = await till.push(events);
    expect(retry.body.balances.map((b) => [b.phone, b.balance]).sort()).toEqual([
      [phone(30), 3],
      [phone(31), 4],
    ]);
  });
});

describe('push: new customers', () => {
  it('a number new to the server is checked to exist; a customer it already has is not checked again', async () => {
    const till = await newTill();
    // A customer the server has, whose range a newer numbering plan no longer lists (stored as if
    // created under an older one): +1 999 is no area code.
    const former = '+19995550100';
    await server.db.query('INSERT INTO customers (phone) VALUES ($1)', [former]);
    const known = await till.push([till.earned(former, 'NP-1', 5_00)]);
    expect(known.status).toBe(200);
    expect(known.body.results.map((r) => r.status)).toEqual(['accepted']);
    expect(balanceOf(known.body, former)).toBe(5);

    // The same kind of number for a customer it does not have: refused, every event named.
    const unknown = '+19995550101';
    const refused = await till.push([
      till.earned(phone(32), 'NP-2', 1_00),
      till.earned(unknown, 'NP-3', 1_00),
      till.redeemed(unknown, 1),
    ]);
    expect(refused.status).toBe(400);
    const { error } = refused.body as unknown as ApiError;
    expect(error.code).toBe('invalid_input');
    expect(error.field).toBe('events.1.phone');
    expect(error.message).toBe('events.1.phone: That phone number does not exist. (and 1 more problem(s))');
    expect(error.issues?.map((issue) => issue.field)).toEqual(['events.1.phone', 'events.2.phone']);
    // Nothing of that push was stored: not its valid event, not its valid new customer.
    expect(await server.count('customers', 'phone = ANY($1)', [[unknown, phone(32)]])).toBe(0);
    expect(await server.count('ledger_events', 'device_id = $1', [till.deviceId])).toBe(1);
    const after = await till.push([till.earned(phone(32), 'NP-2', 1_00, { seq: 2 })]);
    expect(after.body.results.map((r) => r.status)).toEqual(['accepted']);

    // A retried seq (answered from what is stored, creating no customer) is checked all the same.
    const retried = await till.push([till.earned(unknown, 'NP-4', 1_00, { seq: 2 })]);
    expect(retried.status).toBe(400);
    expect((retried.body as unknown as ApiError).error.field).toBe('events.0.phone');
  });

  it.runIf(DB_KIND === 'postgres')(
    'a new phone is committed before the push waits for anything, so other pushes of it need not wait for that push',
    async () => {
      const till = await newTill();
      const known = phone(40);
      const fresh = phone(41);
      await till.push([till.earned(known, 'K-1', 1_00)]);
      const { rows } = await server.db.query<{ id: string }>('SELECT id FROM customers WHERE phone = $1', [
        known,
      ]);
      // Another writer holds the known customer's balance row, so the push below stops there.
      const holder = openPostgres({ url: server.database.url as string, poolSize: 1 });
      let release: () => void = () => {};
      let held: () => void = () => {};
      const holding = new Promise<void>((resolve) => (held = resolve));
      const holderDone = holder.transaction(async (tx) => {
        await tx.query('SELECT 1 FROM balances WHERE customer_id = $1 FOR UPDATE', [rows[0]?.id]);
        held();
        await new Promise<void>((resolve) => (release = resolve));
      });
      await holding;
      let pushEnded = false;
      const pushing = till
        .push([till.earned(fresh, 'K-2', 2_00), till.earned(known, 'K-3', 3_00)])
        .finally(() => (pushEnded = true));
      try {
        // The new phone's customer is visible to everyone while that push still waits.
        await waitFor(async () => (await server.count('customers', 'phone = $1', [fresh])) > 0, {
          timeoutMs: 10_000,
          what: 'the new customer to be visible',
        });
        expect(await server.count('customers', 'phone = $1', [fresh])).toBe(1);
        expect(pushEnded).toBe(false);
      } finally {
        release();
        await holderDone;
        await holder.close();
      }
      const res = await pushing;
      expect(res.status).toBe(200);
      expect(res.body.results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
      expect(balanceOf(res.body, fresh)).toBe(2);
      expect(balanceOf(res.body, known)).toBe(4);
      expect(await server.count('customers', 'phone = $1', [fresh])).toBe(1);
    },
  );
});

describe.runIf(DB_KIND === 'postgres')('push: admission', () => {
  // PUSH_CONCURRENCY=1, and the one place held: another connection holds the first till's device
  // row, so its push waits in the database.
  let limited: TestServer;
  let holder: Database;
  let release: () => void = () => {};
  let holderDone: Promise<void>;
  let first: Promise<unknown>;
  let other: Till;

  const gauge = (name: string) => metricOf(limited, name);

  beforeAll(async () => {
    limited = await createTestServer({ PUSH_CONCURRENCY: '1' });
    holder = openPostgres({ url: limited.database.url as string, poolSize: 1 });
    const { storeId: store } = await limited.createStore();
    const blocked = await limited.enrol(store);
    other = await limited.enrol(store);
    let held: () => void = () => {};
    const holding = new Promise<void>((resolve) => (held = resolve));
    holderDone = holder.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM devices WHERE id = $1 FOR UPDATE', [blocked.deviceId]);
      held();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await holding;
    first = blocked.push([blocked.earned(phone(60), 'A-1', 1_00)]);
    await waitFor(async () => (await gauge('loyalty_sync_push_in_progress')) === 1, {
      timeoutMs: 10_000,
      what: 'loyalty_sync_push_in_progress 1',
    });
  });
  afterAll(async () => {
    release();
    await holderDone;
    await holder?.close();
    await limited?.close();
  });

  it('beyond PUSH_CONCURRENCY a push waits before its body is read, and goes in when a place frees', async () => {
    // A client that gives up while it waits, over a real socket: half its body sent, then gone.
    const quitter = await halfSentPush(limited, other.token);
    await waitFor(async () => (await gauge('loyalty_sync_push_waiting')) === 1, {
      timeoutMs: 10_000,
      what: 'loyalty_sync_push_waiting 1',
    });
    expect(await gauge('loyalty_sync_push_waiting')).toBe(1);
    quitter.destroy();

    // Malformed JSON: had its body been read, it would be answered 400 at once.
    let answered = false;
    const second = limited
      .request<ApiError>('POST', '/v1/sync/push', {
        token: other.token,
        payload: '{"events": [',
        headers: { 'content-type': 'application/json' },
      })
      .finally(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    expect(await gauge('loyalty_sync_push_waiting')).toBeGreaterThanOrEqual(1);

    release();
    await holderDone;
    expect(((await first) as { status: number }).status).toBe(200);
    const refused = await second;
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('invalid_json');

    // Every place came back, the quitter's too: a push goes straight through.
    const next = await other.push([other.earned(phone(61), 'B-1', 2_00)]);
    expect(next.status).toBe(200);
    await waitFor(async () => (await gauge('loyalty_sync_push_in_progress')) === 0, {
      timeoutMs: 10_000,
      what: 'loyalty_sync_push_in_progress 0',
    });
    expect(await gauge('loyalty_sync_push_in_progress')).toBe(0);
    expect(await gauge('loyalty_sync_push_waiting')).toBe(0);
  });
});

describe.runIf(DB_KIND === 'postgres')('push: queue timeout', () => {
  // PUSH_CONCURRENCY=1 and PUSH_QUEUE_TIMEOUT_SECONDS=1; the one place held by a push that waits
  // for its device row, which another connection holds.
  let limited: TestServer;
  let holder: Database;

  const metric = (pattern: string) => metricOf(limited, pattern);

  beforeAll(async () => {
    limited = await createTestServer({ PUSH_CONCURRENCY: '1', PUSH_QUEUE_TIMEOUT_SECONDS: '1' });
    holder = openPostgres({ url: limited.database.url as string, poolSize: 1 });
  });
  afterAll(async () => {
    await holder?.close();
    await limited?.close();
  });

  it('a push that waits longer than PUSH_QUEUE_TIMEOUT_SECONDS is answered busy, its body unread', async () => {
    const { storeId: store } = await limited.createStore();
    const blocked = await limited.enrol(store);
    const other = await limited.enrol(store);
    let release: () => void = () => {};
    let held: () => void = () => {};
    const holding = new Promise<void>((resolve) => (held = resolve));
    const holderDone = holder.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM devices WHERE id = $1 FOR UPDATE', [blocked.deviceId]);
      held();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await holding;
    try {
      const first = blocked.push([blocked.earned(phone(70), 'Q-1', 1_00)]);
      await waitFor(async () => (await metric('loyalty_sync_push_in_progress')) === 1, {
        timeoutMs: 10_000,
        what: 'loyalty_sync_push_in_progress 1',
      });

      // A client that left with half its body sent: its socket is paused unread, so Node cannot
      // see it go. It waits out the timeout instead of being admitted later.
      const quitter = await halfSentPush(limited, other.token);
      await waitFor(async () => (await metric('loyalty_sync_push_waiting')) === 1, {
        timeoutMs: 10_000,
        what: 'loyalty_sync_push_waiting 1',
      });
      quitter.destroy();

      // A till still waiting: answered 503 busy with Retry-After after about a second.
      const started = Date.now();
      const waited = await other.push([other.earned(phone(71), 'Q-2', 2_00)]);
      expect(waited.status).toBe(503);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(waited.headers['retry-after']).toBe('5');
      const { error } = waited.body as unknown as ApiError;
      expect(error.code).toBe('unavailable');
      expect(error.message).toMatch(/busy/);
      await waitFor(async () => (await metric('loyalty_sync_push_waiting')) === 0, {
        timeoutMs: 10_000,
        what: 'loyalty_sync_push_waiting 0',
      });
      // Neither was ever admitted: the held push still has the one place.
      expect(await metric('loyalty_sync_push_in_progress')).toBe(1);
      expect(await metric('loyalty_sync_push_batches_total\\{outcome="busy"\\}')).toBe(2);
      expect(await limited.count('ledger_events', 'device_id = $1', [other.deviceId])).toBe(0);

      release();
      expect(((await first) as { status: number }).status).toBe(200);
      const again = await other.push([other.earned(phone(71), 'Q-2', 2_00, { seq: 1 })]);
      expect(again.status).toBe(200);
      expect(again.body.results.map((r) => r.status)).toEqual(['accepted']);
    } finally {
      release();
      await holderDone;
    }
  });
});

describe('push: references', () => {
  it('every stored event names a device, a store and a customer that exist (no foreign keys do it)', async () => {
    // Runs last in this file, over everything the tests above pushed.
    expect(await server.count('ledger_events')).toBeGreaterThan(0);
    const dangling = await server.db.query<{ n: number }>(
      `SELECT count(*) AS n FROM ledger_events e
        WHERE NOT EXISTS (SELECT 1 FROM devices d WHERE d.id = e.device_id AND d.store_id = e.store_id)
           OR NOT EXISTS (SELECT 1 FROM stores s WHERE s.id = e.store_id)
           OR (e.customer_id IS NULL) <> (e.type = 'day.closed')
           OR (e.customer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = e.customer_id))`,
    );
    expect(dangling.rows[0]?.n).toBe(0);
  });

  it('every balance and feed row names a store and a customer that exist (no foreign keys do it)', async () => {
    expect(await server.count('balances')).toBeGreaterThan(0);
    expect(await server.count('store_customers')).toBeGreaterThan(0);
    const dangling = await server.db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM balances b
                WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = b.customer_id))
            + (SELECT count(*) FROM store_customers sc
                WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = sc.customer_id)
                   OR NOT EXISTS (SELECT 1 FROM stores s WHERE s.id = sc.store_id)) AS n`,
    );
    expect(dangling.rows[0]?.n).toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, createTestServer, phone } from './support/harness';

let server: TestServer;

beforeAll(async () => {
  server = await createTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('erase (GDPR / CCPA)', () => {
  it('removes the phone and name everywhere, keeps the anonymous amounts, and tells the tills', async () => {
    const { storeId } = await server.createStore({ name: 'Erase shop' });
    const till = await server.enrol(storeId);
    const p = phone(1);
    const events = [till.enrolled(p, 'Eve'), till.earned(p, 'E-1', 25_00), till.redeemed(p, 100)];
    await till.push(events);
    // A rejected event with her number in it, too.
    await till.push([till.earned(phone(2), 'E-1', 1_00)]);
    const clash = till.earned(p, 'E-9', 1_00, { id: events[1]?.id });
    await till.push([clash]);
    const { cursor } = await till.pullAll();
    const before = await server.admin<{ totals: unknown; outstandingPoints: number }>(
      'GET',
      `/v1/reports/daily?storeId=${storeId}&date=2026-11-23`,
    );

    const erase = await server.admin<{ customerId: string; eventsScrubbed: number }>(
      'POST',
      `/v1/admin/customers/${encodeURIComponent(p)}/erase`,
    );
    expect(erase.status).toBe(200);
    expect(erase.body.eventsScrubbed).toBe(3);
    const { customerId } = erase.body;

    const dump = await server.db.query<{ t: string }>(
      `SELECT concat_ws('|',
         (SELECT string_agg(c::text, ',') FROM customers c),
         (SELECT string_agg(e.body::text || coalesce(encode(e.body_hash, 'hex'), ''), ',') FROM ledger_events e),
         (SELECT string_agg(r.body::text, ',') FROM rejected_events r),
         (SELECT string_agg(f.detail::text, ',') FROM flags f)) AS t`,
    );
    expect(dump.rows[0]?.t).not.toContain(p.slice(1));
    expect(dump.rows[0]?.t).not.toContain('Eve');
    expect(
      await server.count('ledger_events', 'customer_id = $1 AND body_hash IS NOT NULL', [customerId]),
    ).toBe(0);

    // Amounts stay: the balance row and the report are unchanged.
    const { rows } = await server.db.query<{ points: number }>(
      'SELECT points FROM balances WHERE customer_id = $1',
      [customerId],
    );
    expect(rows[0]?.points).toBe(-75);
    const after = await server.admin<{ totals: unknown; outstandingPoints: number }>(
      'GET',
      `/v1/reports/daily?storeId=${storeId}&date=2026-11-23`,
    );
    expect(after.body.totals).toEqual(before.body.totals);
    expect(after.body.outstandingPoints).toBe(before.body.outstandingPoints);

    // Look-up no longer finds her; tills are told to forget her.
    expect((await server.request('GET', `/v1/customers/${p}`, { token: till.token })).status).toBe(404);
    const { changes } = await till.pullAll(cursor);
    expect(changes).toEqual([expect.objectContaining({ type: 'customer.erased', customerId })]);
    expect(JSON.stringify(changes)).not.toContain(p);

    // A till retrying an erased event hears "duplicate" and nothing is re-created.
    const retry = await till.push(events);
    expect(retry.body.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(await server.count('customers', 'phone = $1', [p])).toBe(0);

    // Erasing twice: she is no longer there.
    expect((await server.admin('POST', `/v1/admin/customers/${encodeURIComponent(p)}/erase`)).status).toBe(
      404,
    );

    // If she joins again later, she is a new customer with a fresh balance.
    const rejoin = await till.push([till.enrolled(p, null), till.earned(p, 'E-2', 3_00)]);
    expect(rejoin.body.balances).toEqual([expect.objectContaining({ phone: p, balance: 3 })]);
    expect(rejoin.body.balances[0]?.customerId).not.toBe(customerId);
  });
});

describe('daily report', () => {
  it('counts check-ins, enrolments and points, outstanding points, flags, and reconciles each till', async () => {
    const { storeId } = await server.createStore({ name: 'Report shop', timeZone: 'Australia/Sydney' });
    const a = await server.enrol(storeId);
    const b = await server.enrol(storeId);
    const day = '2026-11-20';
    const o = { businessDay: day };
    await a.push([
      a.enrolled(phone(10), 'Al', o),
      a.earned(phone(10), 'D-1', 150_00, o),
      a.earned(phone(11), 'D-2', 40_00, o),
      a.redeemed(phone(10), 100, o),
      a.reversed(phone(10), 'D-1', 50_00, 50, o),
      a.adjusted(phone(11), -5, o),
      a.dayClosed(
        {
          checkIns: 2,
          enrolments: 1,
          pointsEarned: 190,
          pointsRedeemed: 100,
          pointsReversed: 50,
          pointsAdjusted: -5,
          eventCount: 6,
        },
        day,
        o,
      ),
    ]);
    await b.push([
      b.earned(phone(12), 'D-3', 10_00, o),
      b.redeemed(phone(12), 100, o), // overdraws: flagged
      b.dayClosed({ checkIns: 5, pointsEarned: 10, pointsRedeemed: 100, eventCount: 2 }, day, o),
    ]);
    await a.push([a.earned(phone(10), 'NEXT', 7_00, { businessDay: '2026-11-21' })]);

    const res = await server.admin<Record<string, unknown>>(
      'GET',
      `/v1/reports/daily?storeId=${storeId}&date=${day}`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      storeId,
      date: day,
      totals: {
        checkIns: 3,
        enrolments: 1,
        pointsIssued: 200,
        pointsRedeemed: 200,
        pointsReversed: 50,
        pointsAdjusted: -5,
        events: 8,
      },
      outstandingPoints: 200 - 200 - 50 - 5,
    });
    const tills = res.body.tills as { deviceId: string; differences: string[] }[];
    expect(tills.find((t) => t.deviceId === a.deviceId)?.differences).toEqual([]);
    expect(tills.find((t) => t.deviceId === b.deviceId)?.differences).toEqual(['checkIns']);

    const csv = await server.admin<string>(
      'GET',
      `/v1/reports/daily?storeId=${storeId}&date=${day}`,
      undefined,
      {
        accept: 'text/csv',
      },
    );
    expect(csv.status).toBe(200);
    expect(String(csv.headers['content-type'])).toMatch(/^text\/csv/);
    const [header, line, end] = csv.body.split('\r\n');
    expect(end).toBe('');
    const row = Object.fromEntries((header ?? '').split(',').map((k, i) => [k, (line ?? '').split(',')[i]]));
    expect(row).toMatchObject({
      store_id: storeId,
      date: day,
      check_ins: '3',
      enrolments: '1',
      points_issued: '200',
      points_redeemed: '200',
      points_reversed: '50',
      points_adjusted: '-5',
      outstanding_points: '-55',
      tills_reporting: '2',
      tills_mismatched: '1',
    });

    // The next day's outstanding points include the day before.
    const next = await server.admin<{ outstandingPoints: number; totals: { checkIns: number } }>(
      'GET',
      `/v1/reports/daily?storeId=${storeId}&date=2026-11-21`,
    );
    expect(next.body.outstandingPoints).toBe(-55 + 7);
    expect(next.body.totals.checkIns).toBe(1);
  });

  it('counts flags raised on the day in the store’s own time zone', async () => {
    const { storeId } = await server.createStore({ name: 'Flag shop', timeZone: 'UTC' });
    const till = await server.enrol(storeId);
    await till.push([till.redeemed(phone(20), 100)]);
    const today = new Date().toISOString().slice(0, 10);
    const res = await server.admin<{ flags: Record<string, number> }>(
      'GET',
      `/v1/reports/daily?storeId=${storeId}&date=${today}`,
    );
    expect(res.body.flags).toEqual({ overdrawn: 1, rule_mismatch: 0, clock_skew: 0 });
  });

  it('an unknown store is 404; a bad date is 400', async () => {
    const missing = await server.admin(
      'GET',
      '/v1/reports/daily?storeId=0190a000-0000-7000-8000-000000000000&date=2026-11-20',
    );
    expect(missing.status).toBe(404);
    const bad = await server.admin<{ error: { field: string } }>(
      'GET',
      '/v1/reports/daily?storeId=0190a000-0000-7000-8000-000000000000&date=20-11-2026',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('date');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LedgerEvent, LedgerEventSchema, SERVER_DEVICE_ID, pointsDelta } from '../../src/shared/events';
import { DEFAULT_PROGRAM } from '../../src/shared/program';
import { lotExpiresOn } from '../../src/shared/rules';
import { type Database, openPostgres } from '../src/db/database';
import { type ExpiryRunResult, runExpiry } from '../src/modules/expiry';
import { DB_KIND, type TestServer, type Till, createTestServer, phone, uuidv7 } from './support/harness';

/**
 * The expiry job (src/modules/expiry.ts): lots expire once their last valid day is over in the
 * earning store's zone, the oldest points are spent first, a policy change never moves a lot
 * already earned, nothing goes below zero, and a run is idempotent, alone or concurrent.
 */

const ZONE = 'America/New_York';
const AFTER_30 = { kind: 'after_days', days: 30 } as const;

let server: TestServer;
let storeId: string;
let till: Till;
let customer = 0;

beforeAll(async () => {
  server = await createTestServer();
  ({ storeId } = await server.createStore({
    timeZone: ZONE,
    program: { ...DEFAULT_PROGRAM, version: 1, expiry: AFTER_30 },
  }));
  till = await server.enrol(storeId);
});
afterAll(async () => {
  await server?.close();
});

/** A points.earned as a till under `expiry` records it: the lot's last day fixed when earned. */
function earned(
  who: string,
  points: number,
  businessDay: string,
  expiresOn: string | null,
  receiptId: string | null = null,
): LedgerEvent {
  const event = till.earnedPoints(who, receiptId ?? `r-${uuidv7()}`, points, {
    businessDay,
    occurredAt: `${businessDay}T16:00:00.000Z`,
  });
  if (event.type !== 'points.earned') throw new Error('not an earning');
  return expiresOn === null ? event : { ...event, payload: { ...event.payload, expiresOn } };
}

async function pushAll(events: LedgerEvent[]): Promise<void> {
  const res = await till.push(events);
  expect(res.status).toBe(200);
  expect(res.body.results.every((r) => r.status === 'accepted')).toBe(true);
}

async function balanceOf(who: string): Promise<number> {
  const { rows } = await server.db.query<{ points: number }>(
    'SELECT b.points FROM balances b JOIN customers c ON c.id = b.customer_id WHERE c.phone = $1',
    [who],
  );
  return rows[0]?.points ?? 0;
}

async function expiredEvents(who: string) {
  const { rows } = await server.db.query<{
    device_id: string;
    seq: number;
    server_seq: number;
    points: number;
    store_id: string;
    business_day: string;
    body: LedgerEvent;
  }>(
    `SELECT e.device_id, e.seq, e.server_seq, e.points, e.store_id, e.business_day, e.body
       FROM ledger_events e JOIN customers c ON c.id = e.customer_id
      WHERE c.phone = $1 AND e.type = 'points.expired' ORDER BY e.server_seq`,
    [who],
  );
  return rows;
}

/** Runs the job as of `at` (the admin route, at the server clock) and returns its answer. */
async function expireAt(at: string): Promise<ExpiryRunResult> {
  server.clock = new Date(at);
  try {
    const res = await server.admin<ExpiryRunResult>('POST', '/v1/admin/expiry/run');
    expect(res.status).toBe(200);
    return res.body;
  } finally {
    server.clock = undefined;
  }
}

const next = () => phone(9000 + customer++);

describe('expiry after N days', () => {
  it('a lot valid through its last day expires once that day is over in the store’s zone', async () => {
    const who = next();
    const expiresOn = lotExpiresOn(AFTER_30, '2026-01-10');
    expect(expiresOn).toBe('2026-02-09');
    await pushAll([till.enrolled(who), earned(who, 100, '2026-01-10', expiresOn)]);

    // 23:00 on 9 Feb in New York is already 10 Feb in UTC: still valid.
    const early = await expireAt('2026-02-10T04:00:00.000Z');
    expect(early.points).toBe(0);
    expect(await balanceOf(who)).toBe(100);

    // Midnight in New York: gone.
    const run = await expireAt('2026-02-10T05:00:00.000Z');
    expect(run).toMatchObject({ customers: 1, points: 100, mismatched: [] });
    expect(await balanceOf(who)).toBe(0);

    const [stored, ...more] = await expiredEvents(who);
    expect(more).toEqual([]);
    if (!stored) throw new Error('no points.expired stored');
    // A server event: the nil device, its own server_seq as seq, the earning store, its day there.
    expect(stored.device_id).toBe(SERVER_DEVICE_ID);
    expect(stored.seq).toBe(stored.server_seq);
    expect(stored.store_id).toBe(storeId);
    expect(stored.business_day).toBe('2026-02-10');
    const body = LedgerEventSchema.parse(stored.body);
    expect(pointsDelta(body)).toBe(stored.points);
    expect(body).toMatchObject({
      type: 'points.expired',
      phone: who,
      deviceId: SERVER_DEVICE_ID,
      payload: {
        points: 100,
        asOf: '2026-02-10',
        lots: [{ earnedOn: '2026-01-10', expiresOn, points: 100 }],
      },
    });

    // The till's next pull carries the lower confirmed balance.
    const pulled = await till.pullAll();
    const change = pulled.changes.find((c) => c.type === 'customer' && c.phone === who);
    expect(change).toMatchObject({ balance: 0, overdrawn: false });

    // The day's report shows it apart from the tills, and the outstanding points drop.
    const report = await server.admin<{
      pointsExpired: number;
      outstandingPoints: number;
      tills: { deviceId: string }[];
    }>('GET', `/v1/reports/daily?storeId=${storeId}&date=2026-02-10`);
    expect(report.body.pointsExpired).toBe(100);
    expect(report.body.tills.map((t) => t.deviceId)).not.toContain(SERVER_DEVICE_ID);
  });

  it('only the lots past their day go; points that never expire stay', async () => {
    const who = next();
    await pushAll([
      earned(who, 40, '2026-01-01', lotExpiresOn(AFTER_30, '2026-01-01')),
      earned(who, 25, '2026-01-02', null),
      earned(who, 10, '2026-03-01', lotExpiresOn(AFTER_30, '2026-03-01')),
    ]);
    const run = await expireAt('2026-03-05T17:00:00.000Z');
    expect(run.points).toBeGreaterThanOrEqual(40);
    expect(await balanceOf(who)).toBe(35);
    expect((await expiredEvents(who)).map((e) => e.points)).toEqual([-40]);
  });
});

describe('expiry at the end of a period', () => {
  it('month + 0: March points are valid through 31 March and gone on 1 April; April points stay', async () => {
    const policy = { kind: 'end_of_period', period: 'month', periodsAfter: 0 } as const;
    const who = next();
    expect(lotExpiresOn(policy, '2026-03-15')).toBe('2026-03-31');
    await pushAll([
      earned(who, 70, '2026-03-15', lotExpiresOn(policy, '2026-03-15')),
      earned(who, 30, '2026-04-01', lotExpiresOn(policy, '2026-04-01')),
    ]);
    expect((await expireAt('2026-03-31T23:00:00.000Z')).points).toBe(0); // 19:00 in New York
    await expireAt('2026-04-01T12:00:00.000Z');
    expect(await balanceOf(who)).toBe(30);
    const [stored] = await expiredEvents(who);
    expect(stored?.body.payload).toMatchObject({
      points: 70,
      lots: [{ expiresOn: '2026-03-31', points: 70 }],
    });
  });
});

describe('the oldest points are spent first', () => {
  it('a redemption eats the soonest-expiring lot, so a later lot survives its expiry', async () => {
    const who = next();
    await pushAll([
      earned(who, 100, '2026-01-01', '2026-01-31'),
      earned(who, 100, '2026-01-20', '2026-02-19'),
      till.redeemed(who, 100, { businessDay: '2026-01-25' }),
    ]);
    // The first lot is spent: nothing of it is left to expire on 5 February.
    expect((await expireAt('2026-02-05T17:00:00.000Z')).points).toBe(0);
    expect(await balanceOf(who)).toBe(100);
    // The second lot goes after its own day.
    await expireAt('2026-02-20T17:00:00.000Z');
    expect(await balanceOf(who)).toBe(0);
    expect((await expiredEvents(who)).map((e) => e.body.payload)).toMatchObject([
      { points: 100, lots: [{ expiresOn: '2026-02-19', points: 100 }] },
    ]);
  });

  it('what a redemption left of a lot expires, and no more', async () => {
    const who = next();
    await pushAll([earned(who, 100, '2026-01-01', '2026-01-31'), till.redeemed(who, 60)]);
    await expireAt('2026-02-02T17:00:00.000Z');
    expect(await balanceOf(who)).toBe(0);
    expect((await expiredEvents(who)).map((e) => e.points)).toEqual([-40]);
  });

  it('points a refund gives back keep the expiry of the lot they were spent from', async () => {
    const who = next();
    await pushAll([
      earned(who, 100, '2026-01-01', '2026-01-31', 'old-sale'),
      earned(who, 5, '2026-01-10', null, 'paid-with-points'),
      {
        ...till.redeemed(who, 100, { businessDay: '2026-01-10' }),
        payload: {
          rewardId: 'reward-100',
          rewardName: 'Reward at 100 points',
          points: 100,
          receiptId: 'paid-with-points',
        },
      } as LedgerEvent,
      {
        ...till.reversed(who, 'paid-with-points', 500, 5, { businessDay: '2026-01-12' }),
        payload: {
          receiptId: 'paid-with-points',
          refund: { amount: 500, currency: 'USD' },
          points: 5,
          restoredPoints: 100,
        },
      } as LedgerEvent,
    ]);
    expect(await balanceOf(who)).toBe(100);
    await expireAt('2026-02-02T17:00:00.000Z');
    expect(await balanceOf(who)).toBe(0);
  });
});

describe('idempotent and concurrent', () => {
  it('running twice the same day expires nothing more (and the second run replays no one)', async () => {
    const who = next();
    await pushAll([earned(who, 10, '2025-06-01', '2025-07-01')]);
    const first = await expireAt('2026-01-05T17:00:00.000Z');
    expect(first.points).toBeGreaterThanOrEqual(10);
    const second = await expireAt('2026-01-05T18:00:00.000Z');
    expect(second).toMatchObject({ customers: 0, points: 0, checked: 0 });
    await expireAt('2026-06-05T18:00:00.000Z');
    expect(await expiredEvents(who)).toHaveLength(1);
    expect(await balanceOf(who)).toBe(0);
  });

  it('two runs at once (two server processes on PostgreSQL) expire each point once', async () => {
    const people = Array.from({ length: 12 }, () => next());
    await pushAll(people.map((who, i) => earned(who, 10 + i, '2024-01-01', '2024-02-01')));
    const expected = people.reduce((sum, _who, i) => sum + 10 + i, 0);
    // A second connection pool to the same database is what a second server process has.
    const other: Database =
      DB_KIND === 'postgres' && server.database.url
        ? openPostgres({ url: server.database.url, poolSize: 4 })
        : server.db;
    try {
      const now = new Date('2024-03-01T17:00:00.000Z');
      const runs = await Promise.all([
        runExpiry(server.db, { now, trigger: 'admin' }),
        runExpiry(other, { now, trigger: 'schedule' }),
        runExpiry(other, { now, trigger: 'schedule' }),
      ]);
      expect(runs.reduce((sum, r) => sum + r.points, 0)).toBe(expected);
      expect(runs.reduce((sum, r) => sum + r.customers, 0)).toBe(people.length);
    } finally {
      if (other !== server.db) await other.close();
    }
    for (const who of people) {
      expect(await balanceOf(who)).toBe(0);
      expect(await expiredEvents(who)).toHaveLength(1);
    }
  });
});

describe('policy changes and overdrawn customers', () => {
  it('publishing a new expiry policy never moves a lot already earned', async () => {
    const { storeId: shop } = await server.createStore({
      timeZone: ZONE,
      program: { ...DEFAULT_PROGRAM, version: 1, expiry: AFTER_30 },
    });
    const shopTill = await server.enrol(shop);
    const expiring = next();
    const lasting = next();
    const lot = (who: string, expiresOn: string | null): LedgerEvent => {
      const event = shopTill.earnedPoints(who, `r-${uuidv7()}`, 50, { businessDay: '2026-05-01' });
      if (event.type !== 'points.earned') throw new Error('not an earning');
      return expiresOn === null ? event : { ...event, payload: { ...event.payload, expiresOn } };
    };
    // Earned under version 1 (30 days), and under a version that never expired.
    expect((await shopTill.push([lot(expiring, '2026-05-31'), lot(lasting, null)])).status).toBe(200);
    // Version 2 turns expiry off; version 3 makes everything expire after one day.
    for (const [version, expiry] of [
      [2, { kind: 'never' }],
      [3, { kind: 'after_days', days: 1 }],
    ] as const) {
      const res = await server.admin('PUT', `/v1/admin/stores/${shop}/program`, {
        ...DEFAULT_PROGRAM,
        version,
        expiry,
      });
      expect(res.status).toBe(200);
    }
    await expireAt('2026-06-02T17:00:00.000Z');
    expect(await balanceOf(expiring)).toBe(0);
    expect(await balanceOf(lasting)).toBe(50);
  });

  it('an overdrawn customer has nothing to expire; new points repay the debt first', async () => {
    const who = next();
    await pushAll([earned(who, 50, '2026-01-01', '2026-01-31'), till.redeemed(who, 80)]);
    expect(await balanceOf(who)).toBe(-30);
    await expireAt('2026-03-01T17:00:00.000Z');
    expect(await balanceOf(who)).toBe(-30);
    expect(await expiredEvents(who)).toHaveLength(0);

    // 100 more, 30 of them repay the debt: only the 70 left can expire, down to zero, not below.
    await pushAll([earned(who, 100, '2026-03-02', '2026-03-10')]);
    await expireAt('2026-04-01T17:00:00.000Z');
    expect(await balanceOf(who)).toBe(0);
    expect((await expiredEvents(who)).map((e) => e.points)).toEqual([-70]);
  });
});

describe('the API around it', () => {
  it('a till cannot push a points.expired', async () => {
    const who = next();
    const event = {
      id: uuidv7(),
      deviceId: till.deviceId,
      seq: till.seq + 1,
      occurredAt: new Date().toISOString(),
      businessDay: '2026-11-23',
      ruleVersion: 0,
      type: 'points.expired',
      phone: who,
      payload: {
        points: 5,
        asOf: '2026-11-23',
        lots: [{ lotId: uuidv7(), earnedOn: '2026-01-01', expiresOn: '2026-02-01', points: 5 }],
      },
    } as LedgerEvent;
    const res = await till.push([event]);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'invalid_input', field: 'events.0.type' } });
  });

  it('the nil device id cannot be registered by a till', async () => {
    const code = await server.enrollmentCode(storeId);
    const res = await server.request('POST', '/v1/devices/register', {
      payload: { enrollmentCode: code, name: 'Till', deviceId: SERVER_DEVICE_ID },
    });
    expect(res.status).toBe(400);
  });

  it('counts expired points in /metrics and records each run', async () => {
    const who = next();
    await pushAll([earned(who, 7, '2023-01-01', '2023-02-01')]);
    await expireAt('2023-03-01T17:00:00.000Z');
    const metrics = await server.request<string>('GET', '/metrics');
    expect(metrics.body).toMatch(/loyalty_points_expired_total \d+/);
    expect(metrics.body).toMatch(/loyalty_expiry_runs_total\{trigger="admin",outcome="ok"\} \d+/);
    expect(await server.count('expiry_runs', "trigger = 'admin'")).toBeGreaterThan(0);
  });

  it('the balance identity holds: points = earned − redeemed − reversed + restored + adjusted − expired', async () => {
    const { rows } = await server.db.query<{ bad: number }>(
      `SELECT count(*) AS bad FROM balances
        WHERE points <> earned - redeemed - reversed + restored + adjusted - expired`,
    );
    expect(rows[0]?.bad).toBe(0);
  });
});

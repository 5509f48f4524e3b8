import { hash, randomBytes } from 'node:crypto';
import { type Database, type Queryable, isRetryableDbError } from '../db/database';
import {
  type LedgerEvent,
  LedgerEventSchema,
  SERVER_DEVICE_ID,
  canonicalJson,
} from '../../../src/shared/events';
import { balanceOf, expiring, replayLots } from '../../../src/shared/rules';
import { businessDayOf } from '../../../src/shared/time';
import { touchCustomersEverywhere } from './feed';
import { type BackgroundLoop, startBackgroundLoop } from '../background-loop';

/**
 * The expiry job: points whose lot's last valid day is over are taken off the balance by a
 * points.expired event the server writes (docs/server.md, "Expiry"; docs/rules.md, "expiry").
 *
 * Which day is "over": a lot expires once its last valid day (expiresOn, fixed by the till when it
 * was earned, in the earning store's zone) has ended in the time zone of the store that earned it.
 * The balance is chain-wide, but a lot belongs to one store, and that store told the customer
 * "valid through 31 March" on its own calendar: never expire it before that day ends there.
 *
 * Each customer is done in one transaction: lock the balance row, replay the customer's events in
 * server_seq order through the pure engine (src/shared/rules/expiry-replay.ts), write one points.expired event for
 * what is left of the lots past their day, lower the balance, and move the customer to the head of
 * every store feed it is in (so every till pulls the new confirmed balance).
 *
 * Why it never double-expires. The balance row is locked FOR UPDATE before the events are read;
 * a push changes balance rows in the same transaction as its events, so the events read are
 * exactly those the locked balance sums (the job checks this and skips a customer where they
 * differ). A second run, in this process or another, waits for that lock and then replays the
 * events including the points.expired just committed: the lots it took are gone, nothing more
 * expires. Running twice the same day, or at once in two processes, expires each point once.
 * Nothing is taken below zero: an overdrawn customer has no lots (new points repay debt first).
 */

export interface ExpiryRunResult {
  /** Customers who had points expire in this run. */
  customers: number;
  /** Points expired in this run. */
  points: number;
  /** Customers whose events were replayed. */
  checked: number;
  /** Customers skipped because the replayed events did not sum to their balance (logged). */
  mismatched: string[];
  startedAt: string;
  finishedAt: string;
}

export interface ExpiryOptions {
  now: Date;
  trigger: 'schedule' | 'admin';
}

/** Candidates read per page. */
const PAGE = 500;

/** A UUIDv7 made by the server (the same layout the tills use). */
export function serverEventId(time: number): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(time, 0, 6);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function runExpiry(db: Database, options: ExpiryOptions): Promise<ExpiryRunResult> {
  const started = new Date();
  const { rows: stores } = await db.query<{ id: string; time_zone: string }>(
    'SELECT id, time_zone FROM stores',
  );
  const zoneOf = new Map(stores.map((s) => [s.id, s.time_zone]));
  const todays = new Map<string, string>();
  const todayAt = (storeId: string): string => {
    let day = todays.get(storeId);
    if (!day) {
      day = businessDayOf(options.now, zoneOf.get(storeId) ?? 'UTC');
      todays.set(storeId, day);
    }
    return day;
  };
  // The latest date anywhere in the chain now: no lot can be past its day unless it is before this.
  const latestToday = [...zoneOf.keys()].map(todayAt).reduce((a, b) => (a > b ? a : b), todayAt(''));

  const result: ExpiryRunResult = {
    customers: 0,
    points: 0,
    checked: 0,
    mismatched: [],
    startedAt: started.toISOString(),
    finishedAt: '',
  };
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    // Customers with a positive balance and a lot dated before the latest "today", except those the
    // last run found with nothing due before latestToday and who have had no event since.
    const { rows } = await db.query<{ customer_id: string }>(
      `SELECT DISTINCT e.customer_id
         FROM ledger_events e
         JOIN balances b ON b.customer_id = e.customer_id
         LEFT JOIN customer_expiry x ON x.customer_id = e.customer_id
        WHERE e.type = 'points.earned' AND e.body->'payload'->>'expiresOn' IS NOT NULL
          AND e.body->'payload'->>'expiresOn' < $1
          AND e.customer_id > $2
          AND b.points > 0
          AND NOT (x.customer_id IS NOT NULL AND x.event_count = b.event_count
                   AND (x.next_expiry IS NULL OR x.next_expiry >= $1::date))
        ORDER BY e.customer_id
        LIMIT $3`,
      [latestToday, after, PAGE],
    );
    for (const { customer_id: customerId } of rows) {
      const outcome = await expireCustomerWithRetry(db, customerId, todayAt, options.now);
      if (outcome === 'skipped') continue;
      result.checked++;
      if (outcome === 'mismatch') result.mismatched.push(customerId);
      else if (outcome > 0) {
        result.customers++;
        result.points += outcome;
      }
    }
    if (rows.length < PAGE) break;
    after = (rows[rows.length - 1] as { customer_id: string }).customer_id;
  }
  const finished = new Date();
  result.finishedAt = finished.toISOString();
  await db.query(
    `INSERT INTO expiry_runs (started_at, finished_at, trigger, customers, points)
     VALUES ($1, $2, $3, $4, $5)`,
    [started, finished, options.trigger, result.customers, result.points],
  );
  return result;
}

async function expireCustomerWithRetry(
  db: Database,
  customerId: string,
  todayAt: (storeId: string) => string,
  now: Date,
): Promise<number | 'skipped' | 'mismatch'> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((tx) => expireCustomer(tx, customerId, todayAt, now));
    } catch (error) {
      if (attempt < 3 && isRetryableDbError(error)) continue;
      throw error;
    }
  }
}

/** One customer, in the caller's transaction: the points expired, or why nothing was done. */
export async function expireCustomer(
  tx: Queryable,
  customerId: string,
  todayAt: (storeId: string) => string,
  now: Date,
): Promise<number | 'skipped' | 'mismatch'> {
  const locked = (
    await tx.query<{ points: number; event_count: number; phone: string | null }>(
      `SELECT b.points, b.event_count, c.phone
         FROM balances b JOIN customers c ON c.id = b.customer_id
        WHERE b.customer_id = $1
        FOR UPDATE OF b`,
      [customerId],
    )
  ).rows[0];
  // Erased customers keep anonymous amounts nobody can spend: their points are left as they are.
  if (!locked || locked.phone === null || locked.points <= 0) return 'skipped';

  const { rows: events } = await tx.query<{ store_id: string; body: LedgerEvent }>(
    'SELECT store_id, body FROM ledger_events WHERE customer_id = $1 ORDER BY server_seq',
    [customerId],
  );
  const replayed = replayLots(events.map((e) => ({ storeId: e.store_id, body: e.body })));
  if (balanceOf(replayed.book) !== locked.points) return 'mismatch';

  const due = expiring(replayed, todayAt);
  let eventCount = locked.event_count;
  if (due.points > 0) {
    const first = due.lots[0] as (typeof due.lots)[number];
    const storeId = first.storeId;
    const asOf = todayAt(storeId);
    const seq = (await tx.query<{ seq: number }>("SELECT nextval('server_seq') AS seq")).rows[0]
      ?.seq as number;
    const event = LedgerEventSchema.parse({
      id: serverEventId(now.getTime()),
      deviceId: SERVER_DEVICE_ID,
      seq,
      occurredAt: now.toISOString(),
      businessDay: asOf,
      ruleVersion: 0,
      type: 'points.expired',
      phone: locked.phone,
      payload: {
        points: due.points,
        asOf,
        lots: due.lots.map(({ lotId, earnedOn, expiresOn, points }) => ({
          lotId,
          earnedOn,
          expiresOn,
          points,
        })),
      },
    });
    const json = canonicalJson(event);
    await tx.query(
      `INSERT INTO ledger_events
         (id, server_seq, device_id, seq, store_id, customer_id, type, points, receipt_id, rule_version,
          occurred_at, business_day, body, body_hash)
       VALUES ($1, $2, $3, $2, $4, $5, 'points.expired', $6, NULL, 0, $7, $8, $9::jsonb, decode($10, 'hex'))`,
      [
        event.id,
        seq,
        SERVER_DEVICE_ID,
        storeId,
        customerId,
        -due.points,
        event.occurredAt,
        asOf,
        json,
        hash('sha256', json, 'hex'),
      ],
    );
    const updated = await tx.query<{ event_count: number }>(
      `UPDATE balances SET points = points - $2, expired = expired + $2, event_count = event_count + 1,
              feed_seq = nextval('server_seq'), updated_at = now()
        WHERE customer_id = $1
        RETURNING event_count`,
      [customerId, due.points],
    );
    eventCount = updated.rows[0]?.event_count ?? eventCount + 1;
    await touchCustomersEverywhere(tx, [customerId]);
  }
  await tx.query(
    `INSERT INTO customer_expiry (customer_id, event_count, next_expiry, checked_at)
     VALUES ($1, $2, $3, now())
     ON CONFLICT (customer_id) DO UPDATE SET
       event_count = EXCLUDED.event_count, next_expiry = EXCLUDED.next_expiry, checked_at = now()`,
    [customerId, eventCount, due.next],
  );
  return due.points;
}

export type ExpiryLoop = BackgroundLoop;

/**
 * The schedule each server process runs: a first run shortly after start (so a server restarted
 * more often than the interval still expires), then one every `intervalMs`. Every process may run
 * it; the row locks above make concurrent runs safe, and customer_expiry makes the second cheap.
 */
export function startExpiryLoop(
  db: Database,
  options: {
    intervalMs: number;
    firstDelayMs?: number;
    now: () => Date;
    onRun?: (run: ExpiryRunResult) => void;
    onError?: (error: unknown) => void;
  },
): ExpiryLoop {
  return startBackgroundLoop({
    firstDelayMs: options.firstDelayMs ?? Math.min(options.intervalMs, 60_000),
    retryDelayMs: options.intervalMs,
    onError: options.onError,
    run: async () => {
      options.onRun?.(await runExpiry(db, { now: options.now(), trigger: 'schedule' }));
      return options.intervalMs;
    },
  });
}

import { hash } from 'node:crypto';
import { type Database, type Queryable, isRetryableDbError } from '../db/database';
import { arrayLiteral } from '../db/array-literal';
import { type EventPayload, type LedgerEvent, canonicalJson, pointsDelta } from '../../../src/shared/events';
import { errorCodes } from '../../../src/shared/errors';
import { PHONE_DOES_NOT_EXIST, isExistingE164 } from '../../../src/shared/phone';
import type {
  ConfirmedBalance,
  EventResult,
  PushRequest,
  PushResponse,
  RejectionReason,
} from '../../../src/shared/sync';
import { HttpError, invalidInput } from '../http/errors';
import type { AuthenticatedDevice } from './devices';
import { touchCustomers } from './feed';
import { type NewFlag, raiseFlags, resolveClockSkew, resolveOverdrawn } from './flags';

/**
 * Owns ledger_events, rejected_events, balances (and the customer profile columns events change).
 *
 * A push is applied in one transaction that first locks the device's row, so two pushes of one
 * device (a retry racing the original, or two server processes) run one after the other: the
 * second sees the first's last_seq and answers "duplicate". Every event of the batch is answered:
 *   accepted   stored now;
 *   duplicate  stored before with the same body (a retry);
 *   rejected   refused for good, with a reason (same id with another body, a receipt that already
 *              earned, a seq this device already used for another event). The device still moves
 *              past it, so one bad event never wedges its queue.
 * Redemptions the till honoured are never refused: a balance may go negative and is flagged.
 */

export const REJECTION_MESSAGES: Record<RejectionReason, string> = {
  conflict: 'An event with this id but a different body is already stored.',
  seq_reused: 'This device already used this seq for a different event.',
  already_checked_in: errorCodes.already_checked_in,
};

export interface PushOptions {
  /** When the request arrived (server clock). */
  now: Date;
  clockSkewToleranceMs: number;
}

export interface PushStats {
  accepted: number;
  duplicate: number;
  rejected: number;
  clockSkewFlagged: boolean;
  overdrawn: number;
}

export function hashEvent(event: LedgerEvent): string {
  return hash('sha256', canonicalJson(event), 'hex');
}

/** Characters in a uuid's text form. */
const UUID_LENGTH = 36;

interface Prepared {
  event: LedgerEvent;
  /** canonicalJson(event): hashed, and stored as the body. */
  json: string;
  hash: string;
  delta: number;
  receiptId: string | null;
  /** The customer of the event's phone (null for store events), set once a push has found them. */
  customerId: string | null;
}

interface DeviceRow {
  store_id: string;
  last_seq: number;
  revoked_at: Date | null;
  clock_skew_ms: number | null;
}

export async function push(
  db: Database,
  device: AuthenticatedDevice,
  request: PushRequest,
  options: PushOptions,
): Promise<{ response: PushResponse; stats: PushStats }> {
  if (request.deviceId !== device.id) {
    throw new HttpError(403, 'forbidden', 'A device may push only its own events.', 'deviceId');
  }
  if (request.storeId !== device.storeId) {
    throw new HttpError(403, 'forbidden', 'This device belongs to another store.', 'storeId');
  }
  const written = request.events.findIndex((event) => event.type === 'points.expired');
  if (written >= 0) {
    throw new HttpError(
      400,
      'invalid_input',
      'points.expired is written by the server (its expiry job), never pushed by a till.',
      `events.${written}.type`,
    );
  }
  const prepared: Prepared[] = request.events.map((event) => {
    const json = canonicalJson(event);
    return {
      event,
      json,
      // One-shot hash of the canonical string already built (no Hash object per event).
      hash: hash('sha256', json, 'hex'),
      delta: pointsDelta(event),
      receiptId:
        event.type === 'points.earned' ? (event.payload as EventPayload<'points.earned'>).receiptId : null,
      customerId: null,
    };
  });
  const skewMs = Date.parse(request.sentAt) - options.now.getTime();
  let createdAhead = false;
  // Deadlocks cannot happen by design (locks are taken in a fixed order), but PostgreSQL may still
  // ask for a retry (e.g. serialization failure after failover); three tries, then a 5xx.
  for (let attempt = 1; ;) {
    try {
      // Every statement of a push touches at most the batch's keys: index look-ups only (see
      // Database.transaction), whatever the tables' statistics say.
      return await db.transaction(
        (tx) => applyBatch(tx, device, prepared, skewMs, options, { mayCreateCustomers: createdAhead }),
        { keyLookupsOnly: true },
      );
    } catch (error) {
      if (error instanceof UnknownCustomers && !createdAhead) {
        // Checked out here, holding no connection: a push bringing hundreds of new customers
        // spends milliseconds on it.
        assertPhonesExist(error.unknown, prepared);
        await createCustomers(db, error.toCreate);
        createdAhead = true;
        continue;
      }
      if (attempt++ < 3 && isRetryableDbError(error)) continue;
      throw error;
    }
  }
}

/**
 * Thrown inside a push's transaction when some of its phones have no customer yet: the push rolls
 * back (it has only read so far), creates them in a statement of their own, and starts again.
 *
 * Why not insert them in the push's transaction: a new phone's row in the unique index stays
 * uncommitted until the whole push commits, and every other push of that phone waits for it. When
 * many tills push new customers at once (a chain's first sync, a store's tills back from an
 * outage, neighbouring stores sharing customers) those waits chain pushes of different stores
 * one after another. In a short statement of its own the wait lasts one insert.
 */
class UnknownCustomers extends Error {
  constructor(
    /** Every phone of the batch with no customer (to check that the number exists). */
    readonly unknown: string[],
    /** Those of them in new events (to create). */
    readonly toCreate: string[],
  ) {
    super(`${toCreate.length} customers are not known yet`);
  }
}

/**
 * Creates customers by phone. Called on the pool, it commits at once (see UnknownCustomers): a
 * customer created there whose push then fails holds only its phone number, which the till pushes
 * again; erasure treats it like any other customer.
 */
async function createCustomers(db: Queryable, phones: string[]): Promise<void> {
  // Sorted, so two pushes creating the same phones wait for each other in one order (no deadlock).
  await db.query(
    `INSERT INTO customers (phone) SELECT phone FROM unnest($1::text[]) AS u(phone) ORDER BY phone
     ON CONFLICT (phone) DO NOTHING`,
    [[...phones].sort()],
  );
}

async function applyBatch(
  tx: Queryable,
  device: AuthenticatedDevice,
  batch: Prepared[],
  skewMs: number,
  options: PushOptions,
  { mayCreateCustomers }: { mayCreateCustomers: boolean },
): Promise<{ response: PushResponse; stats: PushStats }> {
  const deviceResult = await tx.query<DeviceRow>(
    'SELECT store_id, last_seq, revoked_at, clock_skew_ms FROM devices WHERE id = $1 FOR UPDATE',
    [device.id],
  );
  const row = deviceResult.rows[0];
  if (!row || row.revoked_at) throw new HttpError(401, 'unauthorized', 'This device has been revoked.');
  const storeId = row.store_id;

  const first = batch[0];
  if (first && first.event.seq > row.last_seq + 1) {
    throw new HttpError(
      409,
      'seq_gap',
      `Events are missing before seq ${first.event.seq}: the server expects seq ${row.last_seq + 1} next.`,
      'events.0.seq',
      { expectedSeq: row.last_seq + 1, lastSeq: row.last_seq },
    );
  }

  const results = new Map<number, EventResult>(); // by seq
  const old = batch.filter((p) => p.event.seq <= row.last_seq);
  const fresh = batch.filter((p) => p.event.seq > row.last_seq);

  if (old.length > 0) await answerRetries(tx, device.id, old, results);

  // Customers of the new events. Not locked here: the only lock on a customer is its balance row,
  // taken late (just before commit), so pushes that share customers overlap for as short a time as
  // possible. Unknown ones are created ahead, outside this transaction (UnknownCustomers), except
  // on the attempt after that, which creates any still missing itself so that a push always ends.
  // Every phone of the batch, once, sorted (retried events' too: their balances are answered).
  const phones = [...new Set(batch.flatMap((p) => (p.event.phone ? [p.event.phone] : [])))].sort();
  const customerByPhone = await ensureCustomers(tx, batch, phones, fresh, mayCreateCustomers);
  // Looked up once here for every later statement (set on each attempt: customers may have been
  // created since the last one).
  for (const p of batch) p.customerId = p.event.phone ? (customerByPhone.get(p.event.phone) ?? null) : null;

  const accepted: Prepared[] = [];
  const rejected: { p: Prepared; reason: RejectionReason }[] = [];
  if (fresh.length > 0) {
    const insertedIds = await insertEvents(tx, device.id, storeId, fresh);
    const missing = fresh.filter((p) => !insertedIds.has(p.event.id));
    const existing = new Map<string, { hash: string | null }>();
    if (missing.length > 0) {
      const { rows } = await tx.query<{ id: string; hash: string | null }>(
        `SELECT id, encode(body_hash, 'hex') AS hash FROM ledger_events WHERE id = ANY($1::uuid[])`,
        [missing.map((p) => p.event.id)],
      );
      for (const stored of rows) existing.set(stored.id, { hash: stored.hash });
    }
    for (const p of fresh) {
      const { id, seq } = p.event;
      if (insertedIds.has(id)) {
        accepted.push(p);
        results.set(seq, { id, seq, status: 'accepted' });
        continue;
      }
      const stored = existing.get(id);
      let reason: RejectionReason;
      if (stored) {
        if (stored.hash === null || stored.hash === p.hash) {
          results.set(seq, { id, seq, status: 'duplicate' });
          continue;
        }
        reason = 'conflict';
      } else if (p.receiptId !== null) {
        reason = 'already_checked_in';
      } else {
        throw new Error(`Event ${id} was neither stored nor in conflict with a stored event`);
      }
      rejected.push({ p, reason });
      results.set(seq, { id, seq, status: 'rejected', reason, message: REJECTION_MESSAGES[reason] });
    }
  }
  if (rejected.length > 0) await storeRejections(tx, device.id, rejected);

  const flags: NewFlag[] = [];
  const balances = new Map<string, ConfirmedBalance>();
  let overdrawnCount = 0;
  if (accepted.length > 0) {
    const touched = await applyBalances(tx, accepted);
    await applyProfiles(tx, accepted);
    await touchCustomers(tx, storeId, [...touched.keys()]);

    const repaid: string[] = [];
    for (const [customerId, t] of touched) {
      balances.set(t.phone, {
        customerId,
        phone: t.phone,
        balance: t.balance,
        overdrawn: t.balance < 0,
        serverSeq: t.version,
      });
      if (t.overdrawnBy && t.balance < 0) {
        overdrawnCount++;
        flags.push({
          kind: 'overdrawn',
          storeId,
          deviceId: device.id,
          customerId,
          eventId: t.overdrawnBy.eventId,
          detail: { balance: t.balance, lowestBalance: t.overdrawnBy.lowest },
        });
      } else if (t.balance >= 0 && t.balance - t.delta < 0) {
        repaid.push(customerId);
      }
    }
    await resolveOverdrawn(tx, repaid);
    // Rule mismatches are flagged by the background recheck (rule-recheck.ts), not here.
  }

  // Confirmed balances of every customer in the batch, including those only in retried events
  // (the reply to the original push may have been lost).
  const unanswered = phones.filter((phone) => !balances.has(phone));
  if (unanswered.length > 0) {
    const { rows } = await tx.query<{
      id: string;
      phone: string;
      points: number | null;
      feed_seq: number | null;
    }>(
      `SELECT c.id, c.phone, b.points, b.feed_seq
         FROM customers c
         LEFT JOIN balances b ON b.customer_id = c.id
        WHERE c.phone = ANY($1::text[])`,
      [unanswered],
    );
    for (const c of rows) {
      const balance = c.points ?? 0;
      balances.set(c.phone, {
        customerId: c.id,
        phone: c.phone,
        balance,
        overdrawn: balance < 0,
        serverSeq: c.feed_seq ?? 0,
      });
    }
  }

  // Clock skew: measured from the batch's sentAt, and from any event dated in the future.
  const futureMs = Math.max(0, ...batch.map((p) => Date.parse(p.event.occurredAt) - options.now.getTime()));
  const worstSkew = Math.abs(skewMs) >= futureMs ? skewMs : futureMs;
  const skewFlagged = Math.abs(worstSkew) > options.clockSkewToleranceMs;
  if (skewFlagged) {
    flags.push({
      kind: 'clock_skew',
      storeId,
      deviceId: device.id,
      customerId: null,
      eventId: null,
      detail: { skewMs: worstSkew, toleranceMs: options.clockSkewToleranceMs, sentSkewMs: skewMs },
    });
  } else if (row.clock_skew_ms !== null && Math.abs(row.clock_skew_ms) > options.clockSkewToleranceMs) {
    await resolveClockSkew(tx, device.id);
  }
  await raiseFlags(tx, flags);

  const lastSeq = Math.max(row.last_seq, batch[batch.length - 1]?.event.seq ?? 0);
  await tx.query('UPDATE devices SET last_seq = $2, last_seen_at = now(), clock_skew_ms = $3 WHERE id = $1', [
    device.id,
    lastSeq,
    Math.round(worstSkew),
  ]);

  const ordered = batch.map((p) => results.get(p.event.seq) as EventResult);
  const stats: PushStats = {
    accepted: ordered.filter((r) => r.status === 'accepted').length,
    duplicate: ordered.filter((r) => r.status === 'duplicate').length,
    rejected: ordered.filter((r) => r.status === 'rejected').length,
    clockSkewFlagged: skewFlagged,
    overdrawn: overdrawnCount,
  };
  return {
    response: {
      lastSeq,
      results: ordered,
      balances: [...balances.values()],
      serverTime: options.now.toISOString(),
      clockSkewMs: Math.round(skewMs),
      clockSkewFlagged: skewFlagged,
    },
    stats,
  };
}

/** Events at or below the device's last_seq were answered before: answer them the same way. */
async function answerRetries(
  tx: Queryable,
  deviceId: string,
  old: Prepared[],
  results: Map<number, EventResult>,
): Promise<void> {
  const seqs = old.map((p) => p.event.seq);
  const stored = await tx.query<{ seq: number; id: string; hash: string | null }>(
    `SELECT seq, id, encode(body_hash, 'hex') AS hash FROM ledger_events
      WHERE device_id = $1 AND seq = ANY($2::bigint[])`,
    [deviceId, seqs],
  );
  const refused = await tx.query<{
    seq: number;
    event_id: string | null;
    reason: RejectionReason | typeof VOIDED;
    message: string;
    hash: string | null;
  }>(
    `SELECT seq, event_id, reason, message, encode(body_hash, 'hex') AS hash FROM rejected_events
      WHERE device_id = $1 AND seq = ANY($2::bigint[])`,
    [deviceId, seqs],
  );
  const storedBySeq = new Map(stored.rows.map((r) => [r.seq, r]));
  const refusedBySeq = new Map(refused.rows.map((r) => [r.seq, r]));
  for (const p of old) {
    const { id, seq } = p.event;
    const s = storedBySeq.get(seq);
    if (s && s.id === id) {
      if (s.hash === null || s.hash === p.hash) results.set(seq, { id, seq, status: 'duplicate' });
      else
        results.set(seq, {
          id,
          seq,
          status: 'rejected',
          reason: 'conflict',
          message: REJECTION_MESSAGES.conflict,
        });
      continue;
    }
    const r = refusedBySeq.get(seq);
    if (r?.reason === VOIDED) {
      // Voided by support without being read; whatever is sent for it now is not applied. The
      // till's contract has no "voided" reason: the seq is spent, as for any other event.
      results.set(seq, { id, seq, status: 'rejected', reason: 'seq_reused', message: r.message });
      continue;
    }
    if (r && r.event_id === id && (r.hash === null || r.hash === p.hash)) {
      results.set(seq, {
        id,
        seq,
        status: 'rejected',
        reason: r.reason,
        message: REJECTION_MESSAGES[r.reason],
      });
      continue;
    }
    results.set(seq, {
      id,
      seq,
      status: 'rejected',
      reason: 'seq_reused',
      message: REJECTION_MESSAGES.seq_reused,
    });
  }
}

/**
 * Finds the customers of the batch's phones, creating those of new events that have none yet.
 *
 * The push route's schema checks a phone's form only (PushRequestFormSchema); whether the number
 * exists is checked here, for numbers that are not customers yet. Nearly every number in a push
 * belongs to a customer already, and checking one against the numbering plan costs 10–20 µs, a
 * few milliseconds a push when a process meets a store's customers for the first time, and on
 * every push of a chain larger than the check's memory. A customer's number was checked when
 * the customer was created, and a newer numbering plan that drops its range must not lock the
 * customer out of a balance they already have.
 */
async function ensureCustomers(
  tx: Queryable,
  batch: Prepared[],
  /** The batch's distinct phones, sorted. */
  wanted: string[],
  fresh: Prepared[],
  mayCreate: boolean,
): Promise<Map<string, string>> {
  const byPhone = new Map<string, string>();
  if (wanted.length === 0) return byPhone;
  // Nearly every customer of a push is known: a plain read finds them without touching the unique
  // index's insertion path, where a phone another transaction is still inserting (or updating)
  // would make this one wait for it to commit.
  // One row back, "<id><phone>,…" (an id is 36 characters, a phone has no comma), rather than a
  // row per customer for the driver to build an object of.
  const known = await tx.query<{ found: string | null }>(
    `SELECT string_agg(id::text || phone, ',') AS found FROM customers WHERE phone = ANY($1::text[])`,
    [wanted],
  );
  for (const entry of known.rows[0]?.found?.split(',') ?? []) {
    byPhone.set(entry.slice(UUID_LENGTH), entry.slice(0, UUID_LENGTH));
  }
  const unknown = wanted.filter((phone) => !byPhone.has(phone));
  if (unknown.length === 0) return byPhone;
  // Retried events are answered from what is stored; only new events create customers.
  const freshPhones = new Set(fresh.map((p) => p.event.phone));
  const toCreate = unknown.filter((phone) => freshPhones.has(phone));
  if (toCreate.length > 0 && !mayCreate) throw new UnknownCustomers(unknown, toCreate);
  // Here only for numbers of retried events alone, or on the attempt after creating ahead.
  assertPhonesExist(unknown, batch);
  if (toCreate.length === 0) return byPhone;
  await createCustomers(tx, toCreate);
  // A new statement sees both what this one inserted and what a concurrent push committed while
  // the insert waited for it.
  const created = await tx.query<{ id: string; phone: string }>(
    'SELECT id, phone FROM customers WHERE phone = ANY($1::text[])',
    [toCreate],
  );
  for (const row of created.rows) byPhone.set(row.phone, row.id);
  if (created.rows.length !== toCreate.length) throw new Error('customers vanished while being created');
  return byPhone;
}

/** A 400 naming every event whose number does not exist, as the full schema would have. */
function assertPhonesExist(phones: string[], batch: Prepared[]): void {
  const missing = new Set(phones.filter((phone) => !isExistingE164(phone)));
  if (missing.size === 0) return;
  throw invalidInput(
    batch.flatMap((p, index) =>
      p.event.phone !== null && missing.has(p.event.phone)
        ? [{ field: `events.${index}.phone`, message: PHONE_DOES_NOT_EXIST }]
        : [],
    ),
  );
}

async function insertEvents(
  tx: Queryable,
  deviceId: string,
  storeId: string,
  fresh: Prepared[],
): Promise<Set<string>> {
  // One statement for the whole batch. The bodies go as one JSON array, parsed once into jsonb
  // (the columns are read from it); what the server computed goes as arrays beside it, zipped row
  // by row by ROWS FROM. ON CONFLICT DO NOTHING (no target) absorbs both a known id and a receipt
  // that already earned in this store; the caller tells the two apart.
  // The answer is one row: how many were stored, and their ids joined by commas (not 500 rows
  // for the driver to build objects of). When every event was stored, the ids are not needed.
  const { rows } = await tx.query<{ n: number; ids: string | null }>(
    `WITH inserted AS (
       INSERT INTO ledger_events
         (id, device_id, seq, store_id, customer_id, type, points, receipt_id, rule_version,
          occurred_at, business_day, body, body_hash)
       SELECT (x.body->>'id')::uuid, $2, (x.body->>'seq')::bigint, $3, x.customer_id, x.body->>'type',
              x.points,
              CASE WHEN x.body->>'type' = 'points.earned' THEN x.body->'payload'->>'receiptId' END,
              (x.body->>'ruleVersion')::integer, (x.body->>'occurredAt')::timestamptz,
              (x.body->>'businessDay')::date, x.body, decode(x.body_hash, 'hex')
         FROM ROWS FROM (jsonb_array_elements($1::jsonb), unnest($4::uuid[]), unnest($5::bigint[]),
                         unnest($6::text[])) WITH ORDINALITY AS x(body, customer_id, points, body_hash, n)
        ORDER BY x.n
       ON CONFLICT DO NOTHING
       RETURNING id)
     SELECT count(*)::integer AS n, string_agg(id::text, ',') AS ids FROM inserted`,
    [
      `[${fresh.map((p) => p.json).join(',')}]`,
      deviceId,
      storeId,
      // Array literals written here: customer ids (uuids read from the database), integers and
      // hex digests never need quoting, so the driver's per-element escaping is skipped.
      arrayLiteral(fresh.map((p) => p.customerId)),
      arrayLiteral(fresh.map((p) => p.delta)),
      arrayLiteral(fresh.map((p) => p.hash)),
    ],
  );
  const stored = rows[0];
  if (stored && stored.n === fresh.length) return new Set(fresh.map((p) => p.event.id));
  return new Set(stored?.ids ? stored.ids.split(',') : []);
}

async function storeRejections(
  tx: Queryable,
  deviceId: string,
  rejected: { p: Prepared; reason: RejectionReason }[],
): Promise<void> {
  await tx.query(
    `INSERT INTO rejected_events (device_id, seq, event_id, reason, message, body, body_hash, customer_id)
     SELECT $2, x.seq, x.event_id, x.reason, x.message, x.body, decode(x.body_hash, 'hex'), x.customer_id
       FROM json_to_recordset($1::json) AS x(
              seq bigint, event_id uuid, reason text, message text, body jsonb, body_hash text, customer_id uuid)
     ON CONFLICT (device_id, seq) DO NOTHING`,
    [
      JSON.stringify(
        rejected.map(({ p, reason }) => ({
          seq: p.event.seq,
          event_id: p.event.id,
          reason,
          message: REJECTION_MESSAGES[reason],
          body: p.event,
          body_hash: p.hash,
          customer_id: p.customerId,
        })),
      ),
      deviceId,
    ],
  );
}

/** rejected_events.reason of a seq support voided (never a till-facing RejectionReason). */
export const VOIDED = 'voided';

export interface VoidedEvent {
  deviceId: string;
  seq: number;
  /** The device's last applied seq after the void. */
  lastSeq: number;
  voidedAt: string;
  /** What a till that sends this seq again is told. */
  message: string;
}

/**
 * Support's way past an event the server cannot read (a 400 for that event alone, so its till
 * sends it again for ever and every event behind it waits): seq `seq` of the device is recorded
 * as refused, unread, and the device moves past it. Only the next seq the server expects can be
 * voided; doing it again answers the same. The till finds out at its next sync (an empty push
 * shows the device's last seq past the refused event: src/main/sync/engine.ts) and settles the
 * event as rejected. Nothing is applied: the event's points never reach the balance.
 */
export async function voidEvent(
  db: Database,
  deviceId: string,
  seq: number,
  note: string,
): Promise<VoidedEvent> {
  return db.transaction(async (tx) => {
    const device = await tx.query<{ last_seq: number }>(
      'SELECT last_seq FROM devices WHERE id = $1 FOR UPDATE',
      [deviceId],
    );
    const row = device.rows[0];
    if (!row) throw new HttpError(404, 'not_found', 'There is no device with this id.', 'deviceId');
    const before = await tx.query<{ message: string; received_at: Date }>(
      'SELECT message, received_at FROM rejected_events WHERE device_id = $1 AND seq = $2 AND reason = $3',
      [deviceId, seq, VOIDED],
    );
    const done = before.rows[0];
    if (done) {
      return {
        deviceId,
        seq,
        lastSeq: row.last_seq,
        voidedAt: done.received_at.toISOString(),
        message: done.message,
      };
    }
    if (seq !== row.last_seq + 1) {
      throw new HttpError(
        409,
        'conflict',
        seq <= row.last_seq
          ? `Seq ${seq} was already applied or answered; only the next seq, ${row.last_seq + 1}, can be voided.`
          : `Only the next seq the server expects from this device, ${row.last_seq + 1}, can be voided.`,
        'seq',
        // Shaped like a push's seq gap, so a support script reads the seq to void from one field.
        { expectedSeq: row.last_seq + 1, lastSeq: row.last_seq },
      );
    }
    const message = `Voided by support (${note}); it was not applied.`;
    const { rows } = await tx.query<{ received_at: Date }>(
      `INSERT INTO rejected_events (device_id, seq, event_id, reason, message, body)
       VALUES ($1, $2, NULL, $3, $4, NULL) RETURNING received_at`,
      [deviceId, seq, VOIDED, message],
    );
    await tx.query('UPDATE devices SET last_seq = $2 WHERE id = $1', [deviceId, seq]);
    return {
      deviceId,
      seq,
      lastSeq: seq,
      voidedAt: (rows[0] as { received_at: Date }).received_at.toISOString(),
      message,
    };
  });
}

interface Touched {
  phone: string;
  delta: number;
  balance: number;
  /** balances.feed_seq: the version of this balance (see feed.ts). */
  version: number;
  /** Set when an honoured redemption in this batch took the balance below zero. */
  overdrawnBy?: { eventId: string; lowest: number };
}

/** Adds the accepted events to their customers' balances; returns each customer's new balance. */
async function applyBalances(tx: Queryable, accepted: Prepared[]): Promise<Map<string, Touched>> {
  interface Sum {
    customer_id: string;
    phone: string;
    points: number;
    earned: number;
    redeemed: number;
    reversed: number;
    restored: number;
    adjusted: number;
    event_count: number;
  }
  const sums = new Map<string, Sum>();
  for (const p of accepted) {
    const customerId = p.customerId;
    if (customerId === null) continue;
    let sum = sums.get(customerId);
    if (!sum) {
      sum = {
        customer_id: customerId,
        phone: p.event.phone as string,
        points: 0,
        earned: 0,
        redeemed: 0,
        reversed: 0,
        restored: 0,
        adjusted: 0,
        event_count: 0,
      };
      sums.set(customerId, sum);
    }
    sum.points += p.delta;
    sum.event_count += 1;
    if (p.event.type === 'points.earned') sum.earned += p.delta;
    else if (p.event.type === 'points.redeemed') sum.redeemed -= p.delta;
    else if (p.event.type === 'points.reversed') {
      sum.reversed += p.event.payload.points;
      sum.restored += p.event.payload.restoredPoints ?? 0;
    } else if (p.event.type === 'points.adjusted') sum.adjusted += p.delta;
  }
  if (sums.size === 0) return new Map();
  const list = [...sums.values()];
  // The new balances come back as one row, "<customer id>:<points>:<version>,…", rather than a
  // row per customer for the driver to build an object of.
  const { rows } = await tx.query<{ upserted: string | null }>(
    `WITH upserted AS (
       INSERT INTO balances
         (customer_id, points, earned, redeemed, reversed, restored, adjusted, event_count, feed_seq)
       SELECT *, nextval('server_seq') FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[],
                            $6::bigint[], $7::bigint[], $8::bigint[]) AS x(customer_id)
        -- Concurrent pushes lock the balance rows they share in the same order: no deadlock.
        ORDER BY x.customer_id
       ON CONFLICT (customer_id) DO UPDATE SET
         points = balances.points + EXCLUDED.points,
         earned = balances.earned + EXCLUDED.earned,
         redeemed = balances.redeemed + EXCLUDED.redeemed,
         reversed = balances.reversed + EXCLUDED.reversed,
         restored = balances.restored + EXCLUDED.restored,
         adjusted = balances.adjusted + EXCLUDED.adjusted,
         event_count = balances.event_count + EXCLUDED.event_count,
         -- Drawn here, holding the row: a balance's versions grow in commit order (see feed.ts).
         feed_seq = nextval('server_seq'),
         updated_at = now()
       RETURNING customer_id, points, feed_seq)
     SELECT string_agg(customer_id::text || ':' || points || ':' || feed_seq, ',') AS upserted
       FROM upserted`,
    // Customer ids read from the database and integers: array literals, no per-element quoting.
    [
      arrayLiteral(list.map((x) => x.customer_id)),
      arrayLiteral(list.map((x) => x.points)),
      arrayLiteral(list.map((x) => x.earned)),
      arrayLiteral(list.map((x) => x.redeemed)),
      arrayLiteral(list.map((x) => x.reversed)),
      arrayLiteral(list.map((x) => x.restored)),
      arrayLiteral(list.map((x) => x.adjusted)),
      arrayLiteral(list.map((x) => x.event_count)),
    ],
  );
  const touched = new Map<string, Touched>();
  for (const entry of rows[0]?.upserted?.split(',') ?? []) {
    const [customerId, points, version] = entry.split(':') as [string, string, string];
    const sum = sums.get(customerId) as Sum;
    touched.set(customerId, {
      phone: sum.phone,
      delta: sum.points,
      balance: Number(points),
      version: Number(version),
    });
  }
  // Walk each customer's events in seq order from the balance before the batch: did an honoured
  // redemption take it below zero? (Accepted, never refused: the account is flagged instead.)
  const running = new Map<string, number>();
  for (const [customerId, t] of touched) running.set(customerId, t.balance - t.delta);
  for (const p of accepted) {
    const customerId = p.customerId;
    if (customerId === null) continue;
    const after = (running.get(customerId) ?? 0) + p.delta;
    running.set(customerId, after);
    const t = touched.get(customerId);
    if (t && p.event.type === 'points.redeemed' && after < 0) {
      if (!t.overdrawnBy || after < t.overdrawnBy.lowest)
        t.overdrawnBy = { eventId: p.event.id, lowest: after };
    }
  }
  return touched;
}

/** Enrolment and consent events update the customer's profile; the last one in seq order wins. */
async function applyProfiles(tx: Queryable, accepted: Prepared[]): Promise<void> {
  interface Profile {
    id: string;
    enrolled_at: string | null;
    first_name: string | null;
    terms_version: string | null;
    terms_accepted_at: string | null;
    sms_consent: boolean | null;
    sms_consent_at: string | null;
  }
  const profiles = new Map<string, Profile>();
  for (const p of accepted) {
    const e = p.event;
    if (e.type !== 'customer.enrolled' && e.type !== 'consent.changed') continue;
    const id = p.customerId as string;
    const profile = profiles.get(id) ?? {
      id,
      enrolled_at: null,
      first_name: null,
      terms_version: null,
      terms_accepted_at: null,
      sms_consent: null,
      sms_consent_at: null,
    };
    if (e.type === 'customer.enrolled') {
      profile.enrolled_at ??= e.occurredAt;
      if (e.payload.firstName !== null) profile.first_name = e.payload.firstName;
      profile.terms_version = e.payload.consent.termsVersion;
      profile.terms_accepted_at = e.occurredAt;
      profile.sms_consent = e.payload.consent.sms;
      profile.sms_consent_at = e.occurredAt;
    } else {
      profile.terms_version = e.payload.termsVersion;
      profile.terms_accepted_at = e.occurredAt;
      profile.sms_consent = e.payload.sms;
      profile.sms_consent_at = e.occurredAt;
    }
    profiles.set(id, profile);
  }
  if (profiles.size === 0) return;
  await tx.query(
    `UPDATE customers c SET
       enrolled_at = COALESCE(c.enrolled_at, x.enrolled_at),
       first_name = COALESCE(x.first_name, c.first_name),
       terms_version = COALESCE(x.terms_version, c.terms_version),
       terms_accepted_at = COALESCE(x.terms_accepted_at, c.terms_accepted_at),
       sms_consent = COALESCE(x.sms_consent, c.sms_consent),
       sms_consent_at = COALESCE(x.sms_consent_at, c.sms_consent_at)
     FROM json_to_recordset($1::json) AS x(
            id uuid, enrolled_at timestamptz, first_name text, terms_version text,
            terms_accepted_at timestamptz, sms_consent boolean, sms_consent_at timestamptz)
     WHERE c.id = x.id AND c.id = ANY($2::uuid[])`,
    // The ids again as an array: json_to_recordset is estimated at 100 rows whatever it holds, so
    // without an index condition on customers the planner hashes the records and reads every
    // customer through the primary key (26,000 in the load benchmark) to join a handful.
    [JSON.stringify([...profiles.values()]), arrayLiteral([...profiles.keys()])],
  );
}

import type { Db } from '../db/connection';
import { createOutbox } from '../outbox/outbox';
import {
  canonicalJson,
  LedgerEventSchema,
  pointsDelta,
  type EventPayload,
  type EventType,
  type LedgerEvent,
} from '../../shared/events';
import { businessDayOf } from '../../shared/time';

/** Everything about a new event that the caller decides; the writer adds id, seq, times. */
export interface EventDraft<T extends EventType = EventType> {
  type: T;
  phone: string | null;
  payload: EventPayload<T>;
  ruleVersion: number;
}

export interface EventContext {
  deviceId: string;
  timeZone: string;
  now: Date;
  /** The first business day still open (the day after the last close); earlier days are closed. */
  earliestDay?: string;
}

/** The customer's balance row right after the event, or null for a store event (day.closed). */
export interface BalanceAfter {
  unsynced_points: number;
  confirmed_points: number | null;
}

export type EventWriter = (
  draft: EventDraft,
  context: EventContext,
) => { event: LedgerEvent; balance: BalanceAfter | null };

/**
 * The one write path of the ledger. Inside the caller's transaction it takes the next seq, writes
 * the event, its outbox row and the customer's balance. Callers wrap it with their own reads and
 * read-model updates in one transaction; the invariants depend on nobody writing events any other
 * way.
 */
export function createEventWriter(db: Db, newEventId: () => string): EventWriter {
  const outbox = createOutbox(db);
  // The next seq is derived from the last event rather than kept in a counter row: one page less
  // for every check-in to write and fsync, and no second copy of the truth that could disagree.
  // The caller's IMMEDIATE transaction holds the write lock, so nobody else can take the same one.
  const nextSeq = db.prepare('SELECT coalesce(max(seq), 0) + 1 FROM ledger_events').pluck();
  const insertEvent = db.prepare(
    `INSERT INTO ledger_events (seq, id, type, phone, points_delta, business_day, occurred_at, rule_version, body)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const addToBalance = db.prepare(
    `INSERT INTO balances (phone, local_points, unsynced_points) VALUES (?, ?, ?)
     ON CONFLICT (phone) DO UPDATE SET local_points = local_points + excluded.local_points,
                                       unsynced_points = unsynced_points + excluded.unsynced_points
     RETURNING unsynced_points, confirmed_points`,
  );

  return (draft, context) => {
    if (!db.inTransaction) throw new Error('Ledger events must be written inside a transaction.');
    const seq = nextSeq.get() as number;
    // Parsing what we are about to store means an invalid event can never reach the outbox,
    // where it would be rejected by the server long after anyone could fix it.
    const event = LedgerEventSchema.parse({
      id: newEventId(),
      deviceId: context.deviceId,
      seq,
      occurredAt: context.now.toISOString(),
      businessDay: openBusinessDay(context),
      ruleVersion: draft.ruleVersion,
      type: draft.type,
      phone: draft.phone,
      payload: draft.payload,
    });
    const delta = pointsDelta(event);
    insertEvent.run(
      seq,
      event.id,
      event.type,
      event.phone,
      delta,
      event.businessDay,
      event.occurredAt,
      event.ruleVersion,
      canonicalJson(event),
    );
    outbox.enqueue(seq);
    const balance =
      event.phone === null ? null : (addToBalance.get(event.phone, delta, delta) as BalanceAfter);
    return { event, balance };
  };
}

/** The event's business day: its date in the store's zone, or the first open day after a close. */
function openBusinessDay(context: EventContext): string {
  const day = businessDayOf(context.now, context.timeZone);
  return context.earliestDay !== undefined && day < context.earliestDay ? context.earliestDay : day;
}

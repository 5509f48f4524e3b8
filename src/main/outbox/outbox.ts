import type { Db } from '../db/connection';

/**
 * The outbox: one row per ledger event, written in the event's own transaction, so an event can
 * never exist without being queued for the server. The sync engine reads pending rows in seq order
 * and settles them with the server's answer. Rows are kept after settlement (state changes), which
 * makes "every event has its outbox row" an invariant anyone can check.
 */

export type OutboxState = 'pending' | 'accepted' | 'duplicate' | 'rejected';

export interface PendingEvent {
  seq: number;
  id: string;
  phone: string | null;
  pointsDelta: number;
  /** The canonical JSON body, sent as stored so every retry carries the same bytes. */
  body: string;
  attempts: number;
}

export interface Settlement {
  seq: number;
  state: Exclude<OutboxState, 'pending'>;
  reason?: string;
}

export interface Outbox {
  /** Queues an event; the caller's transaction must also write the event itself. */
  enqueue(seq: number): void;
  /** The oldest pending events, in seq order, at most `limit`. */
  pending(limit: number): PendingEvent[];
  pendingCount(): number;
  /** Records a failed attempt for these events (the server was unreachable or answered 5xx). */
  recordAttempt(seqs: readonly number[], error: string): void;
  /**
   * Settles events with the server's answer, and in the same transaction takes each settled
   * event's points out of its customer's unsynced balance: the server's confirmed balance now
   * holds them (accepted, duplicate) or never will (rejected).
   */
  settle(settlements: readonly Settlement[], confirmed: readonly ConfirmedBalance[], now: Date): void;
}

/** A customer's balance as the server confirmed it, including every event it has settled. */
export interface ConfirmedBalance {
  phone: string;
  points: number;
}

export function createOutbox(db: Db): Outbox {
  const insert = db.prepare('INSERT INTO outbox (seq) VALUES (?)');
  const selectPending = db.prepare(
    `SELECT o.seq, e.id, e.phone, e.points_delta AS pointsDelta, e.body, o.attempts
       FROM outbox o JOIN ledger_events e ON e.seq = o.seq
      WHERE o.state = 'pending'
      ORDER BY o.seq
      LIMIT ?`,
  );
  const countPending = db.prepare("SELECT count(*) AS n FROM outbox WHERE state = 'pending'");
  const bumpAttempt = db.prepare(
    "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ? AND state = 'pending'",
  );
  const markSettled = db.prepare(
    "UPDATE outbox SET state = ?, last_error = ?, settled_at = ? WHERE seq = ? AND state = 'pending' RETURNING seq",
  );
  const eventOf = db.prepare('SELECT phone, points_delta AS pointsDelta FROM ledger_events WHERE seq = ?');
  const takeFromUnsynced = db.prepare(
    'UPDATE balances SET unsynced_points = unsynced_points - ? WHERE phone = ?',
  );
  const saveConfirmed = db.prepare(
    `INSERT INTO balances (phone, confirmed_points, confirmed_at) VALUES (?, ?, ?)
     ON CONFLICT (phone) DO UPDATE SET confirmed_points = excluded.confirmed_points, confirmed_at = excluded.confirmed_at`,
  );

  const recordAttempt = db.transaction((seqs: readonly number[], error: string) => {
    for (const seq of seqs) bumpAttempt.run(error, seq);
  });

  const settle = db.transaction(
    (settlements: readonly Settlement[], confirmed: readonly ConfirmedBalance[], now: Date) => {
      for (const { seq, state, reason } of settlements) {
        // Settling twice (a retried answer) must not take the points out twice.
        if (!markSettled.get(state, reason ?? null, now.toISOString(), seq)) continue;
        const event = eventOf.get(seq) as { phone: string | null; pointsDelta: number };
        if (event.phone !== null && event.pointsDelta !== 0)
          takeFromUnsynced.run(event.pointsDelta, event.phone);
      }
      for (const balance of confirmed) saveConfirmed.run(balance.phone, balance.points, now.toISOString());
    },
  );

  return {
    enqueue: (seq) => void insert.run(seq),
    pending: (limit) => selectPending.all(limit) as PendingEvent[],
    pendingCount: () => (countPending.get() as { n: number }).n,
    recordAttempt: (seqs, error) => recordAttempt.immediate(seqs, error),
    settle: (settlements, confirmed, now) => settle.immediate(settlements, confirmed, now),
  };
}

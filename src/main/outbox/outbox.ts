import type { Db } from '../db/connection';

/**
 * The outbox: one row per ledger event the server has not settled yet, written in the event's own
 * transaction, so an event can never exist without being queued for the server. The sync engine
 * reads it in seq order and settles events with the server's answer, which moves each one to
 * settled_events in one transaction: every event is in exactly one of the two tables, and the
 * queue holds only what is still to send.
 */

export type SettledState = 'accepted' | 'duplicate' | 'rejected';

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
  state: SettledState;
  reason?: string;
}

/** A customer's balance as the server confirmed it, including every event it has settled. */
export interface ConfirmedBalance {
  phone: string;
  points: number;
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
   * Settles events with the server's answer and saves the confirmed balances it sent, in one
   * transaction. Each settled event's points leave its customer's unsynced balance: the confirmed
   * balance now holds them (accepted, duplicate) or never will (rejected).
   */
  settle(settlements: readonly Settlement[], confirmed: readonly ConfirmedBalance[], now: Date): void;
  /**
   * Queues settled events again from `fromSeq` on, when the server turns out not to have them (it
   * was restored from an older backup and answers seq_gap). Their points go back into the unsynced
   * balance, the exact inverse of settle. Returns how many events were queued again.
   */
  requeueFrom(fromSeq: number): number;
}

export function createOutbox(db: Db): Outbox {
  const insert = db.prepare('INSERT INTO outbox (seq) VALUES (?)');
  const selectPending = db.prepare(
    `SELECT o.seq, e.id, e.phone, e.points_delta AS pointsDelta, e.body, o.attempts
       FROM outbox o JOIN ledger_events e ON e.seq = o.seq
      ORDER BY o.seq
      LIMIT ?`,
  );
  const countPending = db.prepare('SELECT count(*) FROM outbox').pluck();
  const bumpAttempt = db.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?');
  const dequeue = db.prepare(
    `DELETE FROM outbox WHERE seq = ?
     RETURNING (SELECT phone FROM ledger_events WHERE seq = outbox.seq) AS phone,
               (SELECT points_delta FROM ledger_events WHERE seq = outbox.seq) AS pointsDelta`,
  );
  const recordSettled = db.prepare(
    'INSERT INTO settled_events (seq, state, reason, settled_at) VALUES (?, ?, ?, ?)',
  );
  const takeFromUnsynced = db.prepare(
    'UPDATE balances SET unsynced_points = unsynced_points - ? WHERE phone = ?',
  );
  const saveConfirmed = db.prepare(
    `INSERT INTO balances (phone, confirmed_points, confirmed_at) VALUES (?, ?, ?)
     ON CONFLICT (phone) DO UPDATE SET confirmed_points = excluded.confirmed_points, confirmed_at = excluded.confirmed_at`,
  );

  const settledFrom = db.prepare(
    `SELECT s.seq, e.phone, e.points_delta AS pointsDelta
       FROM settled_events s JOIN ledger_events e ON e.seq = s.seq
      WHERE s.seq >= ? ORDER BY s.seq`,
  );
  const unsettle = db.prepare('DELETE FROM settled_events WHERE seq = ?');
  const giveBackToUnsynced = db.prepare(
    'UPDATE balances SET unsynced_points = unsynced_points + ? WHERE phone = ?',
  );

  const requeueFrom = db.transaction((fromSeq: number) => {
    const rows = settledFrom.all(fromSeq) as { seq: number; phone: string | null; pointsDelta: number }[];
    for (const row of rows) {
      unsettle.run(row.seq);
      insert.run(row.seq);
      if (row.phone !== null && row.pointsDelta !== 0) giveBackToUnsynced.run(row.pointsDelta, row.phone);
    }
    return rows.length;
  });

  const recordAttempt = db.transaction((seqs: readonly number[], error: string) => {
    for (const seq of seqs) bumpAttempt.run(error, seq);
  });

  const settle = db.transaction(
    (settlements: readonly Settlement[], confirmed: readonly ConfirmedBalance[], now: Date) => {
      const at = now.toISOString();
      for (const { seq, state, reason } of settlements) {
        // An event settled before (a retried answer) is no longer queued: skip it, so its points
        // are not taken out twice.
        const event = dequeue.get(seq) as { phone: string | null; pointsDelta: number } | undefined;
        if (!event) continue;
        recordSettled.run(seq, state, reason ?? null, at);
        if (event.phone !== null && event.pointsDelta !== 0)
          takeFromUnsynced.run(event.pointsDelta, event.phone);
      }
      for (const balance of confirmed) saveConfirmed.run(balance.phone, balance.points, at);
    },
  );

  return {
    enqueue: (seq) => void insert.run(seq),
    pending: (limit) => selectPending.all(limit) as PendingEvent[],
    pendingCount: () => countPending.get() as number,
    recordAttempt: (seqs, error) => recordAttempt.immediate(seqs, error),
    settle: (settlements, confirmed, now) => settle.immediate(settlements, confirmed, now),
    requeueFrom: (fromSeq) => requeueFrom.immediate(fromSeq),
  };
}
